// The README's transactional producer example (the Client SDK section's fourth ```ts block), run as written
// (import pointed at this checkout) against a real nameserver and broker.

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

function transactionExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Client SDK');
  const next = readme.indexOf('\n## ', start + 5);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const block = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('TransactionProducer'));
  assert.ok(block, 'README has a TransactionProducer example in its Client SDK section');
  return block;
}

describe('README transactional producer example', () => {
  let c: TestCluster;
  let dir: string;
  before(async () => {
    c = await startCluster(1);
    await c.createTopic('DemoOrders', 4);
    dir = mkdtempSync(join(tmpdir(), 'rd-readme-tx-'));
  });
  after(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('runs and reports one committed and one UNKNOW transaction', async () => {
    const file = join(dir, 'transaction.mts');
    writeFileSync(file, transactionExample().replaceAll("'./lib/client/index.ts'", JSON.stringify(INDEX)));
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      env: { ...process.env, NAMESRV_ADDR: c.namesrvAddr, ROCKETDECK_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('exit', (exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
    assert.equal(code, 0, out);
    assert.match(out, /^order-1 COMMIT_MESSAGE [0-9A-F]{32}$/m);
    assert.match(out, /^order-2 UNKNOW [0-9A-F]{32}$/m);
  });
});
