// Consumer failover with a SYNC_MASTER and its slave as processes: the master is SIGKILLed while a push consumer
// group is half way through; the group finishes every acknowledged message from the slave (routes still list it),
// and once the master is back, consumption moves to it again. Nothing acknowledged is lost or skipped; duplicates
// are counted and reported.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { RequestCode } from '../../protocol/codes.ts';
import { decodeTopicConfigSerializeWrapper } from '../../protocol/bodies/topic.ts';
import { Producer } from '../../client/producer.ts';
import { PushConsumer } from '../../client/push-consumer.ts';
import { spawnNamesrv, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';
import { freePort, runtimeNumber, spawnMaster, spawnSlave, TestClient, type PairOptions } from './ha-harness.ts';

setLogSink(() => {});

const TOPIC = 'HaFailoverTopic';
const BEFORE_KILL = 2000;
const AFTER_RESTART = 1000;
const FAST = { pollNameServerInterval: 500, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500, rebalanceInterval: 1000 };

describe('consumer failover to the slave and back', () => {
  let ns: NamesrvProcess;
  let master: BrokerProcess;
  let slave: BrokerProcess;
  let m: TestClient;
  let s: TestClient;
  let opts: PairOptions;
  let producer: Producer;
  let consumer: PushConsumer | undefined;

  before(async () => {
    ns = await spawnNamesrv();
    opts = {
      namesrv: ns.address,
      masterRole: 'SYNC_MASTER',
      brokerName: 'broker-fo',
      props: { mappedFileSizeCommitLog: 4 * 1024 * 1024, haSendHeartbeatInterval: 1000, registerNameServerPeriod: 10_000 },
      // Fixed ports: the restarted master comes back on the same addresses.
      masterProps: { listenPort: await freePort(), haListenPort: await freePort() },
    };
    master = await spawnMaster(opts);
    m = new TestClient(master.address);
    await m.createTopic(TOPIC, 4);
    slave = await spawnSlave(opts);
    s = new TestClient(slave.address);
    await waitFor('slave connected and holding the topic', async () => {
      if ((await runtimeNumber(m, 'haConnectionCount')) !== 1) return false;
      const topics = decodeTopicConfigSerializeWrapper((await s.ok(RequestCode.GET_ALL_TOPIC_CONFIG)).body!);
      return topics.topicConfigTable.has(TOPIC);
    }, 20_000);
    producer = new Producer({ group: 'ha_fo_producer', namesrvAddr: ns.address, pollNameServerInterval: 500 });
    await producer.start();
  });

  after(async () => {
    await consumer?.shutdown();
    await producer?.shutdown();
    await m?.close();
    await s?.close();
    await slave?.destroy();
    await master?.destroy();
    await ns?.stop();
  });

  /** Sends bodies `${prefix}-0..n-1` until each one is acknowledged SEND_OK (a send that fails is retried). */
  async function sendAcked(prefix: string, n: number): Promise<string[]> {
    const bodies = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < n) {
        const body = bodies[next++]!;
        const r = await producer.send({ topic: TOPIC, body });
        assert.equal(r.sendStatus, 'SEND_OK', `${body}: ${r.sendStatus}`);
      }
    }));
    return bodies;
  }

  test('every acknowledged message is consumed, from the slave while the master is down and from the master again after', async (t) => {
    const acked = await sendAcked('before', BEFORE_KILL);
    const seen = new Map<string, number>();
    let killed!: () => void;
    const killedGate = new Promise<void>((r) => (killed = r));
    let consumedBeforeKill = 0;
    consumer = new PushConsumer({
      group: 'ha_fo_consumer', namesrvAddr: ns.address, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      // Little read ahead, so most of the backlog is still to be pulled when the master dies.
      pullThresholdForQueue: 16, pullBatchSize: 8, pullTimeDelayMillsWhenException: 200, ...FAST,
    });
    consumer.subscribe(TOPIC).onMessage(async (msg) => {
      const body = msg.body.toString();
      seen.set(body, (seen.get(body) ?? 0) + 1);
      if (++consumedBeforeKill === 600) await killedGate;
    });
    await consumer.start();
    await waitFor('600 consumed from the master', () => consumedBeforeKill >= 600, 30_000);

    const slaveGetsBefore = await runtimeNumber(s, 'msgGetTotalTodayNow');
    await master.stop('SIGKILL');
    killed();
    await waitFor('every acknowledged message consumed with the master down', () => acked.every((b) => seen.has(b)), 60_000, 100);
    const slaveGets = (await runtimeNumber(s, 'msgGetTotalTodayNow')) - slaveGetsBefore;
    assert.ok(slaveGets > 0, 'the slave served pulls while the master was down');
    t.diagnostic(`pulled from the slave while the master was down: ${slaveGets} messages`);

    master = await spawnMaster(opts, master.dir);
    await m.close();
    m = new TestClient(master.address);
    // SYNC_MASTER sends wait for the slave: let it reconnect first (its back-off is at most 5 s).
    await waitFor('slave reconnected to the restarted master', async () => (await runtimeNumber(m, 'haConnectionCount')) === 1, 30_000);
    const acked2 = await sendAcked('after', AFTER_RESTART);
    await waitFor('messages sent after the restart consumed', () => acked2.every((b) => seen.has(b)), 60_000, 100);
    await waitFor('consumption moved back to the master', async () => (await runtimeNumber(m, 'msgGetTotalTodayNow')) > 0, 30_000);

    const missing = [...acked, ...acked2].filter((b) => !seen.has(b));
    assert.deepEqual(missing, [], 'no acknowledged message lost or skipped');
    const duplicates = [...seen.values()].reduce((n, c) => n + c - 1, 0);
    t.diagnostic(`consumed ${seen.size} distinct messages, ${duplicates} duplicate deliveries; the restarted master served ${await runtimeNumber(m, 'msgGetTotalTodayNow')} messages`);
  });
});
