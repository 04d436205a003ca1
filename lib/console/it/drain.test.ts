// Draining a broker group through the console against a real nameserver and broker: the preview names the topics
// with their route permission, the change needs an operator who types the broker name, the nameserver's routes lose
// and regain the write permission, and both changes are in the audit log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { AdminClient } from '../../admin/index.ts';
import { spawnBroker, spawnNamesrv, TestClient, removeDir, tempDir, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { startConsole, type ConsoleProcess } from '../../cluster/console-process.ts';
import { ensureFreshBuild, freePort } from './console-build.ts';

setLogSink(() => {});

const TOPIC = 'DrainTopic';

describe('draining a broker group from the console', { timeout: 300_000 }, () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let client: TestClient;
  let admin: AdminClient;
  let consoleProc: ConsoleProcess;
  let dir = '';
  let url = '';
  let op = '';
  let viewer = '';

  async function call(method: string, path: string, o: { body?: unknown; cookie?: string } = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const headers: Record<string, string> = { origin: url };
    if (o.cookie) headers.cookie = `rd_session=${o.cookie}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(30_000) });
    return { status: res.status, body: await res.json() };
  }
  async function login(username: string, password: string): Promise<string> {
    const res = await fetch(url + '/api/auth/login', { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    return /rd_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  }
  const routePerm = async () => (await admin.topicRoute(TOPIC)).queueDatas.find((q) => q.brokerName === 'broker-it')?.perm;

  before(async () => {
    const build = ensureFreshBuild();
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address });
    client = new TestClient(broker.address);
    await client.createTopic(TOPIC, 2);
    admin = new AdminClient({ namesrvAddr: ns.address });
    await waitFor('the topic on the nameserver', async () => (await routePerm()) === 6, 30_000);
    await build;
    dir = tempDir('console-drain-it');
    consoleProc = await startConsole({
      port: await freePort(), host: '127.0.0.1', namesrvAddr: ns.address,
      env: { ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'), ROCKETDECK_USERS: 'op:operator:op-pw,viewer:viewer:viewer-pw', ROCKETDECK_COLLECT_INTERVAL_MS: '1000', ROCKETDECK_LOG_LEVEL: 'error' },
    });
    url = consoleProc.url;
    op = await login('op', 'op-pw');
    viewer = await login('viewer', 'viewer-pw');
  });

  after(async () => {
    await consoleProc?.stop();
    await admin?.close();
    await client?.close();
    await broker?.destroy();
    await ns?.stop();
    if (dir) removeDir(dir);
  });

  test('the preview names the topics and their route permission; bad requests name the field', async () => {
    const r = await call('GET', '/api/brokers/drain?brokerName=broker-it');
    assert.equal(r.status, 200);
    const t = r.body.topics.find((x: { topic: string }) => x.topic === TOPIC);
    assert.deepEqual(t, { topic: TOPIC, writeQueueNums: 2, readQueueNums: 2, routePerm: 6 });
    assert.equal(r.body.drained, false);
    assert.ok(r.body.writableTopics >= 1);
    assert.equal((await call('GET', '/api/brokers/drain')).body.field, 'brokerName');
    assert.equal((await call('GET', '/api/brokers/drain?brokerName=nope')).status, 404);
  });

  test('an operator drains it after typing its name, and restores it; both are audited', async () => {
    const body = { brokerName: 'broker-it', action: 'drain', confirm: 'broker-it' };
    assert.equal((await call('POST', '/api/brokers/drain', { body })).status, 401);
    assert.equal((await call('POST', '/api/brokers/drain', { body, cookie: viewer })).status, 403);
    const unconfirmed = await call('POST', '/api/brokers/drain', { body: { ...body, confirm: 'broker' }, cookie: op });
    assert.equal(unconfirmed.status, 400);
    assert.equal(unconfirmed.body.field, 'confirm');
    assert.equal((await call('POST', '/api/brokers/drain', { body: { ...body, action: 'pause' }, cookie: op })).body.field, 'action');
    assert.equal(await routePerm(), 6, 'nothing changed yet');

    const drained = await call('POST', '/api/brokers/drain', { body, cookie: op });
    assert.equal(drained.status, 200);
    assert.deepEqual(drained.body.result.done.map((d: { namesrvAddr: string }) => d.namesrvAddr), [ns.address]);
    assert.ok(drained.body.result.done[0].topicCount >= 1);
    assert.equal(drained.body.view.drained, true);
    assert.equal(await routePerm(), 4, 'the route is read-only');

    const restored = await call('POST', '/api/brokers/drain', { body: { ...body, action: 'restore' }, cookie: op });
    assert.equal(restored.status, 200);
    assert.equal(restored.body.view.drained, false);
    assert.equal(await routePerm(), 6);

    const audit = (await call('GET', '/api/audit', { cookie: op })).body.entries as Array<{ action: string; username: string; target: string }>;
    for (const a of ['drainBroker', 'restoreBroker']) {
      const e = audit.find((x) => x.action === a);
      assert.ok(e, `audit has ${a}`);
      assert.equal(e.username, 'op');
      assert.equal(e.target, 'broker-it');
    }
  });
});
