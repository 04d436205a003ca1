// Done-when test of the admin CLI: `rocketdeck up --no-console` on shifted ports, then every `rocketdeck admin`
// command through --json: the cluster's shape, the demo topics, groups and traffic, topic and group lifecycles,
// offset resets of an online and an offline group, and answers that name a killed broker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN } from '../../cluster/supervisor.ts';
import { DEMO_GROUPS, DEMO_TOPICS } from '../../cluster/demo-traffic.ts';
import { freeBasePort } from '../../cluster/it/ports.ts';
import { waitFor } from '../../common/wait-for.ts';

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

function run(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (status) => {
      clearTimeout(timer);
      let json: unknown;
      try {
        json = stdout.trim() ? JSON.parse(stdout.trim().split('\n')[0]!) : undefined;
      } catch {
        json = undefined; // a text answer
      }
      resolve({ status, stdout, stderr, json });
    });
  });
}

// Each check runs a rocketdeck process: poll twice a second, and give the demo cluster a minute.
const MINUTE = 60_000;
const POLL_MS = 500;

describe('rocketdeck admin against rocketdeck up', { timeout: 600_000 }, () => {
  let dir: string;
  let up: ChildProcess;
  let upExit: Promise<number | null>;
  let upErr = '';
  let ns: string;
  let masters: Record<string, string>;
  const admin = (...args: string[]) => run(['admin', ...args, '-n', ns, '--json']);
  const ok = async (...args: string[]) => {
    const r = await admin(...args);
    assert.equal(r.status, 0, `admin ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.json;
  };
  const topic = `AdminItTopic${process.pid}`;
  const offlineGroup = `admin-it-offline-${process.pid}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rd-admin-'));
    const base = await freeBasePort();
    up = spawn(process.execPath, [CLI_BIN, 'up', '--dir', dir, '--base-port', String(base), '--no-console', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    up.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    up.stderr!.setEncoding('utf8').on('data', (c: string) => (upErr = (upErr + c).slice(-4000)));
    upExit = new Promise((r) => up.once('exit', (code) => r(code)));
    await waitFor('the cluster summary of rocketdeck up', async () => up.exitCode === null ? stdout.includes('\n') : Promise.reject(new Error(upErr)), 120_000, POLL_MS);
    const summary = JSON.parse(stdout.split('\n')[0]!);
    ns = summary.namesrvAddr;
    masters = Object.fromEntries(summary.brokers.filter((b: { brokerId: number }) => b.brokerId === 0).map((b: { brokerName: string; addr: string }) => [b.brokerName, b.addr]));
  });

  after(async () => {
    if (up && up.exitCode === null) {
      up.kill('SIGTERM');
      await upExit;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('clusterList: 2 nameservers, broker-a and broker-b with a master and a slave each, listed by both nameservers', async () => {
    const r = await waitFor('every broker registered with both nameservers', async () => {
      const j = await ok('clusterList');
      return j.brokers.length === 4 && j.brokers.every((b: { namesrvs: string[] }) => b.namesrvs.length === 2) && j.warnings.length === 0 && j;
    }, MINUTE, POLL_MS);
    assert.deepEqual(r.namesrvs.map((n: { ok: boolean }) => n.ok), [true, true]);
    assert.deepEqual(r.clusters, [{ clusterName: 'DefaultCluster', brokerNames: ['broker-a', 'broker-b'] }]);
    assert.deepEqual(r.brokers.map((b: { brokerName: string; brokerId: number; role: string; brokerRole: string }) => [b.brokerName, b.brokerId, b.role, b.brokerRole]), [
      ['broker-a', 0, 'MASTER', 'SYNC_MASTER'], ['broker-a', 1, 'SLAVE', 'SLAVE'],
      ['broker-b', 0, 'MASTER', 'ASYNC_MASTER'], ['broker-b', 1, 'SLAVE', 'SLAVE'],
    ]);
    assert.ok(r.brokers.every((b: { version?: string }) => b.version), 'every broker reports its version');
    assert.deepEqual(r.errors, []);
  });

  test('the demo topics and groups are there, consumers online and messages flowing', async () => {
    const topics = await waitFor('the demo topics', async () => {
      const j = await ok('topicList');
      const names = new Set(j.topics.filter((t: { kind: string }) => t.kind === 'NORMAL').map((t: { topic: string }) => t.topic));
      return DEMO_TOPICS.every((t) => names.has(t.topic)) && j;
    }, MINUTE, POLL_MS);
    assert.ok(topics.topics.some((t: { topic: string; system: boolean }) => t.topic === 'TBW102' && t.system));
    const withClusters = await waitFor('topicList -c to show the demo consumers', async () => {
      const j = await ok('topicList', '-c');
      return j.topics.find((t: { topic: string; groups: string[] }) => t.topic === 'DemoOrders' && t.groups.includes('demo-orders-cg'));
    }, MINUTE, POLL_MS);
    assert.deepEqual(withClusters.clusters, ['DefaultCluster']);
    assert.deepEqual(withClusters.brokers.map((b: { brokerName: string; writeQueueNums: number }) => [b.brokerName, b.writeQueueNums]), [['broker-a', 8], ['broker-b', 8]]);
    const groups = await waitFor('the demo groups online', async () => {
      const j = await ok('consumerProgress');
      const byName = new Map(j.groups.map((g: { group: string }) => [g.group, g]));
      return DEMO_GROUPS.every((d) => ((byName.get(d.group) as { count?: number } | undefined)?.count ?? 0) > 0) && j;
    }, MINUTE, POLL_MS);
    for (const d of DEMO_GROUPS) {
      const g = groups.groups.find((x: { group: string }) => x.group === d.group);
      assert.equal(g.system, false);
      assert.equal(g.messageModel, d.broadcast ? 'BROADCASTING' : 'CLUSTERING', d.group);
    }
    const first = (await ok('topicStatus', '-t', 'DemoOrders')).totalMessages as number;
    await waitFor('DemoOrders to grow', async () => ((await ok('topicStatus', '-t', 'DemoOrders')).totalMessages as number) > first, MINUTE, POLL_MS);
    const progress = await waitFor('demo-orders-cg to consume', async () => {
      const j = await ok('consumerProgress', '-g', 'demo-orders-cg', '-t', 'DemoOrders', '-s', 'true');
      return j.queues.some((q: { consumerOffset: number }) => q.consumerOffset > 0) && j.queues.every((q: { clientId?: string }) => q.clientId) && j;
    }, MINUTE, POLL_MS);
    assert.equal(progress.queues.length, 16, '8 queues on each of 2 brokers');
    assert.ok(progress.queues.some((q: { lastTimestamp: number }) => q.lastTimestamp > 0));
  });

  test('brokerStatus, getBrokerConfig and updateBrokerConfig', async () => {
    const status = await ok('brokerStatus', '-b', masters['broker-a']!);
    assert.equal(status.brokers[0].brokerName, 'broker-a');
    assert.ok(status.brokers[0].table.brokerVersionDesc);
    const clusterStatus = await ok('brokerStatus', '-c', 'DefaultCluster');
    assert.equal(clusterStatus.brokers.length, 4);
    const configs = await ok('getBrokerConfig', '-c', 'DefaultCluster');
    assert.deepEqual(configs.brokers.map((b: { table: Record<string, string> }) => b.table.brokerRole).sort(), ['ASYNC_MASTER', 'SLAVE', 'SLAVE', 'SYNC_MASTER']);
    const upd = await ok('updateBrokerConfig', '-b', masters['broker-b']!, '-k', 'flushConsumerOffsetInterval', '-v', '6000');
    assert.deepEqual(upd.done.map((t: { brokerName: string }) => t.brokerName), ['broker-b']);
    const after = await ok('getBrokerConfig', '-b', masters['broker-b']!);
    assert.equal(after.brokers[0].table.flushConsumerOffsetInterval, '6000');
  });

  test('a topic created, written, read back by id and key, and deleted', async () => {
    const created = await ok('updateTopic', '-c', 'DefaultCluster', '-t', topic, '-r', '4', '-w', '4');
    assert.deepEqual(created.done.map((t: { brokerName: string }) => t.brokerName).sort(), ['broker-a', 'broker-b']);
    const route = await waitFor('the new topic on both brokers', async () => {
      const r = await admin('topicRoute', '-t', topic);
      return r.status === 0 && r.json.queueDatas.length === 2 && r.json;
    }, MINUTE, POLL_MS);
    assert.deepEqual(route.queueDatas.map((q: { writeQueueNums: number; perm: number }) => [q.writeQueueNums, q.perm]), [[4, 6], [4, 6]]);
    assert.ok((await ok('topicList')).topics.some((t: { topic: string; kind: string }) => t.topic === topic && t.kind === 'NORMAL'));

    const sent = await ok('sendMessage', '-t', topic, '-p', 'admin it body', '-k', 'admin-it-key', '-c', 'tagX');
    assert.equal(sent.sendStatus, 'SEND_OK');
    const byOffsetId = await ok('queryMsgById', '-i', sent.offsetMsgId);
    assert.equal(byOffsetId.messages[0].body, 'admin it body');
    assert.equal(byOffsetId.messages[0].msgId, sent.msgId);
    const byUniq = await ok('queryMsgById', '-i', sent.msgId, '-t', topic);
    assert.equal(byUniq.messages[0].offsetMsgId, sent.offsetMsgId);
    const byKey = await waitFor('the key in the index', async () => {
      const j = await ok('queryMsgByKey', '-t', topic, '-k', 'admin-it-key');
      return j.messages.length === 1 && j;
    }, MINUTE, POLL_MS);
    assert.equal(byKey.messages[0].tags, 'tagX');
    const printed = await ok('printMsg', '-t', topic, '-b', String(Date.now() - 600_000));
    assert.ok(printed.messages.some((m: { msgId: string }) => m.msgId === sent.msgId));
    const st = await ok('topicStatus', '-t', topic);
    assert.equal(st.totalMessages, 1);

    const del = await ok('deleteTopic', '-c', 'DefaultCluster', '-t', topic);
    assert.equal(del.done.length, 2, 'the masters');
    assert.equal(del.namesrvs.done.length, 2);
    await waitFor('the topic gone from the topic list', async () => !(await ok('topicList')).topics.some((t: { topic: string }) => t.topic === topic), MINUTE, POLL_MS);
    const gone = await admin('topicRoute', '-t', topic);
    assert.equal(gone.status, 1);
    assert.match(gone.stderr, /TOPIC_NOT_EXIST/);
  });

  test('an offline group: created, reset to a timestamp, to now and to earliest, and deleted', async () => {
    const t = `${topic}Off`;
    await ok('updateTopic', '-c', 'DefaultCluster', '-t', t, '-r', '2', '-w', '2');
    await waitFor('the topic route', async () => (await admin('topicRoute', '-t', t)).status === 0, MINUTE, POLL_MS);
    const made = await ok('updateSubGroup', '-c', 'DefaultCluster', '-g', offlineGroup);
    assert.equal(made.done.length, 2);
    const before = Date.now() - 1;
    for (let i = 0; i < 3; i++) await ok('sendMessage', '-t', t, '-p', `m${i}`);
    const diff = async () => (await ok('consumerProgress', '-g', offlineGroup, '-t', t)).diffTotal as number;

    const toTime = await ok('resetOffsetByTime', '-g', offlineGroup, '-t', t, '-s', String(before));
    assert.equal(toTime.queues.length, 4, '2 queues on each broker');
    assert.equal(await diff(), 3);
    await ok('resetOffsetByTime', '-g', offlineGroup, '-t', t, '-s', 'now');
    assert.equal(await diff(), 0);
    await ok('resetOffsetByTime', '-g', offlineGroup, '-t', t, '-s', 'earliest');
    assert.equal(await diff(), 3);
    const q = (await ok('consumerProgress', '-g', offlineGroup, '-t', t)).queues.find((x: { brokerOffset: number }) => x.brokerOffset > 0);
    await ok('resetOffsetByTime', '-g', offlineGroup, '-t', t, '-b', q.brokerName, '-q', String(q.queueId), '-o', String(q.brokerOffset));
    assert.equal(await diff(), 3 - q.brokerOffset);

    const offline = await admin('consumerConnection', '-g', offlineGroup);
    assert.equal(offline.status, 1);
    assert.match(offline.stderr, /not online/);
    assert.ok((await ok('consumerProgress')).groups.some((g: { group: string; count: number }) => g.group === offlineGroup && g.count === 0));
    const del = await ok('deleteSubGroup', '-c', 'DefaultCluster', '-g', offlineGroup);
    assert.equal(del.done.length, 2);
    await waitFor('the group gone', async () => !(await ok('consumerProgress')).groups.some((g: { group: string }) => g.group === offlineGroup), MINUTE, POLL_MS);
    await ok('deleteTopic', '-c', 'DefaultCluster', '-t', t);
  });

  test('online groups: connections, producers, running info, and a reset to a timestamp the consumers follow', async () => {
    const cc = await ok('consumerConnection', '-g', 'demo-orders-cg');
    assert.equal(cc.connections.length, 2);
    assert.equal(cc.messageModel, 'CLUSTERING');
    assert.ok(cc.subscriptions.some((s: { topic: string }) => s.topic === 'DemoOrders'));
    assert.ok(cc.connections.every((c: { language: string; versionDesc: string }) => c.language && c.versionDesc));
    const pc = await ok('producerConnection', '-g', 'demo-producer-demoorders', '-t', 'DemoOrders');
    assert.ok(pc.connections.length >= 1);
    const status = await ok('consumerStatus', '-g', 'demo-payments-cg');
    assert.equal(status.clients.length, 1);
    const held = status.clients[0].queues.filter((q: { topic: string }) => q.topic === 'DemoPayments');
    assert.equal(held.length, 8, 'the only member holds all 4 queues of both brokers');

    const lagging = await waitFor('demo-slow-cg to lag', async () => {
      const j = await ok('consumerProgress', '-g', 'demo-slow-cg', '-t', 'DemoOrders');
      return j.diffTotal > 40 && j;
    }, MINUTE, POLL_MS);
    const reset = await ok('resetOffsetByTime', '-g', 'demo-slow-cg', '-t', 'DemoOrders', '-s', String(Date.now()));
    assert.deepEqual(reset.brokers.map((b: { mode: string }) => b.mode), ['online', 'online']);
    assert.equal(reset.queues.length, 16);
    // Followed: every queue's committed offset reached the offset it was reset to (far past where the group was).
    // Not "the lag halved": the producers keep adding ~20 msg/s against the group's 2, so its lag is back above half
    // of what it was some 7 s after the reset, sooner than the consumer may have drained its running listener calls.
    const target = new Map<string, number>(reset.queues.map((q: { brokerName: string; queueId: number; resetOffset: number }) => [`${q.brokerName}/${q.queueId}`, q.resetOffset]));
    assert.ok(lagging.queues.some((q: { brokerName: string; queueId: number; consumerOffset: number }) => q.consumerOffset < target.get(`${q.brokerName}/${q.queueId}`)!), 'the reset moves the group forward');
    await waitFor('the slow group to follow the reset', async () =>
      ((await ok('consumerProgress', '-g', 'demo-slow-cg', '-t', 'DemoOrders')).queues as Array<{ brokerName: string; queueId: number; consumerOffset: number }>)
        .every((q) => q.consumerOffset >= target.get(`${q.brokerName}/${q.queueId}`)!), 30_000, POLL_MS);
  });

  test('with broker-b master killed, clusterList and consumerProgress still answer and name broker-b', async () => {
    const kill = await run(['node', 'kill', 'broker-b-master', '--dir', dir, '--json']);
    assert.equal(kill.status, 0, kill.stderr);
    const named = (j: { errors?: Array<{ brokerName: string }>; warnings?: Array<{ brokerName: string }> }) =>
      [...(j.errors ?? []), ...(j.warnings ?? [])].some((f) => f.brokerName === 'broker-b');
    const cl = await waitFor('clusterList to name broker-b', async () => {
      const r = await admin('clusterList');
      return r.status === 0 && named(r.json) && r;
    }, 30_000, POLL_MS);
    assert.match(cl.stderr, /broker-b/);
    assert.ok(cl.json.brokers.some((b: { brokerName: string; brokerId: number }) => b.brokerName === 'broker-a' && b.brokerId === 0));
    const cp = await admin('consumerProgress');
    assert.equal(cp.status, 0, cp.stderr);
    assert.ok(named(cp.json), JSON.stringify({ errors: cp.json.errors, warnings: cp.json.warnings }));
    assert.ok(cp.json.groups.some((g: { group: string }) => g.group === 'demo-orders-cg'));
    const one = await admin('consumerProgress', '-g', 'demo-orders-cg');
    assert.equal(one.status, 0, one.stderr);
    assert.ok(named(one.json));
    assert.ok(one.json.queues.some((q: { brokerName: string }) => q.brokerName === 'broker-a'));
  });
});
