// `rocketdeck produce` and `rocketdeck consume` as real processes against a nameserver and broker.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setLogSink } from '../../common/log.ts';
import { parseFrom } from '../../cli/commands/consume.ts';
import { startCluster, type TestCluster } from './harness.ts';

setLogSink(() => {});

const BIN = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

function run(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rocketdeck ${args.join(' ')} did not exit within ${timeoutMs}ms: ${stdout}${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('parseFrom', () => {
  test('maps first, last and times to consumeFromWhere', () => {
    assert.deepEqual(parseFrom('first'), { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    assert.deepEqual(parseFrom('last'), { consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' });
    assert.deepEqual(parseFrom('20240102030405'), { consumeFromWhere: 'CONSUME_FROM_TIMESTAMP', consumeTimestamp: '20240102030405' });
    assert.equal(parseFrom(String(new Date(2024, 0, 2, 3, 4, 5).getTime())).consumeTimestamp, '20240102030405');
    assert.throws(() => parseFrom('yesterday'), /--from/);
  });
});

describe('rocketdeck produce / consume', () => {
  let c: TestCluster;
  const produced: string[] = [];
  before(async () => {
    c = await startCluster(1, { enablePropertyFilter: true });
    await c.createTopic('CliTopic', 2);
  });
  after(async () => {
    await c?.stop();
  });

  test('produce prints one line per message; --json prints a summary', async () => {
    const text = await run(['produce', '-n', c.namesrvAddr, '-t', 'CliTopic', '--count', '3', '--tag', 'TagA', '--keys', 'K1 K2', '--body', 'hello']);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, /^SEND_OK msgId=[0-9A-F]{32} queue=broker-a:\d offset=\d+$/);
    produced.push(...lines.map((l) => /msgId=(\S+)/.exec(l)![1]!));

    const json = await run(['produce', '-n', c.namesrvAddr, '-t', 'CliTopic', '--count', '2', '--size', '64', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const summary = JSON.parse(json.stdout);
    assert.equal(summary.ok, true);
    assert.equal(summary.sent, 2);
    assert.equal(summary.results.length, 2);
    assert.equal(summary.results[0].sendStatus, 'SEND_OK');
    produced.push(...summary.results.map((r: { msgId: string }) => r.msgId));
  });

  test('consume --count N prints N messages, exits, and the next run continues after them', async () => {
    const first = await run(['consume', '-n', c.namesrvAddr, '-t', 'CliTopic', '-g', 'cli_group', '--from', 'first', '--count', '3']);
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, /^topic=CliTopic queue=broker-a:\d offset=\d+ msgId=[0-9A-F]{32} keys=(K1 K2)? tags=(TagA)? body=\S+$/);
    assert.ok(lines.some((l) => l.endsWith('keys=K1 K2 tags=TagA body=hello')));

    const second = await run(['consume', '-n', c.namesrvAddr, '-t', 'CliTopic', '-g', 'cli_group', '--from', 'first', '--count', '2', '--json']);
    assert.equal(second.code, 0, second.stderr);
    const msgs = second.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(msgs.length, 2);
    assert.ok(msgs.every((m) => m.topic === 'CliTopic'));
    const seen = [...lines.map((l) => /msgId=(\S+)/.exec(l)![1]!), ...msgs.map((m) => m.msgId as string)];
    assert.deepEqual([...seen].sort(), [...produced].sort(), 'the second run continues exactly where the first stopped');
  });

  test('consume --sql prints only the messages the SQL92 selector matches; a bad one fails with its position', async () => {
    await c.createTopic('CliSql', 1);
    for (const tag of ['TagA', 'TagB', 'TagA', 'TagB']) {
      const p = await run(['produce', '-n', c.namesrvAddr, '-t', 'CliSql', '--tag', tag, '--body', `b-${tag}`]);
      assert.equal(p.code, 0, p.stderr);
    }
    const r = await run(['consume', '-n', c.namesrvAddr, '-t', 'CliSql', '-g', 'cli_sql', '--from', 'first', '--count', '2', '--sql', "TAGS = 'TagB'"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    for (const l of lines) assert.match(l, / tags=TagB body=b-TagB$/);

    const bad = await run(['consume', '-n', c.namesrvAddr, '-t', 'CliSql', '-g', 'cli_sql_bad', '--sql', 'TAGS =']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /code 23.*line 1, column 7/);
    const both = await run(['consume', '-n', c.namesrvAddr, '-t', 'CliSql', '-g', 'g', '--sub', 'TagA', '--sql', 'a = 1']);
    assert.equal(both.code, 2);
  });

  test('a missing topic option is a usage error (exit 2)', async () => {
    const r = await run(['consume', '-n', c.namesrvAddr, '-g', 'g']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing required option --topic/);
  });
});
