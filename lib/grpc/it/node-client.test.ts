// The official Node.js 5.x client (rocketmq-client-nodejs, pinned) against the gRPC endpoint inside a real broker
// process (local mode): NORMAL, FIFO, DELAY and TRANSACTION sends, SimpleConsumer receive/ack/change invisible time.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Producer, type MessageView } from 'rocketmq-client-nodejs';
import { setLogSink } from '../../common/log.ts';
import { quietLogger, receiveN, simpleConsumer, startGrpcCluster, waitFor, type GrpcCluster } from './harness.ts';

setLogSink(() => {});

/** TransactionResolution values of the client's generated protobuf code. */
const COMMIT = 1;
const ROLLBACK = 2;

describe('rocketmq-client-nodejs against the endpoint in the broker (local mode)', () => {
  let c: GrpcCluster;
  const checked: string[] = [];
  let producer: Producer;

  before(async () => {
    c = await startGrpcCluster('local', { transactionCheckInterval: 1000, transactionTimeOut: 1000 });
    await c.createTopic('GNormal', 'NORMAL');
    await c.createTopic('GFifo', 'FIFO');
    await c.createTopic('GDelay', 'DELAY');
    await c.createTopic('GTx', 'TRANSACTION');
    await c.createGroup('gfifo', { orderly: true });
    producer = new Producer({
      endpoints: c.endpoint, namespace: '', logger: quietLogger as never,
      checker: {
        async check(view: MessageView) {
          checked.push(view.body.toString());
          return (view.body.toString().startsWith('unknown-commit') ? COMMIT : ROLLBACK) as never;
        },
      },
    });
    await producer.startup();
  });

  after(async () => {
    await producer?.shutdown();
    await c?.stop();
  });

  test('NORMAL messages are sent and a SimpleConsumer receives and acks each with its tag, keys and properties', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = await producer.send({ topic: 'GNormal', tag: 'tagA', keys: [`k${i}`], properties: new Map([['p', `v${i}`]]), body: Buffer.from(`normal-${i}`) });
      ids.add(r.messageId);
    }
    const consumer = simpleConsumer(c.endpoint, 'gnormal', 'GNormal');
    await consumer.startup();
    try {
      const got = await receiveN(consumer, 20);
      assert.deepEqual(new Set(got.map((m) => m.messageId)), ids);
      const m0 = got.find((m) => m.body.toString() === 'normal-0')!;
      assert.equal(m0.tag, 'tagA');
      assert.deepEqual(m0.keys, ['k0']);
      assert.equal(m0.properties.get('p'), 'v0');
      assert.equal(m0.deliveryAttempt, 1);
      const again = await consumer.receive(16, 15_000);
      assert.equal(again.length, 0, 'acked messages must not come back');
    } finally {
      await consumer.shutdown();
    }
  });

  test('a message whose invisible duration is changed comes back after it, with its delivery attempt counted', async () => {
    await producer.send({ topic: 'GNormal', tag: 'inv', body: Buffer.from('invisible-1') });
    const consumer = simpleConsumer(c.endpoint, 'ginvisible', 'GNormal');
    await consumer.startup();
    try {
      const [first] = await receiveN(consumer, 1, { ack: false });
      assert.ok(first);
      // The group is new: it reads from the start, so it also sees the NORMAL test's messages; skip those.
      let target = first;
      if (target.body.toString() !== 'invisible-1') {
        const rest = await receiveN(consumer, 40, { timeoutMs: 8_000 });
        target = [first, ...rest].find((m) => m.body.toString() === 'invisible-1')!;
        if (target !== first) await consumer.ack(first);
      }
      assert.ok(target, 'the message was received');
      await consumer.changeInvisibleDuration(target, 1_000);
      const t0 = Date.now();
      const back = await waitFor('the message again', async () => (await consumer.receive(16, 15_000)).find((m) => m.body.toString() === 'invisible-1'), 20_000);
      assert.ok(Date.now() - t0 >= 500, 'not before its new invisible time');
      assert.equal(back.deliveryAttempt, 2);
      await consumer.ack(back);
    } finally {
      await consumer.shutdown();
    }
  });

  test('an unacked message comes back after its invisible time to the same group', async () => {
    await c.createTopic('GRedeliver', 'NORMAL');
    await producer.send({ topic: 'GRedeliver', body: Buffer.from('unacked-1') });
    const consumer = simpleConsumer(c.endpoint, 'gredeliver', 'GRedeliver');
    await consumer.startup();
    try {
      const [m] = await receiveN(consumer, 1, { ack: false, invisibleMs: 10_000 });
      assert.equal(m?.body.toString(), 'unacked-1');
      const t0 = Date.now();
      const back = await waitFor('redelivery', async () => (await consumer.receive(16, 10_000))[0], 30_000);
      assert.ok(Date.now() - t0 >= 8_000, `came back after ${Date.now() - t0} ms, before the 10 s invisible time`);
      assert.equal(back.body.toString(), 'unacked-1');
      assert.equal(back.deliveryAttempt, 2);
      await consumer.ack(back);
    } finally {
      await consumer.shutdown();
    }
  });

  test('FIFO: messages of one message group arrive in send order', async () => {
    const groups = ['ga', 'gb', 'gc'];
    for (let i = 0; i < 10; i++) {
      for (const g of groups) await producer.send({ topic: 'GFifo', messageGroup: g, body: Buffer.from(`${g}-${i}`) });
    }
    const consumer = simpleConsumer(c.endpoint, 'gfifo', 'GFifo');
    await consumer.startup();
    try {
      const got = await receiveN(consumer, 30);
      assert.equal(got.length, 30);
      for (const g of groups) {
        const seq = got.filter((m) => m.messageGroup === g).map((m) => Number(m.body.toString().split('-')[1]));
        assert.deepEqual(seq, [...Array(10).keys()], `order of group ${g}`);
      }
    } finally {
      await consumer.shutdown();
    }
  });

  test('a FIFO message to a NORMAL topic is refused with MESSAGE_PROPERTY_CONFLICT_WITH_TYPE', async () => {
    await assert.rejects(producer.send({ topic: 'GNormal', messageGroup: 'x', body: Buffer.from('wrong-type') }), /type|40014/i);
  });

  test('DELAY: a message with a delivery time arrives no earlier than it', async () => {
    const consumer = simpleConsumer(c.endpoint, 'gdelay', 'GDelay');
    await consumer.startup();
    try {
      const sentAt = Date.now();
      await producer.send({ topic: 'GDelay', delay: 3_000, body: Buffer.from('delayed-1') });
      const [m] = await receiveN(consumer, 1, { timeoutMs: 20_000 });
      const at = Date.now();
      assert.equal(m?.body.toString(), 'delayed-1');
      assert.ok(at - sentAt >= 2_900, `delivered after ${at - sentAt} ms`);
      assert.ok(m!.deliveryTimestamp && Math.abs(m!.deliveryTimestamp.getTime() - (sentAt + 3_000)) < 1_000);
    } finally {
      await consumer.shutdown();
    }
  });

  test('TRANSACTION: a committed message is delivered, a rolled back one is not, an unknown one is resolved by the check-back', async () => {
    const t1 = producer.beginTransaction();
    await producer.send({ topic: 'GTx', body: Buffer.from('committed-1') }, t1);
    await t1.commit();
    const t2 = producer.beginTransaction();
    await producer.send({ topic: 'GTx', body: Buffer.from('rolledback-1') }, t2);
    await t2.rollback();
    const t3 = producer.beginTransaction();
    await producer.send({ topic: 'GTx', body: Buffer.from('unknown-commit-1') }, t3);
    // t3 is left open: the broker asks back through the telemetry stream and the checker commits it.
    const consumer = simpleConsumer(c.endpoint, 'gtx', 'GTx');
    await consumer.startup();
    try {
      const got = await receiveN(consumer, 2, { timeoutMs: 60_000 });
      assert.deepEqual(got.map((m) => m.body.toString()).sort(), ['committed-1', 'unknown-commit-1']);
      assert.ok(checked.includes('unknown-commit-1'), 'the checker was asked about the open transaction');
      assert.equal((await consumer.receive(16, 15_000)).length, 0, 'the rolled back message is never delivered');
    } finally {
      await consumer.shutdown();
    }
  });
});
