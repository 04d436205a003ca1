// Broker memory, idle and under load: a master + slave started as bench/vs-apache.ts starts ours (ASYNC_MASTER,
// ASYNC_FLUSH, 1 GiB commit log files, the nameserver), from the compiled CLI bundle and from the TypeScript sources
// (tsx). Prints the master's RSS after it has been idle a while, what it is made of (/proc/PID/smaps_rollup: the node
// binary's pages, anonymous memory; the main thread's V8 heap through bench/broker-rss/probe.mjs), its thread count,
// then its peak RSS under a send load (one connection, 32 SEND_MESSAGE_V2 of 1 KB in flight, as Apache's benchmark
// Producer sends), then its peak RSS while a consumer drains that backlog (pulls of 32, one per queue in flight, as
// Apache's push Consumer pulls) and its RSS once it has been idle again after the drain (the read buffers of a
// drain are freed after one to two retention intervals, 10 s each, unused). Options: --runtimes bundle,tsx
// --idle 10 (s)  --sends 200000  --size 1024  --after-drain 25 (s).

import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildBundle, freshBundle } from '../lib/cli/bundle.mjs';
import { setLogSink } from '../lib/common/log.ts';
import { waitFor } from '../lib/common/wait-for.ts';
import { RequestCode, ResponseCode } from '../lib/protocol/codes.ts';
import { RemotingClient } from '../lib/remoting/client.ts';
import { createRequest } from '../lib/remoting/command.ts';
import { spawnBroker, spawnNamesrv, TestClient } from '../lib/broker/it/harness.ts';
import { pairProps, runtimeNumber, spawnSlave, type PairOptions } from '../lib/broker/it/ha-harness.ts';
import { drain, subscribeAll } from './pull-cost.ts';
import type { BenchMetric, BenchReport } from './run.ts';

const PROBE = fileURLToPath(new URL('./broker-rss/probe.mjs', import.meta.url));
const TOPIC = 'BrokerRssTopic';
const QUEUES = 8;
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fields of /proc/PID/smaps_rollup and /proc/PID/status, in MiB (Threads as a count). */
function procFigures(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').matchAll(/^(\w+):\s+(\d+) kB/gm)) out[m[1]!] = Number(m[2]) / 1024;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  out.VmRSS = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
  out.Threads = Number(/Threads:\s+(\d+)/.exec(status)![1]);
  // the node executable's resident pages (file-backed, shared with every other node process)
  let exe = 0;
  let inExe = false;
  const binary = readlinkSync(`/proc/${pid}/exe`);
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) inExe = head[1] === binary;
    else if (inExe && line.startsWith('Rss:')) exe += Number(/(\d+)/.exec(line)![1]) / 1024;
  }
  out.NodeBinary = exe;
  return out;
}

/** The main thread's V8 figures, from the probe. */
async function heapFigures(pid: number, dir: string): Promise<{ heapUsed: number; heapTotal: number; external: number; arrayBuffers: number }> {
  const file = join(dir, `mem-${pid}.json`);
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  let text = '';
  await waitFor('heap figures from the probe', () => {
    try {
      text = readFileSync(file, 'utf8');
      return text.endsWith('}');
    } catch {
      return false;
    }
  }, 5000);
  const j = JSON.parse(text) as Record<string, number>;
  return { heapUsed: j.heapUsed! / MiB, heapTotal: j.heapTotal! / MiB, external: j.external! / MiB, arrayBuffers: j.arrayBuffers! / MiB };
}

/** Samples `pid`'s RSS every 200 ms until stopped; `peak` is the highest so far, read now included (MiB). */
function peakRss(pid: number): { peak(): number; stop(): Promise<void> } {
  let peak = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      peak = Math.max(peak, procFigures(pid).VmRSS!);
      await sleep(200);
    }
  })();
  return {
    peak: () => (peak = Math.max(peak, procFigures(pid).VmRSS!)),
    stop: async () => {
      done = true;
      await sampler;
    },
  };
}

/** `count` sends over one connection with `depth` in flight, sampling `pid`'s RSS; peak RSS (MiB) and sends/s. */
async function load(addr: string, pid: number, count: number, depth: number, body: Buffer): Promise<{ peak: number; tps: number }> {
  const c = new RemotingClient({ defaultTimeoutMs: 30_000 });
  await c.getConnection(addr);
  const rss = peakRss(pid);
  let left = count;
  let n = 0;
  const t0 = Date.now();
  try {
    await Promise.all(Array.from({ length: depth }, async () => {
      while (left-- > 0) {
        const header = { a: 'bench_producer', b: TOPIC, c: 'TBW102', d: QUEUES, e: n % QUEUES, f: 0, g: Date.now(), h: 0, i: `TAGS\u0001TagA\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001${(n++).toString(16).padStart(32, '0')}`, j: 0, k: false, m: false };
        const res = await c.invoke(addr, createRequest(RequestCode.SEND_MESSAGE_V2, header, { body }));
        if (res.code !== ResponseCode.SUCCESS) throw new Error(`send answered ${res.code} ${res.remark}`);
      }
    }));
  } finally {
    await rss.stop();
    await c.close();
  }
  return { peak: rss.peak(), tps: count / ((Date.now() - t0) / 1000) };
}

/** Drains every queue of TOPIC from 0, sampling `pid`'s RSS; peak RSS (MiB) and messages/s. */
async function drainAll(addr: string, pid: number, admin: TestClient): Promise<{ peak: number; tps: number }> {
  const until = await Promise.all(Array.from({ length: QUEUES }, (_, q) => admin.maxOffset(TOPIC, q)));
  const c = new RemotingClient({ defaultTimeoutMs: 30_000 });
  const rss = peakRss(pid);
  const t0 = Date.now();
  try {
    const subVersion = await subscribeAll(c, addr, 'broker_rss_consumer', TOPIC);
    const n = await drain(c, addr, 'broker_rss_consumer', TOPIC, until.map(() => 0), until, subVersion);
    return { peak: rss.peak(), tps: n / ((Date.now() - t0) / 1000) };
  } finally {
    await rss.stop();
    await c.close();
  }
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      runtimes: { type: 'string', default: 'bundle,tsx' },
      idle: { type: 'string', default: '10' },
      sends: { type: 'string', default: '200000' },
      size: { type: 'string', default: '1024' },
      'after-drain': { type: 'string', default: '25' },
    },
  });
  const runtimes = String(values.runtimes).split(',').map((x) => x.trim());
  for (const r of runtimes) if (r !== 'bundle' && r !== 'tsx') throw new Error(`--runtimes: '${r}' is not bundle or tsx`);
  const idleS = Number(values.idle);
  const sends = Number(values.sends);
  const afterDrainS = Number(values['after-drain']);
  setLogSink(() => {});
  const probeDir = mkdtempSync(join(tmpdir(), 'broker-rss-'));
  const metrics: BenchMetric[] = [];
  const saved = process.env.ROCKETDECK_BUNDLE;
  try {
    for (const runtime of runtimes) {
      if (runtime === 'bundle') {
        delete process.env.ROCKETDECK_BUNDLE;
        if (!freshBundle()) await buildBundle();
      } else {
        process.env.ROCKETDECK_BUNDLE = '0';
      }
      process.env.ROCKETDECK_MEM_PROBE_DIR = probeDir;
      const ns = await spawnNamesrv();
      const opts: PairOptions = {
        namesrv: ns.address,
        masterRole: 'ASYNC_MASTER',
        brokerName: 'broker-a',
        props: { brokerClusterName: 'DefaultCluster', flushDiskType: 'ASYNC_FLUSH', mappedFileSizeCommitLog: 1024 * MiB, autoCreateTopicEnable: true },
      };
      const master = await spawnBroker({ namesrv: ns.address, props: pairProps(opts).master, nodeArgs: ['--import', PROBE] });
      const slave = await spawnSlave(opts);
      const admin = new TestClient(master.address);
      try {
        await waitFor('slave connected', async () => (await runtimeNumber(admin, 'haConnectionCount')) === 1, 30_000);
        await admin.createTopic(TOPIC, QUEUES);
        const pid = master.child.pid!;
        const atReady = procFigures(pid).VmRSS!;
        await sleep(idleS * 1000);
        const p = procFigures(pid);
        const h = await heapFigures(pid, probeDir);
        const l = await load(master.address, pid, sends, 32, Buffer.alloc(Number(values.size), 0x61));
        const d = await drainAll(master.address, pid, admin);
        await sleep(afterDrainS * 1000);
        const pd = procFigures(pid);
        const hd = await heapFigures(pid, probeDir);
        // the drain's release (a smaller one before it, if any, is logged without a collection: collectAfterDrainBytes)
        const releases = master.logs.map((l) => /"read_buffers_released".*"gcMs":([\d.]+|null)/.exec(l)).filter((m) => m !== null);
        const released = releases.find((m) => m[1] !== 'null') ?? releases[0];
        const r = `${runtime}:`;
        metrics.push(
          { metric: `${r} master RSS when the slave connected`, value: Math.round(atReady), unit: 'MiB' },
          { metric: `${r} master RSS after ${idleS} s idle`, value: Math.round(p.VmRSS!), unit: 'MiB' },
          { metric: `${r}   node binary pages (shared, file-backed)`, value: Math.round(p.NodeBinary!), unit: 'MiB' },
          { metric: `${r}   other file-backed pages (libraries)`, value: Math.round(p.Rss! - p.Anonymous! - p.NodeBinary!), unit: 'MiB' },
          { metric: `${r}   anonymous memory`, value: Math.round(p.Anonymous!), unit: 'MiB' },
          { metric: `${r}     main thread V8 heap used / committed`, value: Math.round(h.heapUsed), unit: `MiB / ${Math.round(h.heapTotal)} MiB` },
          { metric: `${r}     main thread external (array buffers)`, value: Math.round(h.external), unit: `MiB (${Math.round(h.arrayBuffers)} MiB)` },
          { metric: `${r}   threads`, value: p.Threads!, unit: '' },
          { metric: `${r} master peak RSS under ${sends.toLocaleString('en-US')} sends`, value: Math.round(l.peak), unit: `MiB (at ${Math.round(l.tps).toLocaleString('en-US')} sends/s)` },
          { metric: `${r} master peak RSS while they are drained`, value: Math.round(d.peak), unit: `MiB (at ${Math.round(d.tps).toLocaleString('en-US')} msg/s)` },
          { metric: `${r} master RSS ${afterDrainS} s after the drain`, value: Math.round(pd.VmRSS!), unit: 'MiB' },
          { metric: `${r}   anonymous memory`, value: Math.round(pd.Anonymous!), unit: 'MiB' },
          { metric: `${r}     main thread external (array buffers)`, value: Math.round(hd.external), unit: `MiB (${Math.round(hd.arrayBuffers)} MiB)` },
          { metric: `${r}   read buffers released, then a full GC taking`, value: Number(released?.[1] ?? NaN), unit: !released ? 'ms (no release logged)' : released[1] === 'null' ? 'ms (no GC: node without --expose-gc, or the drain below collectAfterDrainBytes)' : 'ms' },
        );
      } finally {
        await admin.close();
        await slave.destroy();
        await master.destroy();
        await ns.stop();
      }
    }
  } finally {
    if (saved === undefined) delete process.env.ROCKETDECK_BUNDLE;
    else process.env.ROCKETDECK_BUNDLE = saved;
    delete process.env.ROCKETDECK_MEM_PROBE_DIR;
    rmSync(probeDir, { recursive: true, force: true });
  }
  return { bench: 'broker-rss', params: { runtimes: runtimes.join(','), idleS, sends, size: Number(values.size), afterDrainS }, metrics };
}
