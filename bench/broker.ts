// Broker benchmark: produce and consume throughput of 1 KB messages through the network against a
// `rocketdeck broker` child process (1 and 64 producer connections, ASYNC_FLUSH and SYNC_FLUSH), send latency
// percentiles, and the store-only figures of the same machine and run (MessageStore in-process, no network).

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { setLogSink } from '../lib/common/log.ts';
import { RequestCode, ResponseCode } from '../lib/protocol/codes.ts';
import { RemotingClient } from '../lib/remoting/client.ts';
import { createRequest } from '../lib/remoting/command.ts';
import { MessageStore } from '../lib/store/message-store.ts';
import type { MessageExtBrokerInner } from '../lib/store/types.ts';
import { removeDir, spawnBroker, tempDir, TestClient } from '../lib/broker/it/harness.ts';
import { percentile, type BenchMetric, type BenchReport } from './run.ts';

type Flush = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

const TOPIC = 'BenchTopic';
const QUEUES = 8;
const PROPS = 'TAGS\u0001TagA\u0002WAIT\u0001true';

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

interface ProduceResult {
  sent: number;
  perSec: number;
  p50: number;
  p99: number;
}

/** `conns` connections, `depth` sends in flight on each, for `durationMs`. */
async function produce(addr: string, conns: number, depth: number, durationMs: number, body: Buffer): Promise<ProduceResult> {
  const clients = Array.from({ length: conns }, () => new RemotingClient({ defaultTimeoutMs: 30_000 }));
  const latencies: number[] = [];
  let sent = 0;
  let failed = 0;
  let q = 0;
  // Connect first so connection set-up does not count.
  await Promise.all(clients.map((c) => c.getConnection(addr)));
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(clients.flatMap((c) => Array.from({ length: depth }, async () => {
    while (performance.now() < end) {
      const header = { a: 'bench_producer', b: TOPIC, c: 'TBW102', d: QUEUES, e: q++ % QUEUES, f: 0, g: Date.now(), h: 0, i: PROPS, j: 0, k: false, m: false };
      const t0 = performance.now();
      const res = await c.invoke(addr, createRequest(RequestCode.SEND_MESSAGE_V2, header, { body }));
      latencies.push(performance.now() - t0);
      if (res.code === ResponseCode.SUCCESS) sent++;
      else failed++;
    }
  })));
  const elapsed = performance.now() - start;
  await Promise.all(clients.map((c) => c.close()));
  if (failed > 0) throw new Error(`${failed} sends failed`);
  latencies.sort((a, b) => a - b);
  return { sent, perSec: (sent / elapsed) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Pulls every queue from 0 to its end, 32 messages a pull, one pull in flight per queue. */
async function consume(addr: string): Promise<{ msgs: number; perSec: number; mbPerSec: number }> {
  const c = new TestClient(addr);
  const ends = await Promise.all(Array.from({ length: QUEUES }, (_, q) => c.maxOffset(TOPIC, q)));
  let msgs = 0;
  let bytes = 0;
  const start = performance.now();
  await Promise.all(ends.map(async (endOffset, q) => {
    let offset = 0;
    while (offset < endOffset) {
      const res = await c.pull('bench_consumer', TOPIC, q, offset, { max: 32 });
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`pull answered ${res.code} ${res.remark}`);
      offset = Number(res.extFields!.nextBeginOffset);
      bytes += res.body!.length;
    }
    msgs += endOffset;
  }));
  const elapsed = performance.now() - start;
  await c.close();
  return { msgs, perSec: (msgs / elapsed) * 1000, mbPerSec: bytes / 1048576 / (elapsed / 1000) };
}

/** The same append/read work straight on a MessageStore in this process. */
async function storeOnly(flush: Flush, depth: number, durationMs: number, body: Buffer): Promise<{ putPerSec: number; p50: number; p99: number; getPerSec: number }> {
  const dir = tempDir('bench-store');
  const store = await MessageStore.open({ storePathRootDir: join(dir, 'store'), flushDiskType: flush, mappedFileSizeCommitLog: 256 * 1024 * 1024 });
  const host = { address: '127.0.0.1', port: 10911 };
  const latencies: number[] = [];
  let puts = 0;
  let q = 0;
  try {
    const start = performance.now();
    const end = start + durationMs;
    await Promise.all(Array.from({ length: depth }, async () => {
      while (performance.now() < end) {
        const msg: MessageExtBrokerInner = {
          topic: TOPIC, queueId: q++ % QUEUES, flag: 0, body, properties: { TAGS: 'TagA' }, propertiesString: 'TAGS\u0001TagA',
          sysFlag: 0, bornTimestamp: Date.now(), bornHost: host, storeHost: host,
        };
        const t0 = performance.now();
        const r = await store.putMessage(msg);
        latencies.push(performance.now() - t0);
        if (!r.appendResult) throw new Error(`store put failed: ${r.status}`);
        puts++;
      }
    }));
    const putElapsed = performance.now() - start;
    let got = 0;
    const readStart = performance.now();
    await Promise.all(Array.from({ length: QUEUES }, async (_, queueId) => {
      const max = store.getMaxOffsetInQueue(TOPIC, queueId);
      for (let offset = 0; offset < max;) {
        const r = await store.getMessage('bench', TOPIC, queueId, offset, 32);
        got += r.buffers.length;
        offset = r.nextBeginOffset;
      }
    }));
    const readElapsed = performance.now() - readStart;
    latencies.sort((a, b) => a - b);
    return { putPerSec: (puts / putElapsed) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), getPerSec: (got / readElapsed) * 1000 };
  } finally {
    await store.shutdown();
    removeDir(dir);
  }
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '5' },
      size: { type: 'string', default: '1024' },
      depth: { type: 'string', default: '8' },
      flush: { type: 'string', default: 'ASYNC_FLUSH,SYNC_FLUSH' },
      connections: { type: 'string', default: '1,64' },
    },
  });
  const durationMs = Number(values.duration) * 1000;
  const body = Buffer.alloc(Number(values.size), 0x61);
  const depth = Number(values.depth);
  const flushes = values.flush!.split(',') as Flush[];
  const connCounts = values.connections!.split(',').map(Number);
  setLogSink(() => {});
  const metrics: BenchMetric[] = [];
  for (const flush of flushes) {
    const broker = await spawnBroker({ namesrv: '', props: { flushDiskType: flush, mappedFileSizeCommitLog: 256 * 1024 * 1024 } });
    try {
      const admin = new TestClient(broker.address);
      await admin.createTopic(TOPIC, QUEUES);
      await admin.close();
      for (const conns of connCounts) {
        const r = await produce(broker.address, conns, depth, durationMs, body);
        const tag = `${flush} ${conns} conn${conns > 1 ? 's' : ''} x ${depth} in flight`;
        metrics.push({ metric: `produce ${tag}`, value: round(r.perSec), unit: 'msg/s' });
        metrics.push({ metric: `send latency p50 ${tag}`, value: round(r.p50, 2), unit: 'ms' });
        metrics.push({ metric: `send latency p99 ${tag}`, value: round(r.p99, 2), unit: 'ms' });
      }
      const c = await consume(broker.address);
      metrics.push({ metric: `consume ${flush} (${c.msgs} msgs, 8 queues)`, value: round(c.perSec), unit: 'msg/s' });
      metrics.push({ metric: `consume ${flush} bytes`, value: round(c.mbPerSec), unit: 'MiB/s' });
    } finally {
      await broker.destroy();
    }
    const s = await storeOnly(flush, depth * Math.max(...connCounts), durationMs, body);
    metrics.push({ metric: `store-only put ${flush}`, value: round(s.putPerSec), unit: 'msg/s' });
    metrics.push({ metric: `store-only put latency p50 ${flush}`, value: round(s.p50, 2), unit: 'ms' });
    metrics.push({ metric: `store-only put latency p99 ${flush}`, value: round(s.p99, 2), unit: 'ms' });
    metrics.push({ metric: `store-only get ${flush}`, value: round(s.getPerSec), unit: 'msg/s' });
  }
  return {
    bench: 'broker',
    params: { size: body.length, duration: durationMs / 1000, depth, flush: flushes.join('+'), connections: connCounts.join('+') },
    metrics,
  };
}
