// POP consumption against real nameserver and broker processes: SimpleConsumers popping, acking, changing
// invisible time; unacked messages coming back once through the retry topic; orderly pop; DLQ.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { RequestCode } from '../../protocol/codes.ts';
import { SimpleConsumer, type MessageView } from '../simple-consumer.ts';
import { startCluster, waitFor, type TestCluster } from './harness.ts';
import { silentLogger } from './fake-cluster.ts';

setLogSink(() => {});

/** Sends `n` messages spread over `queues` queues in batches; bodies are "<prefix>-<i>". */
async function produce(c: TestCluster, topic: string, n: number, queues: number, prefix: string): Promise<void> {
  const admin = c.admins[0]!;
  const perQueue: Array<Array<{ body: Buffer; properties: Record<string, string> }>> = Array.from({ length: queues }, () => []);
  for (let i = 0; i < n; i++) perQueue[i % queues]!.push({ body: Buffer.from(`${prefix}-${i}`), properties: { UNIQ_KEY: `${prefix}-${i}`, WAIT: 'true' } });
  for (let q = 0; q < queues; q++) {
    const list = perQueue[q]!;
    for (let i = 0; i < list.length; i += 200) {
      const res = await admin.sendBatch(topic, q, list.slice(i, i + 200));
      assert.equal(res.code, 0, `batch send: ${res.remark}`);
    }
  }
}

function consumer(c: TestCluster, group: string, topic: string, opts: { orderly?: boolean; awaitDuration?: number } = {}): SimpleConsumer {
  return new SimpleConsumer({
    consumerGroup: group, namesrvAddr: c.namesrvAddr, subscriptions: { [topic]: '*' }, awaitDuration: opts.awaitDuration ?? 2000,
    orderly: opts.orderly, logger: silentLogger, instanceName: `${group}-${Math.random().toString(36).slice(2)}`,
  });
}

describe('POP consumption against a broker process', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster(1);
  });
  after(async () => {
    await c?.stop();
  });

  test('3 SimpleConsumers pop 30,000 messages from 8 queues; 1,000 unacked ones come back after their invisible time exactly once', async () => {
    const topic = 'PopBig';
    const group = 'pop_big';
    await c.createTopic(topic, 8);
    const N = 30_000;
    await produce(c, topic, N, 8, 'b');
    const skip = new Set<string>();
    for (let i = 0; i < N && skip.size < 1000; i += 29) skip.add(`b-${i}`);
    const seen = new Map<string, number>();
    const redelivered = new Map<string, MessageView>();
    const consumers = [0, 1, 2].map(() => consumer(c, group, topic));
    for (const s of consumers) await s.start();
    let stop = false;
    const loops = consumers.map(async (s) => {
      while (!stop) {
        const views = await s.receive(32, 3000);
        const acks: MessageView[] = [];
        for (const v of views) {
          const body = v.body.toString();
          seen.set(body, (seen.get(body) ?? 0) + 1);
          if (v.deliveryAttempt > 1) redelivered.set(body, v);
          if (!skip.has(body) || v.deliveryAttempt > 1) acks.push(v);
        }
        if (acks.length > 0) await s.ackBatch(acks);
      }
    });
    try {
      await waitFor('all 30,000 received and the 1,000 skipped ones redelivered', () => seen.size === N && redelivered.size === skip.size, 90_000);
      // Nothing else comes back after another invisible time has passed.
      const settled = new Map(seen);
      await new Promise((r) => setTimeout(r, 4500));
      stop = true;
      await Promise.all(loops);
      for (const [body, n] of seen) {
        const expected = skip.has(body) ? 2 : 1;
        assert.equal(n, expected, `${body} delivered ${n} times, expected ${expected}`);
        assert.equal(settled.get(body), n, `${body} delivered again after everything was acked`);
      }
      for (const [body, v] of redelivered) {
        assert.ok(skip.has(body), `${body} came back though it was acked`);
        assert.equal(v.deliveryAttempt, 2);
        assert.equal(v.topic, topic);
      }
    } finally {
      stop = true;
      await Promise.allSettled(loops);
      for (const s of consumers) await s.close();
    }
  });

  test('orderly pop keeps each queue in order across 3 consumers and locks a queue until its messages are acked', async () => {
    const topic = 'PopOrder';
    const group = 'pop_order';
    await c.createTopic(topic, 4);
    const N = 2000;
    await produce(c, topic, N, 4, 'o');
    const consumers = [0, 1, 2].map(() => consumer(c, group, topic, { orderly: true }));
    for (const s of consumers) await s.start();
    const byQueue = new Map<number, number[]>();
    const inFlight = new Map<number, string>();
    let violations = 0;
    let stop = false;
    let total = 0;
    const loops = consumers.map(async (s, idx) => {
      while (!stop) {
        const views = await s.receive(16, 10_000);
        for (const v of views) {
          const owner = inFlight.get(v.queueId);
          if (owner !== undefined && owner !== `c${idx}`) violations++;
          inFlight.set(v.queueId, `c${idx}`);
        }
        for (const v of views) {
          const list = byQueue.get(v.queueId) ?? [];
          list.push(Number(v.body.toString().slice(2)));
          byQueue.set(v.queueId, list);
          total++;
        }
        // Release ownership before acking: once acked another consumer may take the queue.
        for (const v of views) if (inFlight.get(v.queueId) === `c${idx}`) inFlight.delete(v.queueId);
        for (const v of views) await s.ack(v);
      }
    });
    try {
      await waitFor('2,000 orderly messages', () => total >= N, 60_000);
      stop = true;
      await Promise.all(loops);
      assert.equal(total, N);
      assert.equal(violations, 0, 'a queue was handed to two consumers at once');
      for (const [q, list] of byQueue) {
        for (let i = 1; i < list.length; i++) assert.ok(list[i]! > list[i - 1]!, `queue ${q} out of order at ${i}: ${list[i - 1]} then ${list[i]}`);
        assert.equal(list.length, N / 4);
      }
    } finally {
      stop = true;
      await Promise.allSettled(loops);
      for (const s of consumers) await s.close();
    }
  });

  test('an orderly queue stays locked while its messages are invisible; when that ends the unacked ones come again, in order', async () => {
    const topic = 'PopOrderExpire';
    const group = 'pop_order_expire';
    await c.createTopic(topic, 1);
    await produce(c, topic, 3, 1, 'x');
    const a = consumer(c, group, topic, { orderly: true, awaitDuration: 500 });
    const b = consumer(c, group, topic, { orderly: true, awaitDuration: 500 });
    await a.start();
    await b.start();
    try {
      const first = await a.receive(32, 1500);
      assert.deepEqual(first.map((v) => [v.body.toString(), v.deliveryAttempt]), [['x-0', 1], ['x-1', 1], ['x-2', 1]]);
      await a.ack(first[0]!);
      assert.deepEqual(await b.receive(32, 1500), [], 'the queue is locked to the first consumer');
      let again: MessageView[] = [];
      await waitFor('the invisible time to end', async () => {
        again = await b.receive(32, 10_000);
        return again.length > 0;
      }, 10_000);
      assert.deepEqual(again.map((v) => [v.body.toString(), v.deliveryAttempt]), [['x-1', 2], ['x-2', 2]]);
      for (const v of again) await b.ack(v);
      assert.deepEqual(await a.receive(32, 1500), [], 'all acked: nothing more');
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a message nacked (changeInvisibleDuration 0) until past retryMaxTimes reaches the group DLQ', async () => {
    const topic = 'PopDlq';
    const group = 'pop_dlq';
    await c.createTopic(topic, 1);
    const admin = c.admins[0]!;
    // retryMaxTimes 2: first delivery + 2 retries, then %DLQ%pop_dlq.
    await admin.ok(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, Buffer.from(JSON.stringify({
      groupName: group, consumeEnable: true, consumeFromMinEnable: true, consumeBroadcastEnable: true, retryQueueNums: 1,
      retryMaxTimes: 2, brokerId: 0, whichBrokerWhenConsumeSlowly: 1, notifyConsumerIdsChangedEnable: true,
    })));
    await produce(c, topic, 1, 1, 'd');
    const s = consumer(c, group, topic, { awaitDuration: 1000 });
    await s.start();
    const attempts: number[] = [];
    try {
      await waitFor('3 deliveries', async () => {
        const views = await s.receive(1, 10_000);
        for (const v of views) {
          attempts.push(v.deliveryAttempt);
          await s.changeInvisibleDuration(v, 0);
        }
        return attempts.length >= 3;
      }, 30_000);
      assert.deepEqual(attempts, [1, 2, 3]);
      const dlq = consumer(c, 'pop_dlq_reader', '%DLQ%pop_dlq', { awaitDuration: 1000 });
      await waitFor('%DLQ%pop_dlq route', async () => {
        const r = await admin.call(RequestCode.GET_MAX_OFFSET, { topic: '%DLQ%pop_dlq', queueId: 0 });
        return r.code === 0 && Number(r.extFields?.offset) === 1;
      }, 15_000);
      await dlq.close();
      // And the original consumer gets nothing more.
      assert.deepEqual(await s.receive(1, 10_000), []);
    } finally {
      await s.close();
    }
  });
});
