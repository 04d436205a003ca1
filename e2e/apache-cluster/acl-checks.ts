// RocketDeck against an Apache RocketMQ 4.9.8 broker with aclEnable=true and plain_acl.yml (start-apache.sh with
// ACL_FILE=acl-plain.yml): the SDK sends and consumes signed with an account's keys, `rocketdeck admin|produce|consume`
// with --access-key/--secret-key, the admin client's ACL 1.0 calls, and the console (a saved cluster with the admin
// account's keys: its pages' API, the access check, the ACL 1.0 account list and writes); unsigned requests and a
// wrong secret are refused by Apache's broker. One `RESULT <case> OK|FAIL` line per case, exit 1 if any failed.
// Usage: NAMESRV_ADDR=host:port BROKER_ADDR=host:port npx tsx e2e/apache-cluster/acl-checks.ts

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setLogSink } from '../../lib/common/log.ts';
import { waitFor } from '../../lib/common/wait-for.ts';
import { freePort } from '../../lib/common/free-port.ts';
import { AdminClient } from '../../lib/admin/index.ts';
import { Producer, PushConsumer } from '../../lib/client/index.ts';
import { PROJECT_ROOT, startConsole, type ConsoleProcess } from '../../lib/cluster/console-process.ts';

const NAMESRV = process.env.NAMESRV_ADDR;
const BROKER = process.env.BROKER_ADDR;
if (!NAMESRV || !BROKER) {
  console.error('NAMESRV_ADDR and BROKER_ADDR must be set');
  process.exit(2);
}
if (!process.env.ROCKETDECK_SDK_LOGS) setLogSink(() => {});

// the accounts of acl-plain.yml
const ADMIN = { accessKey: 'RocketDeckAdmin', secretKey: 'rocketdeck-admin-secret' };
const USER = { accessKey: 'RocketDeckUser', secretKey: 'rocketdeck-user-secret' };
const TOPIC = 'AclTopic';
const GROUP = 'AclGroup';
const RUN = Date.now().toString(36);
const tmp = mkdtempSync(join(tmpdir(), 'rd-apache-acl-'));
const CLIENT_FAST = { pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500 };
const FAST = { ...CLIENT_FAST, rebalanceInterval: 1000 };

function check(ok: unknown, detail: string): asserts ok {
  if (!ok) throw new Error(detail);
}

async function refused(what: string, fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    const e = err as Error & { code?: number; remark?: string };
    // a producer retries a SYSTEM_ERROR answer as Java's does, then names the refusal in its SendFailedError
    check(e.name === 'AccessDeniedError' || (e.name === 'SendFailedError' && /not allowed: .*AclException/.test(e.message)), `${what}: failed with ${e.name}: ${e.message}`);
    return `${e.name}: ${e.message.slice(0, 160)}`;
  }
  throw new Error(`${what}: was accepted`);
}

const cli = async (args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'lib', 'cli', 'bin.mjs'), ...args], {
      cwd: PROJECT_ROOT, timeout: 90_000, env: { ...process.env, ROCKETMQ_ACCESS_KEY: '', ROCKETMQ_SECRET_KEY: '', ...env },
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
};

const cases: Array<[string, () => Promise<string>]> = [];
const add = (name: string, fn: () => Promise<string>) => cases.push([name, fn]);
const admin = new AdminClient({ namesrvAddr: NAMESRV, timeoutMs: 5000, ...ADMIN });

add('admin.signed.createTopic', async () => {
  const r = await admin.createOrUpdateTopic({ brokerAddrs: [BROKER] }, { topic: TOPIC, readQueueNums: 2, writeQueueNums: 2 });
  check(r.errors.length === 0, JSON.stringify(r.errors));
  await waitFor(`route of ${TOPIC}`, async () => (await admin.topicRoute(TOPIC).catch(() => undefined))?.queueDatas.length === 1, 15_000);
  return `${TOPIC} on ${BROKER}`;
});
add('admin.signed.reads', async () => {
  const [info, topics, runtime] = await Promise.all([admin.clusterList(), admin.topicList(), admin.brokerRuntimeInfo(BROKER)]);
  check(topics.topics.some((t) => t.topic === TOPIC), 'topic not listed');
  return `${info.brokers.length} broker(s), ${topics.topics.length} topics, runtime keys ${Object.keys(runtime).length}`;
});
add('admin.unsigned.refused', async () => {
  const bare = new AdminClient({ namesrvAddr: NAMESRV, timeoutMs: 5000, accessKey: undefined, secretKey: undefined });
  try {
    return await refused('unsigned GET_BROKER_RUNTIME_INFO', () => bare.brokerRuntimeInfo(BROKER));
  } finally {
    await bare.close();
  }
});
add('admin.wrongSecret.refused', async () => {
  const wrong = new AdminClient({ namesrvAddr: NAMESRV, timeoutMs: 5000, accessKey: ADMIN.accessKey, secretKey: 'not-the-secret' });
  try {
    return await refused('wrong secret', () => wrong.brokerRuntimeInfo(BROKER));
  } finally {
    await wrong.close();
  }
});

const producer = new Producer({ group: `acl_p_${RUN}`, namesrvAddr: NAMESRV, ...CLIENT_FAST, ...USER });
add('sdk.signed.send', async () => {
  await producer.start();
  const rs = [];
  for (let i = 0; i < 5; i++) rs.push(await producer.send({ topic: TOPIC, body: `acl-${RUN}-${i}`, keys: [`acl-key-${i}`] }));
  check(rs.every((r) => r.sendStatus === 'SEND_OK'), 'not all SEND_OK');
  return `5 sends as ${USER.accessKey}: ${rs.map((r) => r.queueOffset).join(',')}`;
});
add('sdk.signed.consume', async () => {
  const got = new Set<string>();
  const pc = new PushConsumer({ group: GROUP, namesrvAddr: NAMESRV, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', offsetStoreDir: tmp, ...FAST, ...USER });
  pc.subscribe(TOPIC).onMessage((m) => {
    const body = m.body.toString('utf8');
    if (body.startsWith(`acl-${RUN}-`)) got.add(body);
  });
  await pc.start();
  try {
    await waitFor('5 messages consumed', () => got.size === 5, 60_000);
  } finally {
    await pc.shutdown();
  }
  return `consumed ${got.size} as ${USER.accessKey} in ${GROUP}`;
});
add('sdk.userWithoutPerm.refused', async () => {
  // acl-plain.yml: defaultTopicPerm DENY for the user; only AclTopic is allowed
  await admin.createOrUpdateTopic({ brokerAddrs: [BROKER] }, { topic: 'AclOther', readQueueNums: 1, writeQueueNums: 1 });
  await waitFor('route of AclOther', async () => (await admin.topicRoute('AclOther').catch(() => undefined))?.queueDatas.length === 1, 15_000);
  return refused('send to AclOther', () => producer.send({ topic: 'AclOther', body: 'x' }));
});
add('sdk.unsigned.refused', async () => {
  const bare = new Producer({ group: `acl_bare_${RUN}`, namesrvAddr: NAMESRV, ...CLIENT_FAST, accessKey: undefined, secretKey: undefined });
  try {
    await bare.start();
    return await refused('unsigned send', () => bare.send({ topic: TOPIC, body: 'x' }));
  } finally {
    await bare.shutdown();
  }
});
add('sdk.wrongSecret.refused', async () => {
  const wrong = new Producer({ group: `acl_wrong_${RUN}`, namesrvAddr: NAMESRV, ...CLIENT_FAST, accessKey: USER.accessKey, secretKey: 'not-the-secret' });
  try {
    await wrong.start();
    return await refused('wrong secret send', () => wrong.send({ topic: TOPIC, body: 'x' }));
  } finally {
    await wrong.shutdown();
  }
});

add('admin.aclV1.accounts', async () => {
  // 4.9.8 dropped GET_BROKER_CLUSTER_ACL_CONFIG: an account is checked by using it; the file's version moves
  const listing = await admin.plainAclConfig(BROKER).then(() => 'answered', (err: Error & { code?: number }) => `code ${err.code}`);
  check(listing === 'code 3', `GET_BROKER_CLUSTER_ACL_CONFIG: ${listing}`);
  const v0 = (await admin.plainAclVersion(BROKER)).version;
  const ak = `RdTmp${RUN}`;
  await admin.updatePlainAccount(BROKER, { accessKey: ak, secretKey: 'tmp-secret-123', defaultTopicPerm: 'SUB', topicPerms: [`${TOPIC}=PUB`] });
  let v1 = v0;
  await waitFor('the ACL version to move', async () => (v1 = (await admin.plainAclVersion(BROKER)).version) !== v0, 15_000);
  const tmpProducer = new Producer({ group: `acl_tmp_${RUN}`, namesrvAddr: NAMESRV, ...CLIENT_FAST, accessKey: ak, secretKey: 'tmp-secret-123' });
  try {
    await tmpProducer.start();
    const r = await tmpProducer.send({ topic: TOPIC, body: 'from a new account' });
    check(r.sendStatus === 'SEND_OK', r.sendStatus);
  } finally {
    await tmpProducer.shutdown();
  }
  await admin.deletePlainAccount(BROKER, ak);
  const gone = new Producer({ group: `acl_gone_${RUN}`, namesrvAddr: NAMESRV, ...CLIENT_FAST, accessKey: ak, secretKey: 'tmp-secret-123' });
  try {
    await gone.start();
    await refused('send with the deleted account', () => gone.send({ topic: TOPIC, body: 'x' }));
  } finally {
    await gone.shutdown();
  }
  return `GET_BROKER_CLUSTER_ACL_CONFIG not supported (code 3); created ${ak} (ACL version ${v0} -> ${v1}), sent with it, deleted, refused after`;
});

add('cli.signed', async () => {
  const keys = ['--access-key', ADMIN.accessKey, '--secret-key', ADMIN.secretKey];
  const list = await cli(['admin', 'topicList', '-n', NAMESRV, ...keys]);
  check(list.code === 0 && list.out.includes(TOPIC), `topicList exit ${list.code}: ${list.out.slice(0, 300)}`);
  const prod = await cli(['produce', '-n', NAMESRV, '-t', TOPIC, '-c', '3', '--keys', 'cli-key'], { ROCKETMQ_ACCESS_KEY: USER.accessKey, ROCKETMQ_SECRET_KEY: USER.secretKey });
  check(prod.code === 0 && (prod.out.match(/SEND_OK/g) ?? []).length === 3, `produce exit ${prod.code}: ${prod.out.slice(0, 300)}`);
  const cons = await cli(['consume', '-n', NAMESRV, '-t', TOPIC, '-g', `${GROUP}`, '--from', 'first', '-c', '3', '--json'], { ROCKETMQ_ACCESS_KEY: USER.accessKey, ROCKETMQ_SECRET_KEY: USER.secretKey });
  check(cons.code === 0, `consume exit ${cons.code}: ${cons.out.slice(0, 300)}`);
  const status = await cli(['admin', 'brokerStatus', '-n', NAMESRV, '-b', BROKER, ...keys]);
  check(status.code === 0, `brokerStatus exit ${status.code}: ${status.out.slice(0, 200)}`);
  // QUERY_MESSAGE carries _UNIQUE_KEY_QUERY, which 4.9.8 leaves out of the signed content
  const byKey = await cli(['admin', 'queryMsgByKey', '-n', NAMESRV, '-t', TOPIC, '-k', 'cli-key', '--json', ...keys]);
  check(byKey.code === 0 && (byKey.out.match(/cli-key/g) ?? []).length >= 3, `queryMsgByKey exit ${byKey.code}: ${byKey.out.slice(0, 300)}`);
  return 'admin topicList, brokerStatus and queryMsgByKey with the admin key; produce 3 and consume 3 with the user key (environment)';
});
add('cli.unsigned.refused', async () => {
  const r = await cli(['admin', 'brokerStatus', '-n', NAMESRV, '-b', BROKER]);
  check(r.code !== 0 && /not allowed/.test(r.out), `exit ${r.code}: ${r.out.slice(0, 300)}`);
  const w = await cli(['produce', '-n', NAMESRV, '-t', TOPIC, '--access-key', USER.accessKey, '--secret-key', 'wrong-secret-x']);
  check(w.code !== 0 && /not allowed/.test(w.out), `produce with a wrong secret: exit ${w.code}: ${w.out.slice(0, 300)}`);
  return `${r.out.trim().split('\n').pop()!.slice(0, 140)}`;
});

let consoleProc: ConsoleProcess | undefined;
let url = '';
let cookie = '';
const api = async (method: string, path: string, o: { body?: unknown; cluster?: string } = {}): Promise<{ status: number; body: any; text: string }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers: Record<string, string> = { origin: url, cookie: `rd_session=${cookie}` };
  if (o.cluster) headers['x-rocketdeck-cluster'] = o.cluster;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // text
  }
  return { status: res.status, body, text };
};
add('console.start', async () => {
  const port = await freePort();
  // started for an unrelated address: the ACL cluster is saved through the API with its keys
  consoleProc = await startConsole({
    port, host: '127.0.0.1', namesrvAddr: NAMESRV,
    env: { ROCKETDECK_CONSOLE_DB: join(tmp, 'console.db'), ROCKETDECK_USERS: `op:operator:op-pass-${RUN}`, ROCKETDECK_COLLECT_INTERVAL_MS: '5000', ROCKETMQ_ACCESS_KEY: '', ROCKETMQ_SECRET_KEY: '' },
  });
  url = consoleProc.url;
  const res = await fetch(url + '/api/auth/login', { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'op', password: `op-pass-${RUN}` }) });
  cookie = /rd_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  for (const [name, creds] of [['apache-acl', ADMIN], ['apache-wrong', { accessKey: ADMIN.accessKey, secretKey: 'not-the-secret' }]] as const) {
    const r = await api('POST', '/api/clusters', { body: { name, namesrvAddr: NAMESRV, ...creds } });
    check(r.status === 201, `save ${name}: ${r.status} ${r.text}`);
  }
  return url;
});
add('console.signed.pages', async () => {
  const access = await api('GET', '/api/acl/access', { cluster: 'apache-acl' });
  check(access.status === 200 && access.body.denied.length === 0 && access.body.brokers === 1, access.text);
  const topics = await api('GET', `/api/topics?search=${TOPIC}`, { cluster: 'apache-acl' });
  check(topics.body.items?.some((t: { topic: string }) => t.topic === TOPIC), topics.text.slice(0, 300));
  const topic = await api('GET', `/api/topics/${TOPIC}`, { cluster: 'apache-acl' });
  check(topic.status === 200 && topic.body.status.totalMessages >= 5 && topic.body.errors.length === 0, topic.text.slice(0, 300));
  const msgs = await api('GET', `/api/messages?topic=${TOPIC}&key=acl-key-1`, { cluster: 'apache-acl' });
  check(msgs.status === 200 && msgs.body.messages.length >= 1, msgs.text.slice(0, 300));
  const cluster = await api('GET', '/api/cluster', { cluster: 'apache-acl' });
  check(cluster.status === 200 && (cluster.body.clusterList?.brokers?.length ?? 0) === 1, cluster.text.slice(0, 300));
  return `access ok, topic ${TOPIC} with ${topic.body.status.totalMessages} messages, query by key, cluster page`;
});
add('console.aclV1', async () => {
  const r = await api('GET', '/api/acl', { cluster: 'apache-acl' });
  check(r.status === 200 && r.body.mode === 'acl1' && r.body.plain.listed === false && r.body.plain.version, `mode ${r.body.mode}: ${r.text.slice(0, 400)}`);
  const ak = `RdConsole${RUN}`;
  const add1 = await api('POST', '/api/acl/v1/accounts', { cluster: 'apache-acl', body: { accessKey: ak, secretKey: 'console-made-secret', defaultTopicPerm: 'SUB', topicPerms: [`${TOPIC}=PUB|SUB`] } });
  check(add1.status === 201 && add1.body.result.done.length === 1, add1.text);
  const made = new Producer({ group: `acl_console_${RUN}`, namesrvAddr: NAMESRV, ...CLIENT_FAST, accessKey: ak, secretKey: 'console-made-secret' });
  try {
    await made.start();
    check((await made.send({ topic: TOPIC, body: 'console account' })).sendStatus === 'SEND_OK', 'send with the console-made account');
  } finally {
    await made.shutdown();
  }
  const bad = await api('POST', '/api/acl/v1/accounts', { cluster: 'apache-acl', body: { accessKey: 'short', secretKey: 'console-made-secret' } });
  check(bad.status === 400 && bad.body.field === 'accessKey', bad.text);
  const white = await api('PUT', '/api/acl/v1/global-white', { cluster: 'apache-acl', body: { globalWhiteAddrs: ['10.254.254.*'] } });
  check(white.status === 200, white.text);
  const del = await api('DELETE', `/api/acl/v1/accounts/${ak}`, { cluster: 'apache-acl' });
  check(del.status === 200, del.text);
  const audit = await api('GET', '/api/audit');
  check(audit.body.entries.some((e: { action: string; target: string }) => e.action === 'updateAclAccount' && e.target === `apache-acl/${ak}`), 'audit');
  check(!audit.text.includes('console-made-secret'), 'secret in the audit log');
  return `mode acl1 (accounts not listed by 4.9.8, ACL version ${r.body.plain.version}); created ${ak} through the console, sent with it, set the global white addresses, deleted it, audited without the secret`;
});
add('console.wrongKey.denied', async () => {
  const r = await api('GET', '/api/acl/access', { cluster: 'apache-wrong' });
  check(r.status === 200 && r.body.denied.length === 1, r.text);
  const d = r.body.denied[0];
  return `${d.brokerName} ${d.brokerAddr}: access denied: ${d.codeName} (${d.code}) ${String(d.remark).slice(0, 120)}`;
});

let failed = 0;
try {
  for (const [name, fn] of cases) {
    const t0 = Date.now();
    try {
      const detail = await fn();
      console.log(`RESULT acl.${name} OK ${detail} (${Date.now() - t0} ms)`);
    } catch (err) {
      failed++;
      console.log(`RESULT acl.${name} FAIL ${(err as Error).message}`);
    }
  }
} finally {
  await consoleProc?.stop();
  await producer.shutdown().catch(() => {});
  await admin.close();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
