// What Apache RocketMQ 4.9.8's mqadmin relies on, found by running it against RocketDeck (e2e/java-compat): the route
// is on the nameserver when UPDATE_AND_CREATE_TOPIC answers, and `producer`, `cleanUnusedTopic`, `cleanExpiredCQ`,
// `deleteExpiredCommitLog` and `queryCq` get answers instead of REQUEST_CODE_NOT_SUPPORTED.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { encodeHeartbeatData } from '../../protocol/bodies/consumer.ts';
import { decodeProducerTableInfo } from '../../protocol/bodies/producer-table.ts';
import { decodeQueryConsumeQueueResponseBody } from '../../protocol/bodies/consume-queue-data.ts';
import { tagsHashCode } from '../../protocol/message.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { createRequest } from '../../remoting/command.ts';
import { spawnBroker, spawnNamesrv, TestClient, type BrokerProcess, type NamesrvProcess } from './harness.ts';

setLogSink(() => {});

describe('broker process: what mqadmin 4.9.8 needs', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let c: TestClient;
  let nsClient: TestClient;

  before(async () => {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address });
    c = new TestClient(broker.address);
    nsClient = new TestClient(ns.address);
  });

  after(async () => {
    await c?.close();
    await nsClient?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  test('UPDATE_AND_CREATE_TOPIC answers only once the nameserver serves the new route', async () => {
    // mqadmin updateTopic followed at once by updateTopicPerm/topicRoute/a first send reads the route right away
    for (const topic of ['CompatRouteA', 'CompatRouteB', 'CompatRouteC']) {
      await c.createTopic(topic, 2);
      const route = await nsClient.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
      assert.equal(route.code, ResponseCode.SUCCESS, `${topic}: ${route.remark}`);
      assert.match(route.body!.toString(), /"readQueueNums":2/);
    }
  });

  test('GET_ALL_PRODUCER_INFO lists online producers as ProducerTableInfo', async () => {
    const producer = new RemotingClient({ defaultTimeoutMs: 10_000 });
    try {
      const hb = encodeHeartbeatData({ clientID: '127.0.0.1@compat-producer', producerDataSet: [{ groupName: 'compat_pg' }], consumerDataSet: [] });
      assert.equal((await producer.invoke(broker.address, createRequest(RequestCode.HEART_BEAT, undefined, { body: hb }))).code, ResponseCode.SUCCESS);
      const res = await c.call(RequestCode.GET_ALL_PRODUCER_INFO, { brokerAddr: broker.address });
      assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
      // Java's ProducerInfo fields, sorted, remoteIP as InetSocketAddress.toString()
      assert.match(res.body!.toString(), /^\{"data":\{.*"compat_pg":\[\{"clientId":"127\.0\.0\.1@compat-producer","language":"JAVA","lastUpdateTimestamp":\d+,"remoteIP":"\/127\.0\.0\.1:\d+","version":\d+\}\]/);
      const info = decodeProducerTableInfo(res.body).data.get('compat_pg');
      assert.equal(info?.length, 1);
      assert.equal(info![0]!.clientId, '127.0.0.1@compat-producer');
    } finally {
      await producer.close();
    }
  });

  test('store maintenance requests answer SUCCESS and keep live topics readable', async () => {
    await c.createTopic('CompatLive', 1);
    assert.equal((await c.send('CompatLive', 'kept', { queueId: 0 })).code, ResponseCode.SUCCESS);
    for (const code of [RequestCode.CLEAN_UNUSED_TOPIC, RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE, RequestCode.DELETE_EXPIRED_COMMITLOG]) {
      const res = await c.call(code);
      assert.equal(res.code, ResponseCode.SUCCESS, `${code}: ${res.remark}`);
    }
    assert.equal(await c.maxOffset('CompatLive', 0), 1);
    const msgs = await c.pullAll('compat_cg', 'CompatLive', 0, 0, 1);
    assert.equal(msgs[0]!.body.toString(), 'kept');
  });

  test('QUERY_CONSUME_QUEUE shows the raw entries of a queue from an index, with its bounds', async () => {
    await c.createTopic('CompatCq', 1);
    for (const tags of ['TagA', 'TagB', 'TagC']) assert.equal((await c.send('CompatCq', tags, { queueId: 0, tags })).code, ResponseCode.SUCCESS);
    const stored = await c.pullAll('compat_cg', 'CompatCq', 0, 0, 3);
    const res = await c.call(RequestCode.QUERY_CONSUME_QUEUE, { topic: 'CompatCq', queueId: 0, index: 1, count: 5, consumerGroup: 'compat_offline' });
    assert.equal(res.code, ResponseCode.SUCCESS, res.remark);
    // fastjson's bean order, and the group that has no subscription here
    assert.match(res.body!.toString(), /^\{"filterData":"compat_offline@CompatCq is not online!","maxQueueIndex":3,"minQueueIndex":0,"queueData":\[\{"eval":false,"physicOffset":\d+,"physicSize":\d+,"tagsCode":\d+\}/);
    const body = decodeQueryConsumeQueueResponseBody(res.body);
    assert.deepEqual(
      body.queueData.map((d) => [d.physicOffset, d.physicSize, d.tagsCode]),
      stored.slice(1).map((m) => [m.commitLogOffset, m.storeSize, tagsHashCode(m.properties.TAGS!)]),
    );
    const beyond = await c.call(RequestCode.QUERY_CONSUME_QUEUE, { topic: 'CompatCq', queueId: 0, index: 3, count: 5 });
    assert.equal(beyond.code, ResponseCode.SUCCESS);
    assert.equal(beyond.remark, 'Index 3 of 0@CompatCq is not exist!');
    assert.equal(beyond.body, undefined);
    const missing = await c.call(RequestCode.QUERY_CONSUME_QUEUE, { topic: 'CompatCq', queueId: 7, index: 0, count: 1 });
    assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(missing.remark, '7@CompatCq is not exist!');
  });
});
