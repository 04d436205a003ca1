// setConsumeMode against a broker process: the CLI switches a group to POP on a cluster's masters, the admin client
// reads the modes back, and the broker's QUERY_ASSIGNMENT then hands the group queueId -1 (pop from all queues).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setLogSink } from '../../common/log.ts';
import { CLI_BIN } from '../../cluster/supervisor.ts';
import { RequestCode } from '../../protocol/codes.ts';
import { decodeQueryAssignmentResponseBody, encodeQueryAssignmentRequestBody } from '../../protocol/bodies/pop.ts';
import { decodeMessages } from '../../protocol/message.ts';
import { buildExtraInfo, infoKey, parseStartOffsetInfo } from '../../protocol/pop-extra-info.ts';
import { spawnBroker, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { AdminClient } from '../client.ts';

setLogSink(() => {});

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('admin setConsumeMode', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let c: TestClient;
  let admin: AdminClient;

  before(async () => {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address, props: { brokerClusterName: 'ModeCluster', brokerName: 'broker-m' } });
    c = new TestClient(broker.address);
    await c.createTopic('ModeTopic', 4);
    admin = new AdminClient({ namesrvAddr: ns.address, timeoutMs: 3000 });
    await waitFor('broker registered', async () => (await admin.clusterList().catch(() => undefined))?.clusters.some((x) => x.clusterName === 'ModeCluster') ?? false, 20_000);
  });

  after(async () => {
    await admin?.close();
    await c?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  test('the CLI switches a group to POP; the broker then assigns it every queue as queueId -1', async () => {
    const r = await cli(['admin', 'setConsumeMode', '-n', ns.address, '-c', 'ModeCluster', '-g', 'mode_group', '-t', 'ModeTopic', '-m', 'POP']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /set consume mode of group \[mode_group\] on topic \[ModeTopic\] to POP on broker \[127\.0\.0\.1:\d+\] success\./);
    const modes = await admin.messageRequestModes({ clusterName: 'ModeCluster' });
    assert.deepEqual(modes.brokers[0]!.modes, [{ topic: 'ModeTopic', group: 'mode_group', mode: 'POP', popShareQueueNum: 0 }]);
    const res = await c.ok(RequestCode.QUERY_ASSIGNMENT, undefined, encodeQueryAssignmentRequestBody({
      topic: 'ModeTopic', consumerGroup: 'mode_group', clientId: 'x', strategyName: 'AVG', messageModel: 'CLUSTERING',
    }));
    assert.deepEqual(decodeQueryAssignmentResponseBody(res.body), [{ messageQueue: { topic: 'ModeTopic', brokerName: 'broker-m', queueId: -1 }, mode: 'POP' }]);
  });

  test('consumerProgress of a POP group shows its lag and the messages popped and not acked per queue', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await c.send('ModeTopic', `p${i}`, { queueId: i % 4 })).code, 0);
    const popped = await c.ok(RequestCode.POP_MESSAGE, {
      consumerGroup: 'progress_group', topic: 'ModeTopic', queueId: -1, maxMsgNums: 6, invisibleTime: 60_000, pollTime: 0, bornTime: Date.now(), initMode: 0,
    });
    const h = popped.extFields!;
    const n = h.msgOffsetInfo!.split(';').reduce((sum, e) => sum + e.split(' ')[2]!.split(',').length, 0);
    assert.equal(n, 6);
    const p = await admin.consumerProgress('progress_group', { topic: 'ModeTopic' });
    const inflight = p.queues.reduce((sum, q) => sum + (q.popInflight ?? 0), 0);
    assert.equal(inflight, 6, JSON.stringify(p.queues));
    // The consumer offset is the pop progress, so the lag counts what was not popped yet.
    assert.equal(p.diffTotal, 4);
    // Ack one queue's messages: its in-flight count goes.
    const [retry, qid, offsets] = h.msgOffsetInfo!.split(';')[0]!.split(' ');
    const start = Number(h.startOffsetInfo!.split(';')[0]!.split(' ')[2]);
    for (const o of offsets!.split(',')) {
      await c.ok(RequestCode.ACK_MESSAGE, {
        consumerGroup: 'progress_group', topic: 'ModeTopic', queueId: Number(qid), offset: Number(o),
        extraInfo: `${start} ${h.popTime} 60000 ${h.reviveQid} ${retry} broker-m ${qid}`,
      });
    }
    const printed = await cli(['admin', 'consumerProgress', '-n', ns.address, '-g', 'progress_group', '-t', 'ModeTopic']);
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /#Inflight/);
    assert.match(printed.stdout, new RegExp(`Consume Inflight Total: ${6 - offsets!.split(",").length}\\n`));
    const after = await admin.consumerProgress('progress_group', { topic: 'ModeTopic' });
    assert.equal(after.queues.find((q) => q.queueId === Number(qid))!.popInflight, undefined);
    assert.equal(after.queues.reduce((sum, q) => sum + (q.popInflight ?? 0), 0), 6 - offsets!.split(',').length);
  });

  test('popGroupStats: receive and ack figures move after pops and acks; nacked messages are counted in the retry topic, then the DLQ', async () => {
    const group = 'stats_group';
    const topic = 'StatsTopic';
    await c.createTopic(topic, 2);
    // retryMaxTimes 1: the first delivery and one retry, then %DLQ%stats_group
    await c.ok(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, Buffer.from(JSON.stringify({
      groupName: group, consumeEnable: true, consumeFromMinEnable: true, consumeBroadcastEnable: true, retryQueueNums: 1,
      retryMaxTimes: 1, brokerId: 0, whichBrokerWhenConsumeSlowly: 1, notifyConsumerIdsChangedEnable: true,
    })));
    for (let i = 0; i < 6; i++) assert.equal((await c.send(topic, `s${i}`, { queueId: i % 2 })).code, 0);
    const before = await admin.popGroupStats(group, [topic]);
    assert.deepEqual(before.topics, [{ topic, received: 0, receiveTps: 0, acked: 0, ackTps: 0 }]);
    assert.deepEqual([before.retryMessages, before.dlqMessages, before.retryTopics], [0, 0, []]);

    type Popped = ReturnType<typeof decodeMessages>[number] & { extraInfo: string };
    // each message's receipt: POP_CK when the broker sets it (retry messages), else from the answer's header
    const pop = async (n: number): Promise<Popped[]> => {
      const res = await c.ok(RequestCode.POP_MESSAGE, {
        consumerGroup: group, topic, queueId: -1, maxMsgNums: n, invisibleTime: 60_000, pollTime: 0, bornTime: Date.now(), initMode: 0,
      });
      if (!res.body?.length) return [];
      const h = res.extFields!;
      const start = parseStartOffsetInfo(h.startOffsetInfo);
      return decodeMessages(res.body).map((m) => ({
        ...m, extraInfo: m.properties.POP_CK ?? buildExtraInfo({
          ckQueueOffset: start.get(infoKey(m.topic, m.queueId))!, popTime: Number(h.popTime), invisibleTime: 60_000, reviveQid: Number(h.reviveQid),
          topic: m.topic, brokerName: 'broker-m', queueId: m.queueId, queueOffset: m.queueOffset,
        }),
      }));
    };
    const receipt = (m: Popped) => ({ consumerGroup: group, topic, queueId: m.queueId, offset: m.queueOffset, extraInfo: m.extraInfo });
    const msgs = await pop(6);
    assert.equal(msgs.length, 6);
    for (const m of msgs.slice(0, 4)) await c.ok(RequestCode.ACK_MESSAGE, receipt(m));
    const mid = await admin.popGroupStats(group, [topic]);
    assert.equal(mid.topics[0]!.received, 6);
    assert.equal(mid.topics[0]!.acked, 4);
    assert.ok(mid.receiveTps > 0 && mid.ackTps > 0, JSON.stringify(mid));
    assert.deepEqual(mid.errors, []);

    // nack the other two: they come back through the group's retry topic
    const nack = (m: Popped) => c.ok(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, { ...receipt(m), invisibleTime: 0 });
    for (const m of msgs.slice(4)) await nack(m);
    let stats = mid;
    await waitFor('2 messages in the retry topic', async () => (stats = await admin.popGroupStats(group, [topic])).retryMessages === 2, 20_000);
    assert.equal(stats.retryTopics.length, 1);
    assert.match(stats.retryTopics[0]!, /^%RETRY%stats_group[_+]StatsTopic$/);
    assert.equal(stats.dlqMessages, 0);

    // popped again (the retry) and nacked again: past retryMaxTimes, so both go to the DLQ
    const again: Popped[] = [];
    await waitFor('the 2 retries popped', async () => {
      again.push(...(await pop(2)));
      return again.length >= 2;
    }, 20_000);
    assert.equal(again.length, 2);
    for (const m of again) await nack(m);
    await waitFor('2 messages in the DLQ', async () => (stats = await admin.popGroupStats(group, [topic])).dlqMessages === 2, 20_000);
    assert.equal(stats.retryMessages, 2);
    assert.equal(stats.topics[0]!.received, 8);
    assert.equal(stats.topics[0]!.acked, 4);

    const printed = await cli(['admin', 'consumerProgress', '-n', ns.address, '-g', group]);
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /Pop Receive TPS: \d+\.\d\d\n/);
    assert.match(printed.stdout, /Pop Ack TPS: \d+\.\d\d\n/);
    assert.match(printed.stdout, /Retry Messages: 2 \(%RETRY%stats_group[_+]StatsTopic\)\n/);
    assert.match(printed.stdout, /DLQ Messages: 2\n/);
  });

  test('timerMetrics counts the timer messages waiting per topic', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await c.send('ModeTopic', `t${i}`, { properties: { TIMER_DELAY_SEC: '3600', UNIQ_KEY: `tm-${i}` } })).code, 0);
    }
    const m = await admin.timerMetrics();
    assert.equal(m.supported, true);
    assert.equal(m.pending.ModeTopic, 3);
    assert.deepEqual(m.errors, []);
  });

  test('a mode other than POP or PULL is refused naming it', async () => {
    const r = await cli(['admin', 'setConsumeMode', '-n', ns.address, '-c', 'ModeCluster', '-g', 'mode_group', '-t', 'ModeTopic', '-m', 'PUSH']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /mode 'PUSH' is not POP or PULL/);
  });
});
