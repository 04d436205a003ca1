// A hung broker (its process SIGSTOPped: TCP accepts, nothing answers) in a real local cluster of two nameservers and
// four brokers: the console's read routes answer under 1 s (over their healthy time) naming it, `rocketdeck admin clusterList/consumerProgress`
// answer within their deadline + 0.5 s naming it, and after SIGCONT the breaker readmits it and its figures return.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN, type NodeStatus } from '../../cluster/supervisor.ts';
import { startConsole, type ConsoleProcess } from '../../cluster/console-process.ts';
import { freeBasePort } from '../../cluster/it/ports.ts';
import { ensureFreshBuild, freePort, waitFor } from './console-build.ts';

const ROUTES = ['/api/cluster', '/api/topics', '/api/overview', '/api/consumer-groups'];
/** Target of every console read with one broker hung: what the hang may add to the read's healthy time. */
const PAGE_TARGET_MS = 1000;
/** The CLI's per-request timeout in this test (its default). */
const CLI_TIMEOUT_MS = 3000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** The admin command's own account of how long the cluster took (admin_command_done), start-up aside. */
  answerMs?: number;
}

function cli(args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ROCKETDECK_LOG_LEVEL: 'info' } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const done = stderr.split('\n').find((l) => l.includes('"admin_command_done"'));
      const run: Run = { code, stdout, stderr, ms: performance.now() - t0 };
      if (done) run.answerMs = (JSON.parse(done) as { durationMs: number }).durationMs;
      resolve(run);
    });
  });
}

describe('one broker hung (SIGSTOP) in a local cluster', { timeout: 600_000 }, () => {
  let dir = '';
  let up: ChildProcess | undefined;
  let upExited: Promise<unknown> = Promise.resolve();
  let consoleProc: ConsoleProcess | undefined;
  let url = '';
  let namesrvAddr = '';
  let hung: { name: string; pid: number; addr: string; brokerName: string } | undefined;
  let stopped = false;
  const timings: Record<string, number[]> = {};

  async function getJson(path: string): Promise<{ status: number; body: any; ms: number }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const t0 = performance.now();
    const res = await fetch(url + path, { signal: AbortSignal.timeout(30_000) });
    const body = await res.json();
    return { status: res.status, body, ms: performance.now() - t0 };
  }

  /** Broker failures a route's answer names. */
  function failuresOf(path: string, body: any): Array<{ brokerName: string; brokerAddr: string; error: string; unavailable?: boolean }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return path === '/api/cluster' ? body.clusterList?.errors ?? [] : body.errors ?? [];
  }

  before(async () => {
    const build = ensureFreshBuild();
    dir = mkdtempSync(join(tmpdir(), 'rd-hung-'));
    const base = await freeBasePort();
    up = spawn(process.execPath, [CLI_BIN, 'up', '--dir', dir, '--base-port', String(base), '--no-console', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    upExited = new Promise((r) => up!.once('exit', r));
    let out = '';
    up.stdout!.on('data', (c) => (out += c));
    up.stderr!.on('data', () => {});
    const summary = await waitFor('rocketdeck up summary', () => (out.includes('\n') ? JSON.parse(out.split('\n')[0]!) : undefined), 90_000);
    assert.ok(summary.ok !== false, `up failed: ${summary.error}`);
    namesrvAddr = summary.namesrvAddr;
    const list = await cli(['node', 'list', '--dir', dir, '--json']);
    assert.equal(list.code, 0, list.stderr);
    const nodes = JSON.parse(list.stdout) as NodeStatus[];
    const node = nodes.find((n) => n.name === 'broker-b-master')!;
    const b = summary.brokers.find((x: { name: string }) => x.name === 'broker-b-master');
    hung = { name: node.name, pid: node.pid!, addr: b.addr, brokerName: b.brokerName };
    await build;
    consoleProc = await startConsole({
      port: await freePort(), host: '127.0.0.1', namesrvAddr,
      env: {
        ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'),
        ROCKETDECK_USERS: 'op:operator:op-pw',
        ROCKETDECK_COLLECT_INTERVAL_MS: '1000',
        ROCKETDECK_LOG_LEVEL: 'error',
      },
    });
    url = consoleProc.url;
    // all four brokers answer and the demo traffic's groups are known before anything is stopped
    await waitFor('four brokers answering the console', async () => {
      const r = await getJson('/api/cluster');
      return r.body.clusterList?.brokers.length === 4 && failuresOf('/api/cluster', r.body).length === 0;
    }, 60_000);
    await waitFor('demo groups listed', async () => (await getJson('/api/consumer-groups')).body.items?.some((g: { group: string }) => g.group === 'demo-orders-cg'), 60_000);
  });

  after(async () => {
    if (hung && stopped) {
      try {
        process.kill(hung.pid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    await consoleProc?.stop();
    if (up && up.exitCode === null) {
      up.kill('SIGTERM');
      await upExited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (Object.keys(timings).length) console.log(`# hung-broker timings (ms): ${JSON.stringify(timings)}`);
  });

  test('console reads answer under 1 s and name the hung broker; so do the admin commands', async () => {
    const commands: Array<[string, string[]]> = [
      ['clusterList', ['admin', 'clusterList', '-n', namesrvAddr]],
      ['consumerProgress', ['admin', 'consumerProgress', '-n', namesrvAddr]],
      ['consumerProgress -g', ['admin', 'consumerProgress', '-n', namesrvAddr, '-g', 'demo-orders-cg']],
    ];
    for (const [name, args] of commands) {
      const r = await cli(args);
      assert.equal(r.code, 0, `${name} before the hang: ${r.stderr}`);
      (timings[`cli ${name} (answer, process)`] ??= []).push(r.answerMs!, Math.round(r.ms));
    }

    // what each route costs without the hang on this (shared, often busy) machine: the hang may add less than 1 s
    const healthy = new Map<string, number>();
    for (const path of ROUTES) {
      const ms = [(await getJson(path)).ms, (await getJson(path)).ms];
      healthy.set(path, Math.max(...ms));
      (timings[`${path} healthy`] ??= []).push(...ms.map(Math.round));
    }

    process.kill(hung!.pid, 'SIGSTOP');
    stopped = true;
    // two rounds: the first meets the broker before anything knows it hangs, the second after its breaker opened
    for (let round = 0; round < 2; round++) {
      for (const path of ROUTES) {
        const r = await getJson(path);
        (timings[path] ??= []).push(Math.round(r.ms));
        assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
        assert.ok(r.ms < healthy.get(path)! + PAGE_TARGET_MS,
          `${path} took ${Math.round(r.ms)} ms with ${hung!.name} hung (round ${round + 1}; ${Math.round(healthy.get(path)!)} ms without)`);
        const named = failuresOf(path, r.body).filter((f) => f.brokerAddr === hung!.addr);
        assert.ok(named.length > 0, `${path} does not name ${hung!.addr}: ${JSON.stringify(failuresOf(path, r.body))}`);
        assert.equal(named[0]!.brokerName, hung!.brokerName);
      }
    }
    const cluster = await getJson('/api/cluster');
    assert.equal(failuresOf('/api/cluster', cluster.body).find((f) => f.brokerAddr === hung!.addr)?.unavailable, true, 'held off by its breaker');
    assert.equal(cluster.body.clusterList.brokers.length, 4, 'the other brokers and the hung one are all listed');

    for (const [name, args] of commands) {
      const r = await cli(args);
      (timings[`cli ${name} (answer, process)`] ??= []).push(r.answerMs!, Math.round(r.ms));
      // the answer as the command times it: process start-up (loading TypeScript) is the same with or without the hang
      assert.ok(r.answerMs !== undefined, `${name} logged no admin_command_done: ${r.stderr}`);
      assert.ok(r.answerMs < CLI_TIMEOUT_MS + 500, `${name} answered in ${r.answerMs} ms with ${hung!.name} hung (timeout ${CLI_TIMEOUT_MS} ms)`);
      const said = r.stderr.split('\n').filter((l) => l && !l.startsWith('{')).join('\n');
      assert.ok(said.includes(hung!.addr) && said.includes(hung!.brokerName), `${name} does not name ${hung!.brokerName} (${hung!.addr}): ${said}`);
      assert.match(r.stdout, /\S/, `${name} printed the rest of its answer`);
    }
  });

  test('after SIGCONT the breaker readmits the broker and its figures come back', async () => {
    assert.ok(stopped, 'the previous test stopped the broker');
    process.kill(hung!.pid, 'SIGCONT');
    stopped = false;
    for (const path of ROUTES) {
      await waitFor(`${path} with no failure of ${hung!.addr}`, async () => {
        const r = await getJson(path);
        return r.status === 200 && !failuresOf(path, r.body).some((f) => f.brokerAddr === hung!.addr);
      }, 30_000);
    }
    const cluster = await getJson('/api/cluster');
    const b = cluster.body.clusterList.brokers.find((x: { brokerAddr: string }) => x.brokerAddr === hung!.addr);
    assert.ok(b?.version, 'runtime figures of the readmitted broker are back');
    const r = await cli(['admin', 'clusterList', '-n', namesrvAddr]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stderr.split('\n').some((l) => l && !l.startsWith('{') && l.includes(hung!.addr)), r.stderr);
  });
});
