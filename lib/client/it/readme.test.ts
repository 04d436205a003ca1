// The README's Client SDK examples, run as written (imports pointed at this checkout) against a real cluster.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setLogSink } from '../../common/log.ts';
import { startCluster, type TestCluster } from './harness.ts';

setLogSink(() => {});

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const INDEX = fileURLToPath(new URL('../index.ts', import.meta.url));

/** The ```ts blocks of the README's "Client SDK" section, in order. */
function examples(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Client SDK');
  assert.ok(start >= 0, 'README has a Client SDK section');
  const next = readme.indexOf('\n## ', start + 5);
  const section = readme.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function runExample(code: string, namesrvAddr: string, dir: string, name: string): Promise<{ code: number | null; out: string }> {
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, code.replaceAll("'./lib/client/index.ts'", JSON.stringify(INDEX)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      env: { ...process.env, NAMESRV_ADDR: namesrvAddr, ROCKETDECK_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`example ${name} did not finish: ${out}`));
    }, 60_000);
    child.once('exit', (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, out });
    });
  });
}

describe('README client examples', () => {
  let c: TestCluster;
  let dir: string;
  before(async () => {
    // enablePropertyFilter for the SQL92 example
    c = await startCluster(1, { enablePropertyFilter: true });
    await c.createTopic('DemoOrders', 4);
    dir = mkdtempSync(join(tmpdir(), 'rd-readme-'));
  });
  after(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the producer, push consumer and lite pull consumer examples run and do what they say', async () => {
    const [produce, consume, poll] = examples();
    assert.ok(produce && consume && poll, 'three examples');

    const p = await runExample(produce, c.namesrvAddr, dir, 'produce');
    assert.equal(p.code, 0, p.out);
    assert.match(p.out, /^SEND_OK [0-9A-F]{32} broker-a:\d \d+$/m);
    assert.match(p.out, /batch ids/);

    const s = await runExample(consume, c.namesrvAddr, dir, 'consume');
    assert.equal(s.code, 0, s.out);
    assert.equal(s.out.trim().split('\n').filter((l) => /^(created|paid) /.test(l)).length, 3, s.out);

    const l = await runExample(poll, c.namesrvAddr, dir, 'poll');
    assert.equal(l.code, 0, l.out);
    assert.match(l.out, /polled [1-9]\d* messages/);
    assert.match(l.out, /committed \d+/);
  });

  test('the simple consumer example pops and acks', async () => {
    const block = examples().find((code) => code.includes('SimpleConsumer'));
    assert.ok(block, 'README has a SimpleConsumer example');
    const r = await runExample(block, c.namesrvAddr, dir, 'simple');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /received [1-9]\d*/);
    assert.match(r.out, /attempt 1/);
  });

  test('the SQL92 example receives only the message its expression matches', async () => {
    const block = examples().find((code) => code.includes('MessageSelector.bySql'));
    assert.ok(block, 'README has a MessageSelector.bySql example');
    const r = await runExample(block, c.namesrvAddr, dir, 'sql92');
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(r.out.trim().split('\n').filter((l) => l.startsWith('matched')), ['matched order eu 120']);
  });
});
