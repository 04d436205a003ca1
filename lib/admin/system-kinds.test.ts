import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeClusterInfo, decodeSubscriptionGroupWrapper, decodeTopicList } from '../protocol/bodies/index.ts';
import { loadApache5 } from './fixtures/apache5.ts';
import { systemGroupKind, systemTopicKind } from './system-kinds.ts';
import { classifyTopic } from './topics.ts';
import { isSystemGroup } from './groups.ts';

describe('system topics and groups of a real Apache RocketMQ 5.3.3 cluster (broker, slave, cluster-mode proxy)', () => {
  const topics = decodeTopicList(loadApache5('topic-list').response.body).topicList;
  const info = decodeClusterInfo(loadApache5('cluster-info').response.body);
  const names = { clusters: [...info.clusterAddrTable.keys()], brokers: [...info.brokerAddrTable.keys()] };

  test('every topic the cluster made for itself is system, with its kind; the user topics are not', () => {
    const kinds = Object.fromEntries(topics.map((t) => [t, classifyTopic(t, names)]));
    const expected: Record<string, string> = {
      TBW102: 'auto-create template', SCHEDULE_TOPIC_XXXX: 'schedule', BenchmarkTest: 'benchmark',
      RMQ_SYS_TRANS_HALF_TOPIC: 'transaction', RMQ_SYS_TRANS_OP_HALF_TOPIC: 'transaction', SELF_TEST_TOPIC: 'self test',
      OFFSET_MOVED_EVENT: 'offset moved', rmq_sys_wheel_timer: 'timer wheel', rmq_sys_REVIVE_LOG_DefaultCluster: 'revive log',
      'rmq_sys_SYNC_BROKER_MEMBER_broker-a': 'broker member sync', DefaultHeartBeatSyncerTopic: 'heartbeat sync',
      '%RETRY%CID_DefaultHeartBeatSyncerTopic': 'heartbeat sync', DefaultCluster: 'cluster name',
      DefaultCluster_REPLY_TOPIC: 'reply', 'broker-a': 'broker name',
    };
    for (const [t, kind] of Object.entries(expected)) {
      assert.ok(topics.includes(t), `${t} is in 5.3.3's topic list`);
      assert.equal(kinds[t]!.system, true, t);
      assert.equal(kinds[t]!.systemKind, kind, t);
    }
    const user = topics.filter((t) => !kinds[t]!.system).sort();
    assert.deepEqual(user, ['A5Delay', 'A5Fifo', 'A5Normal']);
    assert.equal(kinds['%RETRY%CID_DefaultHeartBeatSyncerTopic']!.kind, 'RETRY');
  });

  test('every group a 5.3.3 broker creates for itself is system; a user POP group is not', () => {
    const groups = [...decodeSubscriptionGroupWrapper(loadApache5('subscription-groups').response.body).subscriptionGroupTable.keys()];
    const user = groups.filter((g) => !isSystemGroup(g));
    assert.deepEqual(user.sort(), ['A5PopGroup', 'A5PushLike']);
    assert.ok(groups.includes('CID_RMQ_SYS_TRANS'));
    assert.equal(systemGroupKind('CID_RMQ_SYS_TRANS'), 'transaction');
    assert.equal(systemGroupKind('CID_RMQ_SYS_REVIVE_GROUP'), 'revive log');
    assert.equal(systemGroupKind('CID_DefaultHeartBeatSyncerTopic'), 'heartbeat sync');
    assert.equal(systemGroupKind('TOOLS_CONSUMER'), 'tools');
    assert.equal(systemGroupKind('A5PopGroup'), undefined);
  });

  test('POP retry topics of user groups stay user topics; rmq_sys_ names are system whatever follows', () => {
    assert.deepEqual(classifyTopic('%RETRY%A5PopGroup_A5Normal', names), { topic: '%RETRY%A5PopGroup_A5Normal', kind: 'RETRY', system: false });
    assert.equal(systemTopicKind('rmq_sys_TRACE_DATA_DefaultRegion'), 'trace');
    assert.equal(systemTopicKind('rmq_sys_something_new'), 'system');
    assert.equal(systemTopicKind('orders', names), undefined);
  });
});
