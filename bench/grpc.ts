// gRPC endpoint benchmark: the official Node client (rocketmq-client-nodejs) against the endpoint inside a broker
// process, next to RocketDeck's remoting SDK on the same broker in the same run: send throughput and
// receive+ack throughput of 1 KB messages with 64 in flight, with the CPU each side spent per message; and the
// ceilings around them: a bare @grpc/grpc-js unary client against the endpoint and against a trivial grpc-js server.
//   npm run bench -- grpc [--messages 20000] [--procs 1]
// --procs N runs every client as N processes (64 / N in flight each), the same N for both paths.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setLogSink } from '../lib/common/log.ts';
import { startGrpcCluster } from '../lib/grpc/it/harness.ts';
import type { BenchMetric, BenchReport } from './run.ts';
import type { WorkerSpec } from './grpc-load/worker.ts';

const IN_FLIGHT = 64;
const BODY_BYTES = 1024;
const WORKER = fileURLToPath(new URL('./grpc-load/worker.ts', import.meta.url));
const round = (v: number): number => Math.round(v * 10) / 10;

/** CPU time (user + system) a process has used so far, ms, from /proc (Linux); 0 elsewhere. */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

interface Worker {
  child: ChildProcess;
  /** Resolves with the next event of that name the worker prints. */
  next(event: string): Promise<Record<string, number>>;
  onAcked(fn: (n: number) => void): void;
}

function spawnWorker(spec: WorkerSpec): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map<string, Array<(e: Record<string, number>) => void>>();
  // Events nobody waited for yet (the echo server's "ready" is read long after it came).
  const unclaimed = new Map<string, Array<Record<string, number>>>();
  let acked: (n: number) => void = () => {};
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let e: Record<string, number> & { event?: string };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      return;
    }
    if (e.event === 'acked') acked(e.count!);
    const w = waiting.get(String(e.event))?.shift();
    if (w) w(e);
    else if (e.event !== 'acked') unclaimed.set(String(e.event), [...(unclaimed.get(String(e.event)) ?? []), e]);
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`bench worker ${spec.kind} ${spec.op} exited with ${code}`))));
  exited.catch(() => undefined);
  return {
    child,
    next: (event) => Promise.race([exited, new Promise<Record<string, number>>((resolve) => {
      const early = unclaimed.get(event)?.shift();
      if (early) return resolve(early);
      const list = waiting.get(event) ?? [];
      list.push(resolve);
      waiting.set(event, list);
    })]),
    onAcked(fn) { acked = fn; },
  };
}

interface Phase { rate: number; clientMs: number; serverMs: number; wallMs: number; count: number }

/**
 * Starts `procs` workers of `spec` (the count and the in-flight calls split between them), waits until all are
 * warm, then times the load: sends until each worker made its share, receives until `count` were acked in all.
 * `serverPid` is the process whose CPU counts as the server's.
 */
async function phase(spec: Omit<WorkerSpec, 'count' | 'inFlight'>, count: number, procs: number, serverPid: number | undefined): Promise<Phase> {
  const share = Math.ceil(count / procs);
  const workers = Array.from({ length: procs }, () => spawnWorker({ ...spec, count: share, inFlight: Math.max(1, Math.round(IN_FLIGHT / procs)) }));
  try {
    await Promise.all(workers.map((w) => w.next('ready')));
    let acked = 0;
    let reached: () => void = () => {};
    const allAcked = new Promise<void>((resolve) => (reached = resolve));
    for (const w of workers) w.onAcked((n) => { acked += n; if (acked >= count) reached(); });
    const s0 = cpuMsOf(serverPid);
    const t0 = performance.now();
    for (const w of workers) w.child.stdin!.write('go\n');
    if (spec.op === 'send') await Promise.all(workers.map((w) => w.next('done')));
    else await allAcked;
    const wallMs = performance.now() - t0;
    const serverMs = cpuMsOf(serverPid) - s0;
    const cpus = workers.map((w) => w.next('cpu'));
    for (const w of workers) w.child.stdin!.write('stop\n');
    const clientMs = (await Promise.all(cpus)).reduce((a, e) => a + e.cpuMs!, 0);
    const done = spec.op === 'send' ? share * procs : acked;
    return { rate: (done / wallMs) * 1000, clientMs, serverMs, wallMs, count: done };
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill();
  }
}

/** CPU (clients + server) per message of `a` over that of `b`, %: the throughput ratio of b to a when the machine's CPU is the limit. */
const cpuRatio = (a: Phase, b: Phase): number => round(((a.clientMs + a.serverMs) / a.count) / ((b.clientMs + b.serverMs) / b.count) * 100);

function phaseMetrics(metrics: BenchMetric[], label: string, p: Phase): void {
  metrics.push({ metric: label, value: round(p.rate), unit: 'msg/s' });
  metrics.push({ metric: '  CPU per message: clients / server', value: round((p.clientMs * 1000) / p.count), unit: `/ ${round((p.serverMs * 1000) / p.count)} us` });
  metrics.push({ metric: '  busy: clients / server', value: round((p.clientMs / p.wallMs) * 100), unit: `/ ${round((p.serverMs / p.wallMs) * 100)} % of a core` });
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({ args, options: { messages: { type: 'string', default: '20000' }, procs: { type: 'string', default: '1' } } });
  const n = Number(values.messages);
  const procs = Number(values.procs);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--messages ${values.messages} is not a positive integer`);
  if (!Number.isInteger(procs) || procs < 1 || procs > IN_FLIGHT) throw new Error(`--procs ${values.procs} is not an integer in [1, ${IN_FLIGHT}]`);
  setLogSink(() => {});
  const c = await startGrpcCluster('local');
  const pid = c.broker.child.pid;
  const metrics: BenchMetric[] = [];
  const echo = spawnWorker({ kind: 'echo-server', op: 'send', address: '', topic: '', group: '', count: 0, inFlight: 0, bodyBytes: 0 });
  try {
    await c.createTopic('BenchGrpc', 'NORMAL', 8);
    await c.createTopic('BenchRemoting', 'NORMAL', 8);
    await c.createTopic('BenchRaw', 'NORMAL', 8);
    const base = { bodyBytes: BODY_BYTES, group: '' };
    const grpcSend = await phase({ ...base, kind: 'grpc', op: 'send', address: c.endpoint, topic: 'BenchGrpc' }, n, procs, pid);
    const remotingSend = await phase({ ...base, kind: 'remoting', op: 'send', address: c.ns.address, topic: 'BenchRemoting', group: 'bench_remoting_producer' }, n, procs, pid);
    const suffix = procs === 1 ? '' : `, ${procs} processes`;
    phaseMetrics(metrics, `send, official Node client over gRPC (64 in flight${suffix})`, grpcSend);
    phaseMetrics(metrics, `send, RocketDeck SDK over remoting (64 in flight${suffix})`, remotingSend);
    metrics.push({ metric: 'send gRPC / remoting', value: round((grpcSend.rate / remotingSend.rate) * 100), unit: '%' });
    metrics.push({ metric: 'server CPU per send, remoting / gRPC', value: round((remotingSend.serverMs / remotingSend.count) / (grpcSend.serverMs / grpcSend.count) * 100), unit: '%' });
    metrics.push({ metric: 'all CPU per send (clients + server), remoting / gRPC', value: cpuRatio(remotingSend, grpcSend), unit: '%' });

    const grpcRecv = await phase({ ...base, kind: 'grpc', op: 'receive', address: c.endpoint, topic: 'BenchGrpc', group: 'bench_grpc' }, n, procs, pid);
    const remotingRecv = await phase({ ...base, kind: 'remoting', op: 'receive', address: c.ns.address, topic: 'BenchRemoting', group: 'bench_remoting' }, n, procs, pid);
    phaseMetrics(metrics, `receive + ack, official Node client over gRPC (4 x 16 in flight${suffix})`, grpcRecv);
    phaseMetrics(metrics, `receive + ack, RocketDeck SimpleConsumer over remoting (4 x 16${suffix})`, remotingRecv);
    metrics.push({ metric: 'receive + ack gRPC / remoting', value: round((grpcRecv.rate / remotingRecv.rate) * 100), unit: '%' });
    metrics.push({ metric: 'server CPU per receive + ack, remoting / gRPC', value: round((remotingRecv.serverMs / remotingRecv.count) / (grpcRecv.serverMs / grpcRecv.count) * 100), unit: '%' });
    metrics.push({ metric: 'all CPU per receive + ack (clients + server), remoting / gRPC', value: cpuRatio(remotingRecv, grpcRecv), unit: '%' });

    // Ceilings: a bare grpc-js unary client (no SDK work) against the endpoint, and against a trivial grpc-js server.
    const rawEndpoint = await phase({ ...base, kind: 'raw', op: 'send', address: c.endpoint, topic: 'BenchRaw' }, n, procs, pid);
    const echoPort = (await echo.next('ready')).port!;
    const rawEcho = await phase({ ...base, kind: 'raw', op: 'send', address: `127.0.0.1:${echoPort}`, topic: 'BenchRaw' }, n, procs, echo.child.pid);
    phaseMetrics(metrics, `send, bare grpc-js client over gRPC to the endpoint (64 in flight${suffix})`, rawEndpoint);
    phaseMetrics(metrics, `send, bare grpc-js client to a trivial grpc-js server (64 in flight${suffix})`, rawEcho);
  } finally {
    echo.child.kill();
    await c.stop();
  }
  return { bench: 'grpc', params: { messages: n, procs, bodyBytes: BODY_BYTES, inFlight: IN_FLIGHT, queues: 8 }, metrics };
}
