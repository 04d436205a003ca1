// Broker CPU per 100k sends, A/B: a `rocketdeck broker` started from checkout A and one from checkout B (each a
// directory holding lib/cli/bin.mjs), alternately, under the same send load (one connection with 32 sends in flight,
// as Apache's benchmark Producer's 32 threads share one connection). CPU time (utime + stime of the broker process)
// per send holds up on a loaded machine where throughput does not; alternating rounds spreads the load over both.
// --serialize ROCKETMQ sends binary headers, as Apache's benchmark Producer does (it sets rocketmq.serialize.type).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setLogSink } from '../lib/common/log.ts';
import { RequestCode, ResponseCode } from '../lib/protocol/codes.ts';
import { RemotingClient } from '../lib/remoting/client.ts';
import { createRequest, type SerializeType } from '../lib/remoting/command.ts';
import { TestClient } from '../lib/broker/it/harness.ts';
import type { BenchMetric, BenchReport } from './run.ts';
import { AB_OPTIONS, cpuTicks, startCheckoutBroker, type CheckoutBroker } from './checkout-broker.ts';

const TOPIC = 'SendCostTopic';
const QUEUES = 8;
const PROPS = 'TAGS\u0001TagA\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001';

export { cpuTicks };

/** Starts `root`'s broker (ASYNC_FLUSH or SYNC_FLUSH, no nameserver) and resolves with its pid, address and a stop. */
export function startBroker(root: string, flush: string, cpuProfDir?: string): Promise<CheckoutBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'send-cost-'));
  return startCheckoutBroker(root, dir, {
    brokerClusterName: 'SendCost', brokerName: 'broker-sc', brokerId: 0, namesrvAddr: '', brokerIP1: '127.0.0.1', bindAddress: '127.0.0.1',
    listenPort: 0, haListenPort: 0, storePathRootDir: join(dir, 'store'), flushDiskType: flush, mappedFileSizeCommitLog: 256 * 1024 * 1024,
  }, { cpuProfDir, removeDir: true });
}

/** `count` sends over one connection, `depth` in flight; broker CPU seconds they cost. */
async function load(addr: string, pid: number, count: number, depth: number, body: Buffer, serializeType: SerializeType): Promise<number> {
  const c = new RemotingClient({ defaultTimeoutMs: 30_000 });
  await c.getConnection(addr);
  let q = 0;
  let left = count;
  let n = 0;
  const t0 = cpuTicks(pid);
  await Promise.all(Array.from({ length: depth }, async () => {
    while (left-- > 0) {
      const header = { a: 'bench_producer', b: TOPIC, c: 'TBW102', d: QUEUES, e: q++ % QUEUES, f: 0, g: Date.now(), h: 0, i: PROPS + (n++).toString(16).padStart(32, '0'), j: 0, k: false, m: false };
      const res = await c.invoke(addr, createRequest(RequestCode.SEND_MESSAGE_V2, header, { body, serializeType }));
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`send answered ${res.code} ${res.remark}`);
    }
  }));
  const t1 = cpuTicks(pid);
  await c.close();
  return (t1 - t0) / 100;
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      ...AB_OPTIONS,
      sends: { type: 'string', default: '100000' },
      depth: { type: 'string', default: '32' },
      flush: { type: 'string', default: 'ASYNC_FLUSH' },
      serialize: { type: 'string', default: 'JSON' },
    },
  });
  if (!values.a) throw new Error('--a: the checkout to compare against (a directory with lib/cli/bin.mjs) is required');
  const roots = { A: resolve(values.a), B: resolve(values.b!) };
  const sends = Number(values.sends);
  const serialize = values.serialize;
  if (serialize !== 'JSON' && serialize !== 'ROCKETMQ') throw new Error(`--serialize must be JSON or ROCKETMQ, not '${serialize}'`);
  const body = Buffer.alloc(Number(values.size), 0x61);
  setLogSink(() => {});
  const cpu: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const side of (r % 2 === 0 ? ['A', 'B'] : ['B', 'A']) as Array<'A' | 'B'>) {
      const b = await startBroker(roots[side], values.flush!, values['cpu-prof'] ? join(resolve(values['cpu-prof']), side) : undefined);
      try {
        const admin = new TestClient(b.address);
        await admin.createTopic(TOPIC, QUEUES);
        await admin.close();
        await load(b.address, b.pid, Math.min(20_000, sends), Number(values.depth), body, serialize); // warm-up (JIT)
        const s = await load(b.address, b.pid, sends, Number(values.depth), body, serialize);
        cpu[side].push((s * 100_000) / sends);
        process.stderr.write(`round ${r + 1} ${side}: ${((s * 100_000) / sends).toFixed(2)} CPU s / 100k sends\n`);
      } finally {
        await b.stop();
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const metrics: BenchMetric[] = [
    { metric: `A (${roots.A}) broker CPU per 100k sends, median`, value: Math.round(median(cpu.A) * 100) / 100, unit: 's' },
    { metric: `B (${roots.B}) broker CPU per 100k sends, median`, value: Math.round(median(cpu.B) * 100) / 100, unit: 's' },
    { metric: 'B / A', value: Math.round((median(cpu.B) / median(cpu.A)) * 1000) / 1000, unit: 'x' },
  ];
  return { bench: 'send-cost', params: { rounds: Number(values.rounds), sends, depth: Number(values.depth), size: Number(values.size), flush: values.flush!, serialize }, metrics };
}
