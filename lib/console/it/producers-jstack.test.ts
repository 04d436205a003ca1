// Through the console against a real nameserver and broker: two producers of one group sending at different rates
// show different send TPS, with their language and version, on the topic's producer table and in the producer-group
// lookup; and the diagnosis asked "with thread stack" sets jstackEnable, which our SDK consumer (no thread dump in
// Node) answers without a jstack, so the client's info has none and the answer says the stack was asked for.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { AdminClient } from '../../admin/index.ts';
import { Producer, PushConsumer } from '../../client/index.ts';
import { spawnBroker, spawnNamesrv, TestClient, removeDir, tempDir, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { startConsole, type ConsoleProcess } from '../../cluster/console-process.ts';
import { ensureFreshBuild, freePort } from './console-build.ts';

setLogSink(() => {});

const TOPIC = 'ProducerTpsTopic';
const PGROUP = 'tps-it-pg';

interface Row { producerGroup: string; clientId: string; clientAddr: string; language: string; versionName: string; sendTps: number; sendCount: number }

describe('producer send TPS and the thread-stack option through the console', { timeout: 300_000 }, () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let admin: AdminClient;
  let consoleProc: ConsoleProcess;
  let dir = '';
  let url = '';

  async function get(path: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(url + path, { signal: AbortSignal.timeout(30_000) });
    return { status: res.status, body: await res.json() };
  }

  before(async () => {
    const build = ensureFreshBuild();
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address });
    const client = new TestClient(broker.address);
    await client.createTopic(TOPIC, 2);
    await client.close();
    admin = new AdminClient({ namesrvAddr: ns.address });
    await waitFor('the topic on the nameserver', async () => (await admin.topicRoute(TOPIC).then(() => true, () => false)) || undefined, 30_000);
    await build;
    dir = tempDir('console-producers-it');
    consoleProc = await startConsole({
      port: await freePort(), host: '127.0.0.1', namesrvAddr: ns.address,
      env: { ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'), ROCKETDECK_COLLECT_INTERVAL_MS: '5000', ROCKETDECK_LOG_LEVEL: 'error' },
    });
    url = consoleProc.url;
  });

  after(async () => {
    await consoleProc?.stop();
    await admin?.close();
    await broker?.destroy();
    await ns?.stop();
    if (dir) removeDir(dir);
  });

  test('two producers sending at different rates show different send TPS, language and version', async () => {
    const fast = new Producer({ group: PGROUP, namesrvAddr: ns.address, instanceName: 'tps-fast' });
    const slow = new Producer({ group: PGROUP, namesrvAddr: ns.address, instanceName: 'tps-slow' });
    await fast.start();
    await slow.start();
    let stop = false;
    // load, not synchronisation: fast sends back to back in batches of ten per 100 ms tick, slow once per 500 ms
    const pace = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const fastLoop = (async () => { while (!stop) { for (let i = 0; i < 10; i++) await fast.send({ topic: TOPIC, body: 'f' }); await pace(100); } })();
    const slowLoop = (async () => { while (!stop) { await slow.send({ topic: TOPIC, body: 's' }); await pace(500); } })();
    try {
      const rows = await waitFor('both producers with a few seconds of sends', async () => {
        const r = await get(`/api/topics/${TOPIC}`);
        if (r.status !== 200 || !r.body.producerGroups) return undefined;
        const conns: Row[] = r.body.producerGroups.flatMap((g: { connections: Row[] }) => g.connections);
        const f = conns.find((c) => c.clientId === fast.clientId);
        const s = conns.find((c) => c.clientId === slow.clientId);
        return f && s && s.sendCount >= 6 ? { f, s } : undefined;
      }, 60_000, 500);
      assert.equal(rows.f.producerGroup, PGROUP);
      assert.notEqual(rows.f.clientAddr, rows.s.clientAddr);
      for (const c of [rows.f, rows.s]) {
        assert.equal(c.language, 'JAVA', 'our SDK speaks as a Java client');
        assert.equal(c.versionName, 'V4_9_8');
      }
      assert.ok(rows.s.sendTps > 0 && rows.s.sendTps < 5, `slow ${rows.s.sendTps}`);
      assert.ok(rows.f.sendTps > 3 * rows.s.sendTps, `fast ${rows.f.sendTps} vs slow ${rows.s.sendTps}`);

      // the producer-group lookup (GET_PRODUCER_CONNECTION_LIST) carries the same rates per connection
      const lookup = await get(`/api/topics/${TOPIC}?producerGroup=${PGROUP}`);
      assert.equal(lookup.status, 200);
      const byId = new Map(lookup.body.producers.connections.map((c: { clientId: string }) => [c.clientId, c])) as Map<string, { language: string; versionDesc: string; sendTps: number }>;
      assert.equal(byId.size, 2);
      assert.equal(byId.get(fast.clientId!)!.versionDesc, 'V4_9_8');
      assert.ok(byId.get(fast.clientId!)!.sendTps > 3 * byId.get(slow.clientId!)!.sendTps, JSON.stringify([...byId.values()]));
      assert.ok(byId.get(slow.clientId!)!.sendTps > 0);
    } finally {
      stop = true;
      await Promise.allSettled([fastLoop, slowLoop]);
      await fast.shutdown();
      await slow.shutdown();
    }
  });

  test('diagnosis with thread stack asks the client; our SDK sends none; a bad flag is a 400 naming it', async () => {
    const group = 'JstackGroup';
    const consumer = new PushConsumer({ group, namesrvAddr: ns.address, instanceName: 'jstack-it', rebalanceInterval: 1000, heartbeatBrokerInterval: 1000 })
      .subscribe(TOPIC, '*').onMessage(() => 'CONSUME_SUCCESS');
    await consumer.start();
    try {
      const d = await waitFor('running info asked with thread stack', async () => {
        const r = await get(`/api/consumer-groups/${group}/diagnosis?threadStack=true`);
        return r.status === 200 && r.body.clients.length === 1 && r.body.clients[0].info && r.body;
      }, 60_000, 500);
      assert.equal(d.threadStack, true);
      assert.equal(d.clients[0].clientId, consumer.clientId);
      assert.equal('jstack' in d.clients[0].info, false, 'a Node client has no thread dump to send');
      const plain = await get(`/api/consumer-groups/${group}/diagnosis`);
      assert.equal(plain.status, 200);
      assert.equal(plain.body.threadStack, false);
      const bad = await get(`/api/consumer-groups/${group}/diagnosis?threadStack=maybe`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'threadStack');
    } finally {
      await consumer.shutdown();
    }
  });
});
