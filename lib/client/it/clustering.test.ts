// Clustering consumers in separate processes against a real nameserver and broker: 20,000 messages over 8 queues
// reach 3 members exactly once with each queue owned by one member; after one member is SIGKILLed the others take
// its queues at once and nothing is lost.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { allocateAveragely } from '../allocate.ts';
import { Producer } from '../producer.ts';
import { spawnConsumer, startCluster, waitFor, type ConsumerProcess, type TestCluster } from './harness.ts';

setLogSink(() => {});

const TOPIC = 'ClusterTopic';
const GROUP = 'it_cluster';
const QUEUES = 8;
const REBALANCE_INTERVAL = 3000;

async function produce(producer: Producer, from: number, count: number, onSent?: (n: number) => void): Promise<void> {
  let next = from;
  let sent = 0;
  const worker = async () => {
    while (next < from + count) {
      const i = next++;
      await producer.send({ topic: TOPIC, body: String(i), keys: `k${i}` });
      onSent?.(++sent);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
}

/** Message bodies (the producer's sequence numbers) seen by each consumer. */
const bodies = (cs: ConsumerProcess[]): string[] => cs.flatMap((c) => c.messages().map((m) => m.body));

describe('clustering consumers (3 processes, 8 queues)', () => {
  let cluster: TestCluster;
  let producer: Producer;
  let consumers: ConsumerProcess[] = [];

  before(async () => {
    cluster = await startCluster(1);
    await cluster.createTopic(TOPIC, QUEUES);
    producer = new Producer({ group: 'it_cluster_p', namesrvAddr: cluster.namesrvAddr });
    await producer.start();
    const opts = {
      group: GROUP, namesrvAddr: cluster.namesrvAddr, topic: TOPIC, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      rebalanceInterval: REBALANCE_INTERVAL, persistConsumerOffsetInterval: 500, pollNameServerInterval: 2000, heartbeatBrokerInterval: 2000,
    };
    consumers = await Promise.all([0, 1, 2].map(() => spawnConsumer(opts)));
  });

  after(async () => {
    await Promise.all(consumers.map((c) => c.kill('SIGTERM')));
    await producer?.shutdown();
    await cluster?.stop();
  });

  test('every message of 20,000 is consumed exactly once, each queue by one member, split as Java\'s AVG strategy splits it', async (t) => {
    const mqAll = Array.from({ length: QUEUES }, (_, queueId) => ({ topic: TOPIC, brokerName: 'broker-a', queueId }));
    const cids = consumers.map((c) => c.clientId).sort();
    const expected = new Map(cids.map((cid) => [cid, allocateAveragely.allocate(GROUP, cid, mqAll, cids).map((q) => `broker-a:${q.queueId}`)]));
    await waitFor('the AVG split over 3 members', () => consumers.every((c) => c.assigned().join() === expected.get(c.clientId)!.join()), 30_000);

    const started = Date.now();
    await produce(producer, 0, 20_000);
    await waitFor('20,000 messages consumed', () => bodies(consumers).length >= 20_000, 90_000);
    t.diagnostic(`20,000 messages produced and consumed in ${Date.now() - started} ms`);
    const all = bodies(consumers);
    assert.equal(all.length, 20_000, 'no message delivered twice');
    assert.equal(new Set(all).size, 20_000);
    const owners = new Map<string, Set<string>>();
    for (const c of consumers) for (const m of c.messages()) owners.set(m.queue, (owners.get(m.queue) ?? new Set()).add(c.clientId));
    assert.equal(owners.size, QUEUES);
    for (const [queue, who] of owners) assert.equal(who.size, 1, `queue ${queue} was consumed by ${[...who].join(', ')}`);
    for (const c of consumers) for (const m of c.messages()) assert.ok(expected.get(c.clientId)!.includes(m.queue));
  });

  test('a SIGKILLed member\'s queues are taken over within one rebalance and no message is lost', async (t) => {
    const before = bodies(consumers).length;
    const victim = consumers[1]!;
    const survivors = [consumers[0]!, consumers[2]!];
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    await produce(producer, 20_000, 10_000, (n) => {
      if (n === 3000) {
        killedAt = Date.now();
        killing = victim.kill('SIGKILL');
      }
    });
    await killing;
    await waitFor('the survivors to hold all 8 queues', () => {
      const held = survivors.flatMap((c) => c.assigned());
      return held.length === QUEUES && new Set(held).size === QUEUES;
    }, 30_000);
    const takeover = Math.max(...survivors.map((c) => c.events.filter((e) => e.event === 'assigned').at(-1)!.at)) - killedAt;
    t.diagnostic(`queues taken over ${takeover} ms after the kill`);
    assert.ok(takeover < REBALANCE_INTERVAL + 2000, `takeover took ${takeover} ms`);

    await waitFor('every message of the second batch consumed', () => {
      const seen = new Set(bodies(consumers));
      for (let i = 20_000; i < 30_000; i++) if (!seen.has(String(i))) return false;
      return true;
    }, 90_000);
    const second = bodies(consumers).filter((b) => Number(b) >= 20_000);
    t.diagnostic(`second batch: ${second.length} deliveries of 10,000 messages (${second.length - 10_000} duplicates after the kill)`);
    assert.ok(bodies(consumers).length - before >= 10_000);
  });

  test('a member that leaves cleanly hands its queues over with its offsets committed: nothing is consumed twice', async () => {
    const leaving = consumers[2]!;
    const staying = consumers[0]!;
    const before = staying.messages().length;
    await leaving.kill('SIGTERM');
    await waitFor('the last member to hold all 8 queues', () => staying.assigned().length === QUEUES, 30_000);
    await produce(producer, 30_000, 2000);
    await waitFor('2,000 more messages at the last member', () => staying.messages().length - before >= 2000, 60_000);
    const after = staying.messages().slice(before).map((m) => Number(m.body));
    assert.ok(after.every((n) => n >= 30_000), 'the taken-over queues start after what the leaver consumed');
    assert.equal(new Set(after).size, 2000);
  });
});
