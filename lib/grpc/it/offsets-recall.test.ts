// The newer RPCs of the vendored 5.x protos: RecallMessage through the official Node.js client (Producer.recallMessage),
// and GetOffset / UpdateOffset / QueryOffset / PullMessage, which rocketmq-client-nodejs 1.0.8 has no public API for,
// through a grpc-js client built from the same protos; against the endpoint in a broker process (local mode).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Producer } from 'rocketmq-client-nodejs';
import { setLogSink } from '../../common/log.ts';
import { messagingServiceClient } from '../proto.ts';
import { quietLogger, receiveN, simpleConsumer, startGrpcCluster, type GrpcCluster } from './harness.ts';

setLogSink(() => {});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type RawClient = grpc.Client & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function unary(client: RawClient, rpc: string, req: Obj): Promise<Obj> {
  const m = new grpc.Metadata();
  m.set('x-mq-client-id', `offsets-${randomUUID()}`);
  m.set('x-mq-language', 'NODE_JS');
  return new Promise((resolve, reject) => {
    client[rpc](req, m, { deadline: Date.now() + 10_000 }, (err: grpc.ServiceError | null, res: Obj) => (err ? reject(err) : resolve(res)));
  });
}

describe('RecallMessage and the offset RPCs', () => {
  let c: GrpcCluster;
  let producer: Producer;
  let raw: RawClient;

  before(async () => {
    c = await startGrpcCluster('local', { recallMessageEnable: true }); // off by default, as in 5.x
    await c.createTopic('RcDelay', 'DELAY');
    await c.createTopic('OffTopic', 'NORMAL', 1);
    await c.createGroup('rc-group');
    producer = new Producer({ endpoints: c.endpoint, namespace: '', logger: quietLogger as never });
    await producer.startup();
    const Ctor = messagingServiceClient();
    raw = new Ctor(c.endpoint, grpc.credentials.createInsecure()) as RawClient;
  });

  after(async () => {
    raw?.close();
    await producer?.shutdown();
    await c?.stop();
  });

  test('Producer.recallMessage recalls a delayed message: it is never delivered, one sent alongside is', async () => {
    const consumer = simpleConsumer(c.endpoint, 'rc-group', 'RcDelay');
    await consumer.startup();
    try {
      const delay = 3_000;
      const recalled = await producer.send({ topic: 'RcDelay', delay, body: Buffer.from('recalled') });
      const kept = await producer.send({ topic: 'RcDelay', delay, body: Buffer.from('kept') });
      assert.ok(recalled.recallHandle, 'a delayed send answers a recall handle');
      const receipt = await producer.recallMessage('RcDelay', recalled.recallHandle);
      assert.equal(receipt.messageId, recalled.messageId);
      // The kept one is due with the recalled one: once it arrives, so would have the recalled one.
      const got = await receiveN(consumer, 1, { timeoutMs: 30_000 });
      assert.deepEqual(got.map((m) => m.messageId), [kept.messageId]);
      const more = await consumer.receive(16, 15_000);
      assert.deepEqual(more.map((m) => m.body.toString()), []);
    } finally {
      await consumer.shutdown();
    }
  });

  test('a recall with a handle no broker knows is refused in the status', async () => {
    await assert.rejects(producer.recallMessage('RcDelay', 'bm9zdWNoaGFuZGxl'));
    const res = await unary(raw, 'RecallMessage', { topic: { name: 'RcDelay' }, recallHandle: 'garbage' });
    assert.notEqual(res.status.code, 'OK');
    const empty = await unary(raw, 'RecallMessage', { topic: { name: 'RcDelay' }, recallHandle: '' });
    assert.equal(empty.status.code, 'BAD_REQUEST');
  });

  test('QueryOffset answers the queue\'s beginning, end and the offset at a time; UpdateOffset then GetOffset round-trips', async () => {
    const route = await unary(raw, 'QueryRoute', { topic: { name: 'OffTopic' } });
    const mq = route.messageQueues[0];
    const queue = { topic: { name: 'OffTopic' }, id: mq.id, broker: { name: mq.broker.name } };
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'OffTopic', body: Buffer.from(`o${i}`) });
    const begin = await unary(raw, 'QueryOffset', { messageQueue: queue, queryOffsetPolicy: 'BEGINNING' });
    const end = await unary(raw, 'QueryOffset', { messageQueue: queue, queryOffsetPolicy: 'END' });
    const atT0 = await unary(raw, 'QueryOffset', { messageQueue: queue, queryOffsetPolicy: 'TIMESTAMP', timestamp: { seconds: Math.floor(t0 / 1000) - 1, nanos: 0 } });
    assert.deepEqual([begin.status.code, end.status.code, atT0.status.code], ['OK', 'OK', 'OK']);
    assert.equal(Number(begin.offset), 0);
    assert.equal(Number(end.offset), 5);
    assert.equal(Number(atT0.offset), 0);
    const upd = await unary(raw, 'UpdateOffset', { group: { name: 'rc-group' }, messageQueue: queue, offset: 3 });
    assert.equal(upd.status.code, 'OK');
    const got = await unary(raw, 'GetOffset', { group: { name: 'rc-group' }, messageQueue: queue });
    assert.equal(got.status.code, 'OK');
    assert.equal(Number(got.offset), 3);
  });

  test('offset RPCs name what is wrong: no group, an unknown topic', async () => {
    const queue = { topic: { name: 'OffTopic' }, id: 0, broker: { name: 'broker-g' } };
    assert.equal((await unary(raw, 'GetOffset', { group: { name: '' }, messageQueue: queue })).status.code, 'ILLEGAL_CONSUMER_GROUP');
    assert.equal((await unary(raw, 'UpdateOffset', { messageQueue: queue, offset: 1 })).status.code, 'ILLEGAL_CONSUMER_GROUP');
    const unknown = { topic: { name: 'NoSuchOffTopic' }, id: 0, broker: { name: 'broker-g' } };
    assert.equal((await unary(raw, 'QueryOffset', { messageQueue: unknown, queryOffsetPolicy: 'END' })).status.code, 'TOPIC_NOT_FOUND');
  });

  test('PullMessage is answered NOT_IMPLEMENTED in its status (5.3.3 has no such RPC; the 1.0.8 client never calls it)', async () => {
    const m = new grpc.Metadata();
    m.set('x-mq-client-id', `offsets-${randomUUID()}`);
    const stream = raw.PullMessage({ group: { name: 'rc-group' }, messageQueue: { topic: { name: 'OffTopic' }, id: 0 }, offset: 0, batchSize: 1 }, m) as grpc.ClientReadableStream<Obj>;
    const answers: Obj[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (d: Obj) => answers.push(d));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    assert.equal(answers.length, 1);
    assert.equal(answers[0]!.status.code, 'NOT_IMPLEMENTED');
  });
});
