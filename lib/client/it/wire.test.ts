// The client's requests on the wire against in-process fake servers: header fields and bodies as the captured
// Java 4.9.8 frames carry them, response handling, retries on another broker and nameserver failover.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { decodeBatchMessages, string2messageProperties } from '../../protocol/message.ts';
import { encodeLockBatchRequestBody } from '../../protocol/bodies/consumer.ts';
import { loadVector, readBodyText } from '../../protocol/fixtures/vectors.ts';
import { createResponse } from '../../remoting/command.ts';
import { ResponseCodeError } from '../../remoting/errors.ts';
import { waitFor } from '../../common/wait-for.ts';
import { ClientInstance } from '../client-instance.ts';
import { resolveClientConfig } from '../client-config.ts';
import { SendFailedError } from '../errors.ts';
import { Producer } from '../producer.ts';
import { selectMessageQueueByHash } from '../producer-message.ts';
import { PullAPIWrapper, PullSysFlag } from '../pull-api.ts';
import { RemoteBrokerOffsetStore } from '../offset-store.ts';
import { buildSubscriptionData } from '../subscription.ts';
import { FakeServer, fakeNamesrv, routeOf, sendOk, silentLogger } from './fake-cluster.ts';

const servers: FakeServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function cluster(brokerCount: number, topic = 'T') {
  const brokers: FakeServer[] = [];
  for (let i = 0; i < brokerCount; i++) {
    const b = await FakeServer.start();
    let offset = 0;
    b.on(RequestCode.SEND_MESSAGE_V2, (req) => sendOk(req, offset++));
    b.on(RequestCode.SEND_BATCH_MESSAGE, (req) => sendOk(req, offset++));
    brokers.push(b);
  }
  const routes = new Map([[topic, routeOf(brokers.map((b, i) => ({ brokerName: `broker-${String.fromCharCode(97 + i)}`, addr: b.addr })))]]);
  const ns = await fakeNamesrv(routes);
  servers.push(ns, ...brokers);
  return { ns, brokers, routes };
}

const keysOf = (o: Record<string, string> | undefined): string[] => Object.keys(o ?? {}).sort();

describe('producer requests', () => {
  test('SEND_MESSAGE_V2 carries the same header fields as a Java 4.9.8 producer and the result reads the answer', async () => {
    const { ns, brokers } = await cluster(1);
    const vector = loadVector('310-SEND_MESSAGE_V2');
    brokers[0]!.on(RequestCode.SEND_MESSAGE_V2, (req) => ({ ...vector.response!, opaque: req.opaque }));
    const p = new Producer({ group: 'demo_producer_group', namesrvAddr: ns.addr, logger: silentLogger });
    await p.start();
    try {
      const r = await p.send({ topic: 'T', body: 'Hello RocketMQ 0', tags: 'TagA', keys: 'KEY-0', properties: { demoIndex: '0' } });
      const req = brokers[0]!.received(RequestCode.SEND_MESSAGE_V2)[0]!;
      assert.deepEqual(keysOf(req.extFields), keysOf(vector.requestHeader.extFields));
      const props = string2messageProperties(req.extFields!.i);
      assert.deepEqual(Object.keys(props).sort(), ['KEYS', 'TAGS', 'UNIQ_KEY', 'WAIT', 'demoIndex']);
      // Java HashMap order, as the captured frame has it.
      assert.deepEqual(Object.keys(props), ['demoIndex', 'KEYS', 'UNIQ_KEY', 'WAIT', 'TAGS']);
      assert.equal(req.extFields!.a, 'demo_producer_group');
      assert.equal(req.extFields!.c, 'TBW102');
      assert.equal(req.extFields!.d, '4');
      assert.equal(req.extFields!.f, '0');
      assert.equal(req.extFields!.n, 'broker-a');
      assert.equal(req.body!.toString(), 'Hello RocketMQ 0');
      assert.equal(r.sendStatus, 'SEND_OK');
      assert.equal(r.msgId, props.UNIQ_KEY);
      assert.equal(r.offsetMsgId, '7F000001000051AF0000000000000000');
      assert.deepEqual(r.messageQueue, { topic: 'T', brokerName: 'broker-a', queueId: 0 });
      assert.equal(r.queueOffset, 0);
      assert.equal(r.regionId, 'DefaultRegion');
    } finally {
      await p.shutdown();
    }
    const unreg = brokers[0]!.received(RequestCode.UNREGISTER_CLIENT).map((r) => r.extFields!.producerGroup).sort();
    assert.deepEqual(unreg, ['CLIENT_INNER_PRODUCER', 'demo_producer_group']);
  });

  test('the producer heartbeat body is byte-identical to a Java producer\'s', async () => {
    const { ns, brokers } = await cluster(1);
    const p = new Producer({ group: 'demo_producer_group', namesrvAddr: ns.addr, clientIP: '192.0.2.2', instanceName: 'demo-producer-1724530320662', logger: silentLogger });
    await p.start();
    try {
      await p.send({ topic: 'T', body: 'x' });
      await (p as unknown as { instance: ClientInstance }).instance.sendHeartbeatToAllBrokers();
      const hb = brokers[0]!.received(RequestCode.HEART_BEAT).at(-1)!;
      assert.equal(hb.body!.toString(), readBodyText('34-HEART_BEAT-producer', 'request')!.trimEnd());
    } finally {
      await p.shutdown();
    }
  });

  test('a batch goes as SEND_BATCH_MESSAGE with one WAIT property and every UNIQ_KEY in msgId', async () => {
    const { ns, brokers } = await cluster(1);
    const p = new Producer({ group: 'g', namesrvAddr: ns.addr, logger: silentLogger });
    await p.start();
    try {
      const r = await p.sendBatch([0, 1, 2].map((i) => ({ topic: 'T', body: `batch ${i}`, keys: `K${i}`, tags: 'TagBatch' })));
      const req = brokers[0]!.received(RequestCode.SEND_BATCH_MESSAGE)[0]!;
      assert.equal(req.extFields!.m, 'true');
      assert.equal(req.extFields!.i, 'WAIT\u0001true');
      const inner = decodeBatchMessages(req.body!);
      assert.deepEqual(inner.map((m) => m.body.toString()), ['batch 0', 'batch 1', 'batch 2']);
      assert.deepEqual(r.msgId.split(','), inner.map((m) => m.properties.UNIQ_KEY));
    } finally {
      await p.shutdown();
    }
  });

  test('bodies of at least compressMsgBodyOverHowmuch bytes are zlib-compressed with sysFlag 1', async () => {
    const { ns, brokers } = await cluster(1);
    const p = new Producer({ group: 'g', namesrvAddr: ns.addr, compressMsgBodyOverHowmuch: 100, logger: silentLogger });
    await p.start();
    try {
      await p.send({ topic: 'T', body: 'a'.repeat(100) });
      await p.send({ topic: 'T', body: 'a'.repeat(99) });
      const [big, small] = brokers[0]!.received(RequestCode.SEND_MESSAGE_V2);
      assert.equal(big!.extFields!.f, '1');
      assert.equal(inflateSync(big!.body!).toString(), 'a'.repeat(100));
      assert.equal(small!.extFields!.f, '0');
    } finally {
      await p.shutdown();
    }
  });

  test('a selector with a sharding key always picks the same queue', async () => {
    const { ns, brokers } = await cluster(2);
    const p = new Producer({ group: 'g', namesrvAddr: ns.addr, logger: silentLogger });
    await p.start();
    try {
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await p.send({ topic: 'T', body: `o${i}` }, { selector: selectMessageQueueByHash, arg: 'order-7' }));
      assert.equal(new Set(results.map((r) => `${r.messageQueue.brokerName}:${r.messageQueue.queueId}`)).size, 1);
      assert.equal(brokers[0]!.received(RequestCode.SEND_MESSAGE_V2).length + brokers[1]!.received(RequestCode.SEND_MESSAGE_V2).length, 5);
    } finally {
      await p.shutdown();
    }
  });

  test('a retriable broker error is retried on the other broker, which is then preferred', async () => {
    const { ns, brokers } = await cluster(2);
    brokers[0]!.on(RequestCode.SEND_MESSAGE_V2, (req) => createResponse(req, ResponseCode.SYSTEM_BUSY, '[PC_SYNCHRONIZED]broker busy'));
    const p = new Producer({ group: 'g', namesrvAddr: ns.addr, logger: silentLogger });
    await p.start();
    try {
      for (let i = 0; i < 20; i++) assert.equal((await p.send({ topic: 'T', body: `m${i}` })).messageQueue.brokerName, 'broker-b');
      assert.ok(brokers[0]!.received(RequestCode.SEND_MESSAGE_V2).length <= 1, 'the busy broker is isolated after its first failure');
    } finally {
      await p.shutdown();
    }
  });

  test('a broker that refuses connections is skipped; a non-retriable code fails the send at once', async () => {
    const { ns, brokers } = await cluster(2);
    await brokers[0]!.close();
    const p = new Producer({ group: 'g', namesrvAddr: ns.addr, logger: silentLogger });
    await p.start();
    try {
      for (let i = 0; i < 10; i++) assert.equal((await p.send({ topic: 'T', body: `m${i}` })).messageQueue.brokerName, 'broker-b');
      brokers[1]!.on(RequestCode.SEND_MESSAGE_V2, (req) => createResponse(req, ResponseCode.MESSAGE_ILLEGAL, 'too big'));
      await assert.rejects(p.send({ topic: 'T', body: 'x' }), (e: unknown) => e instanceof ResponseCodeError && e.code === ResponseCode.MESSAGE_ILLEGAL);
      await assert.rejects(p.send({ topic: 'Missing', body: 'x' }));
    } finally {
      await p.shutdown();
    }
  });

  test('when every attempt fails the error lists the brokers tried', async () => {
    const { ns, brokers } = await cluster(2);
    for (const b of brokers) b.on(RequestCode.SEND_MESSAGE_V2, (req) => createResponse(req, ResponseCode.SYSTEM_ERROR, 'disk full'));
    const p = new Producer({ group: 'g', namesrvAddr: ns.addr, logger: silentLogger });
    await p.start();
    try {
      await assert.rejects(p.send({ topic: 'T', body: 'x' }), (e: unknown) => e instanceof SendFailedError && e.brokersSent.length === 3 && e.cause instanceof ResponseCodeError);
    } finally {
      await p.shutdown();
    }
  });

  test('producers sharing one client instance can both send although the route did not change for the second, and one heartbeat names both groups', async () => {
    const { ns, brokers } = await cluster(1);
    const a = new Producer({ group: 'g_a', namesrvAddr: ns.addr, instanceName: 'shared', logger: silentLogger });
    const b = new Producer({ group: 'g_b', namesrvAddr: ns.addr, instanceName: 'shared', logger: silentLogger });
    await a.start();
    await b.start();
    try {
      assert.equal(a.clientId, b.clientId);
      assert.equal((await a.send({ topic: 'T', body: 'a' })).sendStatus, 'SEND_OK');
      assert.equal((await b.send({ topic: 'T', body: 'b' })).sendStatus, 'SEND_OK');
      await (a as unknown as { instance: ClientInstance }).instance.sendHeartbeatToAllBrokers();
      const hb = JSON.parse(brokers[0]!.received(RequestCode.HEART_BEAT).at(-1)!.body!.toString());
      assert.deepEqual(hb.producerDataSet.map((p: { groupName: string }) => p.groupName), ['CLIENT_INNER_PRODUCER', 'g_a', 'g_b']);
    } finally {
      await a.shutdown();
      await b.shutdown();
    }
  });

  test('an unreachable nameserver is skipped for the next one', async () => {
    const { ns } = await cluster(1);
    const dead = await FakeServer.start();
    await dead.close();
    const p = new Producer({ group: 'g', namesrvAddr: [dead.addr, ns.addr], logger: silentLogger });
    await p.start();
    try {
      for (let i = 0; i < 3; i++) assert.equal((await p.send({ topic: 'T', body: 'x' })).sendStatus, 'SEND_OK');
    } finally {
      await p.shutdown();
    }
  });
});

describe('consumer requests', () => {
  async function instanceFor(topic: string) {
    const { ns, brokers } = await cluster(1, topic);
    const inst = ClientInstance.acquire(resolveClientConfig({ namesrvAddr: ns.addr, clientIP: '192.0.2.2', instanceName: 'orderly-consumer-1857585331996', logger: silentLogger }));
    await inst.updateTopicRouteInfoFromNameServer(topic);
    return { inst, broker: brokers[0]! };
  }

  test('PULL_MESSAGE has the Java fields and sysFlag; a FOUND answer becomes decorated messages', async () => {
    const { inst, broker } = await instanceFor('VecTopic');
    const vector = loadVector('11-PULL_MESSAGE');
    broker.on(RequestCode.PULL_MESSAGE, (req) => ({ ...vector.response!, opaque: req.opaque }));
    try {
      const api = new PullAPIWrapper(inst, 'vec_cg');
      const sub = buildSubscriptionData('VecTopic', '*', 1795556250038);
      const mq = { topic: 'VecTopic', brokerName: 'broker-a', queueId: 3 };
      const result = await api.pullKernelImpl({
        mq, expressionType: 'TAG', subVersion: sub.subVersion, offset: 0, maxNums: 32, sysFlag: PullSysFlag.build(false, true, false, false),
        commitOffset: 0, brokerSuspendMaxTimeMillis: 15000, timeoutMillis: 30000,
      });
      const req = broker.received(RequestCode.PULL_MESSAGE)[0]!;
      assert.deepEqual(req.extFields, vector.requestHeader.extFields);
      assert.equal(result.pullStatus, 'FOUND');
      assert.equal(result.nextBeginOffset, 32);
      const msgs = api.processPullResult(mq, result, sub);
      assert.equal(msgs.length, result.msgFoundList.length);
      assert.equal(msgs[0]!.msgId, 'C0000202255C5FFD2B277B1608A90003');
      assert.equal(msgs[0]!.offsetMsgId, '7F000001000051AF000000000000027C');
      assert.equal(msgs[0]!.brokerName, 'broker-a');
      assert.equal(msgs[0]!.properties.MAX_OFFSET, '250');
      const tagged = api.processPullResult(mq, result, buildSubscriptionData('VecTopic', 'TagB'));
      assert.equal(tagged.length, 0, 'the client re-checks tags');
    } finally {
      await inst.release();
    }
  });

  test('LOCK_BATCH_MQ body matches the captured frame; offsets and send-back carry the Java fields', async () => {
    const { inst, broker } = await instanceFor('VecTopicOrder');
    const lockVector = loadVector('41-LOCK_BATCH_MQ');
    broker.on(RequestCode.LOCK_BATCH_MQ, (req) => ({ ...lockVector.response!, opaque: req.opaque }));
    broker.on(RequestCode.QUERY_CONSUMER_OFFSET, (req) => createResponse(req, ResponseCode.SUCCESS, undefined, { offset: 0 }));
    try {
      const mq = { topic: 'VecTopicOrder', brokerName: 'broker-a', queueId: 0 };
      const body = { consumerGroup: 'order_cg', clientId: inst.clientId, mqSet: [mq] };
      assert.equal(encodeLockBatchRequestBody(body).toString(), readBodyText('41-LOCK_BATCH_MQ', 'request')!.trimEnd());
      assert.deepEqual(await inst.api.lockBatchMQ(broker.addr, body, 1000), [mq]);

      const store = new RemoteBrokerOffsetStore(inst, 'vec_cg', silentLogger);
      const vmq = { topic: 'VecTopic', brokerName: 'broker-a', queueId: 3 };
      assert.equal(await store.readOffset(vmq, 'STORE'), 0);
      assert.deepEqual(broker.received(RequestCode.QUERY_CONSUMER_OFFSET)[0]!.extFields, loadVector('14-QUERY_CONSUMER_OFFSET').requestHeader.extFields);
      store.updateOffset(vmq, 250, true);
      await store.persistAll([vmq]);
      const upd = await waitForRequest(broker, RequestCode.UPDATE_CONSUMER_OFFSET);
      const updVector = loadVector('15-UPDATE_CONSUMER_OFFSET');
      assert.deepEqual(upd.extFields, updVector.requestHeader.extFields);
      assert.equal(upd.flag, updVector.request.flag, 'offset commits are oneway');

      const back = loadVector('36-CONSUMER_SEND_MSG_BACK');
      await inst.api.consumerSendMessageBack(
        broker.addr,
        { group: 'retry_cg', offset: 222332, delayLevel: 0, originMsgId: 'C000020229B35FFD2B277B177D5D000D', originTopic: 'VecTopicX', maxReconsumeTimes: 16, bname: 'broker-a' },
        1000,
      );
      assert.deepEqual(broker.received(RequestCode.CONSUMER_SEND_MSG_BACK)[0]!.extFields, back.requestHeader.extFields);
    } finally {
      await inst.release();
    }
  });
});

function waitForRequest(s: FakeServer, code: number) {
  return waitFor(`request ${code} to arrive`, () => s.received(code)[0], 5000);
}
