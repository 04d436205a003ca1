// LitePullConsumer against a real nameserver and broker: assign + poll + commit + seek + pause, and subscribe mode
// where two members split the queues.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { LitePullConsumer } from '../lite-pull-consumer.ts';
import { Producer } from '../producer.ts';
import type { ConsumedMessage } from '../pull-api.ts';
import { startCluster, waitFor, type TestCluster } from './harness.ts';

setLogSink(() => {});

describe('lite pull consumer', () => {
  let c: TestCluster;
  let producer: Producer;

  before(async () => {
    c = await startCluster(1);
    await Promise.all([c.createTopic('LiteTopic', 4), c.createTopic('LiteSubTopic', 4)]);
    producer = new Producer({ group: 'it_lite_p', namesrvAddr: c.namesrvAddr });
    await producer.start();
    for (let i = 0; i < 100; i++) await producer.send({ topic: 'LiteTopic', body: String(i) });
  });

  after(async () => {
    await producer?.shutdown();
    await c?.stop();
  });

  async function pollUntil(consumer: LitePullConsumer, n: number, into: ConsumedMessage[] = []): Promise<ConsumedMessage[]> {
    await waitFor(`${n} polled messages`, async () => {
      into.push(...(await consumer.poll(200)));
      return into.length >= n;
    }, 20_000);
    return into;
  }

  test('assign, poll everything, commit, then seek back and pause a queue', async () => {
    const consumer = new LitePullConsumer({ group: 'it_lite', namesrvAddr: c.namesrvAddr, autoCommit: false, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    await consumer.start();
    try {
      const mqs = await consumer.fetchMessageQueues('LiteTopic');
      assert.equal(mqs.length, 4);
      consumer.assign(mqs);
      const all = await pollUntil(consumer, 100);
      assert.deepEqual(all.map((m) => Number(m.body.toString())).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
      await consumer.commitSync();
      const q0 = mqs.find((q) => q.queueId === 0)!;
      const q0Count = all.filter((m) => m.queueId === 0).length;
      assert.equal(await consumer.committed(q0), q0Count);

      await consumer.seekToBegin(q0);
      const again = await pollUntil(consumer, q0Count);
      assert.ok(again.every((m) => m.queueId === 0));
      assert.deepEqual(again.map((m) => m.queueOffset), Array.from({ length: q0Count }, (_, i) => i));

      const q1 = mqs.find((q) => q.queueId === 1)!;
      consumer.pause([q1]);
      await consumer.seek(q1, 0);
      assert.deepEqual(await consumer.poll(300), [], 'a paused queue delivers nothing');
      consumer.resume([q1]);
      const resumed = await pollUntil(consumer, 1);
      assert.equal(resumed[0]!.queueId, 1);
      await assert.rejects(consumer.seek(q1, 1_000_000), /Seek offset illegal/);
    } finally {
      await consumer.shutdown();
    }
  });

  test('subscribed members split the queues and poll every message once', async () => {
    const opts = { group: 'it_lite_sub', namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' as const, rebalanceInterval: 1000, autoCommitIntervalMillis: 1000 };
    const a = new LitePullConsumer({ ...opts, instanceName: 'lite-a' });
    const b = new LitePullConsumer({ ...opts, instanceName: 'lite-b' });
    a.subscribe('LiteSubTopic');
    b.subscribe('LiteSubTopic');
    await Promise.all([a.start(), b.start()]);
    try {
      await waitFor('2 queues each', () => a.assignment().length === 2 && b.assignment().length === 2, 20_000);
      for (let i = 0; i < 200; i++) await producer.send({ topic: 'LiteSubTopic', body: String(i) });
      const got: ConsumedMessage[] = [];
      await waitFor('200 messages across both members', async () => {
        const [x, y] = await Promise.all([a.poll(100), b.poll(100)]);
        got.push(...x, ...y);
        return got.length >= 200;
      }, 30_000);
      assert.equal(got.length, 200);
      assert.equal(new Set(got.map((m) => m.body.toString())).size, 200);
    } finally {
      await Promise.all([a.shutdown(), b.shutdown()]);
    }
  });
});
