// `rocketdeck up --no-console` as a real process: all nodes start, `rocketdeck node` stops and starts one, SIGTERM stops all.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN, portAccepts, type NodeStatus } from '../supervisor.ts';
import { freeBasePort } from './ports.ts';


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
});
