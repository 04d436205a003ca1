// The supervisor starts real nameserver processes, waits for their ports, stops one cleanly and notices a killed one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { portAccepts, Supervisor, type NodeStatus } from '../supervisor.ts';
import { freePort } from '../../common/free-port.ts';
import { SERVER_NODE_FLAGS } from '../node-flags.ts';


describe('supervisor', () => {
  test('starts nodes, stops one on request and reports an unexpected death', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-sup-'));
    const sup = new Supervisor(join(dir, 'logs'));
    try {
      const ports = [await freePort(), await freePort()];
      ports.forEach((port, i) =>
        sup.add({ name: `ns${i}`, role: 'namesrv', args: ['namesrv', '--port', String(port), '--data-dir', join(dir, `ns${i}`)], readyPort: port }),
      );
      await Promise.all(sup.names().map((n) => sup.start(n)));
      assert.deepEqual(sup.status().map((s) => s.state), ['running', 'running']);
      assert.ok(await portAccepts('127.0.0.1', ports[0]!));
      // nodes run with the V8 options of node processes (lib/cluster/node-flags.ts)
      const cmdline = readFileSync(`/proc/${sup.status()[0]!.pid}/cmdline`, 'utf8').split('\0');
      for (const f of SERVER_NODE_FLAGS) assert.ok(cmdline.includes(f), `${f} in ${cmdline.join(' ')}`);

      const exits: Array<[string, boolean]> = [];
      sup.on('exit', (st: NodeStatus, expected: boolean) => exits.push([st.name, expected]));
      await sup.stop('ns0');
      assert.equal(sup.status()[0]!.state, 'stopped');
      assert.equal(await portAccepts('127.0.0.1', ports[0]!), false);

      process.kill(sup.status()[1]!.pid!, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (exits.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(exits, [['ns0', true], ['ns1', false]]);
      assert.equal(sup.status()[1]!.state, 'exited');

      await sup.start('ns0');
      assert.ok(await portAccepts('127.0.0.1', ports[0]!));
      assert.match(readFileSync(join(dir, 'logs', 'ns0.log'), 'utf8'), /starting ns0/);
    } finally {
      await sup.stopAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a node that exits before it is ready fails start with its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-sup-'));
    const sup = new Supervisor(join(dir, 'logs'));
    try {
      sup.add({ name: 'bad', role: 'namesrv', args: ['namesrv', '--port', 'notaport'], readyPort: 1 });
      await assert.rejects(sup.start('bad'), /bad exited/);
    } finally {
      await sup.stopAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a port another process already holds fails start instead of looking ready', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-sup-'));
    const sup = new Supervisor(join(dir, 'logs'));
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as { port: number }).port;
    try {
      sup.add({ name: 'ns', role: 'namesrv', args: ['namesrv', '--port', String(port), '--data-dir', join(dir, 'ns')], readyPort: port });
      await assert.rejects(sup.start('ns'), /already in use/);
      assert.equal(sup.status()[0]!.pid, undefined, 'nothing was spawned');
    } finally {
      squatter.close();
      await sup.stopAll();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
