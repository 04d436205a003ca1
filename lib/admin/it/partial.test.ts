// Partial answers against real nameserver processes: a dead broker, a broker that never answers and a nameserver that
// is down are named, and the rest of the answer still comes back in time (library and `rocketdeck admin`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { AdminClient } from '../client.ts';
import { ReplayServer } from './replay-server.ts';
import { BIN, registerBroker, spawnNamesrv, type NamesrvProcess, type TestBroker } from '../../namesrv/it/harness.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { createLogger } from '../../common/log.ts';

/** A port nothing listens on (bound, then closed). */
function deadAddr(): Promise<string> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(`127.0.0.1:${port}`));
    });
  });
}

/** Accepts connections and never answers: a hung broker. */
async function silentServer(): Promise<{ addr: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    addr: `127.0.0.1:${(srv.address() as net.AddressInfo).port}`,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      srv.close(() => r());
    }),
  };
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NAMESRV_ADDR: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const broker = (brokerName: string, brokerId: number, brokerAddr: string): TestBroker => ({
  cluster: 'TestCluster', brokerName, brokerId, brokerAddr, haServerAddr: brokerAddr,
  topics: [{ topicName: 'PartialTopic', queues: 2 }], dataVersion: { counter: 1, timestamp: Date.now() },
});

describe('partial answers with real nameservers', () => {
  let ns1: NamesrvProcess;
  let ns2: NamesrvProcess;
  let live: ReplayServer;
  let silent: { addr: string; close(): Promise<void> };
  let dead: string;
  let registrar: RemotingClient;

  before(async () => {
    [ns1, ns2] = await Promise.all([spawnNamesrv(), spawnNamesrv()]);
    live = await ReplayServer.start();
    silent = await silentServer();
    dead = await deadAddr();
    // registrations live as long as this client's connections: the nameserver drops a broker whose channel closes
    registrar = new RemotingClient({ logger: createLogger('test.registrar') });
    for (const ns of [ns1, ns2]) {
      await registerBroker(registrar, ns.address, broker('broker-live', 0, live.addr));
      await registerBroker(registrar, ns.address, broker('broker-slow', 0, silent.addr));
    }
    await registerBroker(registrar, ns1.address, broker('broker-dead', 0, dead));
  });

  after(async () => {
    await registrar.close();
    await Promise.all([ns1.stop(), ns2.stop(), live.close(), silent.close()]);
  });

  test('clusterList answers in about one timeout, naming the dead and the hung broker and the half-registered one', async () => {
    const admin = new AdminClient({ namesrvAddr: [ns1.address, ns2.address], timeoutMs: 1500 });
    try {
      const started = Date.now();
      const r = await admin.clusterList();
      assert.ok(Date.now() - started < 6000, `took ${Date.now() - started}ms`);
      assert.deepEqual(r.brokers.map((b) => b.brokerName), ['broker-dead', 'broker-live', 'broker-slow']);
      assert.equal(r.brokers.find((b) => b.brokerName === 'broker-live')!.version, 'V4_9_8');
      const errors = Object.fromEntries(r.errors.map((e) => [e.brokerName, e]));
      assert.deepEqual(Object.keys(errors).sort(), ['broker-dead', 'broker-slow']);
      assert.equal(errors['broker-dead']!.brokerAddr, dead);
      assert.match(errors['broker-dead']!.error, /unreachable/);
      assert.match(errors['broker-slow']!.error, /timeout/);
      assert.deepEqual(r.brokers.find((b) => b.brokerName === 'broker-dead')!.namesrvs, [ns1.address]);
      assert.ok(r.warnings.some((w) => w.brokerName === 'broker-dead' && w.error.includes(`not listed by nameserver ${ns2.address}`)));
    } finally {
      await admin.close();
    }
  });

  test('the group list and a topic status come back in part, each failed broker named', async () => {
    const admin = new AdminClient({ namesrvAddr: [ns1.address, ns2.address], timeoutMs: 1500 });
    try {
      const groups = await admin.groupList();
      assert.ok(groups.groups.some((g) => g.group === 'retry_cg'), 'groups of the live broker');
      assert.deepEqual(groups.errors.map((e) => e.brokerName).sort(), ['broker-dead', 'broker-slow']);
      const status = await admin.topicStatus('PartialTopic');
      assert.ok(status.queues.length > 0);
      // a route comes from one nameserver, as clients read it; broker-dead is on ns1's routes only
      const failed = status.errors.map((e) => e.brokerName);
      assert.ok(failed.includes('broker-slow'));
      assert.ok(failed.every((b) => b === 'broker-slow' || b === 'broker-dead'));
    } finally {
      await admin.close();
    }
  });

  test('a nameserver that is down is named, and questions for one nameserver go to the next', async () => {
    const down = await deadAddr();
    const admin = new AdminClient({ namesrvAddr: [down, ns2.address], timeoutMs: 1500 });
    try {
      const r = await admin.clusterList({ runtime: false });
      assert.deepEqual(r.namesrvErrors.map((n) => n.namesrvAddr), [down]);
      assert.deepEqual(r.brokers.map((b) => b.brokerName), ['broker-live', 'broker-slow']);
      for (let i = 0; i < 3; i++) assert.equal((await admin.topicRoute('PartialTopic')).topic, 'PartialTopic');
    } finally {
      await admin.close();
    }
  });

  test('rocketdeck admin clusterList --json prints the partial answer, names the failed brokers on stderr and exits 0', async () => {
    const r = await runCli(['admin', 'clusterList', '-n', `${ns1.address};${ns2.address}`, '--timeout', '1500', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.brokers.length, 3);
    assert.match(r.stderr, new RegExp(`error: broker-dead \\(${dead}\\): unreachable`));
    assert.match(r.stderr, /error: broker-slow \(127\.0\.0\.1:\d+\): timeout/);
  });

  test('rocketdeck admin: a missing nameserver address is a usage error (2), an unknown topic a failure (1) naming the peer', async () => {
    const noNs = await runCli(['admin', 'topicRoute', '-t', 'X']);
    assert.equal(noNs.code, 1);
    assert.match(noNs.stderr, /no nameserver address/);
    const bad = await runCli(['admin', 'topicRoute', '-n', 'not-an-address', '-t', 'X']);
    assert.equal(bad.code, 2);
    const unknown = await runCli(['admin', 'topicRoute', '-n', ns1.address, '-t', 'NoSuchTopic', '--json']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, new RegExp(`${ns1.address}: TOPIC_NOT_EXIST \\(17\\)`));
    assert.equal(JSON.parse(unknown.stdout).ok, false);
  });
});
