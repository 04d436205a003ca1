// Admin requests against a real broker process return what the store and tables hold: topic and consume stats,
// configs, connections, runtime figures, message queries, offset reset of an offline group, group and topic
// deletes, queue locks and a running-info request forwarded to the consumer.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { parsePropertyLines } from '../../protocol/bodies/properties.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import {
  decodeConsumerConnection,
  decodeLockBatchResponseBody,
  decodeProducerConnection,
  encodeHeartbeatData,
  encodeLockBatchRequestBody,
} from '../../protocol/bodies/consumer.ts';
import { decodeConsumerOffsetSerializeWrapper, decodeResetOffsetBody } from '../../protocol/bodies/offsets.ts';
import { decodeKVTable } from '../../protocol/bodies/route.ts';
import { decodeConsumeStats, decodeGroupList, decodeTopicStatsTable } from '../../protocol/bodies/stats.ts';
import { decodeSubscriptionGroupWrapper, encodeSubscriptionGroupConfig } from '../../protocol/bodies/subscription-group.ts';
import { decodeTopicConfigSerializeWrapper } from '../../protocol/bodies/topic.ts';
import { decodeMessages } from '../../protocol/message-codec.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { createRequest, createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RequestHandler } from '../../remoting/connection.ts';
import { newSubscriptionGroupConfig } from '../subscription/subscription-group-manager.ts';
import { spawnBroker, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';

setLogSink(() => {});

const TOPIC = 'AdminTopic';
const QUEUES = 4;
const PER_QUEUE = 20;

describe('broker process: admin requests', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let c: TestClient;
  let firstBatchEnd = 0;
  let secondBatchStart = 0;

  before(async () => {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address });
    c = new TestClient(broker.address);
    await c.createTopic(TOPIC, QUEUES);
    for (let i = 0; i < PER_QUEUE * QUEUES; i++) {
      if (i === (PER_QUEUE * QUEUES) / 2) {
        firstBatchEnd = Date.now();
        // Two halves stored at clearly different times, for the search by timestamp.
        await waitFor('the clock to move on', () => Date.now() > firstBatchEnd + 20);
        secondBatchStart = Date.now();
      }
      const res = await c.send(TOPIC, `m${i}`, { queueId: i % QUEUES, keys: `k${i}`, tags: 'T' });
      assert.equal(res.code, ResponseCode.SUCCESS);
    }
  });

  after(async () => {
    await c?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  test('GET_TOPIC_STATS_INFO, min/max offsets and earliest store time match the store', async () => {
    const stats = decodeTopicStatsTable((await c.ok(RequestCode.GET_TOPIC_STATS_INFO, { topic: TOPIC })).body);
    assert.equal(stats.offsetTable.length, QUEUES);
    for (const [mq, o] of stats.offsetTable) {
      assert.equal(mq.brokerName, 'broker-it');
      assert.equal(o.minOffset, 0);
      assert.equal(o.maxOffset, PER_QUEUE);
      assert.ok(o.lastUpdateTimestamp >= secondBatchStart);
      assert.equal(Number((await c.ok(RequestCode.GET_MIN_OFFSET, { topic: TOPIC, queueId: mq.queueId })).extFields!.offset), 0);
      const earliest = Number((await c.ok(RequestCode.GET_EARLIEST_MSG_STORETIME, { topic: TOPIC, queueId: mq.queueId })).extFields!.timestamp);
      assert.ok(earliest > 0 && earliest <= firstBatchEnd);
    }
  });

  test('SEARCH_OFFSET_BY_TIMESTAMP finds the first message stored after a time', async () => {
    const res = await c.ok(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { topic: TOPIC, queueId: 0, timestamp: secondBatchStart });
    assert.equal(Number(res.extFields!.offset), PER_QUEUE / 2);
  });

  test('QUERY_MESSAGE finds a message by key and VIEW_MESSAGE_BY_ID by its commit log offset', async () => {
    const q = await c.ok(RequestCode.QUERY_MESSAGE, { topic: TOPIC, key: 'k7', maxNum: 32, beginTimestamp: 0, endTimestamp: '9223372036854775807' });
    const found = decodeMessages(q.body!);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.body.toString(), 'm7');
    assert.ok(Number(q.extFields!.indexLastUpdateTimestamp) > 0);
    const view = await c.ok(RequestCode.VIEW_MESSAGE_BY_ID, { offset: found[0]!.commitLogOffset });
    assert.equal(decodeMessages(view.body!)[0]!.properties.KEYS, 'k7');
    const missing = await c.call(RequestCode.QUERY_MESSAGE, { topic: TOPIC, key: 'nope', maxNum: 32, beginTimestamp: 0, endTimestamp: Date.now() });
    assert.equal(missing.code, ResponseCode.QUERY_NOT_FOUND);
  });

  test('GET_CONSUME_STATS and GET_ALL_CONSUMER_OFFSET report committed offsets next to the queue ends', async () => {
    for (let q = 0; q < QUEUES; q++) await c.updateOffset('admin_cg', TOPIC, q, 5 + q);
    const stats = decodeConsumeStats((await c.ok(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'admin_cg' })).body);
    assert.equal(stats.offsetTable.length, QUEUES);
    for (const [mq, o] of stats.offsetTable) {
      assert.equal(o.brokerOffset, PER_QUEUE);
      assert.equal(o.consumerOffset, 5 + mq.queueId);
      assert.ok(o.lastTimestamp > 0);
    }
    const all = decodeConsumerOffsetSerializeWrapper((await c.ok(RequestCode.GET_ALL_CONSUMER_OFFSET)).body);
    assert.deepEqual([...all.offsetTable.get(`${TOPIC}@admin_cg`)!].sort((a, b) => a[0] - b[0]), [[0, 5], [1, 6], [2, 7], [3, 8]]);
    const who = decodeGroupList((await c.ok(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: TOPIC })).body);
    assert.ok(who.groupList.includes('admin_cg'));
  });

  test('INVOKE_BROKER_TO_RESET_OFFSET moves the stored offsets of an offline group to a timestamp', async () => {
    const res = await c.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: TOPIC, group: 'admin_cg', timestamp: secondBatchStart, isForce: true });
    assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
    const table = decodeResetOffsetBody(res.body).offsetTable;
    assert.equal(table.length, QUEUES);
    for (const [, offset] of table) assert.equal(offset, PER_QUEUE / 2);
    for (let q = 0; q < QUEUES; q++) assert.equal((await c.queryOffset('admin_cg', TOPIC, q)).extFields!.offset, String(PER_QUEUE / 2));
  });

  test('online consumers get RESET_CONSUMER_CLIENT_OFFSET; GET_CONSUMER_RUNNING_INFO and CONSUME_MESSAGE_DIRECTLY (with the stored message) are forwarded to the client', async () => {
    const resets: RemotingCommand[] = [];
    const consumer = new RemotingClient({
      processors: new Map<number, RequestHandler>([
        [RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (req: RemotingCommand) => void resets.push(req)],
        [RequestCode.GET_CONSUMER_RUNNING_INFO, (req: RemotingCommand) =>
          createResponse(req, ResponseCode.SUCCESS, undefined, undefined, Buffer.from(`{"properties":{"clientId":"${req.extFields!.clientId}"}}`))],
        [RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, () => undefined],
        [RequestCode.CONSUME_MESSAGE_DIRECTLY, (req: RemotingCommand) =>
          createResponse(req, ResponseCode.SUCCESS, `${req.extFields!.brokerName}:${decodeMessages(req.body!)[0]!.body.toString()}`)],
      ]),
    });
    try {
      const hb = encodeHeartbeatData({
        clientID: 'admin-consumer', producerDataSet: [{ groupName: 'admin_pg' }],
        consumerDataSet: [{ groupName: 'admin_cg', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', unitMode: false,
          subscriptionDataSet: [{ topic: TOPIC, subString: '*', tagsSet: [], codeSet: [], subVersion: 1, expressionType: 'TAG', classFilterMode: false }] }],
      });
      assert.equal((await consumer.invoke(broker.address, createRequest(RequestCode.HEART_BEAT, undefined, { body: hb }))).code, ResponseCode.SUCCESS);
      const res = await c.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: TOPIC, group: 'admin_cg', timestamp: -1, isForce: true });
      assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
      await waitFor('the reset notice', () => resets.length === 1);
      const notice = decodeResetOffsetBody(resets[0]!.body).offsetTable;
      for (const [, offset] of notice) assert.equal(offset, PER_QUEUE);

      const info = await c.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'admin_cg', clientId: 'admin-consumer', jstackEnable: false });
      assert.equal(info.code, ResponseCode.SUCCESS);
      assert.match(info.body!.toString(), /admin-consumer/);
      const conns = decodeConsumerConnection((await c.ok(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'admin_cg' })).body);
      assert.equal(conns.connectionSet[0]!.clientId, 'admin-consumer');
      assert.equal(conns.messageModel, 'CLUSTERING');
      assert.ok(conns.subscriptionTable.has(TOPIC));
      const producers = decodeProducerConnection((await c.ok(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'admin_pg' })).body);
      assert.equal(producers.connectionSet[0]!.clientId, 'admin-consumer');
      const first = decodeMessages((await c.pull('admin_reader', TOPIC, 0, 0, { max: 1 })).body!)[0]!;
      const direct = await c.call(RequestCode.CONSUME_MESSAGE_DIRECTLY, { consumerGroup: 'admin_cg', clientId: 'admin-consumer', msgId: first.msgId });
      assert.equal(direct.code, ResponseCode.SUCCESS);
      assert.equal(direct.remark, 'broker-it:m0', 'the stored message goes along as the body');
      const offline = await c.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'admin_cg', clientId: 'nobody' });
      assert.equal(offline.code, ResponseCode.SYSTEM_ERROR);
    } finally {
      await consumer.close();
    }
  });

  test('LOCK_BATCH_MQ grants a queue to one client until it unlocks it', async () => {
    const mq = { topic: TOPIC, brokerName: 'broker-it', queueId: 1 };
    const lock = async (clientId: string) =>
      decodeLockBatchResponseBody((await c.ok(RequestCode.LOCK_BATCH_MQ, undefined, encodeLockBatchRequestBody({ consumerGroup: 'order_cg', clientId, mqSet: [mq] }))).body).lockOKMQSet;
    assert.equal((await lock('c1')).length, 1);
    assert.equal((await lock('c2')).length, 0);
    await c.ok(RequestCode.UNLOCK_BATCH_MQ, undefined, encodeLockBatchRequestBody({ consumerGroup: 'order_cg', clientId: 'c1', mqSet: [mq] }));
    assert.equal((await lock('c2')).length, 1);
  });

  test('subscription groups are created, listed and deleted', async () => {
    const cfg = newSubscriptionGroupConfig('admin_sub', { retryMaxTimes: 3, consumeBroadcastEnable: false });
    await c.ok(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, encodeSubscriptionGroupConfig(cfg));
    const all = decodeSubscriptionGroupWrapper((await c.ok(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)).body);
    assert.equal(all.subscriptionGroupTable.get('admin_sub')!.retryMaxTimes, 3);
    assert.ok(all.subscriptionGroupTable.has('TOOLS_CONSUMER'));
    await c.ok(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'admin_sub', removeOffset: true });
    const after = decodeSubscriptionGroupWrapper((await c.ok(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)).body);
    assert.equal(after.subscriptionGroupTable.has('admin_sub'), false);
  });

  test('GET_ALL_TOPIC_CONFIG lists system and user topics; DELETE_TOPIC_IN_BROKER removes one', async () => {
    await c.createTopic('AdminDoomed', 2);
    const all = decodeTopicConfigSerializeWrapper((await c.ok(RequestCode.GET_ALL_TOPIC_CONFIG)).body);
    for (const t of ['TBW102', 'SCHEDULE_TOPIC_XXXX', 'OFFSET_MOVED_EVENT', 'ItCluster', 'broker-it', TOPIC, 'AdminDoomed']) assert.ok(all.topicConfigTable.has(t), t);
    assert.equal(all.topicConfigTable.get(TOPIC)!.writeQueueNums, QUEUES);
    await c.ok(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'AdminDoomed' });
    const after = decodeTopicConfigSerializeWrapper((await c.ok(RequestCode.GET_ALL_TOPIC_CONFIG)).body);
    assert.equal(after.topicConfigTable.has('AdminDoomed'), false);
    assert.ok(after.dataVersion.counter > all.dataVersion.counter);
    const sys = await c.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'SCHEDULE_TOPIC_XXXX' });
    assert.equal(sys.code, ResponseCode.SYSTEM_ERROR);
  });

  test('GET_BROKER_CONFIG lists every key; UPDATE_BROKER_CONFIG changes one live and refuses unknown and black-listed keys', async () => {
    const before = parsePropertyLines((await c.ok(RequestCode.GET_BROKER_CONFIG)).body!.toString());
    const get = (lines: ReturnType<typeof parsePropertyLines>, k: string) => lines.find((e) => e.key === k)?.value;
    assert.equal(get(before, 'brokerName'), 'broker-it');
    assert.equal(get(before, 'sendMessageThreadPoolNums') !== undefined, true);
    await c.ok(RequestCode.UPDATE_BROKER_CONFIG, undefined, Buffer.from('flushConsumerOffsetInterval=3000\n'));
    const after = parsePropertyLines((await c.ok(RequestCode.GET_BROKER_CONFIG)).body!.toString());
    assert.equal(get(after, 'flushConsumerOffsetInterval'), '3000');
    const unknown = await c.call(RequestCode.UPDATE_BROKER_CONFIG, undefined, Buffer.from('noSuchKey=1\n'));
    assert.equal(unknown.code, ResponseCode.SYSTEM_ERROR);
    assert.match(unknown.remark!, /noSuchKey/);
    const black = await c.call(RequestCode.UPDATE_BROKER_CONFIG, undefined, Buffer.from('brokerName=other\n'));
    assert.equal(black.code, ResponseCode.NO_PERMISSION);
  });

  test('GET_BROKER_RUNTIME_INFO reports put/get totals and TPS figures', async () => {
    const info = await waitFor('TPS samples over a few seconds', async () => {
      const t = decodeKVTable((await c.ok(RequestCode.GET_BROKER_RUNTIME_INFO)).body).table;
      return t.get('putTps')!.split(' ')[0] !== '' ? t : undefined;
    });
    assert.ok(Number(info.get('msgPutTotalTodayNow')) >= PER_QUEUE * QUEUES);
    assert.ok(Number(info.get('commitLogMaxOffset')) > 0);
    assert.equal(info.get('brokerVersionDesc'), 'V4_9_8');
    assert.match(info.get('putTps')!, /^\d+\.\d/);
    assert.match(info.get('getTotalTps')!, /^\d+\.\d/);
    assert.match(info.get('runtime')!, /days/);
  });
});
