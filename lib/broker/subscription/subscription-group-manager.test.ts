import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SubscriptionGroupManager, newSubscriptionGroupConfig } from './subscription-group-manager.ts';
import { silentLog, testConfig, withTempDir } from '../test-util.ts';

describe('subscription groups', () => {
  test('starts with RocketMQ\'s system groups', () => withTempDir((dir) => {
    const m = new SubscriptionGroupManager(() => testConfig(), path.join(dir, 's.json'), silentLog);
    for (const g of ['TOOLS_CONSUMER', 'FILTERSRV_CONSUMER', 'SELF_TEST_C_GROUP', 'CID_ONS-HTTP-PROXY', 'CID_ONSAPI_PULL', 'CID_ONSAPI_PERMISSION', 'CID_ONSAPI_OWNER']) {
      assert.ok(m.get(g), g);
    }
  }));

  test('unknown groups are created with defaults when auto-creation is on, and only system ones when off', () => withTempDir((dir) => {
    const on = new SubscriptionGroupManager(() => testConfig(), path.join(dir, 'a.json'), silentLog);
    const g = on.findSubscriptionGroupConfig('new_cg')!;
    assert.equal(g.retryQueueNums, 1);
    assert.equal(g.retryMaxTimes, 16);
    assert.equal(g.consumeEnable, true);
    const off = new SubscriptionGroupManager(() => testConfig({ autoCreateSubscriptionGroup: false }), path.join(dir, 'b.json'), silentLog);
    assert.equal(off.findSubscriptionGroupConfig('new_cg'), undefined);
    assert.ok(off.findSubscriptionGroupConfig('CID_RMQ_SYS_X'));
  }));

  test('updates and deletes persist and load back with the data version', async () => withTempDir(async (dir) => {
    const file = path.join(dir, 'subscriptionGroup.json');
    const m = new SubscriptionGroupManager(() => testConfig(), file, silentLog);
    m.updateSubscriptionGroupConfig(newSubscriptionGroupConfig('kept', { retryMaxTimes: 3 }));
    m.updateSubscriptionGroupConfig(newSubscriptionGroupConfig('gone'));
    m.deleteSubscriptionGroupConfig('gone');
    await m.flush();
    const again = new SubscriptionGroupManager(() => testConfig(), file, silentLog);
    again.load();
    assert.equal(again.get('kept')!.retryMaxTimes, 3);
    assert.equal(again.get('gone'), undefined);
    assert.deepEqual(again.dataVersion, m.dataVersion);
  }));
});
