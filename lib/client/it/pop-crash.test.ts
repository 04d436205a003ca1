// POP state across `kill -9` of the broker: messages popped but not acked are delivered again after the restart,
// acked ones are not, and nothing is lost (checkpoints and acks are read back from the revive log).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { spawnBroker, spawnNamesrv, TestClient, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { RemotingConnectError, RemotingTimeoutError } from '../../remoting/errors.ts';
import { SimpleConsumer, type MessageView } from '../simple-consumer.ts';
import { waitFor } from './harness.ts';
import { silentLogger } from './fake-cluster.ts';

setLogSink(() => {});

const TOPIC = 'PopCrash';
const GROUP = 'pop_crash';
const N = 2000;
// Long enough that popping all N messages on a loaded 2-core machine ends before the first ones come back; one that
// does come back after its invisible time (a legitimate redelivery) is not counted twice.
const INVISIBLE_MS = 12_000;

describe('POP across kill -9 of the broker', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let admin: TestClient;

  before(async () => {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address, props: { brokerClusterName: 'PcCluster', brokerName: 'broker-pc' } });
    admin = new TestClient(broker.address);
    await admin.createTopic(TOPIC, 4);
  });

  after(async () => {
    await admin?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  const newConsumer = () => new SimpleConsumer({
    consumerGroup: GROUP, namesrvAddr: ns.address, subscriptions: { [TOPIC]: '*' }, awaitDuration: 1000, logger: silentLogger,
    instanceName: `crash-${Math.random().toString(36).slice(2)}`,
  });

  test('after kill -9 and restart every popped-unacked message comes again and no acked one does', async () => {
    for (let q = 0; q < 4; q++) {
      const batch = [];
      for (let i = q; i < N; i += 4) batch.push({ body: Buffer.from(`c-${i}`), properties: { UNIQ_KEY: `c-${i}`, WAIT: 'true' } });
      for (let i = 0; i < batch.length; i += 250) assert.equal((await admin.sendBatch(TOPIC, q, batch.slice(i, i + 250))).code, 0);
    }

    const acked = new Set<string>();
    const unacked = new Set<string>();
    const poppedAt = new Map<string, number>();
    const s1 = newConsumer();
    await s1.start();
    try {
      await waitFor('all 2,000 popped once', async () => {
        const askedAt = Date.now(); // the broker's pop time is no earlier than this
        const views = await s1.receive(32, INVISIBLE_MS);
        const toAck: MessageView[] = [];
        for (const v of views) {
          const body = v.body.toString();
          assert.ok(!acked.has(body), `${body} was acked but popped again`);
          if (unacked.has(body)) {
            const heldMs = Date.now() - poppedAt.get(body)!;
            assert.ok(heldMs >= INVISIBLE_MS, `${body} popped again ${heldMs} ms after it was asked for, before its invisible time ended`);
            continue;
          }
          poppedAt.set(body, askedAt);
          const i = Number(body.slice(2));
          if (i % 3 === 0) unacked.add(body);
          else {
            toAck.push(v);
            acked.add(body);
          }
        }
        // Single acks and batch acks both go through the revive log.
        if (toAck.length > 0) {
          await s1.ack(toAck[0]!);
          if (toAck.length > 1) await s1.ackBatch(toAck.slice(1));
        }
        return acked.size + unacked.size === N;
      }, 30_000);
    } finally {
      await s1.close();
    }

    assert.equal(await broker.stop('SIGKILL'), null);
    broker = await spawnBroker({ namesrv: ns.address, dir: broker.dir, port: broker.port, props: { brokerClusterName: 'PcCluster', brokerName: 'broker-pc' } });

    const again = new Map<string, number>();
    const s2 = newConsumer();
    await s2.start();
    try {
      await waitFor('every unacked message delivered again', async () => {
        const views = await s2.receive(32, 60_000);
        for (const v of views) again.set(v.body.toString(), (again.get(v.body.toString()) ?? 0) + 1);
        if (views.length > 0) await s2.ackBatch(views);
        return [...unacked].every((b) => again.has(b));
      }, 40_000);
      // One more invisible time: nothing else may come.
      const until = Date.now() + INVISIBLE_MS + 1500;
      while (Date.now() < until) {
        const views = await s2.receive(32, 60_000);
        for (const v of views) again.set(v.body.toString(), (again.get(v.body.toString()) ?? 0) + 1);
        if (views.length > 0) await s2.ackBatch(views);
      }
    } finally {
      await s2.close();
    }
    for (const [body, n] of again) {
      assert.ok(!acked.has(body), `${body} was acked before the crash but delivered again`);
      assert.equal(n, 1, `${body} delivered ${n} times after the restart`);
    }
    assert.equal(again.size, unacked.size);
  });

  test('a hung broker (SIGSTOP) fails receive and ack within their deadlines; a stopped one fails them at once', async () => {
    const s = new SimpleConsumer({
      consumerGroup: 'pop_fault', namesrvAddr: ns.address, subscriptions: { [TOPIC]: '*' }, awaitDuration: 1000, logger: silentLogger,
      mqClientApiTimeout: 1500, instanceName: `fault-${Math.random().toString(36).slice(2)}`,
    });
    await s.start();
    try {
      assert.equal((await admin.send(TOPIC, 'fault', { queueId: 0 })).code, 0);
      let views: MessageView[] = [];
      await waitFor('a message to hold', async () => (views = await s.receive(1, 30_000)).length > 0, 10_000);
      broker.child.kill('SIGSTOP');
      try {
        let t0 = Date.now();
        await assert.rejects(s.receive(1, 30_000), (e: unknown) => e instanceof RemotingTimeoutError);
        assert.ok(Date.now() - t0 < 1000 + 5000 + 2000, `receive gave up after ${Date.now() - t0} ms`);
        t0 = Date.now();
        await assert.rejects(s.ack(views[0]!), (e: unknown) => e instanceof RemotingTimeoutError);
        assert.ok(Date.now() - t0 < 1500 + 2000, `ack gave up after ${Date.now() - t0} ms`);
      } finally {
        broker.child.kill('SIGCONT');
      }
      await s.ack(views[0]!);
      await broker.stop();
      const t0 = Date.now();
      await assert.rejects(s.receive(1, 30_000), (e: unknown) => e instanceof RemotingConnectError || e instanceof RemotingTimeoutError);
      assert.ok(Date.now() - t0 < 5000, `receive against a stopped broker took ${Date.now() - t0} ms`);
    } finally {
      await s.close();
    }
  });
});
