// setConsumeMode against a broker process: the CLI switches a group to POP on a cluster's masters, the admin client
// reads the modes back, and the broker's QUERY_ASSIGNMENT then hands the group queueId -1 (pop from all queues).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setLogSink } from '../../common/log.ts';
import { CLI_BIN } from '../../cluster/supervisor.ts';
import { RequestCode } from '../../protocol/codes.ts';
import { decodeQueryAssignmentResponseBody, encodeQueryAssignmentRequestBody } from '../../protocol/bodies/pop.ts';
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
