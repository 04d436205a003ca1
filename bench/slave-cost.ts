// Slave CPU per 100k replicated messages, A/B: a master and its slave (`rocketdeck broker` processes, the slave
// finding its master by haMasterAddress) started from checkout A and a pair from checkout B, alternately, under the
// same send load on the master (one connection with 32 sends in flight). The figure is the slave process's CPU
// time (utime + stime) from the first measured send until it has everything: what replication costs the slave per
// message, which on a 2-core machine is taken from the producer and the master.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../lib/common/free-port.ts';
import { setLogSink } from '../lib/common/log.ts';
import { waitFor } from '../lib/common/wait-for.ts';
import { RequestCode, ResponseCode } from '../lib/protocol/codes.ts';
import { RemotingClient } from '../lib/remoting/client.ts';
import { createRequest } from '../lib/remoting/command.ts';
import { TestClient } from '../lib/broker/it/harness.ts';
import { runtimeNumber } from '../lib/broker/it/ha-harness.ts';
import type { BenchMetric, BenchReport } from './run.ts';
import { AB_OPTIONS, startCheckoutBroker, type CheckoutBroker } from './checkout-broker.ts';

const TOPIC = 'SlaveCostTopic';
const QUEUES = 8;
const PROPS = 'TAGS\u0001TagA\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001';

/** [utime, stime] of a process, in clock ticks (1/100 s). */
function cpuSplit(pid: number): [number, number] {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return [Number(x[11]), Number(x[12])];
}

/** utime + stime ticks of each thread of a process, by thread id ('main' for the main thread). */
function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : tid;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + Number(f[11]) + Number(f[12]));
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** Read and write system calls a process made so far (/proc/PID/io: syscr, syscw). */
function syscalls(pid: number): [number, number] {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return [Number(/syscr: (\d+)/.exec(io)![1]), Number(/syscw: (\d+)/.exec(io)![1])];
}

type Broker = CheckoutBroker;

/** Starts `root`'s broker with `props` (no nameserver) and resolves once it prints its ready line. */
function startBroker(root: string, dir: string, props: Record<string, string | number>, cpuProfDir?: string): Promise<Broker> {
  return startCheckoutBroker(root, dir, {
    brokerClusterName: 'SlaveCost', brokerName: 'broker-slc', namesrvAddr: '', brokerIP1: '127.0.0.1', brokerIP2: '127.0.0.1', bindAddress: '127.0.0.1',
    listenPort: 0, storePathRootDir: join(dir, 'store'), mappedFileSizeCommitLog: 256 * 1024 * 1024, ...props,
  }, { cpuProfDir });
}

/** `count` sends to the master over one connection, `depth` in flight. */
async function load(addr: string, count: number, depth: number, body: Buffer): Promise<void> {
  const c = new RemotingClient({ defaultTimeoutMs: 30_000 });
  await c.getConnection(addr);
  let q = 0;
  let left = count;
  let n = 0;
  try {
    await Promise.all(Array.from({ length: depth }, async () => {
      while (left-- > 0) {
        const header = { a: 'bench_producer', b: TOPIC, c: 'TBW102', d: QUEUES, e: q++ % QUEUES, f: 0, g: Date.now(), h: 0, i: PROPS + (n++).toString(16).padStart(32, '0'), j: 0, k: false, m: false };
        const res = await c.invoke(addr, createRequest(RequestCode.SEND_MESSAGE_V2, header, { body }));
        if (res.code !== ResponseCode.SUCCESS) throw new Error(`send answered ${res.code} ${res.remark}`);
      }
    }));
  } finally {
    await c.close();
  }
}

interface Round {
  slaveCpu: number;
  /** The slave's system (kernel) share of slaveCpu. */
  slaveSys: number;
  masterCpu: number;
}

async function oneRound(root: string, o: { sends: number; depth: number; body: Buffer; role: string; flush: string; threads: boolean; cpuProf?: string }): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'slave-cost-'));
  const haPort = await freePort();
  const common = { flushDiskType: o.flush };
  let master: Broker | undefined;
  let slave: Broker | undefined;
  const admin = { c: undefined as TestClient | undefined };
  let ok = false;
  try {
    master = await startBroker(root, join(dir, 'm'), { ...common, brokerId: 0, brokerRole: o.role, listenPort: await freePort(), haListenPort: haPort }, o.cpuProf && join(o.cpuProf, 'master'));
    slave = await startBroker(root, join(dir, 's'), { ...common, brokerId: 1, brokerRole: 'SLAVE', haListenPort: 0, haMasterAddress: `127.0.0.1:${haPort}` }, o.cpuProf && join(o.cpuProf, 'slave'));
    const c = (admin.c = new TestClient(master.address));
    await c.createTopic(TOPIC, QUEUES);
    await waitFor('slave connected', async () => (await runtimeNumber(c, 'haConnectionCount')) === 1, 30_000);
    const caughtUp = () => waitFor('slave caught up', async () => (await runtimeNumber(c, 'haLagBytes')) === 0, 120_000, 5);
    await load(master.address, Math.min(20_000, o.sends), o.depth, o.body); // warm-up (JIT, first files)
    await caughtUp();
    const s0 = cpuSplit(slave.pid);
    const t0 = threadTicks(slave.pid);
    const io0 = syscalls(slave.pid);
    const m0 = cpuSplit(master.pid);
    await load(master.address, o.sends, o.depth, o.body);
    await caughtUp();
    const [su, ss] = cpuSplit(slave.pid);
    const threads = [...threadTicks(slave.pid)].map(([name, t]) => [name, t - (t0.get(name) ?? 0)] as const).filter(([, t]) => t > 0).map(([name, t]) => `${name} ${(t / 100).toFixed(2)}`);
    const io1 = syscalls(slave.pid);
    if (o.threads) {
      process.stderr.write(`slave threads (CPU s): ${threads.join(', ')}; read/write syscalls: ${io1[0] - io0[0]} / ${io1[1] - io0[1]}\n`);
    }
    const [mu, ms] = cpuSplit(master.pid);
    ok = true;
    return { slaveCpu: (su - s0[0] + ss - s0[1]) / 100, slaveSys: (ss - s0[1]) / 100, masterCpu: (mu - m0[0] + ms - m0[1]) / 100 };
  } finally {
    await admin.c?.close();
    await slave?.stop();
    await master?.stop();
    // A failed round keeps its brokers' logs (m/stderr.log, s/stderr.log) to look at.
    if (ok) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`round failed; broker.conf and logs kept in ${dir}\n`);
  }
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      ...AB_OPTIONS,
      sends: { type: 'string', default: '100000' },
      depth: { type: 'string', default: '32' },
      role: { type: 'string', default: 'ASYNC_MASTER' },
      flush: { type: 'string', default: 'ASYNC_FLUSH' },
      threads: { type: 'boolean', default: false },
    },
  });
  const roots: Partial<Record<'A' | 'B', string>> = { B: resolve(values.b!) };
  if (values.a) roots.A = resolve(values.a);
  const sides = (Object.keys(roots) as Array<'A' | 'B'>).sort();
  const sends = Number(values.sends);
  const o = { sends, depth: Number(values.depth), body: Buffer.alloc(Number(values.size), 0x61), role: values.role!, flush: values.flush!, threads: values.threads! };
  setLogSink(() => {});
  const slave: Record<'A' | 'B', number[]> = { A: [], B: [] };
  const master: Record<'A' | 'B', number[]> = { A: [], B: [] };
  const per100k = (s: number) => (s * 100_000) / sends;
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      const cpuProf = values['cpu-prof'] ? join(resolve(values['cpu-prof']), side) : undefined;
      const res = await oneRound(roots[side]!, { ...o, cpuProf });
      slave[side].push(per100k(res.slaveCpu));
      master[side].push(per100k(res.masterCpu));
      process.stderr.write(`round ${r + 1} ${side}: slave ${per100k(res.slaveCpu).toFixed(2)} s (system ${per100k(res.slaveSys).toFixed(2)} s), master ${per100k(res.masterCpu).toFixed(2)} s CPU / 100k messages\n`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const r2 = (v: number) => Math.round(v * 100) / 100;
  const metrics: BenchMetric[] = [];
  for (const side of sides) {
    metrics.push({ metric: `${side} (${roots[side]}) slave CPU per 100k replicated messages, median`, value: r2(median(slave[side])), unit: 's' });
    metrics.push({ metric: `${side} slave CPU per message, median`, value: r2(median(slave[side]) * 10), unit: 'µs' });
    metrics.push({ metric: `${side} master CPU per 100k sends, median`, value: r2(median(master[side])), unit: 's' });
  }
  if (roots.A) metrics.push({ metric: 'slave B / A', value: Math.round((median(slave.B) / median(slave.A)) * 1000) / 1000, unit: 'x' });
  return {
    bench: 'slave-cost',
    params: { rounds: Number(values.rounds), sends, depth: o.depth, size: o.body.length, role: o.role, flush: o.flush },
    metrics,
  };
}
