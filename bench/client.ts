// Client SDK benchmark: end-to-end throughput (produce + push consume) and end-to-end latency (born timestamp to
// listener call) of 1 KB messages through a `rocketdeck namesrv` and a `rocketdeck broker` child process.

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setLogSink } from '../lib/common/log.ts';
import { Producer, PushConsumer } from '../lib/client/index.ts';
import { startCluster } from '../lib/client/it/harness.ts';
import { percentile, type BenchMetric, type BenchReport } from './run.ts';


function latencyMetrics(name: string, samples: number[]): BenchMetric[] {
  const s = [...samples].sort((a, b) => a - b);
  return [50, 90, 99].map((p) => ({ metric: `${name} p${p}`, value: percentile(s, p), unit: 'ms' })).concat({ metric: `${name} max`, value: s.at(-1) ?? 0, unit: 'ms' });
}

/** Resolves when `cond` holds, checking on every consumed message (no timers involved) or fails at the deadline. */
function until(cond: () => boolean, timeoutMs: number, what: string): { check(): void; done: Promise<void> } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  return {
    check() {
      if (cond()) {
        clearTimeout(timer);
        resolve();
      }
    },
    done,
  };
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      messages: { type: 'string', default: '50000' },
      size: { type: 'string', default: '1024' },
      queues: { type: 'string', default: '8' },
      inflight: { type: 'string', default: '64' },
      rate: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '10' },
    },
  });
  const total = Number(values.messages);
  const size = Number(values.size);
  const queues = Number(values.queues);
  const inflight = Number(values.inflight);
  const rate = Number(values.rate);
  const durationMs = Number(values.duration) * 1000;
  setLogSink(() => {});

  const cluster = await startCluster(1);
  const metrics: BenchMetric[] = [];
  const producer = new Producer({ group: 'bench_p', namesrvAddr: cluster.namesrvAddr, instanceName: 'bench-producer' });
  const consumer = new PushConsumer({ group: 'bench_c', namesrvAddr: cluster.namesrvAddr, instanceName: 'bench-consumer', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceInterval: 1000 });
  const body = Buffer.alloc(size, 'x');
  let phase: 'throughput' | 'latency' = 'throughput';
  const latencies = { throughput: [] as number[], latency: [] as number[] };
  const consumed = { throughput: 0, latency: 0 };
  let lastConsumedAt = 0;
  let waiter: { check(): void } | undefined;
  try {
    await cluster.createTopic('BenchClientTopic', queues);
    await producer.start();
    consumer.subscribe('BenchClientTopic').onMessage((m) => {
      const now = Date.now();
      latencies[phase].push(now - m.bornTimestamp);
      consumed[phase]++;
      lastConsumedAt = performance.now();
      waiter?.check();
    });
    await consumer.start();
    const assigned = until(() => consumer.assignedQueues().filter((q) => q.topic === 'BenchClientTopic').length === queues, 30_000, 'queue assignment');
    const poll = setInterval(() => assigned.check(), 20);
    await assigned.done.finally(() => clearInterval(poll));

    // Phase 1: as fast as `inflight` concurrent sends go; throughput counts until the last message is consumed.
    let next = 0;
    const t0 = performance.now();
    const all = until(() => consumed.throughput >= total, 300_000, `${total} consumed messages`);
    waiter = all;
    await Promise.all(Array.from({ length: inflight }, async () => {
      while (next < total) {
        next++;
        await producer.send({ topic: 'BenchClientTopic', body });
      }
    }));
    const producedMs = performance.now() - t0;
    await all.done;
    const e2eMs = lastConsumedAt - t0;
    metrics.push({ metric: 'produce throughput', value: Math.round((total * 1000) / producedMs), unit: 'msg/s' });
    metrics.push({ metric: 'end-to-end throughput (produce + consume)', value: Math.round((total * 1000) / e2eMs), unit: 'msg/s' });
    metrics.push({ metric: 'end-to-end throughput', value: Math.round(((total * size) / (1024 * 1024) / e2eMs) * 1000 * 10) / 10, unit: 'MiB/s' });
    metrics.push(...latencyMetrics('latency at full load', latencies.throughput));

    // Phase 2: a steady `rate` msg/s for `duration` seconds, so the latency is the path's, not the backlog's.
    phase = 'latency';
    const count = Math.round((rate * durationMs) / 1000);
    const steady = until(() => consumed.latency >= count, durationMs + 60_000, `${count} paced messages`);
    waiter = steady;
    const start = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      sends.push(producer.send({ topic: 'BenchClientTopic', body }));
    }
    await Promise.all(sends);
    await steady.done;
    metrics.push(...latencyMetrics(`latency at ${rate} msg/s`, latencies.latency));
  } finally {
    await consumer.shutdown().catch(() => undefined);
    await producer.shutdown().catch(() => undefined);
    await cluster.stop();
  }
  return { bench: 'client', params: { messages: total, size, queues, inflight, rate, duration: durationMs / 1000 }, metrics };
}
