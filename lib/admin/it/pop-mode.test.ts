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

  test('a mode other than POP or PULL is refused naming it', async () => {
    const r = await cli(['admin', 'setConsumeMode', '-n', ns.address, '-c', 'ModeCluster', '-g', 'mode_group', '-t', 'ModeTopic', '-m', 'PUSH']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /mode 'PUSH' is not POP or PULL/);
  });
});
