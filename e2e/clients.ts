// RocketMQ clients the browser tests drive the cluster with: a producer and push consumers (lib/client), quiet and fast.
import { setLogSink } from '../lib/common/log.ts';
import { Producer, PushConsumer } from '../lib/client/index.ts';
import { namesrvAddr, waitFor } from './helpers.ts';

// client log lines would drown the test report
setLogSink(() => {});

/** Short client periods so rebalances and offset commits land within a test's seconds. */
const FAST = { rebalanceInterval: 1000, pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500 };

export async function startProducer(group: string): Promise<Producer> {
  const p = new Producer({ group, namesrvAddr: namesrvAddr() });
  await p.start();
  return p;
}

export async function sendMany(p: Producer, topic: string, n: number, keyPrefix = 'k'): Promise<void> {
  for (let i = 0; i < n; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => p.send({ topic, body: JSON.stringify({ n: i + j }), keys: `${keyPrefix}-${i + j}`, tags: 'e2e' })));
  }
}

export interface RunningConsumer {
  consumer: PushConsumer;
  received: () => number;
  stop(): Promise<void>;
}

/** A push consumer of `topic` in `group`, counting what it receives; resolves once it holds `queues` queues of the topic. */
export async function startConsumer(group: string, topic: string, opts: { instanceName?: string; queues?: number } = {}): Promise<RunningConsumer> {
  let count = 0;
  const consumer = new PushConsumer({
    group, namesrvAddr: namesrvAddr(), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', instanceName: opts.instanceName ?? `e2e-${Date.now()}`, ...FAST,
  });
  consumer.subscribe(topic).onMessage(() => {
    count++;
  });
  await consumer.start();
  if (opts.queues !== undefined) {
    await waitFor(`${group} to hold ${opts.queues} queues of ${topic}`, () => consumer.assignedQueues().filter((q) => q.topic === topic).length === opts.queues, 30_000);
  }
  return { consumer, received: () => count, stop: () => consumer.shutdown() };
}
