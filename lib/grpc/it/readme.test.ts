// The README's gRPC example (the official Node.js client), run as written against the endpoint in a broker process.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { setLogSink } from '../../common/log.ts';
import { startGrpcCluster, type GrpcCluster } from './harness.ts';

setLogSink(() => {});

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function example(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## gRPC endpoint');
  assert.ok(start >= 0, 'README has a gRPC endpoint section');
  const next = readme.indexOf('\n## ', start + 5);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(start, next < 0 ? undefined : next));
  assert.ok(m, 'the section has a ts example');
  return m[1]!;
}

describe('README gRPC example', () => {
  let c: GrpcCluster;
  let dir: string;
  before(async () => {
    c = await startGrpcCluster('local');
    await c.createTopic('DemoGrpc', 'NORMAL');
    dir = mkdtempSync(join(tmpdir(), 'rd-grpc-readme-'));
  });
  after(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the Node.js client example sends a message and receives it back', async () => {
    const file = join(dir, 'example.mts');
    // The file lives outside the checkout: point the package import at this checkout's copy.
    const pkg = createRequire(import.meta.url).resolve('rocketmq-client-nodejs');
    writeFileSync(file, example().replaceAll("'127.0.0.1:8081'", JSON.stringify(c.endpoint)).replaceAll("'rocketmq-client-nodejs'", JSON.stringify(pkg)));
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the example did not finish: ${text}`));
      }, 90_000);
      child.once('exit', (exit) => {
        clearTimeout(timer);
        resolve({ code: exit, out: text });
      });
    });
    assert.equal(code, 0, out);
    assert.match(out, /^sent [0-9A-F]+$/m);
    assert.match(out, /^received hello from the official client$/m);
  });
});
