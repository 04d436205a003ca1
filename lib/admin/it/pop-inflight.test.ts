// reviveInflight against a broker process: RocketDeck's broker writes the revive log as 5.x does (ck / ack records,
// CID_RMQ_SYS_REVIVE_GROUP's offsets), so the figure derived from it must equal the broker's own popInflight; a hung
// broker (SIGSTOP) costs the read its deadline, not more.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { RequestCode } from '../../protocol/codes.ts';
import { spawnBroker, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { AdminClient } from '../client.ts';

setLogSink(() => {});

describe('admin reviveInflight', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let c: TestClient;
  let admin: AdminClient;
  let stopped: number | undefined;

  before(async () => {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address, props: { brokerClusterName: 'RevCluster', brokerName: 'broker-r' } });
    c = new TestClient(broker.address);
    await c.createTopic('RevTopic', 4);
    admin = new AdminClient({ namesrvAddr: ns.address, timeoutMs: 3000 });
    await waitFor('broker registered', async () => (await admin.clusterList().catch(() => undefined))?.clusters.some((x) => x.clusterName === 'RevCluster') ?? false, 20_000);
  });

  after(async () => {
    if (stopped) process.kill(stopped, 'SIGCONT');
    await admin?.close();
    await c?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  test('the in-flight count derived from the revive log equals the broker\'s own, before and after acks', async () => {
    const group = 'rev_group';
    for (let i = 0; i < 12; i++) assert.equal((await c.send('RevTopic', `r${i}`, { queueId: i % 4 })).code, 0);
    const popped = await c.ok(RequestCode.POP_MESSAGE, {
      consumerGroup: group, topic: 'RevTopic', queueId: -1, maxMsgNums: 8, invisibleTime: 60_000, pollTime: 0, bornTime: Date.now(), initMode: 0,
    });
    const h = popped.extFields!;
    const brokerCount = async () => (await admin.consumerProgress(group, { topic: 'RevTopic' })).queues.reduce((n, q) => n + (q.popInflight ?? 0), 0);
    assert.equal(await brokerCount(), 8);
    const before = await admin.reviveInflight(group);
    assert.equal(before.total, 8, JSON.stringify(before));
    assert.equal(before.partial, false);
    assert.deepEqual(before.errors, []);
    assert.ok(before.queues.every((q) => q.topic === 'RevTopic' && q.brokerName === 'broker-r'));
    assert.equal((await admin.reviveInflight('another_group')).total, 0);

    // ack the first queue's messages
    const [retry, qid, offsets] = h.msgOffsetInfo!.split(';')[0]!.split(' ');
    const start = Number(h.startOffsetInfo!.split(';')[0]!.split(' ')[2]);
    for (const o of offsets!.split(',')) {
      await c.ok(RequestCode.ACK_MESSAGE, {
        consumerGroup: group, topic: 'RevTopic', queueId: Number(qid), offset: Number(o),
        extraInfo: `${start} ${h.popTime} 60000 ${h.reviveQid} ${retry} broker-r ${qid}`,
      });
    }
    const left = 8 - offsets!.split(',').length;
    assert.equal(await brokerCount(), left);
    const after = await admin.reviveInflight(group);
    assert.equal(after.total, left, JSON.stringify(after));
    assert.equal(after.queues.find((q) => q.queueId === Number(qid)), undefined);
  });

  test('a read capped below what the revive log holds says partial', async () => {
    const r = await admin.reviveInflight('rev_group', { maxPerQueue: 1 });
    assert.equal(r.partial, true);
    assert.ok(r.brokers[0]!.partial);
  });

  test('a timer wheel longer than the window is not partial when the broker counts no more pending revive entries than it saw', async () => {
    // two timer messages due in an hour: the wheel's queue holds more than a window of 1, none of them a revive entry
    for (let i = 0; i < 2; i++) {
      assert.equal((await c.send('RevTopic', `t${i}`, { properties: { TIMER_DELIVER_MS: String(Date.now() + 3600_000) } })).code, 0);
    }
    const r = await admin.reviveInflight('rev_group', { timerWindow: 1 });
    const b = r.brokers[0]!;
    assert.equal(b.timerPending, 0, JSON.stringify(b));
    assert.equal(b.timerPendingSeen, 0);
    assert.equal(b.partial, false);
    assert.equal(r.partial, false);
  });

  test('a hung broker (SIGSTOP) answers within the deadline, named as failed', async () => {
    stopped = broker.child.pid!;
    process.kill(stopped, 'SIGSTOP');
    const t0 = Date.now();
    // the broker's route is read from the nameserver, which still answers; the broker itself does not
    const r = await admin.reviveInflight('rev_group', { deadlineMs: 1000 });
    const took = Date.now() - t0;
    assert.ok(took < 3000, `took ${took} ms`);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.brokerName, 'broker-r');
    assert.equal(r.partial, true);
    process.kill(stopped, 'SIGCONT');
    stopped = undefined;
  });
});
