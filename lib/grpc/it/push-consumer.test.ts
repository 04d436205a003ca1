// The official Node client's PushConsumer through the endpoint: failed messages are retried and reach the group's
// DLQ (broker-side for standard groups, ForwardMessageToDeadLetterQueue for FIFO groups); a SimpleConsumer killed
// without NotifyClientTermination has its messages delivered to another member after their invisible time.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConsumeResult, Producer, PushConsumer, type MessageView } from 'rocketmq-client-nodejs';
import { setLogSink } from '../../common/log.ts';
import { RequestCode } from '../../protocol/codes.ts';
import { exitIfClientTimersLinger, quietLogger, simpleConsumer, startGrpcCluster, waitFor, type GrpcCluster } from './harness.ts';

setLogSink(() => {});

const RECEIVE_PROC = fileURLToPath(new URL('./receive-proc.ts', import.meta.url));

describe('PushConsumer retries and DLQ, and a killed client, through the endpoint', () => {
  let c: GrpcCluster;
  let producer: Producer;

  before(async () => {
    c = await startGrpcCluster('local');
    await c.createTopic('PushNormal', 'NORMAL', 1);
    await c.createTopic('PushFifo', 'FIFO', 1);
    await c.createTopic('Killed', 'NORMAL', 2);
    await c.createGroup('push-dlq', { retryMaxTimes: 2 });
    await c.createGroup('push-fifo-dlq', { orderly: true, retryMaxTimes: 2 });
    producer = new Producer({ endpoints: c.endpoint, namespace: '', logger: quietLogger as never });
    await producer.startup();
  });

  after(async () => {
    await producer?.shutdown();
    await c?.stop();
    exitIfClientTimersLinger();
  });

  const dlqCount = async (group: string): Promise<number> => {
    const r = await c.admin.call(RequestCode.GET_MAX_OFFSET, { topic: `%DLQ%${group}`, queueId: 0 });
    return r.code === 0 ? Number(r.extFields?.offset ?? 0) : 0;
  };

  for (const fifo of [false, true]) {
    const group = fifo ? 'push-fifo-dlq' : 'push-dlq';
    const topic = fifo ? 'PushFifo' : 'PushNormal';
    test(`a ${fifo ? 'FIFO' : 'standard'} PushConsumer whose listener fails is retried up to max attempts, then the message is in %DLQ%${group}`, async () => {
      const attempts: number[] = [];
      const consumer = new PushConsumer({
        endpoints: c.endpoint, namespace: '', consumerGroup: group, subscriptions: new Map([[topic, '*']]), logger: quietLogger as never,
        messageListener: {
          consume(m: MessageView) {
            if (m.body.toString() === `fail-${group}`) attempts.push(m.deliveryAttempt ?? 0);
            return ConsumeResult.FAILURE;
          },
        },
      });
      await consumer.startup();
      try {
        await producer.send({ topic, body: Buffer.from(`fail-${group}`), ...(fifo ? { messageGroup: 'g' } : {}) });
        await waitFor(`the message in %DLQ%${group}`, async () => (await dlqCount(group)) >= 1, 60_000, 200);
        // Max attempts = retryMaxTimes + 1 = 3, counted from 1.
        assert.ok(attempts.length >= 3, `attempts seen: ${attempts.join(',')}`);
        assert.equal(attempts[0], 1);
        assert.ok(Math.max(...attempts) <= 3, `attempts seen: ${attempts.join(',')}`);
      } finally {
        await consumer.shutdown();
      }
    });
  }

  test('a consumer killed without NotifyClientTermination: its unacked messages go to another member after their invisible time', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', RECEIVE_PROC, c.endpoint, 'killed-group', 'Killed', '10000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const received: string[] = [];
    let started = false;
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        const e = JSON.parse(l) as { event: string; body?: string };
        if (e.event === 'started') started = true;
        if (e.event === 'received') received.push(e.body!);
      }
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const other = simpleConsumer(c.endpoint, 'killed-group', 'Killed');
    try {
      await waitFor('the child consumer to start', () => started, 30_000);
      for (let i = 0; i < 5; i++) await producer.send({ topic: 'Killed', body: Buffer.from(`k-${i}`) });
      await waitFor('the child to receive all 5', () => received.length >= 5, 30_000);
      const t0 = Date.now();
      child.kill('SIGKILL');
      await exited;
      await other.startup();
      const got: MessageView[] = [];
      await waitFor('the 5 messages at the other member', async () => {
        for (const m of await other.receive(16, 15_000)) {
          got.push(m);
          await other.ack(m);
        }
        return got.length >= 5;
      }, 40_000);
      assert.deepEqual(got.map((m) => m.body.toString()).sort(), ['k-0', 'k-1', 'k-2', 'k-3', 'k-4']);
      assert.ok(got.every((m) => m.deliveryAttempt === 2));
      assert.ok(Date.now() - t0 >= 5_000, 'not before the invisible time ran out');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await other.shutdown();
    }
  });
});
