// Access control on a real broker process (5.x ACL 2.0 keys): refusals with Apache's codes and remarks, permitted
// users sending and consuming through the SDK, Deny over Allow, live policy changes, metadata surviving a restart,
// and a slave enforcing its master's users and policies.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AdminClient } from '../../admin/client.ts';
import { AccessDeniedError } from '../../auth/refusal.ts';
import { signRequest, type SessionCredentials } from '../../auth/signature.ts';
import { Producer } from '../../client/producer.ts';
import { PushConsumer } from '../../client/push-consumer.ts';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { spawnMaster, spawnSlave } from './ha-harness.ts';
import { removeDir, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';

setLogSink(() => {});

const ADMIN: SessionCredentials = { accessKey: 'rocketadmin', secretKey: 'admin-secret-1' };
const INNER: SessionCredentials = { accessKey: 'innerbroker', secretKey: 'inner-secret-1' };
const ALICE: SessionCredentials = { accessKey: 'alice', secretKey: 'alice-secret-1' };
const BOB: SessionCredentials = { accessKey: 'bob', secretKey: 'bob-secret-1' };
const TOPIC = 'AclTopic';

const AUTH_PROPS = {
  authenticationEnabled: true,
  authorizationEnabled: true,
  initAuthenticationUser: JSON.stringify({ username: ADMIN.accessKey, password: ADMIN.secretKey }),
  innerClientAuthenticationCredentials: JSON.stringify(INNER),
};

const BIN = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const clean = { ...process.env, ...env };
    if (!env.ROCKETMQ_ACCESS_KEY) delete clean.ROCKETMQ_ACCESS_KEY;
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: clean });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rocketdeck ${args.join(' ')} did not exit in time: ${stdout}${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function signedClient(addr: string, creds?: SessionCredentials): TestClient {
  return new TestClient(addr, new RemotingClient({ defaultTimeoutMs: 10_000, beforeRequest: creds ? (_a, req) => signRequest(req, creds) : undefined }));
}

describe('ACL 2.0 on a broker process', () => {
  let ns: NamesrvProcess;
  let master: BrokerProcess;
  let slave: BrokerProcess | undefined;
  let admin: AdminClient;
  const clients: TestClient[] = [];
  const client = (addr: string, creds?: SessionCredentials): TestClient => {
    const c = signedClient(addr, creds);
    clients.push(c);
    return c;
  };
  const opts = () => ({ namesrv: ns.address, masterRole: 'ASYNC_MASTER' as const, brokerName: 'broker-acl', props: AUTH_PROPS });

  before(async () => {
    ns = await spawnNamesrv();
    master = await spawnMaster(opts());
    admin = new AdminClient({ namesrvAddr: ns.address, timeoutMs: 10_000, ...ADMIN });
    await client(master.address, ADMIN).createTopic(TOPIC, 4);
    await admin.createUser(master.address, { username: ALICE.accessKey, password: ALICE.secretKey });
    await admin.createUser(master.address, { username: BOB.accessKey, password: BOB.secretKey });
    await admin.putAcl(master.address, 'User:alice', [
      { resource: `Topic:${TOPIC}`, actions: ['Pub', 'Sub'], decision: 'Allow' },
      { resource: 'Group:acl_*', actions: ['Sub'], decision: 'Allow' },
    ]);
    // bob may only read the topic for now.
    await admin.putAcl(master.address, 'User:bob', [{ resource: `Topic:${TOPIC}`, actions: ['Sub'], decision: 'Allow' }]);
  });

  after(async () => {
    for (const c of clients) await c.remoting.close();
    await admin?.close();
    await slave?.destroy();
    await master?.destroy();
    await ns?.stop();
    if (ns) removeDir(ns.dir);
  });

  test('an unsigned request is refused with NO_PERMISSION and 5.x remark', async () => {
    const res = await client(master.address).send(TOPIC, 'x');
    assert.equal(res.code, ResponseCode.NO_PERMISSION);
    assert.equal(res.remark, 'username cannot be null.');
  });

  test('a wrong signature is refused, and the refusal is logged with the address but not the secret', async () => {
    const res = await client(master.address, { accessKey: ALICE.accessKey, secretKey: 'not-her-secret' }).send(TOPIC, 'x');
    assert.equal(res.code, ResponseCode.NO_PERMISSION);
    assert.equal(res.remark, 'check signature failed.');
    const unknown = await client(master.address, { accessKey: 'mallory', secretKey: 'whatever1' }).send(TOPIC, 'x');
    assert.equal(unknown.remark, 'User:mallory is not found.');
    const line = await waitFor('refusal log line', () => master.logs.find((l) => l.includes('access_refused') && l.includes('check signature failed')));
    assert.match(line, /"remoteAddr":"127\.0\.0\.1:\d+"/);
    assert.ok(!master.logs.some((l) => l.includes(ALICE.secretKey) || l.includes('not-her-secret')), 'no secret in the logs');
  });

  test('a user without Pub on the topic is refused; the SDK reports "not allowed: Pub on Topic:..."', async () => {
    const res = await client(master.address, BOB).send(TOPIC, 'x');
    assert.equal(res.code, ResponseCode.NO_PERMISSION);
    assert.equal(res.remark, `User:bob has no permission to access Topic:${TOPIC} from 127.0.0.1, no matched policies.`);
    const producer = new Producer({ group: 'acl_bob_p', namesrvAddr: ns.address, ...BOB, retryTimesWhenSendFailed: 0 });
    await producer.start();
    try {
      await assert.rejects(producer.send({ topic: TOPIC, body: 'nope' }), (err: Error) => {
        const cause = err instanceof AccessDeniedError ? err : (err.cause as Error);
        assert.ok(cause instanceof AccessDeniedError, `got ${err.message}`);
        assert.equal(cause.code, ResponseCode.NO_PERMISSION);
        assert.match(cause.message, new RegExp(`^not allowed: Pub on Topic:${TOPIC}`));
        return true;
      });
    } finally {
      await producer.shutdown();
    }
  });

  test('a permitted user sends and consumes through the SDK', async () => {
    const producer = new Producer({ group: 'acl_alice_p', namesrvAddr: ns.address, ...ALICE });
    await producer.start();
    const got: string[] = [];
    const consumer = new PushConsumer({ group: 'acl_alice_c', namesrvAddr: ns.address, ...ALICE, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceInterval: 500 });
    consumer.subscribe(TOPIC, '*').onMessage((m) => {
      got.push(m.body.toString());
    });
    await consumer.start();
    try {
      for (let i = 0; i < 5; i++) assert.equal((await producer.send({ topic: TOPIC, body: `a${i}` })).sendStatus, 'SEND_OK');
      await waitFor('alice consumes her 5 messages', () => ['a0', 'a1', 'a2', 'a3', 'a4'].every((b) => got.includes(b)), 20_000);
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
    }
  });

  test('a policy change takes effect without a restart', async () => {
    const bob = client(master.address, BOB);
    assert.equal((await bob.send(TOPIC, 'before')).code, ResponseCode.NO_PERMISSION);
    await admin.putAcl(master.address, 'User:bob', [{ resource: `Topic:${TOPIC}`, actions: ['Pub', 'Sub'], decision: 'Allow' }], true);
    assert.equal((await bob.send(TOPIC, 'after')).code, ResponseCode.SUCCESS);
  });

  test('the CLI signs with --access-key/--secret-key or ROCKETMQ_ACCESS_KEY/ROCKETMQ_SECRET_KEY', async () => {
    const ok = await runCli(['produce', '-n', ns.address, '-t', TOPIC, '-c', '1', '--access-key', BOB.accessKey, '--secret-key', BOB.secretKey]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /SEND_OK/);
    const viaEnv = await runCli(['produce', '-n', ns.address, '-t', TOPIC, '-c', '1'], { ROCKETMQ_ACCESS_KEY: BOB.accessKey, ROCKETMQ_SECRET_KEY: BOB.secretKey });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    const refused = await runCli(['produce', '-n', ns.address, '-t', TOPIC, '-c', '1', '--access-key', BOB.accessKey, '--secret-key', 'wrong-secret']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr + refused.stdout, new RegExp(`not allowed: Pub on Topic:${TOPIC} .*check signature failed`));
    const users = await runCli(['admin', 'topicStatus', '-n', ns.address, '-t', TOPIC, '--access-key', ADMIN.accessKey, '--secret-key', ADMIN.secretKey]);
    assert.equal(users.code, 0, users.stderr);
    const anonymous = await runCli(['admin', 'topicStatus', '-n', ns.address, '-t', TOPIC]);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /not allowed: Get on Topic:AclTopic/);
  });

  test('admin CLI user and acl commands (5.x mqadmin names) manage users and policies; passwords are not printed', async () => {
    const env = { ROCKETMQ_ACCESS_KEY: ADMIN.accessKey, ROCKETMQ_SECRET_KEY: ADMIN.secretKey };
    const b = ['-n', ns.address, '-b', master.address];
    const created = await runCli(['admin', 'createUser', ...b, '-u', 'dave', '-p', 'dave-secret-1'], env);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /create user to .* success\./);
    const acl = await runCli(['admin', 'createAcl', '-n', ns.address, '-c', 'ItCluster', '-s', 'User:dave', '-r', `Topic:${TOPIC}`, '-a', 'Pub', '-d', 'Allow'], env);
    assert.equal(acl.code, 0, acl.stderr);
    assert.match(acl.stdout, new RegExp(`create acl to ${master.address} success\\.`));
    assert.equal((await client(master.address, { accessKey: 'dave', secretKey: 'dave-secret-1' }).send(TOPIC, 'dave')).code, ResponseCode.SUCCESS);
    const listed = await runCli(['admin', 'listUser', ...b], env);
    assert.match(listed.stdout, /dave\s+Normal\s+enable/);
    assert.ok(!listed.stdout.includes('dave-secret-1') && !listed.stdout.includes(ADMIN.secretKey), 'no password in the listing');
    const acls = await runCli(['admin', 'getAcl', ...b, '-s', 'User:dave', '--json'], env);
    assert.equal(JSON.parse(acls.stdout).policies[0].entries[0].resource, `Topic:${TOPIC}`);
    const refused = await runCli(['admin', 'createUser', ...b, '-u', 'mallory', '-p', 'mallory-secret'], { ROCKETMQ_ACCESS_KEY: 'dave', ROCKETMQ_SECRET_KEY: 'dave-secret-1' });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not allowed: Update on Cluster:ItCluster/);
    assert.equal((await runCli(['admin', 'deleteUser', ...b, '-u', 'dave'], env)).code, 0);
  });

  test('a Deny policy beats an Allow', async () => {
    // Allow everything on every resource, but Deny Pub on the topic: the more specific Deny decides.
    await admin.putAcl(master.address, 'User:alice', [
      { resource: '*', actions: ['All'], decision: 'Allow' },
      { resource: `Topic:${TOPIC}`, actions: ['Pub'], decision: 'Deny' },
    ], true);
    const alice = client(master.address, ALICE);
    const res = await alice.send(TOPIC, 'denied');
    assert.equal(res.code, ResponseCode.NO_PERMISSION);
    assert.equal(res.remark, `User:alice has no permission to access Topic:${TOPIC} from 127.0.0.1, the decision is deny.`);
    // The Allow still covers what the Deny does not name.
    const max = await alice.call(RequestCode.GET_MAX_OFFSET, { topic: TOPIC, queueId: 0 });
    assert.equal(max.code, ResponseCode.SUCCESS);
    const acl = await admin.getAcl(master.address, 'User:alice');
    assert.deepEqual(acl?.policies?.[0]?.entries?.map((e) => `${e.resource}:${e.decision}`).sort(), [`*:Allow`, 'Group:acl_*:Allow', `Topic:${TOPIC}:Deny`]);
  });

  test('a normal user cannot manage users (Cluster Update), the super user can', async () => {
    const res = await client(master.address, BOB).call(RequestCode.AUTH_CREATE_USER, { username: 'eve' }, Buffer.from('{"password":"eve-secret-1"}'));
    assert.equal(res.code, ResponseCode.NO_PERMISSION);
    assert.match(res.remark ?? '', /^User:bob has no permission to access Cluster:ItCluster from 127\.0\.0\.1/);
    const users = await admin.listUsers(master.address);
    assert.deepEqual(users.map((u) => u.username).sort(), ['alice', 'bob', 'innerbroker', 'rocketadmin']);
  });

  test('after a broker restart the users and policies are still there', async () => {
    const dir = master.dir;
    const port = master.port;
    assert.equal(await master.stop(), 0);
    master = await spawnMaster({ ...opts(), masterProps: { listenPort: port } }, dir);
    const bob = client(master.address, BOB);
    assert.equal((await bob.send(TOPIC, 'after restart')).code, ResponseCode.SUCCESS);
    const alice = client(master.address, ALICE);
    assert.match((await alice.send(TOPIC, 'x')).remark ?? '', /the decision is deny/);
    assert.equal((await client(master.address).send(TOPIC, 'x')).code, ResponseCode.NO_PERMISSION);
  });

  test('a slave copies its master\'s users and policies and enforces them', async () => {
    slave = await spawnSlave(opts());
    const s = slave;
    const slaveAdmin = client(s.address, ADMIN);
    // bob exists on the master only: once the slave knows him, it has synced.
    await waitFor('slave synced users', async () => (await slaveAdmin.call(RequestCode.AUTH_GET_USER, { username: 'bob' })).body?.length, 20_000);
    const unsigned = await client(s.address).call(RequestCode.GET_MAX_OFFSET, { topic: TOPIC, queueId: 0 });
    assert.equal(unsigned.code, ResponseCode.NO_PERMISSION);
    const eve = await client(s.address, { accessKey: 'eve', secretKey: 'eve-secret-1' }).call(RequestCode.GET_MAX_OFFSET, { topic: TOPIC, queueId: 0 });
    assert.equal(eve.remark, 'User:eve is not found.');
    const bob = await client(s.address, BOB).call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'other_group', topic: TOPIC, queueId: 0 });
    assert.equal(bob.code, ResponseCode.NO_PERMISSION);
    assert.match(bob.remark ?? '', /Group:other_group/);
    // A user added on the master reaches the slave with the next sync.
    await admin.createUser(master.address, { username: 'carol', password: 'carol-secret-1' });
    await waitFor('carol on the slave', async () => (await slaveAdmin.call(RequestCode.AUTH_GET_USER, { username: 'carol' })).body?.length, 25_000);
  });
});
