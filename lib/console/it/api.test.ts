// The console's HTTP API against a real nameserver and broker: every endpoint over HTTP, 400s naming fields,
// 401/403 for anonymous, viewer and foreign-Origin changes, audit entries, reset-offset preview and apply,
// members and rebalances of live consumers, Prometheus metrics.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { join } from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { spawnBroker, spawnNamesrv, TestClient, removeDir, tempDir, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { buildConsole, consoleBuildIsFresh, startConsole, type ConsoleProcess } from '../../cluster/console-process.ts';
import { PushConsumer } from '../../client/index.ts';

setLogSink(() => {});

const TOPIC = 'ApiTopic';
const GROUP = 'ApiGroup';
const QUEUES = 4;
const MESSAGES = 40;

async function ensureFreshBuild(): Promise<void> {
  if (consoleBuildIsFresh()) return;
  try {
    await buildConsole();
  } catch {
    // other work in the tree may be mid-edit: one more try
    await buildConsole();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

describe('console API over HTTP', { timeout: 300_000 }, () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let client: TestClient;
  let consoleProc: ConsoleProcess;
  let dir: string;
  let url: string;
  let op = '';
  let viewer = '';

  /** A request as a page of the console sends it: Origin of the console unless said otherwise. */
  async function call(method: string, path: string, o: { body?: unknown; cookie?: string; origin?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.origin !== null) headers.origin = o.origin ?? url;
    if (o.cookie) headers.cookie = `rd_session=${o.cookie}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Prometheus text
    }
    return { status: res.status, body, headers: res.headers };
  }
  const get = (path: string, cookie?: string) => call('GET', path, { cookie, origin: null });

  before(async () => {
    const build = ensureFreshBuild();
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address });
    client = new TestClient(broker.address);
    await client.createTopic(TOPIC, QUEUES);
    for (let i = 0; i < MESSAGES; i++) await client.send(TOPIC, `m${i}`, { queueId: i % QUEUES, keys: `k${i}`, tags: 'T' });
    await build;
    dir = tempDir('console-it');
    const port = await freePort();
    consoleProc = await startConsole({
      port, host: '127.0.0.1', namesrvAddr: ns.address,
      env: {
        ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'),
        ROCKETDECK_USERS: 'op:operator:op-pw,viewer:viewer:viewer-pw',
        ROCKETDECK_COLLECT_INTERVAL_MS: '1000',
        ROCKETDECK_LOG_LEVEL: 'error',
      },
    });
    url = consoleProc.url;
  });

  after(async () => {
    await consoleProc?.stop();
    await client?.close();
    await broker?.destroy();
    await ns?.stop();
    if (dir) removeDir(dir);
  });

  test('health answers with the collector running', async () => {
    const r = await get('/api/health');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
    assert.deepEqual(r.body.namesrvAddr, [ns.address]);
    assert.equal(r.body.cluster, 'default');
    assert.equal(r.body.collector.running, true);
  });

  test('sign-in sets an HttpOnly SameSite=Strict cookie; wrong passwords get 401', async () => {
    const bad = await call('POST', '/api/auth/login', { body: { username: 'op', password: 'nope' } });
    assert.equal(bad.status, 401);
    const missing = await call('POST', '/api/auth/login', { body: { username: 'op' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.field, 'password');
    const foreign = await call('POST', '/api/auth/login', { body: { username: 'op', password: 'op-pw' }, origin: 'http://evil.example' });
    assert.equal(foreign.status, 403);
    const ok = await call('POST', '/api/auth/login', { body: { username: 'op', password: 'op-pw' } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { username: 'op', role: 'operator' });
    const cookie = ok.headers.get('set-cookie')!;
    assert.match(cookie, /rd_session=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
    op = /rd_session=([^;]+)/.exec(cookie)![1]!;
    const v = await call('POST', '/api/auth/login', { body: { username: 'viewer', password: 'viewer-pw' } });
    viewer = /rd_session=([^;]+)/.exec(v.headers.get('set-cookie')!)![1]!;
    assert.deepEqual((await get('/api/auth/me', op)).body, { username: 'op', role: 'operator' });
    assert.deepEqual((await get('/api/auth/me', viewer)).body, { username: 'viewer', role: 'viewer' });
    assert.deepEqual((await get('/api/auth/me')).body, { username: null, role: null });
    for (let i = 0; i < 5; i++) assert.equal((await call('POST', '/api/auth/login', { body: { username: 'ghost', password: `x${i}` } })).status, 401);
    const held = await call('POST', '/api/auth/login', { body: { username: 'ghost', password: 'x' } });
    assert.equal(held.status, 429, 'password guessing is slowed down');
    assert.ok(Number(held.headers.get('retry-after')) > 0);
  });

  test('saved clusters: list, add, address by header, refuse bad input, delete', async () => {
    const list = await get('/api/clusters');
    assert.deepEqual(list.body, { clusters: [{ name: 'default', namesrvAddr: ns.address }], current: 'default' });
    assert.equal((await call('POST', '/api/clusters', { body: { name: 'dead', namesrvAddr: '127.0.0.1:1' } })).status, 401);
    assert.equal((await call('POST', '/api/clusters', { body: { name: 'dead', namesrvAddr: '127.0.0.1:1' }, cookie: viewer })).status, 403);
    const badAddr = await call('POST', '/api/clusters', { body: { name: 'dead', namesrvAddr: 'nohost' }, cookie: op });
    assert.equal(badAddr.status, 400);
    assert.equal(badAddr.body.field, 'namesrvAddr');
    assert.equal((await call('POST', '/api/clusters', { body: { name: 'dead', namesrvAddr: '127.0.0.1:1' }, cookie: op })).status, 201);
    const viaHeader = await call('GET', '/api/cluster', { origin: null, headers: { 'x-rocketdeck-cluster': 'dead' } });
    assert.equal(viaHeader.status, 200, 'a cluster nobody answers for still gets a page');
    assert.equal(viaHeader.body.clusterList, null);
    assert.equal(viaHeader.body.namesrvs[0].reachable, false);
    assert.match(viaHeader.body.error, /nameserver/);
    assert.equal((await call('GET', '/api/consumer-groups', { origin: null, headers: { 'x-rocketdeck-cluster': 'dead' } })).status, 502);
    const unknown = await call('GET', '/api/topics', { origin: null, headers: { 'x-rocketdeck-cluster': 'nope' } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.field, 'x-rocketdeck-cluster');
    assert.equal((await call('DELETE', '/api/clusters/dead', { cookie: op })).status, 200);
    assert.equal((await call('DELETE', '/api/clusters/dead', { cookie: op })).status, 404);
  });

  test('cluster and overview describe the broker and the nameserver', async () => {
    const c = await get('/api/cluster');
    assert.equal(c.status, 200);
    assert.equal(c.body.clusterList.brokers[0].brokerAddr, broker.address);
    assert.equal(c.body.namesrvs[0].reachable, true);
    assert.equal(c.body.namesrvs[0].brokerCount, 1);
    assert.equal(c.body.heartbeats[0].listed, true);
    assert.equal(c.body.namesrvs[0].heartbeatTimes, true, 'a RocketDeck nameserver tells heartbeat times');
    const age = Date.now() - c.body.heartbeats[0].lastUpdateTimestamp;
    assert.ok(age >= 0 && age < 120_000, `last heartbeat ${age} ms ago`);
    assert.equal(c.body.ha[broker.address].brokerRole, 'ASYNC_MASTER');
    assert.equal(c.body.ha[broker.address].master.connectionCount, 0);
    const o = await get('/api/overview');
    assert.equal(o.status, 200);
    assert.deepEqual(o.body.health.brokers, { total: 1, alive: 1 });
    assert.deepEqual(o.body.health.namesrvs, { total: 1, reachable: 1 });
    assert.deepEqual(o.body.health.mastersWithoutLiveSlave, ['broker-it'], 'a master without a slave has no replica');
    assert.equal(typeof o.body.tps.put, 'number');
  });

  test('broker config reads for anyone and changes for operators only', async () => {
    const addr = encodeURIComponent(broker.address);
    const r = await get(`/api/brokers/${addr}/config`);
    assert.equal(r.status, 200);
    assert.equal(r.body.brokers[0].table.brokerName, 'broker-it');
    assert.equal((await call('PUT', `/api/brokers/${addr}/config`, { body: { flushIntervalCommitLog: 600 }, cookie: viewer })).status, 403);
    const put = await call('PUT', `/api/brokers/${addr}/config`, { body: { flushIntervalCommitLog: 600 }, cookie: op });
    assert.equal(put.status, 200);
    assert.equal(put.body.done.length, 1);
    assert.equal((await get(`/api/brokers/${addr}/config`)).body.brokers[0].table.flushIntervalCommitLog, '600');
    assert.equal((await get('/api/brokers/not-an-addr/config')).status, 400);
    assert.equal((await get('/api/brokers/127.0.0.1:1/config')).status, 404, 'only brokers of the cluster are dialled');
  });

  test('topics: create with guards, list with search and paging, detail, map, test message, delete', async () => {
    const body = { topic: 'ApiCreated', readQueueNums: 2, writeQueueNums: 2 };
    assert.equal((await call('POST', '/api/topics', { body })).status, 401, 'anonymous');
    assert.equal((await call('POST', '/api/topics', { body, cookie: viewer })).status, 403, 'viewer');
    assert.equal((await call('POST', '/api/topics', { body, cookie: op, origin: 'http://evil.example' })).status, 403, 'foreign Origin');
    assert.equal((await call('POST', '/api/topics', { body, cookie: op, origin: null })).status, 403, 'no Origin');
    const badName = await call('POST', '/api/topics', { body: { topic: 'bad topic!' }, cookie: op });
    assert.equal(badName.status, 400);
    assert.equal(badName.body.field, 'topic');
    assert.match(badName.body.error, /illegal characters/);
    const badPerm = await call('POST', '/api/topics', { body: { ...body, perm: 5 }, cookie: op });
    assert.equal(badPerm.body.field, 'perm');
    const created = await call('POST', '/api/topics', { body, cookie: op });
    assert.equal(created.status, 201);
    assert.equal(created.body.done.length, 1);

    const list = await get('/api/topics?search=api&pageSize=1&sort=-name');
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 2);
    assert.deepEqual(list.body.items.map((t: { topic: string }) => t.topic), [TOPIC]);
    const page2 = await get('/api/topics?search=api&pageSize=1&page=2&sort=-name');
    assert.equal(page2.body.items[0].topic, 'ApiCreated');
    assert.equal(page2.body.items[0].writeQueueNums, 2);
    assert.equal((await get('/api/topics?sort=size')).body.field, 'sort');
    assert.equal((await get('/api/topics?pageSize=9999')).status, 400);
    const system = await get('/api/topics?system=1&search=TBW102');
    assert.equal(system.body.items[0]?.kind, 'SYSTEM');
    assert.equal((await get('/api/topics?search=TBW102')).body.total, 0, 'system topics hidden by default');

    const detail = await get(`/api/topics/${TOPIC}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.route.queueDatas[0].writeQueueNums, QUEUES);
    assert.equal(detail.body.status.totalMessages, MESSAGES);
    assert.equal(detail.body.producers, undefined, 'a named producer group\'s connections only when asked');
    // the setup's sends (producer group it_producer, connection still open) as the broker noted them
    const sender = detail.body.producerGroups?.find((g: { producerGroup: string }) => g.producerGroup === 'it_producer');
    assert.ok(sender, JSON.stringify(detail.body.producerGroups));
    assert.equal(sender.connections[0].topic, TOPIC);
    assert.match(sender.connections[0].clientAddr, /^127\.0\.0\.1:\d+$/);
    const noProducer = await get(`/api/topics/${TOPIC}?producerGroup=NoSuchProducerGroup`);
    assert.equal(noProducer.status, 200);
    assert.equal(noProducer.body.producers, null);
    assert.match(noProducer.body.producersError, /NoSuchProducerGroup/);
    assert.equal((await get(`/api/topics/${TOPIC}?producerGroup=bad%20group`)).body.field, 'producerGroup');
    const listed = (await get(`/api/topics?search=${TOPIC}`)).body.items[0];
    assert.ok(listed.producers >= 1, 'our broker names the producer groups sending to a topic');
    assert.ok(listed.consumerGroups === null || typeof listed.consumerGroups === 'number');
    assert.equal((await get('/api/topics/NoSuchTopicHere')).status, 404);
    assert.equal((await get('/api/topics/bad%20name')).body.field, 'topic');
    const map = await get('/api/topics/map');
    assert.ok(map.body.topics.some((t: { topic: string }) => t.topic === 'ApiCreated'));

    const sent = await call('POST', `/api/topics/${TOPIC}/messages`, { body: { body: 'hello console', tags: 'Console', keys: 'console-key' }, cookie: op });
    assert.equal(sent.status, 201);
    assert.equal(sent.body.sendStatus, 'SEND_OK');
    assert.equal((await call('POST', `/api/topics/${TOPIC}/messages`, { body: { body: 7 }, cookie: op })).body.field, 'body');

    const del = await call('DELETE', '/api/topics/ApiCreated', { cookie: op });
    assert.equal(del.status, 200);
    assert.equal(del.body.done.length, 1);
    assert.equal((await get('/api/topics/ApiCreated')).status, 404);
    assert.equal((await call('DELETE', '/api/topics/ApiCreated?cluster=NoCluster', { cookie: op })).body.field, 'cluster');
  });

  test('consumer groups: create, list with live lag, lag in time, detail, history, flags', async () => {
    const body = { groupName: GROUP };
    assert.equal((await call('POST', '/api/consumer-groups', { body, cookie: viewer })).status, 403);
    assert.equal((await call('POST', '/api/consumer-groups', { body: { groupName: 'a b' }, cookie: op })).body.field, 'groupName');
    assert.equal((await call('POST', '/api/consumer-groups', { body, cookie: op })).status, 201);
    for (let q = 0; q < QUEUES; q++) await client.updateOffset(GROUP, TOPIC, q, 5);
    const lag = MESSAGES + 1 - QUEUES * 5; // the console's test message went to one of the queues

    const list = await waitFor('the group in the list with its lag in time', async () => {
      const r = await get(`/api/consumer-groups?search=${GROUP.toLowerCase()}`);
      return r.body.items?.[0]?.lagSeconds !== null && r.body.items?.[0]?.lagSeconds !== undefined ? r : undefined;
    }, 30_000, 250);
    const item = list.body.items[0];
    assert.equal(item.group, GROUP);
    assert.equal(item.lagMessages, lag);
    assert.ok(item.lagSeconds >= 0);
    assert.equal(item.sparkline.length, 30);
    assert.equal(item.sparkline.at(-1), lag);
    assert.ok(['growing', 'shrinking', 'steady'].includes(item.trend));
    assert.deepEqual(item.flags.map((f: { kind: string }) => f.kind), ['offline-with-lag']);
    assert.equal(item.members, 0);
    assert.equal((await get('/api/consumer-groups?sort=-lag&pageSize=1')).body.items[0].group, GROUP);
    assert.equal((await get('/api/consumer-groups?page=0')).body.field, 'page');

    const d = await get(`/api/consumer-groups/${GROUP}`);
    assert.equal(d.status, 200);
    assert.equal(d.body.progress.queues.length, QUEUES);
    assert.equal(d.body.lagMessages, lag);
    assert.equal(typeof d.body.lagSeconds, 'number');
    assert.equal(d.body.connection, null);
    assert.match(d.body.connectionError, /not online/);
    assert.ok(d.body.flags.some((f: { kind: string; reason: string }) => f.kind === 'offline-with-lag' && /no member is online/.test(f.reason)));
    assert.equal((await get('/api/consumer-groups/NoSuchGroupHere')).status, 404);
    assert.equal((await get('/api/consumer-groups/bad%20group')).body.field, 'group');

    const h = await waitFor('lag history', async () => {
      const r = await get(`/api/consumer-groups/${GROUP}/history?metric=lag`);
      return r.body.points?.length ? r : undefined;
    }, 15_000, 250);
    assert.equal(h.body.points.at(-1).value, lag);
    assert.equal((await get(`/api/consumer-groups/${GROUP}/history?metric=size`)).body.field, 'metric');
    const th = await waitFor('topic history', async () => {
      const r = await get(`/api/history/topic/${TOPIC}?metric=messages`);
      return r.body.points?.length ? r : undefined;
    }, 15_000, 250);
    assert.equal(th.body.points.at(-1).value, MESSAGES + 1);
    assert.equal((await get('/api/history/planet/x')).body.field, 'kind');
    assert.equal((await get(`/api/history/group/${GROUP}?from=soon`)).body.field, 'from');
  });

  test('reset offset: preview shows old and new offsets without change; apply moves them; guards hold', async () => {
    const path = `/api/consumer-groups/${GROUP}/reset-offset`;
    assert.equal((await call('POST', path, { body: { topic: TOPIC, to: 'earliest' }, cookie: viewer })).status, 403);
    assert.equal((await call('POST', path, { body: { topic: TOPIC, to: 'earliest' } })).status, 401);
    assert.equal((await call('POST', path, { body: { topic: TOPIC, to: 'sometime' }, cookie: op })).body.field, 'to');
    assert.equal((await call('POST', path, { body: { topic: TOPIC, to: 'timestamp' }, cookie: op })).body.field, 'timestamp');
    const preview = await call('POST', path, { body: { topic: TOPIC, to: 'earliest', preview: true }, cookie: op });
    assert.equal(preview.status, 200);
    assert.equal(preview.body.preview, true);
    assert.deepEqual(preview.body.queues.map((q: { currentOffset: number; newOffset: number }) => [q.currentOffset, q.newOffset]), [[5, 0], [5, 0], [5, 0], [5, 0]]);
    const still = await get(`/api/consumer-groups/${GROUP}`);
    assert.ok(still.body.progress.queues.every((q: { consumerOffset: number }) => q.consumerOffset === 5), 'a preview changes nothing');
    const latest = await call('POST', path, { body: { topic: TOPIC, to: 'timestamp', timestamp: Date.now() + 60_000, preview: true }, cookie: op });
    assert.ok(latest.body.queues.every((q: { newOffset: number; maxOffset: number }) => q.newOffset === q.maxOffset), 'a time after the last message is the end');

    const applied = await call('POST', path, { body: { topic: TOPIC, to: 'earliest' }, cookie: op });
    assert.equal(applied.status, 200);
    assert.equal(applied.body.preview, false);
    assert.equal(applied.body.result.queues.length, QUEUES);
    const after = await get(`/api/consumer-groups/${GROUP}`);
    assert.ok(after.body.progress.queues.every((q: { consumerOffset: number }) => q.consumerOffset === 0));

    const one = await call('POST', path, { body: { topic: TOPIC, to: 'offsets', offsets: [{ brokerName: 'broker-it', queueId: 1, offset: 3 }] }, cookie: op });
    assert.equal(one.status, 200);
    const q1 = (await get(`/api/consumer-groups/${GROUP}`)).body.progress.queues.find((q: { queueId: number }) => q.queueId === 1);
    assert.equal(q1.consumerOffset, 3);
    const noQueue = await call('POST', path, { body: { topic: TOPIC, to: 'offsets', offsets: [{ brokerName: 'broker-it', queueId: 9, offset: 3 }], preview: true }, cookie: op });
    assert.equal(noQueue.body.field, 'offsets');
  });

  test('messages by key, by id, by time, and who consumed one', async () => {
    const byKey = await get(`/api/messages?topic=${TOPIC}&key=k3`);
    assert.equal(byKey.status, 200);
    assert.equal(byKey.body.messages.length, 1);
    const m = byKey.body.messages[0];
    assert.equal(m.body, 'm3');
    const byId = await get(`/api/messages?msgId=${m.msgId}&topic=${TOPIC}`);
    assert.equal(byId.body.messages[0].queueOffset, m.queueOffset);
    const byTime = await get(`/api/messages?topic=${TOPIC}&begin=${m.storeTimestamp}&end=${m.storeTimestamp}&maxNum=64`);
    assert.ok(byTime.body.messages.some((x: { msgId: string }) => x.msgId === m.msgId));
    assert.equal((await get('/api/messages')).body.field, 'topic');
    assert.equal((await get(`/api/messages?topic=${TOPIC}`)).body.field, 'key');
    assert.equal((await get(`/api/messages?msgId=zz&topic=${TOPIC}`)).body.field, 'msgId');
    assert.equal((await get(`/api/messages?topic=${TOPIC}&begin=later`)).body.field, 'begin');
    const who = await get(`/api/messages/${m.msgId}/consumers?topic=${TOPIC}`);
    assert.equal(who.status, 200);
    const g = who.body.groups.find((x: { group: string }) => x.group === GROUP);
    assert.equal(g.consumed, m.queueOffset < g.consumerOffset);
  });

  test('metrics in Prometheus text with the exporter\'s names', async () => {
    const r = await waitFor('group lag in the metrics', async () => {
      const x = await get('/api/metrics');
      return typeof x.body === 'string' && x.body.includes(`rocketmq_group_diff{group="${GROUP}"`) ? x : undefined;
    }, 15_000, 250);
    assert.match(r.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    assert.match(r.body, new RegExp(`^rocketmq_producer_offset\\{cluster="ItCluster",broker="broker-it",topic="${TOPIC}"\\} ${MESSAGES + 1}$`, 'm'));
    assert.match(r.body, /^# TYPE rocketmq_producer_tps gauge$/m);
    assert.match(r.body, /^rocketmq_brokeruntime_msg_put_total_today_now\{cluster="ItCluster",brokerIP="[^"]+"/m);
    assert.match(r.body, new RegExp(`^rocketmq_consumer_offset\\{cluster="ItCluster",broker="broker-it",topic="${TOPIC}",group="${GROUP}"\\} \\d+$`, 'm'));
  });

  test('live consumers: members, queue holders, idle members flagged, a member leaving recorded as a rebalance', async () => {
    const topic = 'ApiLiveTopic';
    const group = 'ApiLiveGroup';
    await client.createTopic(topic, 2);
    const consumers = [0, 1, 2].map((i) => new PushConsumer({
      group, namesrvAddr: ns.address, instanceName: `api-it-${i}`, rebalanceInterval: 1000, heartbeatBrokerInterval: 1000,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    }).subscribe(topic, '*').onMessage(() => {}));
    try {
      for (const c of consumers) await c.start();
      // Settled: the 2 queues held by 2 different members (right after the third joins, the first may still hold
      // both until its next rebalance).
      const d = await waitFor('3 members, the 2 queues held by 2 of them', async () => {
        const r = await get(`/api/consumer-groups/${group}`);
        const held = (r.body.assignment?.queues ?? []).filter((q: { topic: string }) => q.topic === topic);
        const holders = new Set(held.map((q: { clientId: string }) => q.clientId));
        return r.body.connection?.connections.length === 3 && held.length === 2 && holders.size === 2 ? r : undefined;
      }, 30_000, 250);
      const idle = d.body.flags.find((f: { kind: string }) => f.kind === 'idle-members');
      assert.ok(idle, JSON.stringify(d.body.flags));
      assert.match(idle.reason, /3 members share 2 queues of ApiLiveTopic: 1 member holds none/);
      await consumers[2]!.shutdown();
      const r = await waitFor('a rebalance event for the member that left', async () => {
        const x = await get(`/api/consumer-groups/${group}`);
        return x.body.rebalanceHistory?.some((e: { left: string[] }) => e.left.length === 1) ? x : undefined;
      }, 30_000, 250);
      const ev = r.body.rebalanceHistory.find((e: { left: string[] }) => e.left.length === 1);
      assert.equal(ev.members.length, 2);
      // shares name every member left (queues move to them on their next rebalance, which may be a later event)
      assert.deepEqual(Object.keys(ev.shares).sort(), [...ev.members].sort());
    } finally {
      for (const c of consumers) await c.shutdown().catch(() => {});
    }
  });

  test('the audit log lists every change with who made it, for signed-in users only', async () => {
    assert.equal((await get('/api/audit')).status, 401);
    const r = await get('/api/audit?limit=200', viewer);
    assert.equal(r.status, 200);
    const actions = r.body.entries.map((e: { action: string }) => e.action);
    for (const a of ['saveCluster', 'deleteCluster', 'updateBrokerConfig', 'createTopic', 'deleteTopic', 'sendMessage', 'createGroup', 'resetOffset', 'login']) {
      assert.ok(actions.includes(a), `audit has ${a}`);
    }
    const reset = r.body.entries.find((e: { action: string; params: { to: string } }) => e.action === 'resetOffset' && e.params.to === 'earliest');
    assert.equal(reset.username, 'op');
    assert.equal(reset.target, GROUP);
    assert.equal(reset.ok, true);
    assert.equal(r.body.entries.filter((e: { action: string }) => e.action === 'resetOffset').length, 2, 'previews are not changes');
    assert.ok(r.body.entries.some((e: { action: string; ok: boolean }) => e.action === 'login' && !e.ok), 'failed sign-ins too');
    assert.equal((await get('/api/audit?limit=0', viewer)).body.field, 'limit');
  });

  test('sign-out ends the session', async () => {
    const r = await call('POST', '/api/auth/logout', { cookie: viewer });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('set-cookie')!, /rd_session=; .*Max-Age=0/);
    assert.deepEqual((await get('/api/auth/me', viewer)).body, { username: null, role: null });
  });
});
