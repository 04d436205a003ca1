// `rocketdeck up --acl` as a real process: the admin key is printed on the first start only, brokers refuse
// unsigned requests and take the admin's, and the demo traffic (signed with the admin key) is never refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN } from '../supervisor.ts';
import { freeBasePort } from './ports.ts';

interface Summary { namesrvAddr: string; acl?: { accessKey: string; secretKey?: string; file: string } }

async function startUp(dir: string, base: number) {
  const up = spawn(process.execPath, [CLI_BIN, 'up', '--dir', dir, '--base-port', String(base), '--no-console', '--acl', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  up.stdout.on('data', (c) => (stdout += c));
  up.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((r) => up.once('exit', (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!stdout.includes('\n') && Date.now() < deadline && up.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  assert.ok(stdout.includes('\n'), `up printed no summary; stderr: ${stderr.slice(-2000)}`);
  const stop = async () => {
    if (up.exitCode === null) up.kill('SIGTERM');
    return exited;
  };
  return { summary: JSON.parse(stdout.split('\n')[0]!) as Summary, stop };
}

const produce = (ns: string, env: Record<string, string>) => {
  const clean = { ...process.env, ...env };
  if (!env.ROCKETMQ_ACCESS_KEY) delete clean.ROCKETMQ_ACCESS_KEY;
  return spawnSync(process.execPath, [CLI_BIN, 'produce', '-n', ns, '-t', 'AclUpTopic', '-c', '1'], { encoding: 'utf8', timeout: 60_000, env: clean });
};

describe('rocketdeck up --acl', () => {
  test('prints the generated admin key once; brokers refuse unsigned requests and accept the admin; traffic is signed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-up-acl-'));
    const base = await freeBasePort();
    try {
      let run = await startUp(dir, base);
      const acl = run.summary.acl!;
      assert.ok(acl.secretKey && acl.secretKey.length >= 20, 'the first start prints the generated secret');
      assert.equal(statSync(acl.file).mode & 0o777, 0o600);
      const ns = run.summary.namesrvAddr.split(';')[0]!;
      const signed = produce(ns, { ROCKETMQ_ACCESS_KEY: acl.accessKey, ROCKETMQ_SECRET_KEY: acl.secretKey! });
      assert.equal(signed.status, 0, signed.stderr);
      const unsigned = produce(ns, {});
      assert.equal(unsigned.status, 1);
      assert.match(unsigned.stderr + unsigned.stdout, /not allowed: Pub on Topic:AclUpTopic .*username cannot be null/);
      assert.equal(await run.stop(), 0);
      // Demo traffic ran signed: no broker refused it (the only refusal is the unsigned produce above).
      const logs = join(dir, 'logs');
      const refusals = readdirSync(logs).filter((f) => f.startsWith('broker')).flatMap((f) =>
        readFileSync(join(logs, f), 'utf8').split('\n').filter((l) => l.includes('access_refused')));
      assert.ok(refusals.every((l) => !l.includes(acl.accessKey)), refusals.slice(0, 3).join('\n'));

      run = await startUp(dir, base);
      assert.equal(run.summary.acl?.accessKey, acl.accessKey);
      assert.equal(run.summary.acl?.secretKey, undefined, 'a later start does not print the secret again');
      assert.equal(await run.stop(), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
