// `rocketdeck up --no-console` as a real process: all nodes start, `rocketdeck node` stops and starts one, SIGTERM stops all;
// after a SIGKILL of `up` every node stops by itself and frees its ports, so the next `up` starts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN, portAccepts, type NodeStatus } from '../supervisor.ts';
import { freeBasePort, processAlive } from './ports.ts';
import { waitFor } from '../../namesrv/it/harness.ts';


const cli = (...args: string[]) => spawnSync(process.execPath, [CLI_BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('rocketdeck up', () => {
  test('starts the local cluster, acts on one node, and stops everything on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-up-'));
    const base = await freeBasePort();
    const up = spawn(process.execPath, [CLI_BIN, 'up', '--dir', dir, '--base-port', String(base), '--no-console', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    up.stdout.on('data', (c) => (stdout += c));
    up.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((r) => up.once('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!stdout.includes('\n') && Date.now() < deadline && up.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      assert.ok(stdout.includes('\n'), `up printed no summary; stderr: ${stderr.slice(-2000)}`);
      const summary = JSON.parse(stdout.split('\n')[0]!);
      assert.ok(summary.ok !== false, `up failed: ${summary.error}; stderr: ${stderr.slice(-2000)}`);
      assert.equal(summary.namesrvAddr, `127.0.0.1:${base};127.0.0.1:${base + 1}`);
      assert.deepEqual(
        summary.brokers.map((b: { name: string; role: string }) => `${b.name}:${b.role}`),
        ['broker-a-master:SYNC_MASTER', 'broker-a-slave:SLAVE', 'broker-b-master:ASYNC_MASTER', 'broker-b-slave:SLAVE'],
      );
      assert.ok(summary.readyMs < 15_000, `ready in ${summary.readyMs} ms`);
      // broker-a's master serves the gRPC endpoint for 5.x clients, 1795 below the base port as 8081 is below 9876.
      assert.equal(summary.grpcAddr, `127.0.0.1:${base - 1795}`);
      assert.equal(await portAccepts('127.0.0.1', base - 1795), true, 'the gRPC endpoint accepts connections');

      const list = cli('node', 'list', '--dir', dir, '--json');
      assert.equal(list.status, 0, list.stderr);
      const nodes = JSON.parse(list.stdout) as NodeStatus[];
      assert.deepEqual(nodes.map((n) => n.name), ['namesrv-1', 'namesrv-2', 'broker-a-master', 'broker-a-slave', 'broker-b-master', 'broker-b-slave', 'traffic']);
      assert.ok(nodes.every((n) => n.state === 'running'), JSON.stringify(nodes));

      const slave = summary.brokers[1];
      const stop = cli('node', 'stop', 'broker-a-slave', '--dir', dir, '--json');
      assert.equal(stop.status, 0, stop.stderr);
      assert.equal(JSON.parse(stop.stdout).state, 'stopped');
      assert.equal(await portAccepts('127.0.0.1', Number(slave.addr.split(':')[1])), false);
      const start = cli('node', 'start', 'broker-a-slave', '--dir', dir, '--json');
      assert.equal(start.status, 0, start.stderr);
      assert.equal(JSON.parse(start.stdout).state, 'running');

      const unknown = cli('node', 'stop', 'nope', '--dir', dir);
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /no node named 'nope'/);

      up.kill('SIGTERM');
      assert.equal(await exited, 0, stderr.slice(-2000));
      for (const n of nodes) {
        if (n.port) assert.equal(await portAccepts('127.0.0.1', n.port), false, `${n.name} still listening`);
      }
      assert.equal(await portAccepts('127.0.0.1', base - 1795), false, 'the gRPC endpoint still listening');
      const after = cli('node', 'list', '--dir', dir);
      assert.equal(after.status, 1);
      assert.match(after.stderr, /no running cluster/);
    } finally {
      if (up.exitCode === null) {
        up.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('nodes stop by themselves when up is killed with SIGKILL, and the next up on the same ports starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-up-kill-'));
    const base = await freeBasePort();
    const startUp = () => {
      const up = spawn(process.execPath, [CLI_BIN, 'up', '--dir', dir, '--base-port', String(base), '--no-console', '--no-traffic', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out = { stdout: '', stderr: '' };
      up.stdout.on('data', (c) => (out.stdout += c));
      up.stderr.on('data', (c) => (out.stderr += c));
      const exited = new Promise<void>((r) => up.once('exit', () => r()));
      const ready = waitFor('up to print its summary', () => out.stdout.includes('\n') || up.exitCode !== null, 60_000, 100).then(() => {
        const summary = JSON.parse(out.stdout.split('\n')[0]!);
        assert.ok(summary.ok !== false, `up failed: ${summary.error}; stderr: ${out.stderr.slice(-2000)}`);
      });
      return { up, out, exited, ready };
    };
    let first = startUp();
    let nodes: NodeStatus[] = [];
    try {
      await first.ready;
      const list = cli('node', 'list', '--dir', dir, '--json');
      assert.equal(list.status, 0, list.stderr);
      nodes = JSON.parse(list.stdout) as NodeStatus[];
      assert.equal(nodes.length, 6);
      assert.ok(nodes.every((n) => n.pid && processAlive(n.pid)), JSON.stringify(nodes));

      first.up.kill('SIGKILL');
      await first.exited;
      await waitFor('every node process to exit', () => nodes.every((n) => !processAlive(n.pid!)), 30_000, 100);
      const ports = nodes.filter((n) => n.port).map((n) => n.port!);
      await waitFor('every node port to be free', async () => (await Promise.all(ports.map((p) => portAccepts('127.0.0.1', p)))).every((busy) => !busy), 10_000, 100);

      first = startUp();
      await first.ready;
      first.up.kill('SIGTERM');
      await first.exited;
    } finally {
      if (first.up.exitCode === null && first.up.signalCode === null) {
        first.up.kill('SIGTERM');
        await first.exited;
      }
      for (const n of nodes) if (n.pid && processAlive(n.pid)) process.kill(n.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
