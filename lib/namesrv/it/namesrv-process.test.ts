// `rocketdeck namesrv` as a child process: two broker pairs register, routes and cluster info read back exactly,
// brokers leave by unregistering, by expiring and by closing their connection; bad input is answered, not fatal.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { createRequest } from '../../remoting/command.ts';
import { registerBroker, spawnNamesrv, waitFor, type NamesrvProcess, type TestBroker } from './harness.ts';

setLogSink(() => {});

const EXPIRY_MS = 4000;

function broker(name: string, id: number, port: number, topics: TestBroker['topics']): TestBroker {
  return {
    cluster: 'DefaultCluster',
    brokerName: name,
    brokerId: id,
    brokerAddr: `127.0.0.1:${port}`,
    haServerAddr: `127.0.0.1:${port + 1}`,
    topics,
    dataVersion: { counter: 1, timestamp: 1700000000000 + port },
  };
}

const topicsA = [{ topicName: 'TopicA', queues: 4 }, { topicName: 'Shared', queues: 8 }];
const topicsB = [{ topicName: 'TopicB', queues: 2 }, { topicName: 'Shared', queues: 8, perm: 7 }];
const A0 = broker('broker-a', 0, 20911, topicsA);
const A1 = broker('broker-a', 1, 20921, topicsA);
const B0 = broker('broker-b', 0, 30911, topicsB);
const B1 = broker('broker-b', 1, 30921, topicsB);

describe('rocketdeck namesrv process', () => {
  let ns: NamesrvProcess;
  // One client (so one connection) per broker, as real brokers have.
  const clients = new Map<TestBroker, RemotingClient>();
  const alive = new Set<TestBroker>();
  let heartbeat: NodeJS.Timeout | undefined;
  const admin = new RemotingClient();

  const call = (code: number, header?: Record<string, string | number | boolean>, body?: Buffer) =>
    admin.invoke(ns.address, createRequest(code, header, { body }), 5000);
  const route = async (topic: string) => {
    const res = await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
    return res.code === ResponseCode.SUCCESS ? res.body!.toString('utf8') : `code ${res.code}`;
  };
  const clusterInfo = async () => (await call(RequestCode.GET_BROKER_CLUSTER_INFO)).body!.toString('utf8');
  const logged = (event: string, fields: Record<string, unknown>) =>
    ns.logs.some((l) => {
      const r = JSON.parse(l);
      return r.event === event && Object.entries(fields).every(([k, v]) => r[k] === v);
    });

  before(async () => {
    ns = await spawnNamesrv(`brokerChannelExpiredTime=${EXPIRY_MS}\nscanNotActiveBrokerInterval=200\n`);
    for (const b of [A0, A1, B0, B1]) clients.set(b, new RemotingClient());
    // Brokers re-register every 30 s in RocketMQ; here often enough to stay well inside the short expiry.
    heartbeat = setInterval(() => {
      for (const b of alive) registerBroker(clients.get(b)!, ns.address, b).catch(() => {});
    }, 300);
  });

  after(async () => {
    clearInterval(heartbeat);
    await Promise.all([admin.close(), ...[...clients.values()].map((c) => c.close())]);
    if (ns) assert.equal(await ns.stop(), 0, 'namesrv exits 0 on SIGTERM');
  });

  test('masters register with empty answers; slaves learn their master and HA address', async () => {
    for (const b of [A0, B0]) {
      const res = await registerBroker(clients.get(b)!, ns.address, b);
      assert.equal(res.code, ResponseCode.SUCCESS);
      assert.deepEqual(res.extFields, {});
    }
    for (const [s, m] of [[A1, A0], [B1, B0]] as const) {
      const res = await registerBroker(clients.get(s)!, ns.address, s);
      assert.deepEqual(res.extFields, { haServerAddr: m.haServerAddr, masterAddr: m.brokerAddr });
    }
    for (const b of [A0, A1, B0, B1]) alive.add(b);
  });

  test('route and cluster info read back exactly', async () => {
    assert.equal(
      await route('Shared'),
      '{"brokerDatas":[' +
        '{"brokerAddrs":{"0":"127.0.0.1:30911","1":"127.0.0.1:30921"},"brokerName":"broker-b","cluster":"DefaultCluster"},' +
        '{"brokerAddrs":{"0":"127.0.0.1:20911","1":"127.0.0.1:20921"},"brokerName":"broker-a","cluster":"DefaultCluster"}],' +
        '"filterServerTable":{},"queueDatas":[' +
        '{"brokerName":"broker-b","perm":7,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8},' +
        '{"brokerName":"broker-a","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}',
    );
    assert.equal(
      await route('TopicA'),
      '{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:20911","1":"127.0.0.1:20921"},"brokerName":"broker-a","cluster":"DefaultCluster"}],' +
        '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}',
    );
    assert.equal(
      await clusterInfo(),
      '{"brokerAddrTable":{' +
        '"broker-b":{"brokerAddrs":{0:"127.0.0.1:30911",1:"127.0.0.1:30921"},"brokerName":"broker-b","cluster":"DefaultCluster"},' +
        '"broker-a":{"brokerAddrs":{0:"127.0.0.1:20911",1:"127.0.0.1:20921"},"brokerName":"broker-a","cluster":"DefaultCluster"}},' +
        '"clusterAddrTable":{"DefaultCluster":["broker-b","broker-a"]}}',
    );
    const topics = JSON.parse((await call(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)).body!.toString('utf8'));
    assert.deepEqual(new Set(topics.topicList), new Set(['TopicA', 'TopicB', 'Shared']));
  });

  test('an unregistered slave leaves its group at once', async () => {
    alive.delete(B1);
    const res = await call(RequestCode.UNREGISTER_BROKER, { brokerName: 'broker-b', brokerAddr: B1.brokerAddr, clusterName: 'DefaultCluster', brokerId: 1 });
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.match(await clusterInfo(), /"broker-b":\{"brokerAddrs":\{0:"127\.0\.0\.1:30911"\},/);
    assert.ok(logged('broker_removed', { brokerAddr: B1.brokerAddr, reason: 'unregistered' }));
  });

  test('a master that stops registering expires with its routes, and its connection is closed', async () => {
    const b0Conn = await clients.get(B0)!.getConnection(ns.address);
    alive.delete(B0);
    await waitFor('broker-b to expire', async () => !(await clusterInfo()).includes('broker-b'), EXPIRY_MS + 15_000);
    assert.equal(await route('TopicB'), `code ${ResponseCode.TOPIC_NOT_EXIST}`);
    assert.doesNotMatch(await route('Shared'), /broker-b/);
    assert.ok(logged('broker_removed', { brokerAddr: B0.brokerAddr, reason: 'expired' }));
    await waitFor('the expired broker connection to close', () => b0Conn.closed);
  });

  test('a slave keeps routing when its master connection closes', async () => {
    alive.delete(A0);
    await clients.get(A0)!.close();
    await waitFor('broker-a master to be removed', async () => !(await route('TopicA')).includes('"0":'));
    assert.equal(
      await route('TopicA'),
      '{"brokerDatas":[{"brokerAddrs":{"1":"127.0.0.1:20921"},"brokerName":"broker-a","cluster":"DefaultCluster"}],' +
        '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}',
    );
    assert.ok(logged('broker_removed', { brokerAddr: A0.brokerAddr, reason: 'connection-closed' }));
    // The slave's next registration finds no master to report.
    assert.deepEqual((await registerBroker(clients.get(A1)!, ns.address, A1)).extFields, {});
  });

  test('bad input gets an error response naming the problem and the server keeps serving', async () => {
    const missing = await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, {});
    assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
    assert.match(missing.remark!, /topic/);
    const noBrokerId = await call(RequestCode.REGISTER_BROKER, { brokerName: 'x', brokerAddr: 'x:1', clusterName: 'c', haServerAddr: 'x:2' });
    assert.equal(noBrokerId.code, ResponseCode.SYSTEM_ERROR);
    assert.match(noBrokerId.remark!, /brokerId/);
    const badBody = await call(
      RequestCode.REGISTER_BROKER,
      { brokerName: 'x', brokerAddr: 'x:1', clusterName: 'c', haServerAddr: 'x:2', brokerId: 0 },
      Buffer.from('{"topicConfigSerializeWrapper":{'),
    );
    assert.equal(badBody.code, ResponseCode.SYSTEM_ERROR);
    assert.match(badBody.remark!, /RegisterBrokerBody/);
    const unknown = await call(4242);
    assert.equal(unknown.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.match(await route('TopicA'), /broker-a/, 'still serving');
  });
});

describe('nameservers side by side', () => {
  test('two nameservers know nothing of each other; a broker registers with both', async () => {
    const [n1, n2] = await Promise.all([spawnNamesrv(), spawnNamesrv()]);
    const brokerClient = new RemotingClient();
    const admin = new RemotingClient();
    try {
      const b = broker('broker-x', 0, 40911, [{ topicName: 'TopicX', queues: 2 }]);
      await registerBroker(brokerClient, n1.address, b);
      const routeOn = async (addr: string) =>
        (await admin.invoke(addr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicX' }), 5000)).code;
      assert.equal(await routeOn(n1.address), ResponseCode.SUCCESS);
      assert.equal(await routeOn(n2.address), ResponseCode.TOPIC_NOT_EXIST);
      await registerBroker(brokerClient, n2.address, b);
      assert.equal(await routeOn(n2.address), ResponseCode.SUCCESS);
    } finally {
      await Promise.all([brokerClient.close(), admin.close()]);
      assert.deepEqual(await Promise.all([n1.stop(), n2.stop()]), [0, 0]);
    }
  });
});
