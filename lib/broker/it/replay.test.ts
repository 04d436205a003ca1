// Replays the broker-side request frames captured from Apache RocketMQ 4.9.8 (send, pull, heartbeat, offsets,
// stats, admin) against our broker, in an order that builds the state they refer to, and compares every answer
// with the captured one field by field: code, flag, language, version, serialization, remark presence, extFields
// keys and value kinds, and the body's structure. Requests the broker sends to a consumer (NOTIFY_CONSUMER_IDS_
// CHANGED, RESET_CONSUMER_CLIENT_OFFSET, GET_CONSUMER_RUNNING_INFO) are compared with the captured ones too.
//
// A few requests name state of the captured broker (a commit log offset) or would wait 15 s (a long-polled pull);
// those fields are patched before replay and say so. Intended differences from 4.9.8 are listed where they apply.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { defaultBrokerConfig } from '../config/broker-config.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { encodeHeartbeatData } from '../../protocol/bodies/consumer.ts';
import { decodeMessages } from '../../protocol/message-codec.ts';
import { listVectorDirs, loadVector } from '../../protocol/fixtures/vectors.ts';
import type { RemotingCommand } from '../../remoting/command.ts';
import { BrokerController } from '../broker.ts';
import { removeDir, tempDir, TestClient, waitFor } from './harness.ts';
import { assertSameCommand, FrameConnection, type CompareOptions } from './replay-helpers.ts';

setLogSink(() => {});

const v = (dir: string) => loadVector(dir);
const patched = (req: RemotingCommand, fields: Record<string, string>): RemotingCommand => ({ ...req, extFields: { ...req.extFields, ...fields } });

describe('captured 4.9.8 broker exchanges replayed', () => {
  let dir: string;
  let broker: BrokerController;
  let client: FrameConnection;
  let consumer: FrameConnection;
  let helper: TestClient;
  const replayed = new Set<string>();

  before(async () => {
    dir = tempDir('broker-replay');
    const cfg = defaultBrokerConfig({});
    broker = new BrokerController({
      ...cfg,
      brokerName: 'broker-a',
      brokerIP1: '127.0.0.1',
      brokerIP2: '127.0.0.1',
      bindAddress: '127.0.0.1',
      listenPort: 0,
      namesrvAddr: [],
      store: { ...cfg.store, storePathRootDir: `${dir}/store`, storePathCommitLog: `${dir}/store/commitlog`, mappedFileSizeCommitLog: 64 * 1024 * 1024 },
    });
    await broker.start();
    client = await FrameConnection.connect(broker.brokerAddr);
    consumer = await FrameConnection.connect(broker.brokerAddr);
    helper = new TestClient(broker.brokerAddr);
  });

  after(async () => {
    client?.close();
    consumer?.close();
    await helper?.close();
    await broker?.shutdown(100);
    removeDir(dir);
  });

  /** Replays a vector's request (optionally patched) on `conn` and compares the answer with the captured one. */
  async function replay(name: string, o: CompareOptions & { conn?: FrameConnection; patch?: Record<string, string> } = {}): Promise<RemotingCommand> {
    const vec = v(name);
    replayed.add(name);
    const req = o.patch ? patched(vec.request, o.patch) : vec.request;
    const got = await (o.conn ?? client).exchange(req);
    assertSameCommand(got, vec.response!, name, o);
    return got;
  }

  /** Sends a captured oneway request; nothing may come back. */
  function oneway(name: string, conn = client, patch?: Record<string, string>): void {
    const vec = v(name);
    replayed.add(name);
    assert.ok(vec.request.flag & 2, `${name} is oneway`);
    conn.send(patch ? patched(vec.request, patch) : vec.request);
  }

  test('topic creation and every kind of send', async () => {
    await replay('17-UPDATE_AND_CREATE_TOPIC', { exactRemark: true });
    // 5.x answers the producer's UNIQ_KEY as transactionId; 4.9.8 leaves it out.
    const sendExtra = { extraHeader: ['transactionId'] };
    await replay('310-SEND_MESSAGE_V2', sendExtra);
    await replay('310-SEND_MESSAGE_V2-ROCKETMQ', sendExtra);
    await replay('10-SEND_MESSAGE', sendExtra);
    const batch = await replay('320-SEND_BATCH_MESSAGE');
    assert.equal(batch.extFields!.msgId!.split(',').length, 10);
    await replay('310-SEND_MESSAGE_V2-delay-level-2', sendExtra);
    await replay('310-SEND_MESSAGE_V2-transaction-half', sendExtra);
    oneway('310-SEND_MESSAGE_V2-oneway');
    await waitFor('the oneway message', async () => (await helper.maxOffset('VecTopicX', 1)) >= 1);
  });

  test('consumer and producer heartbeats, consumer lists, offsets', async () => {
    await replay('34-HEART_BEAT', { conn: consumer });
    await replay('34-HEART_BEAT-producer');
    await replay('34-HEART_BEAT-ROCKETMQ');
    await replay('38-GET_CONSUMER_LIST_BY_GROUP');
    await replay('38-GET_CONSUMER_LIST_BY_GROUP-ROCKETMQ');
    await replay('14-QUERY_CONSUMER_OFFSET');
    await replay('14-QUERY_CONSUMER_OFFSET-ROCKETMQ');
    await replay('15-UPDATE_CONSUMER_OFFSET-sync');
    oneway('15-UPDATE_CONSUMER_OFFSET');
    oneway('15-UPDATE_CONSUMER_OFFSET-ROCKETMQ');
    await waitFor('the oneway offset commit', async () => (await helper.queryOffset('vec_bin_cg', 'VecTopicBin', 0)).extFields?.offset === '1');
  });

  test('pulls: found, not found, subscription not latest, binary header', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await helper.send('VecTopic', `m${i}`, { queueId: 3, tags: 'TagA' })).code, ResponseCode.SUCCESS);
    assert.equal((await helper.send('VecTopicBin', 'bin', { queueId: 0, tags: 'TagA' })).code, ResponseCode.SUCCESS);
    // The captured consumers pulled with the subVersion of a later heartbeat than the one captured; the pulls
    // carry the replayed heartbeat's subVersion so the broker's subscription is not older than the request's.
    await replay('11-PULL_MESSAGE', { exactRemark: true, body: 'records', patch: { subVersion: '1795556249655' } });
    await replay('11-PULL_MESSAGE-ROCKETMQ', { exactRemark: true, body: 'records', patch: { subVersion: '1795556318534' } });
    // The capture waited its full 15 s suspend; the same answer comes after 300 ms here.
    await replay('11-PULL_MESSAGE-PULL_NOT_FOUND', { exactRemark: true, patch: { suspendTimeoutMillis: '300', subVersion: '1795556249661' } });
    const older = encodeHeartbeatData({
      clientID: 'replay-retry-client', producerDataSet: [],
      consumerDataSet: [{ groupName: 'retry_cg', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', unitMode: false,
        subscriptionDataSet: [{ topic: 'VecTopicX', subString: '*', tagsSet: [], codeSet: [], subVersion: 1, expressionType: 'TAG', classFilterMode: false }] }],
    });
    await helper.ok(RequestCode.HEART_BEAT, undefined, older);
    await replay('11-PULL_MESSAGE-SUBSCRIPTION_NOT_LATEST', { exactRemark: true });
  });

  test('queue offsets by position and time', async () => {
    await replay('30-GET_MAX_OFFSET');
    await replay('31-GET_MIN_OFFSET');
    await replay('32-GET_EARLIEST_MSG_STORETIME');
    await replay('29-SEARCH_OFFSET_BY_TIMESTAMP');
  });

  test('message queries by key, unique key and offset id', async () => {
    assert.equal((await helper.send('VecTopic', 'seven', { queueId: 1, keys: 'KEY-7', tags: 'TagA' })).code, ResponseCode.SUCCESS);
    await replay('12-QUERY_MESSAGE', { body: 'records' });
    await replay('12-QUERY_MESSAGE-uniqKey', { body: 'records' });
    await replay('33-VIEW_MESSAGE_BY_ID', { body: 'records' });
  });

  test('stats and connection lists', async () => {
    await helper.ok(RequestCode.HEART_BEAT, undefined, encodeHeartbeatData({ clientID: 'replay-producer', producerDataSet: [{ groupName: 'extras_producer_group' }], consumerDataSet: [] }));
    await replay('202-GET_TOPIC_STATS_INFO');
    await replay('203-GET_CONSUMER_CONNECTION_LIST');
    await replay('204-GET_PRODUCER_CONNECTION_LIST');
    await replay('208-GET_CONSUME_STATS');
    await replay('43-GET_ALL_CONSUMER_OFFSET');
    await replay('45-GET_ALL_DELAY_OFFSET');
    await replay('300-QUERY_TOPIC_CONSUME_BY_WHO');
    await replay('317-GET_BROKER_CONSUME_STATS');
    await replay('315-VIEW_BROKER_STATS_DATA');
    // We report the held-pull count on top of 4.9.8's keys.
    const info = await replay('28-GET_BROKER_RUNTIME_INFO');
    await replay('28-GET_BROKER_RUNTIME_INFO-ROCKETMQ');
    const ours = info.body!.toString();
    const want = v('28-GET_BROKER_RUNTIME_INFO').response!.body!.toString();
    for (const m of want.matchAll(/"([A-Za-z0-9_]+)":"/g)) {
      if (m[1] === 'table' || m[1]!.startsWith('commitLogDiskRatio_')) continue;
      assert.ok(ours.includes(`"${m[1]}":`), `runtime info lacks ${m[1]}`);
    }
  });

  test('broker, topic and subscription group admin', async () => {
    await replay('21-GET_ALL_TOPIC_CONFIG');
    await replay('26-GET_BROKER_CONFIG', { body: 'properties' });
    await replay('25-UPDATE_BROKER_CONFIG');
    await replay('200-UPDATE_AND_CREATE_SUBSCRIPTIONGROUP');
    await replay('201-GET_ALL_SUBSCRIPTIONGROUP_CONFIG');
    await replay('207-DELETE_SUBSCRIPTIONGROUP');
    await replay('215-DELETE_TOPIC_IN_BROKER');
  });

  test('send-back, orderly locks and an ended transaction', async () => {
    // The capture names a commit log offset of its own broker; ours is the first record of the replayed batch.
    const stored = await helper.pull('replay_reader', 'VecTopicX', 0, 0, { max: 1 });
    assert.equal(stored.code, ResponseCode.SUCCESS, `${stored.code} ${stored.remark}`);
    const msg = decodeMessages(stored.body!)[0]!;
    await replay('36-CONSUMER_SEND_MSG_BACK', { patch: { offset: String(msg.commitLogOffset) } });
    await replay('41-LOCK_BATCH_MQ');
    await replay('42-UNLOCK_BATCH_MQ');
    // END_TRANSACTION names the captured half message; ours sits elsewhere.
    const half = await helper.pull('replay_reader', 'RMQ_SYS_TRANS_HALF_TOPIC', 0, 0, { max: 1 });
    const h = decodeMessages(half.body!)[0]!;
    const before = await helper.maxOffset('VecTopicX', 3);
    oneway('37-END_TRANSACTION', client, { commitLogOffset: String(h.commitLogOffset), tranStateTableOffset: String(h.queueOffset) });
    await waitFor('the committed transaction message', async () => (await helper.maxOffset('VecTopicX', 3)) > before);
  });

  test('consumer control: running info forwarded, offsets reset, membership notices', async () => {
    const runningInfo = v('307-GET_CONSUMER_RUNNING_INFO-broker-to-consumer');
    consumer.answer.set(RequestCode.GET_CONSUMER_RUNNING_INFO, () => runningInfo.response!);
    await replay('307-GET_CONSUMER_RUNNING_INFO', { exactRemark: true });
    const forwarded = consumer.received.find((r) => r.code === RequestCode.GET_CONSUMER_RUNNING_INFO)!;
    assertSameCommand(forwarded, runningInfo.request, '307 broker->consumer request');
    replayed.add('307-GET_CONSUMER_RUNNING_INFO-broker-to-consumer');

    await replay('222-INVOKE_BROKER_TO_RESET_OFFSET', { exactRemark: true });
    const reset = await waitFor('RESET_CONSUMER_CLIENT_OFFSET to the consumer', () => consumer.received.find((r) => r.code === RequestCode.RESET_CONSUMER_CLIENT_OFFSET));
    assertSameCommand(reset, v('220-RESET_CONSUMER_CLIENT_OFFSET').request, '220 broker->consumer request', { body: 'json' });
    replayed.add('220-RESET_CONSUMER_CLIENT_OFFSET');

    const other = await FrameConnection.connect(broker.brokerAddr);
    try {
      const hb = v('34-HEART_BEAT').request;
      await other.exchange({ ...hb, body: Buffer.from(hb.body!.toString().replace('demo-consumer-1732855559170', 'second-consumer')) });
      const notice = await waitFor('NOTIFY_CONSUMER_IDS_CHANGED to the first consumer', () => consumer.received.find((r) => r.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED));
      assertSameCommand(notice, v('40-NOTIFY_CONSUMER_IDS_CHANGED').request, '40 broker->consumer request');
      replayed.add('40-NOTIFY_CONSUMER_IDS_CHANGED');
    } finally {
      other.close();
    }
    consumer.close();
    await waitFor('the group to go offline', async () => (await helper.call(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'vec_cg' })).code !== ResponseCode.SUCCESS);
    // Intended difference: an offline group has its stored offsets moved (SUCCESS with the new offsets) where
    // 4.9.8 answers CONSUMER_NOT_ONLINE and leaves the work to mqadmin.
    const offline = await replay('222-INVOKE_BROKER_TO_RESET_OFFSET-consumer-offline', { code: ResponseCode.SUCCESS });
    assert.ok(offline.body && offline.body.length > 0);
  });

  test('client unregistration', async () => {
    await replay('35-UNREGISTER_CLIENT');
    await replay('35-UNREGISTER_CLIENT-ROCKETMQ');
  });

  test('every captured broker-side exchange was replayed', () => {
    const namesrvSide = /^(10[0-6]|206|216|319)-/;
    const left = listVectorDirs().filter((d) => !namesrvSide.test(d) && !replayed.has(d));
    assert.deepEqual(left, []);
  });
});
