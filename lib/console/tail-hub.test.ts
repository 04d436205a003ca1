import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TailConfigError, tailLimitsFromEnv } from './tail-hub.ts';

test('the tail limits come from the environment; a bad one names its variable', () => {
  assert.deepEqual(tailLimitsFromEnv({}), { perUser: 5, total: 100, rateLimit: 100, maxRate: 1000 });
  assert.equal(tailLimitsFromEnv({ ROCKETDECK_TAIL_MAX_PER_USER: '2' }).perUser, 2);
  assert.throws(() => tailLimitsFromEnv({ ROCKETDECK_TAIL_RATE: '0' }), (e: unknown) => e instanceof TailConfigError && /ROCKETDECK_TAIL_RATE/.test((e as Error).message));
});
