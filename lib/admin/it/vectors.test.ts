// The admin client asks exactly what mqadmin 4.9.8 asked (same codes, header fields, bodies) and reads the answers a
// real Apache RocketMQ 4.9.8 gave, replayed from the captured vectors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminClient } from '../client.ts';
import { ReplayServer } from './replay-server.ts';
import { RequestCode as C } from '../../protocol/codes.ts';
import { parseFastJson, toPlain } from '../../protocol/fastjson.ts';
import { readBodyText } from '../../protocol/fixtures/vectors.ts';
import { createMessageId } from '../../protocol/message.ts';
import type { RemotingCommand } from '../../remoting/command.ts';

let replay: ReplayServer;
let admin: AdminClient;

before(async () => {
  replay = await ReplayServer.start();
  admin = new AdminClient({ namesrvAddr: replay.addr, timeoutMs: 2000 });
});

after(async () => {
  await admin.close();
  await replay.close();
});

function last(code: number): RemotingCommand {
  const all = replay.sent(code);
  assert.ok(all.length > 0, `no request ${code} was sent`);
  return all[all.length - 1]!;
}

/** Our request has the captured request's code, language, version and header fields (values too, except `anyValue`). */
function assertLikeCaptured(ours: RemotingCommand, dir: string, opts: { anyValue?: string[]; extra?: string[] } = {}): void {
  const captured = replay.vector(dir).request;
  assert.equal(ours.code, captured.code);
  assert.equal(ours.language, captured.language);
  assert.equal(ours.version, captured.version);
  const mine = { ...(ours.extFields ?? {}) };
  for (const k of opts.extra ?? []) delete mine[k];
  const theirs = captured.extFields ?? {};
  assert.deepEqual(Object.keys(mine).sort(), Object.keys(theirs).sort(), `${dir}: header fields`);
  for (const [k, v] of Object.entries(theirs)) {
    if (!opts.anyValue?.includes(k)) assert.equal(mine[k], v, `${dir}: field ${k}`);
  }
}

describe('admin client against replayed RocketMQ 4.9.8 answers', () => {
  test('clusterList reads GET_BROKER_CLUSTER_INFO, then runtime info and config of each broker', async () => {
    const r = await admin.clusterList();
    assertLikeCaptured(last(C.GET_BROKER_CLUSTER_INFO), '106-GET_BROKER_CLUSTER_INFO');
    assertLikeCaptured(last(C.GET_BROKER_RUNTIME_INFO), '28-GET_BROKER_RUNTIME_INFO');
    assertLikeCaptured(last(C.GET_BROKER_CONFIG), '26-GET_BROKER_CONFIG');
    assert.deepEqual(r.clusters, [{ clusterName: 'DefaultCluster', brokerNames: ['broker-a'] }]);
    assert.deepEqual(r.brokers.map((b) => [b.brokerName, b.brokerId, b.role, b.version, b.namesrvs]), [
      ['broker-a', 0, 'MASTER', 'V4_9_8', [replay.addr]],
      ['broker-a', 1, 'SLAVE', 'V4_9_8', [replay.addr]],
    ]);
    assert.equal(r.brokers[0]!.brokerRole, 'ASYNC_MASTER'); // the captured broker's config
    assert.deepEqual([r.errors, r.warnings, r.namesrvErrors], [[], [], []]);
  });

  test('topicList, topicRoute and topicStatus ask as mqadmin does', async () => {
    const list = await admin.topicList();
    assertLikeCaptured(last(C.GET_ALL_TOPIC_LIST_FROM_NAMESERVER), '206-GET_ALL_TOPIC_LIST_FROM_NAMESERVER');
    const kind = Object.fromEntries(list.topics.map((t) => [t.topic, t.kind]));
    assert.equal(kind.VecTopic, 'NORMAL');
    assert.equal(kind.TBW102, 'SYSTEM');
    assert.equal(kind['broker-a'], 'SYSTEM');
    assert.equal(kind.DefaultCluster, 'SYSTEM');
    assert.equal(kind.DefaultCluster_REPLY_TOPIC, 'SYSTEM');

    const route = await admin.topicRoute('VecTopic');
    assertLikeCaptured(last(C.GET_ROUTEINFO_BY_TOPIC), '105-GET_ROUTEINFO_BY_TOPIC');
    assert.deepEqual(route.brokerDatas, [{ clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: replay.addr, 1: replay.addr } }]);
    assert.deepEqual(route.queueDatas, [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]);

    const status = await admin.topicStatus('VecTopic');
    assertLikeCaptured(last(C.GET_TOPIC_STATS_INFO), '202-GET_TOPIC_STATS_INFO');
    assert.deepEqual(status.queues.map((q) => [q.brokerName, q.queueId, q.minOffset, q.maxOffset]), [0, 1, 2, 3].map((i) => ['broker-a', i, 0, 250]));
    assert.equal(status.totalMessages, 1000);
  });

  test('the topic-to-broker map takes one GET_ALL_TOPIC_CONFIG per broker group; consumers of a topic come from 300', async () => {
    const map = await admin.topicBrokerMap();
    assertLikeCaptured(last(C.GET_ALL_TOPIC_CONFIG), '21-GET_ALL_TOPIC_CONFIG');
    const vec = map.topics.find((t) => t.topic === 'VecTopic');
    assert.deepEqual(vec?.brokers, [{ clusterName: 'DefaultCluster', brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, order: false }]);
    assert.equal(map.topics.find((t) => t.topic === 'SCHEDULE_TOPIC_XXXX')?.kind, 'SYSTEM');

    const who = await admin.topicConsumers('VecTopic');
    assertLikeCaptured(last(C.QUERY_TOPIC_CONSUME_BY_WHO), '300-QUERY_TOPIC_CONSUME_BY_WHO');
    assert.deepEqual(who.groups, ['vec_cg']);
  });

  test('consumerProgress -g reads GET_CONSUME_STATS with the group only', async () => {
    const r = await admin.consumerProgress('vec_cg');
    assertLikeCaptured(last(C.GET_CONSUME_STATS), '208-GET_CONSUME_STATS');
    assert.ok(r.queues.length > 0);
    for (const q of r.queues) assert.equal(q.diff, q.brokerOffset - q.consumerOffset);
    assert.equal(r.diffTotal, r.queues.reduce((n, q) => n + q.diff, 0));
  });

  test('the group list comes from GET_ALL_SUBSCRIPTIONGROUP_CONFIG and GET_BROKER_CONSUME_STATS, one call each per broker', async () => {
    const before = replay.requests.length;
    const r = await admin.groupList();
    const calls = replay.requests.slice(before).map((q) => q.code).sort((a, b) => a - b);
    assert.deepEqual(calls, [C.GET_BROKER_CLUSTER_INFO, C.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, C.GET_BROKER_CONSUME_STATS].sort((a, b) => a - b));
    assertLikeCaptured(last(C.GET_ALL_SUBSCRIPTIONGROUP_CONFIG), '201-GET_ALL_SUBSCRIPTIONGROUP_CONFIG');
    assertLikeCaptured(last(C.GET_BROKER_CONSUME_STATS), '317-GET_BROKER_CONSUME_STATS');
    const g = Object.fromEntries(r.groups.map((x) => [x.group, x]));
    assert.deepEqual(g.retry_cg!.topics, ['%RETRY%retry_cg', 'VecTopicX']);
    assert.equal(g.retry_cg!.diffTotal, 1);
    assert.ok(g.retry_cg!.consumeTps > 0.3);
    assert.equal(g.vec_sub_cg!.settings?.consumeBroadcastEnable, false);
    assert.equal(g.SELF_TEST_C_GROUP!.system, true);
    assert.equal(g.retry_cg!.system, false);
  });

  test('connections and running info use the 4.9.8 headers', async () => {
    const cc = await admin.consumerConnection('vec_cg');
    assertLikeCaptured(last(C.GET_CONSUMER_CONNECTION_LIST), '203-GET_CONSUMER_CONNECTION_LIST');
    assert.equal(cc.connections[0]!.clientId, '192.0.2.2@demo-consumer-1732855559170');
    assert.equal(cc.connections[0]!.versionDesc, 'V4_9_8');
    assert.equal(cc.messageModel, 'CLUSTERING');
    assert.ok(cc.subscriptions.some((s) => s.topic === 'VecTopic'));

    const pc = await admin.producerConnection('extras_producer_group', 'VecTopic');
    assertLikeCaptured(last(C.GET_PRODUCER_CONNECTION_LIST), '204-GET_PRODUCER_CONNECTION_LIST');
    assert.equal(pc.connections.length, 1);

    const ri = await admin.consumerRunningInfo('vec_cg', '192.0.2.2@demo-consumer-1732855559170');
    assertLikeCaptured(last(C.GET_CONSUMER_RUNNING_INFO), '307-GET_CONSUMER_RUNNING_INFO');
    assert.ok(ri.queues.length > 0);
    assert.ok(ri.properties.PROP_CONSUME_TYPE);
  });

  test('messages: by key, by offset id and by unique key', async () => {
    const byKey = await admin.queryMessageByKey({ topic: 'VecTopic', key: 'KEY-7', maxNum: 32 });
    assertLikeCaptured(last(C.QUERY_MESSAGE), '12-QUERY_MESSAGE');
    assert.deepEqual(byKey.messages.map((m) => [m.keys, m.body]), [[['KEY-7'], 'Hello RocketMQ 7']]);

    const [view] = await admin.viewMessage(createMessageId({ address: '127.0.0.1', port: Number(replay.addr.split(':')[1]) }, 0));
    assertLikeCaptured(last(C.VIEW_MESSAGE_BY_ID), '33-VIEW_MESSAGE_BY_ID');
    assert.equal(view!.body, 'Hello RocketMQ 0');

    replay.overrides.set(C.QUERY_MESSAGE, '12-QUERY_MESSAGE-uniqKey');
    try {
      const viewsBefore = replay.sent(C.VIEW_MESSAGE_BY_ID).length;
      const [m] = await admin.viewMessage('C0000202255C5FFD2B277B1608850000', { topic: 'VecTopic' });
      assertLikeCaptured(last(C.QUERY_MESSAGE), '12-QUERY_MESSAGE-uniqKey');
      assert.equal(replay.sent(C.VIEW_MESSAGE_BY_ID).length, viewsBefore, 'a unique key naming no known broker is not tried as an offset id');
      assert.equal(m!.msgId, 'C0000202255C5FFD2B277B1608850000');
    } finally {
      replay.overrides.delete(C.QUERY_MESSAGE);
    }
  });

  test('updateTopic (ordered) writes UPDATE_AND_CREATE_TOPIC and the order config as mqadmin does', async () => {
    const r = await admin.createOrUpdateTopic({ brokerAddrs: [replay.addr] }, { topic: 'VecTopic', readQueueNums: 4, writeQueueNums: 4 });
    assertLikeCaptured(last(C.UPDATE_AND_CREATE_TOPIC), '17-UPDATE_AND_CREATE_TOPIC');
    assert.deepEqual(r.done.map((t) => t.brokerName), ['broker-a']);

    const o = await admin.createOrUpdateTopic({ clusterName: 'DefaultCluster' }, { topic: 'VecTopicOrder', readQueueNums: 2, writeQueueNums: 2, order: true });
    assert.equal(o.orderConf, 'broker-a:2');
    assertLikeCaptured(last(C.PUT_KV_CONFIG), '100-PUT_KV_CONFIG');
    assert.equal(last(C.UPDATE_AND_CREATE_TOPIC).extFields!.order, 'true');
  });

  test('deleteTopic goes to the brokers, then to the nameservers with the cluster name', async () => {
    const r = await admin.deleteTopic('%RETRY%vec_sub_cg', 'DefaultCluster');
    assertLikeCaptured(last(C.DELETE_TOPIC_IN_BROKER), '215-DELETE_TOPIC_IN_BROKER');
    assertLikeCaptured(last(C.DELETE_TOPIC_IN_NAMESRV), '216-DELETE_TOPIC_IN_NAMESRV');
    assert.equal(r.done.length, 1, 'the master');
    assert.deepEqual(r.namesrvs.done, [replay.addr]);
  });

  test('subscription groups: the updateSubGroup body and the delete header (plus the 5.x field name)', async () => {
    await admin.createOrUpdateSubGroup({ brokerAddrs: [replay.addr] }, { groupName: 'vec_sub_cg' });
    const sent = last(C.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP);
    assertLikeCaptured(sent, '200-UPDATE_AND_CREATE_SUBSCRIPTIONGROUP');
    assert.deepEqual(toPlain(parseFastJson(sent.body!.toString('utf8'))), toPlain(parseFastJson(readBodyText('200-UPDATE_AND_CREATE_SUBSCRIPTIONGROUP', 'request')!)));

    await admin.deleteSubGroup({ brokerAddrs: [replay.addr] }, 'vec_sub_cg');
    assertLikeCaptured(last(C.DELETE_SUBSCRIPTIONGROUP), '207-DELETE_SUBSCRIPTIONGROUP', { extra: ['cleanOffset'] });
  });

  test('updateBrokerConfig sends key=value properties text', async () => {
    const r = await admin.updateBrokerConfig({ brokerAddrs: [replay.addr] }, { flushConsumerOffsetInterval: '5000' });
    const sent = last(C.UPDATE_BROKER_CONFIG);
    assertLikeCaptured(sent, '25-UPDATE_BROKER_CONFIG');
    assert.equal(sent.body!.toString('utf8'), readBodyText('25-UPDATE_BROKER_CONFIG', 'request'));
    assert.equal(r.errors.length, 0);
  });

  test('resetOffsetByTime: online through INVOKE_BROKER_TO_RESET_OFFSET', async () => {
    const ts = Number(replay.vector('222-INVOKE_BROKER_TO_RESET_OFFSET').request.extFields!.timestamp);
    const r = await admin.resetOffsetByTime({ group: 'vec_cg', topic: 'VecTopic', point: { timestamp: ts } });
    assertLikeCaptured(last(C.INVOKE_BROKER_TO_RESET_OFFSET), '222-INVOKE_BROKER_TO_RESET_OFFSET');
    assert.deepEqual(r.brokers.map((b) => b.mode), ['online']);
    assert.deepEqual(r.queues.map((q) => q.queueId), [0, 1, 2, 3]);
  });

  test('resetOffsetByTime: a group that is not online gets its stored offsets moved (208, 30, 15)', async () => {
    replay.overrides.set(C.INVOKE_BROKER_TO_RESET_OFFSET, '222-INVOKE_BROKER_TO_RESET_OFFSET-consumer-offline');
    try {
      const mark = replay.requests.length;
      const r = await admin.resetOffsetByTime({ group: 'vec_cg', topic: 'VecTopic', point: 'latest' });
      assertLikeCaptured(last(C.INVOKE_BROKER_TO_RESET_OFFSET), '222-INVOKE_BROKER_TO_RESET_OFFSET-consumer-offline');
      assertLikeCaptured(last(C.GET_CONSUME_STATS), '208-GET_CONSUME_STATS');
      assertLikeCaptured(last(C.GET_MAX_OFFSET), '30-GET_MAX_OFFSET', { anyValue: ['queueId'] });
      assertLikeCaptured(last(C.UPDATE_CONSUMER_OFFSET), '15-UPDATE_CONSUMER_OFFSET-sync', { anyValue: ['queueId', 'commitOffset'] });
      assert.deepEqual(r.brokers.map((b) => b.mode), ['offline']);
      const updates = replay.requests.slice(mark).filter((q) => q.code === C.UPDATE_CONSUMER_OFFSET);
      assert.equal(updates.length, r.queues.length);

      await admin.resetOffsetByTime({ group: 'vec_cg', topic: 'VecTopic', point: { timestamp: 1795556234215 } });
      assertLikeCaptured(last(C.SEARCH_OFFSET_BY_TIMESTAMP), '29-SEARCH_OFFSET_BY_TIMESTAMP', { anyValue: ['queueId'] });
    } finally {
      replay.overrides.delete(C.INVOKE_BROKER_TO_RESET_OFFSET);
    }
  });

  test('sendTestMessage sends SEND_MESSAGE_V2 with the producer header fields', async () => {
    const r = await admin.sendTestMessage({ topic: 'VecTopic', body: 'hello', keys: 'k1', tags: 'TagA' });
    const sent = last(C.SEND_MESSAGE_V2);
    assertLikeCaptured(sent, '310-SEND_MESSAGE_V2', { anyValue: ['a', 'e', 'g', 'i'] });
    assert.equal(sent.body!.toString('utf8'), 'hello');
    assert.match(sent.extFields!.i!, /KEYS\u0001k1/);
    assert.match(sent.extFields!.i!, /UNIQ_KEY\u0001[0-9A-F]{32}/);
    assert.equal(r.sendStatus, 'SEND_OK');
    assert.equal(r.brokerName, 'broker-a');
  });

  test('printMsg pulls as the tools consumer with the subscription in the request', async () => {
    await admin.queryMessageByTime({ topic: 'VecTopic', begin: 0, end: Date.now(), maxNum: 4 });
    assertLikeCaptured(last(C.PULL_MESSAGE), '11-PULL_MESSAGE', {
      extra: ['subscription'], anyValue: ['queueId', 'maxMsgNums', 'sysFlag', 'suspendTimeoutMillis', 'queueOffset', 'subVersion', 'consumerGroup'],
    });
    assert.equal(last(C.PULL_MESSAGE).extFields!.consumerGroup, 'TOOLS_CONSUMER');
  });
});
