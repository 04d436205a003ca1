// Credentials of saved clusters and access control through the console, against a real broker with ACL 2.0 on:
// the console signs a saved cluster's requests with its stored key (sealed in the database, never in an answer nor
// a log: every GET route under app/api is walked), a cluster without credentials or with a wrong secret shows each
// refusing broker with its code and remark, users and policies are created, listed and deleted by an operator (a
// viewer is refused, both audited, bad input named), and a console started with another key says which setting.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Database from 'better-sqlite3';
import { setLogSink } from '../../common/log.ts';
import { AdminClient } from '../../admin/index.ts';
import { removeDir, spawnBroker, spawnNamesrv, tempDir, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { PROJECT_ROOT, startConsole, type ConsoleProcess } from '../../cluster/console-process.ts';
import { consoleHttp, ensureFreshBuild, freePort } from './console-build.ts';

setLogSink(() => {});

const SUPER = { accessKey: 'rocketmq-super', secretKey: 'Sup3r-S3cret-for-console-it' };
const ALICE_PW = 'alice-Pa55word-xyz';
const TOPIC = 'AclConsoleTopic';

/** Every route file under app/api that answers GET, as a URL path with sample values for its [segments]. */
function getRoutes(sample: Record<string, string>): string[] {
  const root = join(PROJECT_ROOT, 'app', 'api');
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'route.ts' && /export\s+(const|async\s+function|function)\s+GET\b/.test(readFileSync(p, 'utf8'))) {
        const segs = relative(root, dir).split(sep).filter(Boolean);
        out.push('/api/' + segs.map((s) => (s.startsWith('[') ? encodeURIComponent(sample[s.slice(1, -1)] ?? 'x') : s)).join('/'));
      }
    }
  };
  walk(root);
  return out.sort();
}

describe('console credentials and access control against an ACL 2.0 broker', { timeout: 400_000 }, () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let admin: AdminClient;
  let console: ConsoleProcess | undefined;
  let dir = '';
  let url = '';
  let op = '';
  let viewer = '';
  const logs: string[] = [];
  const http = consoleHttp(() => url);
  /** The API as pages call it, for a chosen saved cluster; the answer's raw text too. */
  const call = async (method: string, path: string, o: { body?: unknown; cookie?: string; cluster?: string } = {}) => {
    const headers: Record<string, string> = { origin: url };
    if (o.cluster) headers['x-rocketdeck-cluster'] = o.cluster;
    if (o.cookie) headers.cookie = `rd_session=${o.cookie}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body, text };
  };

  const start = async (env: Record<string, string> = {}) => {
    console = await startConsole({
      port: await freePort(), host: '127.0.0.1', namesrvAddr: ns.address,
      // no collector: the three saved clusters share one broker and one source address, and the collector asking with
      // no key and a wrong key every second would trip the broker's failed-authentication limit (20 in 10 s per
      // address), which then refuses the signed cluster too
      env: { ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'), ROCKETDECK_USERS: 'op:operator:op-pw,viewer:viewer:viewer-pw', ROCKETDECK_COLLECTOR: 'off', ROCKETDECK_LOG_LEVEL: 'debug', ...env },
      onLine: (line) => logs.push(line),
    });
    url = console.url;
    [op, viewer] = [await http.login('op', 'op-pw'), await http.login('viewer', 'viewer-pw')];
  };

  before(async () => {
    const build = ensureFreshBuild();
    try {
      ns = await spawnNamesrv();
      broker = await spawnBroker({
        namesrv: ns.address,
        props: { authenticationEnabled: true, authorizationEnabled: true, initAuthenticationUser: JSON.stringify({ username: SUPER.accessKey, password: SUPER.secretKey }) },
      });
      admin = new AdminClient({ namesrvAddr: ns.address, ...SUPER });
      await waitFor('the broker on the nameserver', async () => (await admin.clusterInfo()).brokers.length === 1, 30_000);
      await admin.createOrUpdateTopic({ brokerAddrs: [broker.address] }, { topic: TOPIC, readQueueNums: 2, writeQueueNums: 2 });
      await build;
      dir = tempDir('console-credentials-it');
      await start();
    } catch (err) {
      await build.catch(() => {});
      throw err;
    }
  });

  after(async () => {
    await console?.stop();
    await admin?.close();
    await broker?.destroy();
    await ns?.stop();
    if (dir) removeDir(dir);
  });

  test('an operator saves clusters with credentials; answers show the access key and that a secret is set, never the secret', async () => {
    assert.equal(statSync(join(dir, 'console-secret.key')).mode & 0o777, 0o600, 'the first start made a 0600 key file next to the database');
    const body = { name: 'secured', namesrvAddr: ns.address, accessKey: SUPER.accessKey, secretKey: SUPER.secretKey };
    assert.equal((await call('POST', '/api/clusters', { body, cookie: viewer })).status, 403);
    const bad = await call('POST', '/api/clusters', { body: { ...body, name: 'x', secretKey: undefined }, cookie: op });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'secretKey');
    const saved = await call('POST', '/api/clusters', { body, cookie: op });
    assert.equal(saved.status, 201);
    assert.deepEqual(saved.body.cluster, { name: 'secured', namesrvAddr: ns.address, credentials: { accessKey: SUPER.accessKey, secretKeySet: true } });
    assert.equal((await call('POST', '/api/clusters', { body: { name: 'nokey', namesrvAddr: ns.address }, cookie: op })).status, 201);
    assert.equal((await call('POST', '/api/clusters', { body: { ...body, name: 'wrongkey', secretKey: 'not-the-secret-at-all' }, cookie: op })).status, 201);
    // an edit without a secret keeps the stored one
    const edited = await call('PUT', '/api/clusters/secured', { body: { accessKey: SUPER.accessKey }, cookie: op });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.cluster.credentials.secretKeySet, true);
    const audit = (await call('GET', '/api/audit', { cookie: op })).body.entries as Array<{ action: string; target: string; params: Record<string, unknown> }>;
    const e = audit.find((x) => x.action === 'saveCluster' && x.target === 'secured');
    assert.deepEqual(e?.params, { name: 'secured', namesrvAddr: ns.address, accessKey: SUPER.accessKey, secretKey: 'set' });
    assert.equal(audit.find((x) => x.action === 'updateCluster')?.params.secretKey, 'unchanged');
    const refused = audit.find((x) => x.action === 'saveCluster' && (x as { username?: string }).username === 'viewer');
    assert.ok(refused && !(refused as { ok?: boolean }).ok, 'the viewer\'s refused save is audited');
    assert.ok(!JSON.stringify(audit).includes(SUPER.secretKey));
  });

  test('the signed cluster reads the broker; one without credentials or with a wrong secret names each refusing broker', async () => {
    const ok = await call('GET', '/api/acl/access', { cluster: 'secured' });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.denied, []);
    assert.equal(ok.body.brokers, 1);
    assert.equal(ok.body.accessKey, SUPER.accessKey);
    const topics = await call('GET', '/api/topics', { cluster: 'secured' });
    assert.ok(topics.body.items.some((t: { topic: string }) => t.topic === TOPIC), 'the signed console lists the topic');

    const none = await call('GET', '/api/acl/access', { cluster: 'nokey' });
    assert.equal(none.body.accessKey, null);
    assert.equal(none.body.denied.length, 1);
    assert.equal(none.body.denied[0].brokerAddr, broker.address);
    assert.equal(none.body.denied[0].brokerName, 'broker-it');
    assert.equal(none.body.denied[0].code, 16);
    assert.equal(none.body.denied[0].codeName, 'NO_PERMISSION');
    assert.ok(none.body.denied[0].remark.length > 0);

    const wrong = await call('GET', '/api/acl/access', { cluster: 'wrongkey' });
    assert.equal(wrong.body.denied.length, 1);
    assert.match(wrong.body.denied[0].remark, /signature/i);
  });

  test('users and policies: an operator creates, lists and deletes them; a viewer is refused; all audited; bad input named', async () => {
    const c = { cluster: 'secured' };
    const viewerTry = await call('POST', '/api/acl/users', { ...c, cookie: viewer, body: { username: 'mallory', password: 'mallory-pw' } });
    assert.equal(viewerTry.status, 403);
    assert.equal((await call('POST', '/api/acl/users', { ...c, body: { username: 'mallory', password: 'mallory-pw' } })).status, 401);
    for (const [b, field] of [[{ username: 'a b', password: 'pw-123456' }, 'username'], [{ username: 'alice' }, 'password'], [{ username: 'alice', password: 'pw-123456', userType: 'Root' }, 'userType']] as const) {
      const r = await call('POST', '/api/acl/users', { ...c, cookie: op, body: b });
      assert.equal(r.status, 400);
      assert.equal(r.body.field, field);
    }
    const created = await call('POST', '/api/acl/users', { ...c, cookie: op, body: { username: 'alice', password: ALICE_PW, userType: 'Normal' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.result.done, [broker.address]);

    for (const [entry, field] of [[{ resource: 'Queue:x', actions: ['Pub'] }, 'entries[0].resource'], [{ resource: 'Topic:x', actions: ['Fly'] }, 'entries[0].actions'], [{ resource: 'Topic:x', actions: ['Pub'], sourceIps: ['nope'] }, 'entries[0].sourceIps'], [{ resource: 'Topic:x', actions: ['Pub'], decision: 'Maybe' }, 'entries[0].decision']] as const) {
      const r = await call('POST', '/api/acl/policies', { ...c, cookie: op, body: { subject: 'alice', entries: [entry] } });
      assert.equal(r.status, 400);
      assert.equal(r.body.field, field);
    }
    const policy = await call('POST', '/api/acl/policies', { ...c, cookie: op, body: { subject: 'alice', entries: [{ resource: `Topic:${TOPIC}`, actions: ['Pub', 'Sub'], sourceIps: ['127.0.0.1'], decision: 'Allow' }] } });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));

    const read = await call('GET', '/api/acl', { ...c, cookie: viewer });
    assert.equal(read.status, 200);
    assert.equal(read.body.mode, 'acl2');
    assert.deepEqual(read.body.users.find((u: { username: string }) => u.username === 'alice'), { username: 'alice', userType: 'Normal', userStatus: 'enable' });
    assert.ok(!read.text.includes(ALICE_PW) && !read.text.includes(SUPER.secretKey), 'no password in the answer');
    const p = read.body.policies.find((x: { subject: string }) => x.subject === 'User:alice');
    assert.deepEqual(p?.entries, [{ resource: `Topic:${TOPIC}`, actions: ['Pub', 'Sub'], sourceIps: ['127.0.0.1'], decision: 'Allow' }]);
    assert.equal((await call('GET', '/api/acl', c)).status, 401, 'reading users needs a sign-in');

    const disabled = await call('PUT', '/api/acl/users/alice', { ...c, cookie: op, body: { userStatus: 'disable' } });
    assert.equal(disabled.status, 200, disabled.text);
    const after = await call('GET', '/api/acl', { ...c, cookie: op });
    assert.equal(after.body.users.find((u: { username: string }) => u.username === 'alice').userStatus, 'disable');

    assert.equal((await call('DELETE', `/api/acl/policies/User:alice?resource=${encodeURIComponent(`Topic:${TOPIC}`)}`, { ...c, cookie: op })).status, 200);
    const deleted = await call('DELETE', '/api/acl/users/alice', { ...c, cookie: op });
    assert.equal(deleted.status, 200, deleted.text);
    const gone = await call('GET', '/api/acl', { ...c, cookie: op });
    assert.ok(!gone.body.users.some((u: { username: string }) => u.username === 'alice'));
    assert.ok(!gone.body.policies.some((x: { subject: string }) => x.subject === 'User:alice'));

    const refusedByBroker = await call('POST', '/api/acl/users', { cluster: 'nokey', cookie: op, body: { username: 'bob', password: 'bob-pw-123' } });
    assert.equal(refusedByBroker.status, 502);
    assert.match(refusedByBroker.body.error, /broker-it \(127.0.0.1:\d+\): NO_PERMISSION \(16\)/);

    const audit = (await call('GET', '/api/audit?limit=200', { cookie: op })).body.entries as Array<{ action: string; username: string; ok: boolean; target: string; params: unknown; result: unknown }>;
    for (const a of ['createAclUser', 'putAclPolicy', 'updateAclUser', 'deleteAclPolicy', 'deleteAclUser']) {
      assert.ok(audit.some((x) => x.action === a && x.username === 'op' && x.ok && x.target.startsWith('secured/')), `audit has ${a}`);
    }
    assert.ok(audit.some((x) => x.action === 'createAclUser' && x.username === 'viewer' && !x.ok), 'the viewer\'s refused write is audited');
    assert.ok(audit.some((x) => x.action === 'createAclUser' && x.username === 'anonymous' && !x.ok), 'an anonymous write is audited');
    assert.ok(audit.some((x) => x.action === 'createAclUser' && x.target === 'nokey/User:bob' && !x.ok), 'the broker\'s refusal is audited');
    assert.equal(JSON.stringify(audit.find((x) => x.action === 'createAclUser' && x.ok)?.params), JSON.stringify({ username: 'alice', password: 'set', userType: 'Normal' }));
    assert.ok(!JSON.stringify(audit).includes(ALICE_PW) && !JSON.stringify(audit).includes(SUPER.secretKey));
  });

  test('no GET route under app/api answers the secret or its ciphertext, for any saved cluster; nor does the log', async () => {
    const db = new Database(join(dir, 'console.db'), { readonly: true, fileMustExist: true });
    const sealed = (db.prepare(`SELECT secret_enc FROM cluster_credentials`).all() as Array<{ secret_enc: string }>).map((r) => r.secret_enc);
    db.close();
    assert.equal(sealed.length, 2);
    const needles = [SUPER.secretKey, Buffer.from(SUPER.secretKey).toString('base64'), ...sealed, ...sealed.map((s) => s.slice(3, 40))];
    const routes = getRoutes({ topic: TOPIC, group: 'AclGroup', name: 'secured', kind: 'topic', brokerAddr: broker.address, id: '1', msgId: '7F0000010001000000000000000000AA' });
    assert.ok(routes.length >= 20, `found ${routes.length} GET routes`);
    assert.ok(routes.includes('/api/clusters') && routes.includes('/api/acl') && routes.includes('/api/acl/access'));
    let asked = 0;
    for (const cluster of ['secured', 'wrongkey', 'nokey']) {
      for (const path of routes) {
        for (const cookie of [op, undefined]) {
          const r = await call('GET', path, { cluster, cookie }).catch((err: Error) => {
            throw new Error(`GET ${path} (${cluster}, ${cookie ? 'signed in' : 'anonymous'}): ${err.message} ${String((err as { cause?: unknown }).cause ?? '')}`);
          });
          const text = typeof r.text === 'string' ? r.text : JSON.stringify(r.body);
          for (const n of needles) assert.ok(!text.includes(n), `${path} (${cluster}) answered a secret or its ciphertext`);
          asked++;
        }
      }
    }
    assert.equal(asked, routes.length * 6);
    const all = logs.join('\n');
    assert.ok(all.length > 0);
    for (const n of needles) assert.ok(!all.includes(n), 'the console log holds no secret');
  });

  test('the database file holds the secret only sealed', async () => {
    const files = readdirSync(dir).filter((f) => f.startsWith('console.db')).map((f) => join(dir, f));
    assert.ok(files.length >= 1);
    for (const f of files) {
      const bytes = readFileSync(f);
      assert.ok(!bytes.includes(Buffer.from(SUPER.secretKey)), `${f} holds the secret in clear`);
      assert.ok(!bytes.includes(Buffer.from(ALICE_PW)), `${f} holds a user's password`);
    }
  });

  test('a console started with another ROCKETDECK_SECRET_KEY says so, naming the setting and not the secret', async () => {
    await console!.stop();
    const before = logs.length;
    await start({ ROCKETDECK_SECRET_KEY: 'a-different-console-key-123' });
    const r = await call('GET', '/api/acl/access', { cluster: 'secured' });
    assert.equal(r.status, 500);
    assert.match(r.body.error, /ROCKETDECK_SECRET_KEY/);
    assert.ok(!r.text.includes('a-different-console-key-123') && !r.text.includes(SUPER.secretKey));
    await waitFor('the start-up check logged', () => logs.slice(before).some((l) => l.includes('credentials_unreadable')), 30_000);
    const line = logs.slice(before).find((l) => l.includes('credentials_unreadable'))!;
    assert.match(line, /ROCKETDECK_SECRET_KEY/);
    assert.ok(!line.includes('a-different-console-key-123'));
    // the cluster without credentials still works
    assert.equal((await call('GET', '/api/acl/access', { cluster: 'nokey' })).status, 200);
    assert.ok(existsSync(join(dir, 'console-secret.key')));
  });

  test('a hung broker (SIGSTOP) costs the access check its deadline and is not reported as a refusal', async () => {
    // a cluster saved now: no access check of it is kept from before
    assert.equal((await call('POST', '/api/clusters', { body: { name: 'hung', namesrvAddr: ns.address }, cookie: op })).status, 201);
    process.kill(broker.child.pid!, 'SIGSTOP');
    try {
      const t0 = performance.now();
      const r = await call('GET', '/api/acl/access', { cluster: 'hung' });
      const ms = performance.now() - t0;
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.denied, [], 'a broker that does not answer has not refused anything');
      assert.ok(ms < 600 + 1500, `answered in ${Math.round(ms)} ms (deadline 600 ms)`);
      const t1 = performance.now();
      const acl = await call('GET', '/api/acl', { cluster: 'hung', cookie: op });
      assert.equal(acl.status, 200);
      assert.equal(acl.body.mode, 'unavailable');
      assert.equal(acl.body.errors[0].brokerAddr, broker.address);
      assert.ok(performance.now() - t1 < 3000 + 1500, 'the page waits at most the call timeout');
    } finally {
      process.kill(broker.child.pid!, 'SIGCONT');
    }
    await waitFor('the broker answers again', async () => (await call('GET', '/api/acl/access', { cluster: 'hung' })).body.denied.length === 1, 30_000);
  });
});
