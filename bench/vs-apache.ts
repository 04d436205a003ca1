// RocketDeck against Apache RocketMQ 4.9.8 on the same machine, in one run: Apache's own benchmark tools
// (org.apache.rocketmq.example.benchmark.Producer and Consumer, built from source by bench/vs-apache/build.sh) against
// an Apache master + slave, then against a RocketDeck master + slave with the same settings, per durability mode.
// Options: --modes ROLE:FLUSH,... (default all four), --size 1024, --threads 32, --queues 8, --warmup 45 (s),
// --duration 30 (s measured), --consume 60 (s at most for the backlog drain), --consume-warmup 3 (s skipped),
// --consume-modes first|all|none, --sides apache,rocketdeck, --build-dir DIR, --cpu-prof DIR (our master's profile),
// --ours-set key=value,... (extra broker.conf keys for our brokers), --ours-runtime bundle|tsx (how our nodes run: the
// compiled CLI bundle users get from `npm ci`, rebuilt first when stale, or the TypeScript sources through tsx).
// Prints a markdown table for docs/benchmarks.md on stderr; see docs/benchmarks.md for what is measured and how.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildBundle, freshBundle } from '../lib/cli/bundle.mjs';
import { setLogSink } from '../lib/common/log.ts';
import { spawnBroker, spawnNamesrv, waitFor, type BrokerProcess, type NamesrvProcess } from '../lib/broker/it/harness.ts';
import { pairProps, runtimeNumber, spawnSlave, TestClient, type PairOptions } from '../lib/broker/it/ha-harness.ts';
import type { BenchMetric, BenchReport } from './run.ts';

type Role = 'ASYNC_MASTER' | 'SYNC_MASTER';
type Flush = 'ASYNC_FLUSH' | 'SYNC_FLUSH';
interface Mode { role: Role; flush: Flush }
type Side = 'apache' | 'rocketdeck';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const APACHE_DIR = join(HERE, '../e2e/apache-cluster');
const ALL_MODES: Mode[] = [
  { role: 'ASYNC_MASTER', flush: 'ASYNC_FLUSH' },
  { role: 'SYNC_MASTER', flush: 'ASYNC_FLUSH' },
  { role: 'ASYNC_MASTER', flush: 'SYNC_FLUSH' },
  { role: 'SYNC_MASTER', flush: 'SYNC_FLUSH' },
];
/** Not Apache's default BenchmarkTest: that is a system topic of 1024 queues there (and here), which updateTopic refuses. */
const TOPIC = 'VsApacheTest';
const BROKER_NAME = 'broker-a';
const COMMITLOG_FILE_SIZE = 1024 * 1024 * 1024; // both sides: Apache's default

interface Settings {
  size: number;
  threads: number;
  queues: number;
  warmupS: number;
  durationS: number;
  consumeWarmupS: number;
  consumeS: number;
  classpath: string;
  cpuProfDir?: string;
  /** Extra broker.conf keys for our brokers (--ours-set k=v,k=v). */
  oursSet: Record<string, string>;
  /** How our nodes run: the compiled CLI bundle or tsx (--ours-runtime). */
  oursRuntime: 'bundle' | 'tsx';
}

/** One side's figures in one mode. */
interface SideResult {
  sendTps: number;
  avgRtMs: number;
  p99RtMs: number;
  sendFailed: number;
  /** CPU % of one core over the measured send windows: the master, the slave and Apache's Producer JVM. */
  cpuPct: number;
  slaveCpuPct: number;
  producerCpuPct: number;
  rssIdleMiB: number;
  rssLoadMiB: number;
  consumeTps?: number;
  /** CPU % of one core over the measured consume seconds: the master and Apache's Consumer JVM. */
  consumeCpuPct?: number;
  consumerCpuPct?: number;
}

interface Cluster {
  namesrv: string;
  broker: string;
  brokerPid: number;
  slavePid: number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/** utime + stime of a process in clock ticks (/proc/PID/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
const TICKS_PER_S = 100;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function startApache(mode: Mode, s: Settings): Promise<Cluster> {
  const out = execFileSync(join(APACHE_DIR, 'start-apache.sh'), [buildDirOf(s)], {
    env: { ...process.env, WITH_SLAVE: '1', BROKER_ROLE: mode.role, FLUSH_DISK_TYPE: mode.flush, COMMITLOG_FILE_SIZE: String(COMMITLOG_FILE_SIZE) },
    encoding: 'utf8',
  });
  const v = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(out)![1]!;
  const run = v('RUN_DIR');
  return {
    namesrv: v('NAMESRV_ADDR'),
    broker: v('BROKER_ADDR'),
    brokerPid: Number(readFileSync(join(run, 'broker.pid'), 'utf8')),
    slavePid: Number(readFileSync(join(run, 'slave.pid'), 'utf8')),
    async stop() {
      execFileSync(join(APACHE_DIR, 'stop-apache.sh'), [run]);
      rmSync(run, { recursive: true, force: true });
    },
  };
}

async function startRocketdeck(mode: Mode, s: Settings): Promise<Cluster> {
  // Our nodes run as `rocketdeck` runs after `npm ci`: from the compiled bundle (tsx adds ESM loader hooks on a thread
  // of their own, about 70 MiB of RSS per process), rebuilt here when a source changed since (--ours-runtime tsx: not)
  if (s.oursRuntime === 'bundle' && !freshBundle()) {
    process.stderr.write('  building the CLI bundle (stale)...\n');
    await buildBundle();
  }
  const ns: NamesrvProcess = await spawnNamesrv();
  const opts: PairOptions = {
    namesrv: ns.address,
    masterRole: mode.role,
    brokerName: BROKER_NAME,
    props: { brokerClusterName: 'DefaultCluster', flushDiskType: mode.flush, mappedFileSizeCommitLog: COMMITLOG_FILE_SIZE, autoCreateTopicEnable: true, ...s.oursSet },
  };
  // the master alone is profiled: its profile is written when it exits
  const master: BrokerProcess = await spawnBroker({ namesrv: opts.namesrv, props: pairProps(opts).master, nodeArgs: s.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${s.cpuProfDir}`] : [] });
  const slave = await spawnSlave(opts); // learns its master's HA address from the nameserver, as Apache's does
  const admin = new TestClient(master.address);
  try {
    await waitFor('slave connected', async () => (await runtimeNumber(admin, 'haConnectionCount')) === 1, 30_000);
  } finally {
    await admin.close();
  }
  return {
    namesrv: ns.address,
    broker: master.address,
    brokerPid: master.child.pid!,
    slavePid: slave.child.pid!,
    async stop() {
      await slave.destroy();
      await master.destroy();
      await ns.stop();
    },
  };
}

/** The tools read ROCKETMQ_HOME/conf/logback_tools.xml; the build lays that home out next to its jars. */
const javaOpts = (s: Settings) => [`-Drocketmq.home.dir=${join(buildDirOf(s), 'home')}`, '-cp', s.classpath];
const buildDirOf = (s: Settings) => join(s.classpath.split(':')[0]!, '../..');

function java(s: Settings, main: string, args: string[]): ChildProcess {
  return spawn('java', ['-Xms256m', '-Xmx1g', ...javaOpts(s), main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a Java tool to completion; throws with its output when it fails. */
function javaSync(s: Settings, main: string, args: string[]): string {
  return execFileSync('java', ['-Xmx256m', ...javaOpts(s), main, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Lines a child prints, each with the ms since `t0` it arrived at. */
function collect(child: ChildProcess, t0: number): Array<{ at: number; line: string }> {
  const lines: Array<{ at: number; line: string }> = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const line of parts) lines.push({ at: Date.now() - t0, line });
  });
  child.stderr!.resume();
  return lines;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** End time (epoch ms) of a 10 s window line: the Producer prints local "yyyy-MM-dd HH:mm:ss,SSS", the others epoch ms. */
function windowEnd(line: string): number {
  const m = /^(?:Current Time|RT window): (?:end=)?(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})/.exec(line);
  if (m) return new Date(`${m[1]}T${m[2]}.${m[3]}`).getTime();
  const e = /^(?:Current Time|RT window): (?:end=)?(\d{13})/.exec(line);
  return e ? Number(e[1]) : NaN;
}

/**
 * Waits out `warmupS`, then until the tool has printed ceil(measureS / 10) 10 s windows that began after the warm-up
 * (a deadline of measureS + 20 s); returns those lines and the span they cover, sampling `pid`'s RSS meanwhile.
 */
async function measureWindows(lines: Array<{ at: number; line: string }>, prefix: string, warmupS: number, measureS: number, pid: number) {
  await sleep(warmupS * 1000);
  const start = Date.now();
  const want = Math.max(1, Math.ceil(measureS / 10));
  const counted = () => lines.filter((l) => l.line.startsWith(prefix) && windowEnd(l.line) >= start + 10_000 - 300);
  let rssMax = 0;
  while (counted().length < want && Date.now() < start + (measureS + 20) * 1000) {
    rssMax = Math.max(rssMax, rssMiB(pid));
    await sleep(500);
  }
  const end = Date.now();
  return { start, end, windows: counted(), rssMax };
}

/** Apache's Producer for warm-up + duration; counts only its 10 s windows that lie wholly after the warm-up. */
async function produce(c: Cluster, s: Settings): Promise<Omit<SideResult, 'rssIdleMiB' | 'consumeTps' | 'consumeCpuPct' | 'consumerCpuPct'>> {
  // mqadmin reports a refused update and still exits 0: check its answer (a system topic such as BenchmarkTest, which
  // Apache's broker creates with 1024 queues and refuses to update, would silently keep those)
  const created = javaSync(s, 'org.apache.rocketmq.tools.command.MQAdminStartup', ['updateTopic', '-n', c.namesrv, '-b', c.broker, '-t', TOPIC, '-r', String(s.queues), '-w', String(s.queues)]);
  if (!/success/.test(created)) throw new Error(`updateTopic ${TOPIC} failed: ${created.trim()}`);
  const p = java(s, 'org.apache.rocketmq.example.benchmark.Producer', ['-n', c.namesrv, '-t', TOPIC, '-w', String(s.threads), '-s', String(s.size)]);
  const lines = collect(p, Date.now());
  let cpu0 = 0, slave0 = 0, cpu1 = 0, slave1 = 0, prod0 = 0, prod1 = 0;
  let w: Awaited<ReturnType<typeof measureWindows>>;
  try {
    // CPU over the same span as the windows: from the end of the warm-up to the last window counted
    const pending = measureWindows(lines, 'Current Time:', s.warmupS, s.durationS, c.brokerPid);
    await sleep(s.warmupS * 1000);
    cpu0 = cpuTicks(c.brokerPid);
    slave0 = cpuTicks(c.slavePid);
    prod0 = cpuTicks(p.pid!);
    w = await pending;
    cpu1 = cpuTicks(c.brokerPid);
    slave1 = cpuTicks(c.slavePid);
    prod1 = cpuTicks(p.pid!);
  } finally {
    await stopChild(p);
  }
  const spanS = (w.end - w.start) / 1000;
  const sends = w.windows.map((l) => /Send TPS: (\d+) Max RT\(ms\): (\d+) Average RT\(ms\):\s*([\d.]+) Send Failed: (\d+)/.exec(l.line)).filter((m) => m !== null);
  const rts = lines.filter((l) => l.line.startsWith('RT window:') && windowEnd(l.line) >= w.start + 5_000 && windowEnd(l.line) <= w.end + 500)
    .map((l) => Number(/p99\(ms\)=(\d+)/.exec(l.line)![1]));
  if (sends.length === 0) throw new Error(`Producer printed no window after the warm-up:\n${lines.map((l) => l.line).join('\n')}`);
  const tps = sends.map((m) => Number(m[1]));
  return {
    sendTps: mean(tps),
    avgRtMs: mean(sends.map((m) => Number(m[3]) * Number(m[1]))) / mean(tps),
    p99RtMs: Math.max(0, ...rts),
    sendFailed: Math.max(0, ...sends.map((m) => Number(m[4]))),
    cpuPct: ((cpu1 - cpu0) / TICKS_PER_S / spanS) * 100,
    slaveCpuPct: ((slave1 - slave0) / TICKS_PER_S / spanS) * 100,
    producerCpuPct: ((prod1 - prod0) / TICKS_PER_S / spanS) * 100,
    rssLoadMiB: w.rssMax,
  };
}

/**
 * Apache's Consumer (push, clustering, a new group, so it starts at offset 0) draining the backlog the producer phase
 * left: messages per second from `skipS` seconds after the first one arrived until the last full second of the drain.
 */
async function consume(c: Cluster, s: Settings, group: string): Promise<{ tps: number; brokerCpuPct: number; consumerCpuPct: number }> {
  const t0 = Date.now();
  const p = java(s, 'org.apache.rocketmq.example.benchmark.Consumer', ['-n', c.namesrv, '-t', TOPIC, '-g', group]);
  const lines = collect(p, t0);
  const consumed = () => lines.filter((l) => l.line.startsWith('Consumed:'));
  const counts = () => consumed().map((l) => Number(/count=(\d+)/.exec(l.line)![1]));
  const deadline = Date.now() + s.consumeS * 1000;
  // CPU ticks of the master and the Consumer JVM every 500 ms (ms since t0), to cover the seconds measured
  const cpu: Array<{ at: number; broker: number; consumer: number }> = [];
  const sample = () => {
    try {
      cpu.push({ at: Date.now() - t0, broker: cpuTicks(c.brokerPid), consumer: cpuTicks(p.pid!) });
    } catch {
      // the JVM exited
    }
  };
  try {
    // until the backlog is drained (3 seconds without a message after some) or the deadline
    for (;;) {
      sample();
      await sleep(500);
      const n = counts();
      const first = n.findIndex((x) => x > 0);
      if (first >= 0 && n.length - first > 3 && n.slice(-3).every((x) => x === 0)) break;
      if (Date.now() > deadline) break;
    }
  } finally {
    await stopChild(p);
  }
  const n = counts();
  const first = n.findIndex((x) => x > 0);
  let last = n.length - 1;
  while (last >= 0 && n[last] === 0) last--;
  // the second the drain ended in is partial; so are the first ones (rebalance, JIT)
  const steady = n.slice(first + s.consumeWarmupS, last);
  if (first < 0 || steady.length === 0) throw new Error(`Consumer drained too little to measure (per second: ${n.join(' ')}); raise --warmup/--duration`);
  // the steady seconds are the lines first+warmup .. last-1: from the line before the first of them to the last
  const at = consumed().map((l) => l.at);
  const from = at[first + s.consumeWarmupS - 1] ?? at[0]!;
  const to = at[last - 1]!;
  return { tps: mean(steady), ...cpuBetween(cpu, from, to) };
}

/** CPU % of one core of the master and the Consumer JVM between two times (ms since start), from the nearest samples. */
function cpuBetween(cpu: Array<{ at: number; broker: number; consumer: number }>, from: number, to: number): { brokerCpuPct: number; consumerCpuPct: number } {
  const a = cpu.findLast((x) => x.at <= from) ?? cpu[0];
  const b = cpu.find((x) => x.at >= to) ?? cpu[cpu.length - 1];
  if (!a || !b || b.at <= a.at) return { brokerCpuPct: NaN, consumerCpuPct: NaN };
  const spanS = (b.at - a.at) / 1000;
  return {
    brokerCpuPct: ((b.broker - a.broker) / TICKS_PER_S / spanS) * 100,
    consumerCpuPct: ((b.consumer - a.consumer) / TICKS_PER_S / spanS) * 100,
  };
}

async function runSide(side: Side, mode: Mode, s: Settings, withConsumer: boolean): Promise<SideResult> {
  const c = side === 'apache' ? await startApache(mode, s) : await startRocketdeck(mode, s);
  try {
    const rssIdleMiB = rssMiB(c.brokerPid);
    const r = await produce(c, s);
    const cons = withConsumer ? await consume(c, s, `vs_apache_${Date.now()}`) : undefined;
    return { ...r, rssIdleMiB, consumeTps: cons?.tps, consumeCpuPct: cons?.brokerCpuPct, consumerCpuPct: cons?.consumerCpuPct };
  } finally {
    await c.stop();
  }
}

const modeName = (m: Mode) => `${m.role} + ${m.flush}`;

function parseMode(text: string): Mode {
  const [role, flush] = text.split(/[:+]/).map((x) => x.trim().toUpperCase());
  if ((role !== 'ASYNC_MASTER' && role !== 'SYNC_MASTER') || (flush !== 'ASYNC_FLUSH' && flush !== 'SYNC_FLUSH')) {
    throw new Error(`--modes: '${text}' is not ROLE:FLUSH (ASYNC_MASTER|SYNC_MASTER : ASYNC_FLUSH|SYNC_FLUSH)`);
  }
  return { role, flush };
}

/** Markdown table of every mode, ready for docs/benchmarks.md. */
function table(rows: Array<{ mode: Mode; apache: SideResult; ours: SideResult }>, s: Settings): string {
  const f = (v: number, d = 0) => round(v, d).toLocaleString('en-US');
  const out = [
    `Apache RocketMQ 4.9.8 vs RocketDeck, master + slave, Apache's benchmark Producer (${s.threads} threads, ${s.size} B, ${s.queues} queues), ` +
      `${s.warmupS} s warm-up, ${s.durationS} s measured:`,
    '',
    '| mode | send TPS Apache / ours (ratio) | avg RT ms Apache / ours | p99 RT ms Apache / ours | send CPU % master + slave + Producer = total, Apache | the same, ours | RSS MiB idle / load, Apache | RSS MiB idle / load, ours | consume TPS Apache / ours (ratio) | consume CPU % master + Consumer, Apache / ours |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const cpu = (x: SideResult) => `${f(x.cpuPct)} + ${f(x.slaveCpuPct)} + ${f(x.producerCpuPct)} = ${f(x.cpuPct + x.slaveCpuPct + x.producerCpuPct)}`;
  const consumeCpu = (x: SideResult) => `${f(x.consumeCpuPct ?? NaN)} + ${f(x.consumerCpuPct ?? NaN)}`;
  for (const { mode, apache: a, ours: o } of rows) {
    const both = a.consumeTps !== undefined && o.consumeTps !== undefined;
    const consume = both ? `${f(a.consumeTps!)} / ${f(o.consumeTps!)} (${f(o.consumeTps! / Math.max(1, a.consumeTps!), 2)}x)` : '-';
    out.push(`| ${modeName(mode)} | ${f(a.sendTps)} / ${f(o.sendTps)} (${f(o.sendTps / Math.max(1, a.sendTps), 2)}x) | ${f(a.avgRtMs, 2)} / ${f(o.avgRtMs, 2)} | ` +
      `${f(a.p99RtMs)} / ${f(o.p99RtMs)} | ${cpu(a)} | ${cpu(o)} | ${f(a.rssIdleMiB)} / ${f(a.rssLoadMiB)} | ${f(o.rssIdleMiB)} / ${f(o.rssLoadMiB)} | ${consume} | ` +
      `${both ? `${consumeCpu(a)} / ${consumeCpu(o)}` : '-'} |`);
  }
  out.push('', `(CPU % of one core; the machine has ${availableParallelism()} cores, ${availableParallelism() * 100} % in all. Our nodes ran from ${s.oursRuntime === 'bundle' ? 'the compiled CLI bundle' : 'the TypeScript sources (tsx)'}.)`);
  return out.join('\n');
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      modes: { type: 'string', default: ALL_MODES.map((m) => `${m.role}:${m.flush}`).join(',') },
      size: { type: 'string', default: '1024' },
      threads: { type: 'string', default: '32' },
      queues: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '45' },
      duration: { type: 'string', default: '30' },
      consume: { type: 'string', default: '60' },
      'consume-warmup': { type: 'string', default: '3' },
      'consume-modes': { type: 'string', default: 'first' },
      sides: { type: 'string', default: 'apache,rocketdeck' },
      'build-dir': { type: 'string', default: join(tmpdir(), 'rocketdeck-vs-apache') },
      'cpu-prof': { type: 'string' },
      'ours-set': { type: 'string', default: '' },
      'ours-runtime': { type: 'string', default: 'bundle' },
    },
  });
  const num = (k: keyof typeof values, min: number) => {
    const v = Number(values[k]);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${k} must be an integer >= ${min}, not '${values[k]}'`);
    return v;
  };
  const modes = String(values.modes).split(',').map(parseMode);
  const sides = String(values.sides).split(',').map((x) => x.trim());
  for (const x of sides) if (x !== 'apache' && x !== 'rocketdeck') throw new Error(`--sides: '${x}' is not apache or rocketdeck`);
  if (values['consume-modes'] !== 'first' && values['consume-modes'] !== 'all' && values['consume-modes'] !== 'none') {
    throw new Error(`--consume-modes must be first, all or none, not '${values['consume-modes']}'`);
  }
  const oursRuntime = values['ours-runtime'];
  if (oursRuntime !== 'bundle' && oursRuntime !== 'tsx') throw new Error(`--ours-runtime must be bundle or tsx, not '${oursRuntime}'`);
  process.stderr.write('building Apache RocketMQ 4.9.8 and its benchmark tools (skipped when built)...\n');
  const classpath = execFileSync(join(HERE, 'vs-apache/build.sh'), [String(values['build-dir'])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim().split('\n').pop()!;
  const s: Settings = {
    size: num('size', 1),
    threads: num('threads', 1),
    queues: num('queues', 1),
    warmupS: num('warmup', 0),
    durationS: num('duration', 10),
    consumeWarmupS: num('consume-warmup', 0),
    consumeS: num('consume', 0),
    classpath,
    cpuProfDir: values['cpu-prof'],
    oursSet: Object.fromEntries(String(values['ours-set']).split(',').filter(Boolean).map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new Error(`--ours-set: '${kv}' is not key=value`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    })),
    oursRuntime,
  };
  if (oursRuntime === 'bundle') delete process.env.ROCKETDECK_BUNDLE;
  else process.env.ROCKETDECK_BUNDLE = '0';
  setLogSink(() => {});
  const empty: SideResult = { sendTps: 0, avgRtMs: 0, p99RtMs: 0, sendFailed: 0, cpuPct: 0, slaveCpuPct: 0, producerCpuPct: 0, rssIdleMiB: 0, rssLoadMiB: 0 };
  const rows: Array<{ mode: Mode; apache: SideResult; ours: SideResult }> = [];
  const metrics: BenchMetric[] = [];
  for (const [i, mode] of modes.entries()) {
    const withConsumer = s.consumeS > 0 && (values['consume-modes'] === 'all' || (values['consume-modes'] === 'first' && i === 0));
    const r: { mode: Mode; apache: SideResult; ours: SideResult } = { mode, apache: empty, ours: empty };
    for (const side of sides as Side[]) {
      process.stderr.write(`${modeName(mode)}: ${side}...\n`);
      const res = await runSide(side, mode, s, withConsumer);
      if (side === 'apache') r.apache = res;
      else r.ours = res;
      process.stderr.write(`  ${JSON.stringify(res)}\n`);
    }
    rows.push(r);
    const m = modeName(mode);
    for (const [who, x] of ([['Apache', r.apache], ['RocketDeck', r.ours]] as const).filter(([w]) => sides.includes(w === 'Apache' ? 'apache' : 'rocketdeck'))) {
      metrics.push(
        { metric: `${m}: ${who} send TPS`, value: round(x.sendTps, 0), unit: 'msg/s' },
        { metric: `${m}: ${who} send RT avg / p99`, value: round(x.avgRtMs, 2), unit: `ms / ${round(x.p99RtMs, 0)} ms` },
        { metric: `${m}: ${who} send failures`, value: x.sendFailed, unit: 'sends' },
        { metric: `${m}: ${who} send CPU (master / slave / Producer JVM)`, value: round(x.cpuPct, 0), unit: `% / ${round(x.slaveCpuPct, 0)} % / ${round(x.producerCpuPct, 0)} %` },
        { metric: `${m}: ${who} broker RSS idle / load`, value: round(x.rssIdleMiB, 0), unit: `MiB / ${round(x.rssLoadMiB, 0)} MiB` },
      );
      if (x.consumeTps !== undefined) {
        metrics.push(
          { metric: `${m}: ${who} consume TPS`, value: round(x.consumeTps, 0), unit: 'msg/s' },
          { metric: `${m}: ${who} consume CPU (master / Consumer JVM)`, value: round(x.consumeCpuPct ?? NaN, 0), unit: `% / ${round(x.consumerCpuPct ?? NaN, 0)} %` },
        );
      }
    }
    if (sides.length === 2) metrics.push({ metric: `${m}: send TPS ratio (RocketDeck / Apache)`, value: round(r.ours.sendTps / Math.max(1, r.apache.sendTps), 2), unit: 'x' });
  }
  process.stderr.write(`\n${table(rows, s)}\n\n`);
  return {
    bench: 'vs-apache',
    params: { size: s.size, threads: s.threads, queues: s.queues, warmupS: s.warmupS, durationS: s.durationS, consumeS: s.consumeS, modes: modes.map(modeName).join('; '), oursRuntime },
    metrics,
  };
}
