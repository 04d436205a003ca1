// `rocketdeck up` and the official Node.js client: the demo traffic's POP group of rocketmq-client-nodejs
// SimpleConsumers is online with gRPC members from the start, and the README's gRPC example, run as written (its
// address pointed at this cluster's endpoint), sends a message and receives it back.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { setLogSink } from '../../common/log.ts';
import { AdminClient, type ClientConnection } from '../../admin/index.ts';
import { CLI_BIN } from '../../cluster/supervisor.ts';
import { freeBasePort } from '../../cluster/it/ports.ts';
import { DEMO_GRPC_GROUP, DEMO_GRPC_MEMBERS, DEMO_GRPC_TOPIC } from '../../cluster/demo-grpc.ts';
import { waitFor } from './harness.ts';

setLogSink(() => {});

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The ts example of the README's gRPC section and the command it says to run first. */
function readmeExample(): { code: string; createTopic: string[] } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## gRPC endpoint');
  assert.ok(start >= 0, 'README has a gRPC endpoint section');
  const next = readme.indexOf('\n## ', start + 5);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'the section has a ts example');
  const cmd = /`npx rocketdeck (admin updateTopic [^`]*)`/.exec(section);
  assert.ok(cmd, 'the section says how to create the example topic');
  return { code: m[1]!, createTopic: cmd[1]!.split(' ') };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not finish: ${text}`));
    }, timeoutMs);
    child.once('exit', (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, out: text });
    });
  });
}

describe('rocketdeck up with the official Node.js client', () => {
  let dir: string;
  let up: ChildProcess;
  let exited: Promise<number | null>;
  let stderr = '';
  let summary: { namesrvAddr: string; grpcAddr: string };
  let admin: AdminClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rd-up-grpc-'));
    const base = await freeBasePort();
    up = spawn(process.execPath, [CLI_BIN, 'up', '--dir', dir, '--base-port', String(base), '--no-console', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    up.stdout!.on('data', (c) => (stdout += c));
    up.stderr!.on('data', (c) => (stderr += c));
    exited = new Promise((r) => up.once('exit', (code) => r(code)));
    await waitFor('up to print its summary', () => stdout.includes('\n') || up.exitCode !== null, 90_000, 100);
    summary = JSON.parse(stdout.split('\n')[0]!);
    assert.ok((summary as { ok?: boolean }).ok !== false, `up failed; stderr: ${stderr.slice(-2000)}`);
    admin = new AdminClient({ namesrvAddr: summary.namesrvAddr, timeoutMs: 3000 });
  });

  after(async () => {
    await admin?.close();
    if (up && up.exitCode === null) {
      up.kill('SIGTERM');
      assert.equal(await exited, 0, stderr.slice(-2000));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the demo traffic has a POP group of official-client consumers with gRPC members, and a gRPC producer', async () => {
    let conns: ClientConnection[] = [];
    let consumeType: string | undefined;
    await waitFor(`${DEMO_GRPC_MEMBERS} gRPC members of ${DEMO_GRPC_GROUP}`, async () => {
      const cc = await admin.consumerConnection(DEMO_GRPC_GROUP).catch(() => undefined);
      conns = cc?.connections ?? [];
      consumeType = cc?.consumeType;
      return conns.length === DEMO_GRPC_MEMBERS;
    }, 60_000, 500);
    assert.equal(consumeType, 'CONSUME_POP');
    for (const c of conns) {
      assert.equal(c.protocol, 'grpc');
      assert.equal(c.language, 'NODE_JS');
    }
    let producers: ClientConnection[] = [];
    await waitFor(`a gRPC producer of ${DEMO_GRPC_TOPIC}`, async () => {
      producers = (await admin.producerConnection(DEMO_GRPC_TOPIC, DEMO_GRPC_TOPIC).catch(() => undefined))?.connections ?? [];
      return producers.length > 0;
    }, 30_000, 500);
    assert.ok(producers.every((p) => p.protocol === 'grpc'));
    // The group consumes: its POP acks move its committed offsets forward.
    await waitFor(`${DEMO_GRPC_GROUP} to commit consumed messages`, async () => {
      const p = await admin.consumerProgress(DEMO_GRPC_GROUP).catch(() => undefined);
      return (p?.queues ?? []).some((q) => q.topic === DEMO_GRPC_TOPIC && q.consumerOffset > 0);
    }, 60_000, 1000);
  });

  test('the README example runs as written against it and gets its message back', async () => {
    const { code, createTopic } = readmeExample();
    const made = spawnSync(process.execPath, [CLI_BIN, ...createTopic, '-n', summary.namesrvAddr], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(made.status, 0, made.stderr);
    const file = join(dir, 'example.mts');
    // The file lives outside the checkout: point the package import at this checkout's copy, and the address at this cluster.
    const pkg = createRequire(import.meta.url).resolve('rocketmq-client-nodejs');
    assert.ok(code.includes("'127.0.0.1:8081'"), 'the example uses the default endpoint of rocketdeck up');
    writeFileSync(file, code.replaceAll("'127.0.0.1:8081'", JSON.stringify(summary.grpcAddr)).replaceAll("'rocketmq-client-nodejs'", JSON.stringify(pkg)));
    // The topic's route reaches the endpoint within its 30 s refresh at most; the example is retried until then.
    let last = { code: null as number | null, out: '' };
    await waitFor('the README example to succeed', async () => {
      last = await run(file, ['--import', 'tsx'], { ...process.env, HOME: dir }, 90_000);
      return last.code === 0;
    }, 120_000, 2_000).catch(() => assert.fail(last.out));
    assert.match(last.out, /^sent [0-9A-F]+$/m);
    assert.match(last.out, /^received hello from the official client$/m);
  });
});
