// exit-with-parent.mjs preloaded with `node --import` (as into the console's Next.js server): a process whose
// supervisor is SIGKILLed gets SIGTERM from itself (not a crash on the broken output pipe), stops in order and frees
// its port.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portAccepts } from '../supervisor.ts';
import { waitFor } from '../../namesrv/it/harness.ts';
import { processAlive } from './ports.ts';

const EXIT_WITH_PARENT = new URL('../exit-with-parent.mjs', import.meta.url).href;

/**
 * The grandchild: listens on a port, prints `<pid> <port>`, then a line every 10 ms (into a pipe nobody reads once
 * the parent is gone), and on SIGTERM writes `termFile` and exits.
 */
const CHILD = `
const net = require('node:net'); const fs = require('node:fs');
const srv = net.createServer().listen(0, '127.0.0.1', () => console.log(process.pid + ' ' + srv.address().port));
setInterval(() => console.log('tick'), 10);
process.on('SIGTERM', () => { fs.writeFileSync(process.env.TERM_FILE, 'term'); srv.close(); process.exit(0); });
`;

/** The supervisor: starts the grandchild with (or without) ROCKETDECK_SUPERVISOR_PID and relays its line. */
const PARENT = `
const { spawn } = require('node:child_process');
const env = { ...process.env };
if (process.env.WATCH === '1') env.ROCKETDECK_SUPERVISOR_PID = String(process.pid);
const c = spawn(process.execPath, ['--import', process.env.PRELOAD, '-e', process.env.CHILD], { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
c.stdout.once('data', (d) => process.stdout.write(d.toString().split('\\n')[0] + '\\n'));
setInterval(() => {}, 1000);
`;


async function startPair(watch: boolean, termFile: string) {
  const parent = spawn(process.execPath, ['-e', PARENT], {
    env: { ...process.env, WATCH: watch ? '1' : '0', PRELOAD: EXIT_WITH_PARENT, CHILD, TERM_FILE: termFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  parent.stdout.on('data', (d) => (out += d));
  const line = await waitFor('the grandchild to listen', () => (out.includes('\n') ? out.trim() : undefined), 15_000);
  const [pid, port] = line.split(' ').map(Number) as [number, number];
  const exited = new Promise<void>((r) => parent.once('exit', () => r()));
  return { parent, pid, port, exited };
}

describe('exit-with-parent', () => {
  test('a process whose supervisor is SIGKILLed stops itself with SIGTERM, even while writing to it, and frees its port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-exit-with-parent-'));
    const termFile = join(dir, 'term');
    const { parent, pid, port, exited } = await startPair(true, termFile);
    try {
      assert.equal(await portAccepts('127.0.0.1', port), true);
      parent.kill('SIGKILL');
      await exited;
      await waitFor('the orphan to exit', () => !processAlive(pid), 10_000, 50);
      assert.equal(existsSync(termFile), true, 'it stopped through its SIGTERM handler');
      assert.equal(await portAccepts('127.0.0.1', port), false);
    } finally {
      if (processAlive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
