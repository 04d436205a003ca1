// Sign-in rate limits: sliding windows per username and per remote address, and their settings from the environment.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureWindow, LoginLimiter, loginLimitsFromEnv, DEFAULT_LOGIN_LIMITS } from './rate-limit.ts';
import { AuthConfigError } from './auth.ts';

describe('failure window', () => {
  test('max failures within the window hold a key back until the oldest ages out; clear forgets the key', () => {
    const t = new FailureWindow(5, 300_000);
    for (let i = 0; i < 4; i++) t.fail('op', 1000 + i);
    assert.equal(t.retryAfterMs('op', 2000), 0);
    t.fail('op', 1004);
    assert.equal(t.retryAfterMs('op', 2000), 1000 + 300_000 - 2000);
    assert.equal(t.retryAfterMs('other', 2000), 0, 'per key');
    assert.equal(t.retryAfterMs('op', 301_001), 0, 'the oldest failure aged out');
    t.fail('x', 0);
    t.clear('x');
    assert.equal(t.retryAfterMs('x', 1), 0);
  });

  test('aged keys are dropped, so memory follows recent failures only', () => {
    const t = new FailureWindow(3, 1000);
    for (let i = 0; i < 100; i++) t.fail(`k${i}`, 0);
    for (let i = 0; i < 100; i++) t.retryAfterMs(`k${i}`, 5000);
    assert.equal(t.size, 0);
  });
});

describe('login limiter', () => {
  const limits = { perUser: 3, perAddress: 5, windowMs: 60_000 };

  test('one address trying many usernames is held back by the address limit', () => {
    const l = new LoginLimiter(limits);
    for (let i = 0; i < 5; i++) {
      assert.equal(l.check('10.0.0.1', `user${i}`, 1000 + i).retryAfterMs, 0);
      l.fail('10.0.0.1', `user${i}`, 1000 + i);
    }
    const v = l.check('10.0.0.1', 'user99', 2000);
    assert.equal(v.by, 'address');
    assert.equal(v.retryAfterMs, 1000 + 60_000 - 2000);
    assert.equal(l.check('10.0.0.2', 'user99', 2000).retryAfterMs, 0, 'another address may still try');
  });

  test('one username tried from many addresses is held back by the username limit; a success clears it', () => {
    const l = new LoginLimiter(limits);
    for (let i = 0; i < 3; i++) l.fail(`10.0.0.${i}`, 'op', 1000);
    const v = l.check('10.9.9.9', 'op', 1500);
    assert.equal(v.by, 'username');
    assert.ok(v.retryAfterMs > 0);
    l.succeed('op');
    assert.equal(l.check('10.9.9.9', 'op', 1500).retryAfterMs, 0);
  });

  test('a success does not reset the address allowance', () => {
    const l = new LoginLimiter(limits);
    for (let i = 0; i < 5; i++) l.fail('10.0.0.1', `u${i}`, 1000);
    l.succeed('u0');
    assert.equal(l.check('10.0.0.1', 'u0', 1001).by, 'address');
  });

  test('settings from the environment; a bad value names its key', () => {
    assert.deepEqual(loginLimitsFromEnv({}), DEFAULT_LOGIN_LIMITS);
    assert.deepEqual(loginLimitsFromEnv({ ROCKETDECK_LOGIN_MAX_FAILURES_PER_USER: '2', ROCKETDECK_LOGIN_MAX_FAILURES_PER_ADDRESS: '9', ROCKETDECK_LOGIN_WINDOW_MS: '1000' }), {
      perUser: 2, perAddress: 9, windowMs: 1000,
    });
    assert.throws(() => loginLimitsFromEnv({ ROCKETDECK_LOGIN_MAX_FAILURES_PER_ADDRESS: 'lots' }), (e: Error) => e instanceof AuthConfigError && /ROCKETDECK_LOGIN_MAX_FAILURES_PER_ADDRESS/.test(e.message));
    assert.throws(() => loginLimitsFromEnv({ ROCKETDECK_LOGIN_WINDOW_MS: '0' }), /ROCKETDECK_LOGIN_WINDOW_MS/);
  });
});
