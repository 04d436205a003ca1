import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { subGroupConfigOf } from './group-config.ts';
import { encodeSubscriptionGroupConfig } from '../protocol/bodies/index.ts';
import { loadVector } from '../protocol/fixtures/vectors.ts';

describe('updateSubGroup config', () => {
  test('the defaults give the body mqadmin 4.9.8 sent, byte for byte', () => {
    const body = encodeSubscriptionGroupConfig(subGroupConfigOf({ groupName: 'vec_sub_cg' }));
    assert.deepEqual(body, loadVector('200-UPDATE_AND_CREATE_SUBSCRIPTIONGROUP').request.body);
  });

  test('given flags override the defaults; 5.x-only fields appear only when set', () => {
    const c = subGroupConfigOf({ groupName: 'g', consumeBroadcastEnable: true, retryMaxTimes: 3, consumeMessageOrderly: true });
    assert.equal(c.consumeBroadcastEnable, true);
    assert.equal(c.retryMaxTimes, 3);
    assert.equal(c.consumeMessageOrderly, true);
    assert.equal('consumeMessageOrderly' in subGroupConfigOf({ groupName: 'g' }), false);
  });
});
