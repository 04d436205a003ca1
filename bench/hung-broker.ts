// Hung broker: the console's read routes and `rocketdeck admin` commands with one of four brokers SIGSTOPped.
//
//   npm run bench -- hung-broker [--rounds 3] [--root DIR]
//
// Starts `rocketdeck up --no-console` (two nameservers, four brokers, demo traffic) and the console's production
// build (`next start`; build it first), times each route and command healthy, then with broker-b-master stopped
// (SIGSTOP: its socket accepts, nothing answers), then how long after SIGCONT the cluster page stops naming it.
// `--root` runs the CLI and the console of another checkout (e.g. the code before a change, with its own build).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchMetric, BenchReport } from './run.ts';
import { freePort, waitFor } from '../lib/console/it/console-build.ts';

const ROUTES = ['/api/cluster', '/api/topics', '/api/overview', '/api/consumer-groups'];
const HUNG = 'broker-b-master';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function exec(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', fail);
    child.once('exit', (code) => ok({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function run(args: string[]): Promise<BenchReport> {
  const root = resolve(arg(args, 'root') ?? fileURLToPath(new URL('..', import.meta.url)));
  const rounds = Number(arg(args, 'rounds') ?? 3);
  const bin = join(root, 'lib', 'cli', 'bin.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'rd-bench-hung-'));
  const metrics: BenchMetric[] = [];
  let up: ChildProcess | undefined;
  let web: ChildProcess | undefined;
  let pid: number | undefined;
  let stopped = false;
  try {
    // the cluster
    up = spawn(process.execPath, [bin, 'up', '--dir', dir, '--base-port', String(10000 + Math.floor(Math.random() * 20000)), '--no-console', '--json'], {
      cwd: root, stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    up.stdout!.on('data', (c) => (out += c));
    const summary = await waitFor('rocketdeck up', async () => (out.includes('\n') ? JSON.parse(out.split('\n')[0]!) : undefined), 90_000);
    const namesrvAddr: string = summary.namesrvAddr;
    const nodes = JSON.parse((await exec(process.execPath, [bin, 'node', 'list', '--dir', dir, '--json'], root)).stdout) as Array<{ name: string; pid?: number }>;
    pid = nodes.find((n) => n.name === HUNG)!.pid!;
    const hungAddr: string = summary.brokers.find((b: { name: string }) => b.name === HUNG).addr;

    // the console
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    web = spawn(process.execPath, [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: root, stdio: 'ignore',
      env: { ...process.env, NAMESRV_ADDR: namesrvAddr, NEXT_TELEMETRY_DISABLED: '1', ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'), ROCKETDECK_USERS: 'op:operator:op-pw', ROCKETDECK_LOG_LEVEL: 'error' },
    });
    const get = async (path: string) => {
      const t0 = performance.now();
      const res = await fetch(url + path, { signal: AbortSignal.timeout(60_000) });
      const body = await res.json();
      return { ms: performance.now() - t0, body };
    };
    await waitFor('four brokers on the cluster page', async () => {
      const r = await get('/api/cluster');
      return r.body.clusterList?.brokers.length === 4 && r.body.clusterList.errors.length === 0;
    }, 90_000);
    await waitFor('demo groups', async () => (await get('/api/consumer-groups')).body.items?.length > 0, 90_000);

    const cli = [
      ['clusterList', ['admin', 'clusterList', '-n', namesrvAddr]],
      ['consumerProgress', ['admin', 'consumerProgress', '-n', namesrvAddr]],
      ['consumerProgress -g', ['admin', 'consumerProgress', '-n', namesrvAddr, '-g', 'demo-orders-cg']],
    ] as const;
    const cliEnv = { ...process.env, ROCKETDECK_LOG_LEVEL: 'info' };
    const answerOf = (stderr: string): number | undefined => {
      const line = stderr.split('\n').find((l) => l.includes('"admin_command_done"'));
      return line ? (JSON.parse(line) as { durationMs: number }).durationMs : undefined;
    };

    for (const path of ROUTES) {
      const ms: number[] = [];
      for (let i = 0; i < rounds; i++) ms.push((await get(path)).ms);
      metrics.push({ metric: `healthy ${path}, median of ${rounds}`, value: Math.round(median(ms)), unit: 'ms' });
    }
    for (const [name, a] of cli) {
      const r = await exec(process.execPath, [bin, ...a], root, cliEnv);
      metrics.push({ metric: `healthy rocketdeck admin ${name}, process`, value: Math.round(r.ms), unit: 'ms' });
    }

    process.kill(pid, 'SIGSTOP');
    stopped = true;
    const t0 = Date.now();
    for (const path of ROUTES) {
      const ms: number[] = [];
      let named = true;
      for (let i = 0; i < rounds; i++) {
        const r = await get(path);
        ms.push(r.ms);
        named &&= JSON.stringify(r.body).includes(hungAddr);
      }
      metrics.push({ metric: `hung ${path}, first`, value: Math.round(ms[0]!), unit: 'ms' });
      metrics.push({ metric: `hung ${path}, max of ${rounds}`, value: Math.round(Math.max(...ms)), unit: 'ms' });
      metrics.push({ metric: `hung ${path} names ${HUNG}`, value: named ? 1 : 0, unit: 'bool' });
    }
    for (const [name, a] of cli) {
      const r = await exec(process.execPath, [bin, ...a], root, cliEnv);
      metrics.push({ metric: `hung rocketdeck admin ${name}, process`, value: Math.round(r.ms), unit: 'ms' });
      const answer = answerOf(r.stderr);
      if (answer !== undefined) metrics.push({ metric: `hung rocketdeck admin ${name}, answer`, value: answer, unit: 'ms' });
      metrics.push({ metric: `hung rocketdeck admin ${name} names it`, value: r.stderr.split('\n').some((l) => !l.startsWith('{') && l.includes(hungAddr)) ? 1 : 0, unit: 'bool' });
    }
    metrics.push({ metric: 'time spent with the broker stopped', value: Date.now() - t0, unit: 'ms' });

    process.kill(pid, 'SIGCONT');
    stopped = false;
    const c0 = Date.now();
    await waitFor('the cluster page without the broker named', async () => !JSON.stringify((await get('/api/cluster')).body.clusterList?.errors ?? []).includes(hungAddr), 60_000);
    metrics.push({ metric: 'after SIGCONT, until /api/cluster no longer names it', value: Date.now() - c0, unit: 'ms' });
    return { bench: 'hung-broker', params: { root, rounds, brokers: 4, hung: HUNG, deadlineMs: Number(process.env.ROCKETDECK_ADMIN_DEADLINE_MS ?? 600) }, metrics };
  } finally {
    if (pid && stopped) process.kill(pid, 'SIGCONT');
    web?.kill('SIGTERM');
    if (up && up.exitCode === null) {
      up.kill('SIGTERM');
      await new Promise((r) => up!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

