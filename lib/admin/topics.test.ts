import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyTopic, systemNamesOf } from './topics.ts';

describe('topic classification', () => {
  const extra = systemNamesOf({ clusters: { DefaultCluster: ['broker-a'] }, brokers: [{ clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: {} }] });

  test('system topics, cluster and broker names and the reply topic are SYSTEM', () => {
    for (const t of ['TBW102', 'SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRACE_TOPIC', 'rmq_sys_wheel_timer', 'DefaultCluster', 'broker-a', 'DefaultCluster_REPLY_TOPIC']) {
      assert.equal(classifyTopic(t, extra).kind, 'SYSTEM', t);
      assert.equal(classifyTopic(t, extra).system, true, t);
    }
  });

  test('retry, DLQ and LMQ topics have their own kind; the rest are NORMAL', () => {
    assert.equal(classifyTopic('%RETRY%g1', extra).kind, 'RETRY');
    assert.equal(classifyTopic('%DLQ%g1', extra).kind, 'DLQ');
    assert.equal(classifyTopic('%LMQ%x', extra).kind, 'LMQ');
    assert.deepEqual(classifyTopic('orders', extra), { topic: 'orders', kind: 'NORMAL', system: false });
  });
});
