// Offset operations through the console against a real nameserver and broker: cloning a group's offsets to another
// group (preview of the destination's old offsets and the new ones, CLONE_GROUP_OFFSET on the broker), setting one
// queue's offset, and skipping a group's backlog; each one checked on the broker's stored offsets and in the audit log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CLI_BIN } from '../../cluster/supervisor.ts';
import { setLogSink } from '../../common/log.ts';
import { AdminClient } from '../../admin/index.ts';
import { TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { consoleHttp, startConsoleRig, type ConsoleRig } from './console-build.ts';

setLogSink(() => {});

/** One `rocketdeck admin ... --json` process: exit status and its JSON answer. */
function cli(args: string[]): Promise<{ status: number | null; json: any; stderr: string }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, 'admin', ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, json: stdout.trim() ? JSON.parse(stdout.trim().split('\n')[0]!) : undefined, stderr });
    });
  });
}

const TOPIC = 'OffsetOpsTopic';
const BROKER = 'broker-it';

describe('offset operations from the console', { timeout: 300_000 }, () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let client: TestClient;
  let admin: AdminClient;
  let url = '';
  let op = '';
  let viewer = '';

  const { call } = consoleHttp(() => url);
  /** The group's stored offsets on the topic, queue id -> offset, as the broker reports them. */
  async function stored(group: string): Promise<Record<number, number>> {
    const p = await admin.consumerProgress(group, { topic: TOPIC });
    return Object.fromEntries(p.queues.filter((q) => q.topic === TOPIC).map((q) => [q.queueId, q.consumerOffset]));
  }
  async function auditOf(action: string): Promise<{ username: string; target: string; ok: boolean; params: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const entries = (await call('GET', '/api/audit', { cookie: op })).body.entries as Array<{ action: string; username: string; target: string; ok: boolean; params: unknown }>;
    const e = entries.find((x) => x.action === action);
    assert.ok(e, `audit has ${action}`);
    return e as never;
  }

  let rig: ConsoleRig | undefined;
  before(async () => {
    rig = await startConsoleRig('console-offset-ops-it', async (r) => {
      ({ ns, broker, client, admin } = r);
      await client.createTopic(TOPIC, 2);
      await waitFor('the topic on the nameserver', async () => (await admin.topicRoute(TOPIC)).queueDatas.length > 0, 30_000);
      for (let i = 0; i < 20; i++) await client.send(TOPIC, `m${i}`, { queueId: i % 2 }); // 10 per queue
      // the source group consumed 3 of queue 0 and 7 of queue 1; the destination group once stood at 1 and 1
      await admin.resetQueueOffsets({ group: 'SrcGroup', topic: TOPIC, queues: [{ brokerName: BROKER, queueId: 0, offset: 3 }, { brokerName: BROKER, queueId: 1, offset: 7 }] });
      await admin.resetQueueOffsets({ group: 'DestGroup', topic: TOPIC, queues: [{ brokerName: BROKER, queueId: 0, offset: 1 }, { brokerName: BROKER, queueId: 1, offset: 1 }] });
    });
    ({ url, op, viewer } = rig);
  });

  after(() => rig?.stop());

  test('clone: the preview shows the destination group\'s old offsets and the source\'s; applying moves them on the broker and is audited', async () => {
    const path = '/api/consumer-groups/SrcGroup/clone-offset';
    const body = { destGroup: 'DestGroup', topic: TOPIC };
    assert.equal((await call('POST', path, { body, cookie: viewer })).status, 403);
    const same = await call('POST', path, { body: { ...body, destGroup: 'SrcGroup' }, cookie: op });
    assert.equal(same.status, 400);
    assert.equal(same.body.field, 'destGroup');
    assert.equal((await call('POST', path, { body: { destGroup: 'DestGroup' }, cookie: op })).body.field, 'topic');

    const preview = await call('POST', path, { body: { ...body, preview: true }, cookie: op });
    assert.equal(preview.status, 200);
    const rows = preview.body.queues.map((q: { queueId: number; oldOffset: number; newOffset: number; maxOffset: number }) => [q.queueId, q.oldOffset, q.newOffset, q.maxOffset]);
    assert.deepEqual(rows.sort(), [[0, 1, 3, 10], [1, 1, 7, 10]]);
    assert.deepEqual(await stored('DestGroup'), { 0: 1, 1: 1 }, 'a preview changes nothing');

    const applied = await call('POST', path, { body, cookie: op });
    assert.equal(applied.status, 200);
    assert.deepEqual(applied.body.result.done.map((d: { brokerName: string }) => d.brokerName), [BROKER]);
    assert.deepEqual(applied.body.queues.map((q: { queueId: number; oldOffset: number; newOffset: number }) => [q.queueId, q.oldOffset, q.newOffset]).sort(), [[0, 1, 3], [1, 1, 7]]);
    assert.deepEqual(await stored('DestGroup'), { 0: 3, 1: 7 }, 'the broker holds the cloned offsets');
    assert.deepEqual(await stored('SrcGroup'), { 0: 3, 1: 7 }, 'the source is untouched');
    const a = await auditOf('cloneGroupOffset');
    assert.equal(a.username, 'op');
    assert.equal(a.target, 'SrcGroup');
    assert.equal(a.ok, true);
    assert.equal(a.params.destGroup, 'DestGroup');
    assert.deepEqual(a.params.queues.map((q: { queueId: number; old: number; new: number }) => [q.queueId, q.old, q.new]).sort(), [[0, 1, 3], [1, 1, 7]]);
  });

  test('one queue: the preview shows its old and new offset; applying moves only that queue and is audited', async () => {
    const path = '/api/consumer-groups/DestGroup/reset-offset';
    const body = { topic: TOPIC, to: 'offsets', offsets: [{ brokerName: BROKER, queueId: 1, offset: 9 }] };
    const preview = await call('POST', path, { body: { ...body, preview: true }, cookie: op });
    assert.equal(preview.status, 200);
    assert.deepEqual(preview.body.queues.map((q: { queueId: number; currentOffset: number; newOffset: number }) => [q.queueId, q.currentOffset, q.newOffset]), [[1, 7, 9]]);
    assert.equal((await call('POST', path, { body, cookie: op })).status, 200);
    assert.deepEqual(await stored('DestGroup'), { 0: 3, 1: 9 });
    const a = await auditOf('resetOffset');
    assert.equal(a.target, 'DestGroup');
    assert.deepEqual(a.params.offsets, [{ brokerName: BROKER, queueId: 1, offset: 9 }]);
  });

  test('skip backlog: the preview lists the queues behind with their max offsets and the messages skipped; applying leaves no lag and is audited', async () => {
    const path = '/api/consumer-groups/SrcGroup/skip-backlog';
    assert.equal((await call('POST', path, { body: {}, cookie: viewer })).status, 403);
    assert.equal((await call('POST', path, { body: { topic: 'bad topic!' }, cookie: op })).body.field, 'topic');
    const preview = await call('POST', path, { body: { preview: true }, cookie: op });
    assert.equal(preview.status, 200);
    assert.deepEqual(preview.body.queues.map((q: { queueId: number; oldOffset: number; newOffset: number }) => [q.queueId, q.oldOffset, q.newOffset]).sort(), [[0, 3, 10], [1, 7, 10]]);
    assert.equal(preview.body.skipped, 10);
    assert.deepEqual(await stored('SrcGroup'), { 0: 3, 1: 7 }, 'a preview changes nothing');

    const applied = await call('POST', path, { body: {}, cookie: op });
    assert.equal(applied.status, 200);
    assert.deepEqual(applied.body.result.errors, []);
    assert.deepEqual(await stored('SrcGroup'), { 0: 10, 1: 10 });
    assert.equal((await admin.consumerProgress('SrcGroup', { topic: TOPIC })).diffTotal, 0);
    const a = await auditOf('skipBacklog');
    assert.equal(a.target, 'SrcGroup');
    assert.equal(a.ok, true);
    assert.equal(a.params.skipped, 10);
    const again = await call('POST', path, { body: {}, cookie: op });
    assert.equal(again.status, 409, 'nothing left to skip');
  });

  test('the CLI: cloneGroupOffset copies a group\'s offsets on the broker, skipAccumulatedMessage moves the copy to the max offsets', async () => {
    const cloned = await cli(['cloneGroupOffset', '-n', ns.address, '-s', 'DestGroup', '-d', 'CliGroup', '-t', TOPIC]);
    assert.equal(cloned.status, 0, cloned.stderr);
    assert.deepEqual(cloned.json.done.map((d: { brokerName: string }) => d.brokerName), [BROKER]);
    assert.deepEqual(await stored('CliGroup'), { 0: 3, 1: 9 });
    const skipped = await cli(['skipAccumulatedMessage', '-n', ns.address, '-g', 'CliGroup', '-t', TOPIC]);
    assert.equal(skipped.status, 0, skipped.stderr);
    assert.equal(skipped.json.topics.length, 1);
    assert.deepEqual(await stored('CliGroup'), { 0: 10, 1: 10 });
    assert.notEqual((await cli(['cloneGroupOffset', '-n', ns.address, '-s', 'CliGroup', '-t', TOPIC])).status, 0, 'a missing -d is refused');
  });
});
