// gRPC clients in the brokers' connection lists: each official Node.js client (rocketmq-client-nodejs) is one member
// of its consumer group and one producer of its topic, with its language, version, own address and protocol, in
// local mode (endpoint in the broker) and through `rocketdeck proxy`; a client that leaves drops out.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Producer, type SimpleConsumer } from 'rocketmq-client-nodejs';
import { setLogSink } from '../../common/log.ts';
import { AdminClient, type ClientConnection } from '../../admin/index.ts';
import { quietLogger, simpleConsumer, startGrpcCluster, waitFor, type GrpcCluster } from './harness.ts';

setLogSink(() => {});

const BIN = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
const CLIENT_VERSION = '1.0.8'; // the pinned rocketmq-client-nodejs

function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

for (const mode of ['local', 'proxy'] as const) {
  describe(`gRPC clients in connection lists (${mode} mode)`, () => {
    let c: GrpcCluster;
    let admin: AdminClient;
    let producer: Producer;
    const consumers: SimpleConsumer[] = [];

    before(async () => {
      c = await startGrpcCluster(mode);
      await c.createTopic('ConnTopic', 'NORMAL');
      await c.createGroup('conn-group');
      admin = new AdminClient({ namesrvAddr: c.ns.address, timeoutMs: 3000 });
      producer = new Producer({ endpoints: c.endpoint, namespace: '', logger: quietLogger as never, topics: ['ConnTopic'] });
      await producer.startup();
      for (let i = 0; i < 2; i++) {
        const s = simpleConsumer(c.endpoint, 'conn-group', 'ConnTopic');
        await s.startup();
        consumers.push(s);
      }
    });

    after(async () => {
      await producer?.shutdown().catch(() => undefined);
      for (const s of consumers) await s.shutdown().catch(() => undefined);
      await admin?.close();
      await c?.stop();
    });

    const consumerIds = (): string[] => consumers.map((s) => s.clientId).sort();

    async function members(n: number): Promise<ClientConnection[]> {
      let last: ClientConnection[] = [];
      await waitFor(`${n} members of conn-group`, async () => {
        last = (await admin.consumerConnection('conn-group').catch(() => undefined))?.connections ?? [];
        return last.length === n;
      }, 20_000);
      return last;
    }

    test('each SimpleConsumer is a member with NODE_JS, its version, its own address and gRPC as protocol', async () => {
      const conns = await members(2);
      assert.deepEqual(conns.map((x) => x.clientId).sort(), consumerIds());
      for (const x of conns) {
        assert.equal(x.language, 'NODE_JS');
        assert.equal(x.protocol, 'grpc');
        assert.equal(x.protocolType, 'grpc_v2');
        assert.equal(x.clientVersion, CLIENT_VERSION);
        assert.equal(x.versionDesc, 'V5_3_3', 'the 5.x proxy reports its own version when the client names no Version constant');
        assert.match(x.clientAddr, /^127\.0\.0\.1:\d+$/);
      }
      // The client's own end of its HTTP/2 connection (grpc-js shares one per process and target), not the endpoint's.
      assert.ok(conns.every((x) => x.clientAddr !== c.endpoint));
      const cc = await admin.consumerConnection('conn-group');
      assert.equal(cc.consumeType, 'CONSUME_POP');
      assert.deepEqual(cc.subscriptions.map((s) => s.topic), ['ConnTopic']);
    });

    test('the Producer is listed under its topic (the 5.x producer group) with NODE_JS and gRPC', async () => {
      let conns: ClientConnection[] = [];
      await waitFor('producer of ConnTopic', async () => {
        conns = (await admin.producerConnection('ConnTopic', 'ConnTopic').catch(() => undefined))?.connections ?? [];
        return conns.length === 1;
      }, 20_000);
      assert.equal(conns[0]!.clientId, producer.clientId);
      assert.equal(conns[0]!.language, 'NODE_JS');
      assert.equal(conns[0]!.protocol, 'grpc');
      assert.equal(conns[0]!.clientVersion, CLIENT_VERSION);
      // The topic's senders (GET_TOPIC_PRODUCERS) show the endpoint's connection, marked as sending for gRPC clients.
      await producer.send({ topic: 'ConnTopic', body: Buffer.from('x') });
      const rows = (await admin.topicProducers({ topic: 'ConnTopic' })).producers;
      assert.deepEqual(rows.map((r) => [r.producerGroup, r.protocolType]), [['ConnTopic', 'grpc_v2']]);
    });

    test('rocketdeck admin consumerConnection prints each gRPC member with its protocol', async () => {
      const out = await cli(['admin', 'consumerConnection', '-n', c.ns.address, '-g', 'conn-group']);
      for (const id of consumerIds()) assert.match(out, new RegExp(`${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s.*NODE_JS\\s+V5_3_3\\s+grpc_v2 \\(${CLIENT_VERSION.replaceAll('.', '\\.')}\\)`));
    });

    test("a member's running info is answered by the endpoint at once: POP, its language and subscriptions, no queues", async () => {
      const id = consumerIds()[0]!;
      const t0 = Date.now();
      const info = await admin.consumerRunningInfo('conn-group', id);
      assert.ok(Date.now() - t0 < 3_000, `answered in ${Date.now() - t0} ms`);
      assert.equal(info.properties.PROP_CONSUME_TYPE, 'CONSUME_POP');
      assert.equal(info.properties.language, 'NODE_JS');
      assert.equal(info.properties.protocolType, 'grpc_v2');
      assert.deepEqual(info.subscriptions.map((x) => x.topic), ['ConnTopic']);
      assert.deepEqual(info.queues, []);
      // With a thread stack asked, the endpoint relays PrintThreadStackTraceCommand; this client answers a fixed text.
      const withStack = await admin.consumerRunningInfo('conn-group', id, { jstack: true });
      assert.equal(withStack.jstack, 'mock stack');
    });

    test('a consumer that shuts down leaves the list; the other stays', async () => {
      const gone = consumers.shift()!;
      await gone.shutdown();
      const conns = await members(1);
      assert.deepEqual(conns.map((x) => x.clientId), consumerIds());
    });

    test('when the last producer of a topic shuts down, nobody is listed as its producer (not the endpoint either)', async () => {
      await producer.shutdown();
      await waitFor('no producer of ConnTopic', async () => {
        const r = await admin.producerConnection('ConnTopic', 'ConnTopic').then((x) => x.connections.length, () => 0);
        return r === 0;
      }, 20_000);
    });
  });
}
