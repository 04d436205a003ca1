// `rocketdeck proxy` (cluster mode) in front of a broker started without its endpoint: the official Node client
// works through it, and hostile input (garbage bytes, an unknown RPC, oversized messages, wrong message types,
// streams never read) gets an error for that call only while the proxy keeps answering others.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http2 from 'node:http2';
import { randomBytes, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Producer } from 'rocketmq-client-nodejs';
import { setLogSink } from '../../common/log.ts';
import { messagingServiceClient } from '../proto.ts';
import { quietLogger, receiveN, simpleConsumer, startGrpcCluster, waitFor, type GrpcCluster } from './harness.ts';

setLogSink(() => {});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function rawClient(endpoint: string): grpc.Client & Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const Ctor = messagingServiceClient();
  return new Ctor(endpoint, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 }) as never;
}

const meta = (): grpc.Metadata => {
  const m = new grpc.Metadata();
  m.set('x-mq-client-id', `raw-${randomUUID()}`);
  m.set('x-mq-language', 'NODE');
  m.set('x-mq-client-version', 'test');
  return m;
};

function call(client: grpc.Client & Record<string, any>, rpc: string, req: Obj, timeoutMs = 10_000): Promise<Obj> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    client[rpc](req, meta(), { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null, res: Obj) => (err ? reject(err) : resolve(res)));
  });
}

const message = (topic: string, body: Buffer, sp: Obj = {}): Obj => ({
  topic: { name: topic }, body, systemProperties: { messageId: randomUUID().replace(/-/g, '').toUpperCase(), messageType: 'NORMAL', bodyEncoding: 'IDENTITY', ...sp },
});

describe('rocketdeck proxy in front of a broker without its own endpoint', () => {
  let c: GrpcCluster;
  let raw: grpc.Client & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  const routeAnswers = async (): Promise<void> => {
    const r = await call(raw, 'QueryRoute', { topic: { name: 'PNormal' } }, 5_000);
    assert.equal(r.status.code, 'OK');
    assert.ok(r.messageQueues.length > 0);
  };

  before(async () => {
    c = await startGrpcCluster('proxy');
    await c.createTopic('PNormal', 'NORMAL');
    await c.createTopic('PFifo', 'FIFO');
    await c.createGroup('pfifo', { orderly: true });
    raw = rawClient(c.endpoint);
  });

  after(async () => {
    raw?.close();
    await c?.stop();
  });

  test('the broker serves no gRPC itself; the Node client sends and receives through the proxy, FIFO in order', async () => {
    assert.ok(!c.broker.logs.some((l) => l.includes('grpc_endpoint_started')));
    const producer = new Producer({ endpoints: c.endpoint, namespace: '', logger: quietLogger as never });
    await producer.startup();
    const consumer = simpleConsumer(c.endpoint, 'pnormal', 'PNormal');
    const fifo = simpleConsumer(c.endpoint, 'pfifo', 'PFifo');
    await consumer.startup();
    await fifo.startup();
    try {
      for (let i = 0; i < 10; i++) await producer.send({ topic: 'PNormal', body: Buffer.from(`p-${i}`) });
      for (let i = 0; i < 10; i++) for (const g of ['x', 'y']) await producer.send({ topic: 'PFifo', messageGroup: g, body: Buffer.from(`${g}-${i}`) });
      const got = await receiveN(consumer, 10);
      assert.deepEqual(got.map((m) => m.body.toString()).sort(), [...Array(10).keys()].map((i) => `p-${i}`).sort());
      const ordered = await receiveN(fifo, 20);
      for (const g of ['x', 'y']) {
        assert.deepEqual(ordered.filter((m) => m.messageGroup === g).map((m) => m.body.toString()), [...Array(10).keys()].map((i) => `${g}-${i}`));
      }
    } finally {
      await consumer.shutdown();
      await fifo.shutdown();
      await producer.shutdown();
    }
  });

  test('errors come back as apache.rocketmq.v2.Code in the response status', async () => {
    assert.equal((await call(raw, 'QueryRoute', { topic: { name: 'NoSuchTopic' } })).status.code, 'TOPIC_NOT_FOUND');
    assert.equal((await call(raw, 'QueryRoute', { topic: { name: '' } })).status.code, 'ILLEGAL_TOPIC');
    assert.equal((await call(raw, 'Heartbeat', { clientType: 'CLIENT_TYPE_UNSPECIFIED' })).status.code, 'UNRECOGNIZED_CLIENT_TYPE');
    const wrongType = await call(raw, 'SendMessage', { messages: [message('PNormal', Buffer.from('x'), { messageType: 'FIFO', messageGroup: 'g1' })] });
    assert.equal(wrongType.status.code, 'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE');
    const noId = await call(raw, 'SendMessage', { messages: [message('PNormal', Buffer.from('x'), { messageId: '' })] });
    assert.equal(noId.status.code, 'ILLEGAL_MESSAGE_ID');
    const badHandle = await call(raw, 'AckMessage', { group: { name: 'g' }, topic: { name: 'PNormal' }, entries: [{ messageId: 'm', receiptHandle: 'garbage' }] });
    assert.equal(badHandle.status.code, 'INVALID_RECEIPT_HANDLE');
    const badTx = await call(raw, 'EndTransaction', { topic: { name: 'PNormal' }, messageId: 'm', transactionId: 'nope', resolution: 'COMMIT' });
    assert.equal(badTx.status.code, 'INVALID_TRANSACTION_ID');
  });

  test('a 5 MiB and a 100 MiB message get MESSAGE_BODY_TOO_LARGE; the proxy then serves a normal send', async () => {
    const five = await call(raw, 'SendMessage', { messages: [message('PNormal', Buffer.alloc(5 * 1024 * 1024, 1))] }, 30_000);
    assert.equal(five.status.code, 'MESSAGE_BODY_TOO_LARGE');
    const hundred = await call(raw, 'SendMessage', { messages: [message('PNormal', Buffer.alloc(100 * 1024 * 1024, 2))] }, 60_000);
    assert.equal(hundred.status.code, 'MESSAGE_BODY_TOO_LARGE');
    const ok = await call(raw, 'SendMessage', { messages: [message('PNormal', Buffer.from('after-big'))] });
    assert.equal(ok.status.code, 'OK');
    assert.equal(ok.entries[0].status.code, 'OK');
  });

  test('an unknown RPC gets UNIMPLEMENTED and the proxy answers the next call', async () => {
    const err = await new Promise<grpc.ServiceError>((resolve, reject) => {
      raw.makeUnaryRequest('/apache.rocketmq.v2.MessagingService/NoSuchRpc', (x: Buffer) => x, (x: Buffer) => x, Buffer.from([8, 1]), meta(),
        { deadline: Date.now() + 5_000 }, (e: grpc.ServiceError | null) => (e ? resolve(e) : reject(new Error('an unknown RPC succeeded'))));
    });
    assert.equal(err.code, grpc.status.UNIMPLEMENTED);
    await routeAnswers();
  });

  test('garbage bytes on the port close that connection only', async () => {
    const port = Number(c.endpoint.split(':')[1]);
    const sock = net.connect(port, '127.0.0.1');
    let closed = false;
    sock.once('close', () => { closed = true; });
    sock.resume(); // read what the server answers (its GOAWAY) so its closing is seen
    sock.on('error', () => undefined);
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    sock.write(randomBytes(64 * 1024));
    await waitFor('the garbage connection to be closed', () => closed, 10_000);
    await routeAnswers();
  });

  test('a malformed protobuf request fails that call with INTERNAL and leaves the connection serving', async () => {
    const err = await new Promise<grpc.ServiceError>((resolve, reject) => {
      raw.makeUnaryRequest('/apache.rocketmq.v2.MessagingService/QueryRoute', (x: Buffer) => x, (x: Buffer) => x, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1]), meta(),
        { deadline: Date.now() + 5_000 }, (e: grpc.ServiceError | null) => (e ? resolve(e) : reject(new Error('a malformed request succeeded'))));
    });
    assert.notEqual(err.code, grpc.status.OK);
    await routeAnswers();
  });

  test('streams opened and never read do not stall the proxy', async () => {
    // Telemetry streams that send settings and never read the answers.
    const streams: grpc.ClientDuplexStream<Obj, Obj>[] = [];
    for (let i = 0; i < 20; i++) {
      const s = raw.Telemetry(meta()) as grpc.ClientDuplexStream<Obj, Obj>;
      s.on('error', () => undefined);
      s.write({ settings: { clientType: 'PRODUCER', publishing: { topics: [{ name: 'PNormal' }] }, requestTimeout: { seconds: 3 } } });
      streams.push(s);
    }
    // A bare HTTP/2 stream on a method path: headers only, no body ever, never read.
    const session = http2.connect(`http://${c.endpoint}`);
    session.on('error', () => undefined);
    const hung = session.request({ ':method': 'POST', ':path': '/apache.rocketmq.v2.MessagingService/SendMessage', 'content-type': 'application/grpc', te: 'trailers' }, { endStream: false });
    hung.on('error', () => undefined);
    // A long-polling receive whose answer is never read.
    const rs = raw.ReceiveMessage({ group: { name: 'hung' }, messageQueue: { topic: { name: 'PNormal' } }, batchSize: 1, invisibleDuration: { seconds: 15 }, longPollingTimeout: { seconds: 5 } }, meta()) as grpc.ClientReadableStream<Obj>;
    rs.on('error', () => undefined);
    rs.pause();
    try {
      const t0 = Date.now();
      await routeAnswers();
      const sent = await call(raw, 'SendMessage', { messages: [message('PNormal', Buffer.from('while-hung'))] }, 5_000);
      assert.equal(sent.status.code, 'OK');
      assert.ok(Date.now() - t0 < 5_000);
    } finally {
      for (const s of streams) s.cancel();
      rs.cancel();
      hung.close();
      session.destroy();
    }
  });
});
