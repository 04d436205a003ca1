// Producers per topic end to end: a real broker notes what an SDK producer sends (GET_TOPIC_PRODUCERS, a RocketDeck
// extension) and the admin client reads it from every master; an Apache RocketMQ broker (the replayed 4.9.8 one)
// answers REQUEST_CODE_NOT_SUPPORTED, which the admin client reports as "not supported" rather than as an error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminClient } from '../client.ts';
import { Producer } from '../../client/index.ts';
import { setLogSink } from '../../common/log.ts';
import { RocketDeckRequestCode } from '../../protocol/codes.ts';
import { spawnBroker, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { ReplayServer } from './replay-server.ts';

const TOPIC = 'ItProducersTopic';
const OTHER = 'ItProducersOther';
const GROUP = 'it-producers-pg';

describe('producers per topic (GET_TOPIC_PRODUCERS)', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let admin: AdminClient;
  let producer: Producer;

  before(async () => {
    setLogSink(() => {});
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address });
    const client = new TestClient(broker.address);
    await client.createTopic(TOPIC, 4);
    await client.createTopic(OTHER, 4);
    await client.close();
    admin = new AdminClient({ namesrvAddr: ns.address, timeoutMs: 10_000 });
    await waitFor('the topic route', async () => (await admin.topicRoute(TOPIC).then(() => true, () => false)) || undefined, 30_000);
    producer = new Producer({ group: GROUP, namesrvAddr: ns.address, instanceName: 'it-producers' });
    await producer.start();
    for (let i = 0; i < 3; i++) await producer.send({ topic: TOPIC, body: `m${i}` });
  });

  after(async () => {
    await producer?.shutdown();
    await admin?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  test('the admin client names the group, topic, client id, address and version of a producer that sent', async () => {
    const r = await admin.topicProducers({ topic: TOPIC });
    assert.equal(r.supported, true);
    assert.deepEqual(r.unsupported, []);
    assert.deepEqual(r.errors, []);
    assert.equal(r.producers.length, 1, JSON.stringify(r.producers));
    const p = r.producers[0]!;
    assert.equal(p.producerGroup, GROUP);
    assert.equal(p.topic, TOPIC);
    assert.equal(p.brokerName, 'broker-it');
    assert.equal(p.brokerAddr, broker.address);
    assert.equal(p.clientId, producer.clientId);
    assert.match(p.clientAddr, /^127\.0\.0\.1:\d+$/);
    assert.ok(p.language.length > 0 && p.version > 0 && p.versionName.startsWith('V'), JSON.stringify(p));
    assert.ok(Date.now() - p.lastSendTimestamp < 120_000);
  });

  test('without a topic every topic is listed; a topic nobody sent to has none', async () => {
    await producer.send({ topic: OTHER, body: 'x' });
    const all = await admin.topicProducers();
    assert.deepEqual(all.producers.map((p) => `${p.topic} ${p.producerGroup}`), [`${OTHER} ${GROUP}`, `${TOPIC} ${GROUP}`]);
    assert.deepEqual((await admin.topicProducers({ topic: 'ItProducersNobody' })).producers, []);
  });

  test('a producer that shut down (its connection closed) is no longer listed', async () => {
    await producer.shutdown();
    await waitFor('the closed producer to leave the table', async () => ((await admin.topicProducers({ topic: TOPIC })).producers.length === 0) || undefined, 30_000);
  });
});

describe('producers per topic against Apache RocketMQ', () => {
  let replay: ReplayServer;
  let admin: AdminClient;

  before(async () => {
    replay = await ReplayServer.start();
    admin = new AdminClient({ namesrvAddr: replay.addr, timeoutMs: 2000 });
  });

  after(async () => {
    await admin.close();
    await replay.close();
  });

  test('REQUEST_CODE_NOT_SUPPORTED from every master means "not supported", not an error', async () => {
    const r = await admin.topicProducers({ topic: 'VecTopic' });
    assert.equal(r.supported, false);
    assert.deepEqual(r.producers, []);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.unsupported, [{ brokerName: 'broker-a', brokerAddr: replay.addr }]);
    const asked = replay.sent(RocketDeckRequestCode.GET_TOPIC_PRODUCERS);
    assert.equal(asked.length, 1, 'only the master is asked');
    assert.equal(asked[0]!.extFields?.topic, 'VecTopic');
  });
});
