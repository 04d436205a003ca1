// Unit tests of the route registry: registration, routes, cluster info, removal by unregister/expiry/close.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, setLogSink } from '../common/log.ts';
import { RouteInfoManager } from './route-info-manager.ts';
import type { BrokerConnection, RegisterBrokerInput, TopicConfigLike } from './route-types.ts';

const lines: string[] = [];
setLogSink((line) => lines.push(line));

const tc = (topicName: string, queues = 4, perm = 6, topicSysFlag = 0): TopicConfigLike => ({
  topicName,
  readQueueNums: queues,
  writeQueueNums: queues,
  perm,
  topicSysFlag,
});

class FakeConn implements BrokerConnection {
  static seq = 0;
  readonly id = `conn-${++FakeConn.seq}`;
  closedWith?: string;
  close(reason: string): void {
    this.closedWith = reason;
  }
}

interface Broker {
  cluster?: string;
  name: string;
  id: number;
  port: number;
  topics?: TopicConfigLike[];
  version?: { timestamp: number; counter: number };
  conn?: BrokerConnection;
}

function reg(rim: RouteInfoManager, b: Broker, extra: Partial<RegisterBrokerInput> = {}) {
  return rim.registerBroker({
    clusterName: b.cluster ?? 'DefaultCluster',
    brokerAddr: `127.0.0.1:${b.port}`,
    brokerName: b.name,
    brokerId: b.id,
    haServerAddr: `127.0.0.1:${b.port + 1}`,
    topicConfigWrapper: { dataVersion: b.version ?? { timestamp: 1, counter: 0 }, topicConfigTable: b.topics ?? [] },
    connection: b.conn,
    ...extra,
  });
}

function setup(now = { t: 1_000_000 }) {
  const rim = new RouteInfoManager({ brokerChannelExpiredTime: 120_000, now: () => now.t, logger: createLogger('test') });
  const a0 = { name: 'broker-a', id: 0, port: 10911, topics: [tc('T1'), tc('T2', 8)], conn: new FakeConn() };
  const a1 = { name: 'broker-a', id: 1, port: 10921, topics: [tc('T1'), tc('T2', 8)], conn: new FakeConn() };
  const b0 = { name: 'broker-b', id: 0, port: 11911, topics: [tc('T1', 2), tc('T3')], conn: new FakeConn() };
  const b1 = { name: 'broker-b', id: 1, port: 11921, topics: [tc('T1', 2), tc('T3')], conn: new FakeConn() };
  return { rim, now, a0, a1, b0, b1 };
}

describe('RouteInfoManager registration', () => {
  test('a master gets an empty result, a slave its master address and HA address', () => {
    const { rim, a0, a1 } = setup();
    assert.deepEqual(reg(rim, a0), {});
    assert.deepEqual(reg(rim, a1), { masterAddr: '127.0.0.1:10911', haServerAddr: '127.0.0.1:10912' });
  });

  test('a slave registering before its master learns nothing and writes no topics', () => {
    const { rim, a1 } = setup();
    assert.deepEqual(reg(rim, a1), {});
    assert.equal(rim.pickupTopicRouteData('T1'), undefined);
    assert.deepEqual(rim.getAllTopicList().topicList, []);
  });

  test('route lists each broker group with all its addresses and the queue data of its master', () => {
    const { rim, a0, a1, b0, b1 } = setup();
    for (const b of [a0, a1, b0, b1]) reg(rim, b);
    const route = rim.pickupTopicRouteData('T1')!;
    // Java HashMap order (by hash of the broker name) puts broker-b first; compare by name here.
    const byName = <T extends { brokerName: string }>(xs: T[]) => [...xs].sort((x, y) => x.brokerName.localeCompare(y.brokerName));
    assert.deepEqual(route.brokerDatas.map((b) => b.brokerName), ['broker-b', 'broker-a']);
    assert.deepEqual(byName(route.queueDatas), [
      { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
      { brokerName: 'broker-b', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
    ]);
    assert.deepEqual(byName(route.brokerDatas), [
      { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: new Map([[0, '127.0.0.1:10911'], [1, '127.0.0.1:10921']]) },
      { cluster: 'DefaultCluster', brokerName: 'broker-b', brokerAddrs: new Map([[0, '127.0.0.1:11911'], [1, '127.0.0.1:11921']]) },
    ]);
    assert.deepEqual(route.filterServerTable, new Map());
    assert.equal(rim.pickupTopicRouteData('T3')!.brokerDatas.length, 1);
    assert.equal(rim.pickupTopicRouteData('nope'), undefined);
  });

  test('cluster info holds every group and the cluster -> broker names table', () => {
    const { rim, a0, a1, b0 } = setup();
    for (const b of [a0, a1, b0, { ...b0, cluster: 'Other', name: 'broker-c', port: 12911, conn: new FakeConn() }]) reg(rim, b);
    const info = rim.getAllClusterInfo();
    assert.deepEqual([...info.clusterAddrTable], [['DefaultCluster', ['broker-b', 'broker-a']], ['Other', ['broker-c']]]);
    assert.deepEqual(info.brokerAddrTable.get('broker-a'), {
      cluster: 'DefaultCluster',
      brokerName: 'broker-a',
      brokerAddrs: new Map([[0, '127.0.0.1:10911'], [1, '127.0.0.1:10921']]),
    });
    assert.equal(info.brokerAddrTable.size, 3);
  });

  test('topic config is applied only when the data version changes', () => {
    const { rim, a0 } = setup();
    reg(rim, a0);
    reg(rim, { ...a0, topics: [tc('T9')] });
    assert.equal(rim.pickupTopicRouteData('T9'), undefined, 'same data version: body ignored');
    reg(rim, { ...a0, topics: [tc('T9')], version: { timestamp: 2, counter: 1 } });
    assert.ok(rim.pickupTopicRouteData('T9'));
    // Topics a broker no longer lists are not removed by registration (as in RocketMQ 4.9).
    assert.ok(rim.pickupTopicRouteData('T1'));
  });

  test('a registration without body records data version {0, 0}', () => {
    const { rim, a0 } = setup();
    reg(rim, a0, { topicConfigWrapper: undefined });
    assert.deepEqual(rim.queryBrokerTopicConfig('127.0.0.1:10911'), { timestamp: 0, counter: 0 });
    assert.equal(rim.isBrokerTopicConfigChanged('127.0.0.1:10911', { timestamp: 0, counter: 0 }), false);
    assert.equal(rim.isBrokerTopicConfigChanged('127.0.0.1:10911', { timestamp: 0, counter: 1 }), true);
  });

  test('a slave promoted to master drops its old id', () => {
    const { rim, a0, a1 } = setup();
    reg(rim, a0);
    reg(rim, a1);
    rim.onConnectionClosed(a0.conn);
    reg(rim, { ...a1, id: 0, version: { timestamp: 5, counter: 3 } });
    const bd = rim.pickupTopicRouteData('T1')!.brokerDatas[0];
    assert.deepEqual(bd.brokerAddrs, new Map([[0, '127.0.0.1:10921']]));
  });

  test('filter server lists are stored per broker and appear in routes', () => {
    const { rim, a0 } = setup();
    reg(rim, a0, { filterServerList: ['127.0.0.1:30000'] });
    assert.deepEqual(rim.pickupTopicRouteData('T1')!.filterServerTable, new Map([['127.0.0.1:10911', ['127.0.0.1:30000']]]));
    reg(rim, a0, { filterServerList: [] });
    assert.deepEqual(rim.pickupTopicRouteData('T1')!.filterServerTable, new Map());
  });
});

describe('RouteInfoManager removal', () => {
  test('unregistering the last address of a group removes the group, its cluster entry and its topics', () => {
    const { rim, a0, a1, b0 } = setup();
    for (const b of [a0, a1, b0]) reg(rim, b);
    rim.unregisterBroker('DefaultCluster', '127.0.0.1:10921', 'broker-a', 1);
    assert.deepEqual(rim.getAllClusterInfo().brokerAddrTable.get('broker-a')!.brokerAddrs, new Map([[0, '127.0.0.1:10911']]));
    const removal = rim.unregisterBroker('DefaultCluster', '127.0.0.1:10911', 'broker-a', 0);
    assert.deepEqual(removal, { brokerAddr: '127.0.0.1:10911', reason: 'unregistered', brokerName: 'broker-a', brokerId: 0, brokerNameRemoved: true, topicsRemoved: 1 });
    assert.equal(rim.pickupTopicRouteData('T2'), undefined);
    assert.deepEqual(rim.pickupTopicRouteData('T1')!.queueDatas.map((q) => q.brokerName), ['broker-b']);
    assert.deepEqual([...rim.getAllClusterInfo().clusterAddrTable], [['DefaultCluster', ['broker-b']]]);
    const logged = lines.map((l) => JSON.parse(l)).filter((r) => r.event === 'broker_removed' && r.brokerAddr === '127.0.0.1:10911');
    assert.equal(logged.at(-1).reason, 'unregistered');
  });

  test('a slave keeps routing after its master connection closes', () => {
    const { rim, a0, a1 } = setup();
    reg(rim, a0);
    reg(rim, a1);
    const removed = rim.onConnectionClosed(a0.conn);
    assert.deepEqual(removed.map((r) => [r.brokerAddr, r.reason, r.brokerNameRemoved]), [['127.0.0.1:10911', 'connection-closed', false]]);
    const route = rim.pickupTopicRouteData('T1')!;
    assert.deepEqual(route.brokerDatas[0].brokerAddrs, new Map([[1, '127.0.0.1:10921']]));
    assert.equal(route.queueDatas[0].perm, 6);
    assert.deepEqual(reg(rim, a1), {}, 'no master: nothing to tell the slave');
  });

  test('closing a connection removes every broker registered over it and nothing else', () => {
    const { rim, a0, b0 } = setup();
    const shared = new FakeConn();
    reg(rim, { ...a0, conn: shared });
    reg(rim, { ...b0, conn: shared });
    reg(rim, { ...a0, name: 'broker-c', port: 13911, conn: new FakeConn() });
    assert.equal(rim.onConnectionClosed(new FakeConn()).length, 0);
    assert.deepEqual(rim.onConnectionClosed(shared).map((r) => r.brokerName).sort(), ['broker-a', 'broker-b']);
    assert.deepEqual(rim.liveBrokers().map((l) => l.brokerAddr), ['127.0.0.1:13911']);
  });

  test('brokers silent for longer than the expiry are dropped and their connections closed', () => {
    const { rim, now, a0, a1, b0 } = setup();
    for (const b of [a0, a1, b0]) reg(rim, b);
    now.t += 60_000;
    reg(rim, b0);
    now.t += 60_000;
    assert.deepEqual(rim.scanNotActiveBroker(), [], 'exactly at the limit: still alive');
    now.t += 1;
    const removed = rim.scanNotActiveBroker();
    assert.deepEqual(removed.map((r) => [r.brokerAddr, r.reason]).sort(), [['127.0.0.1:10911', 'expired'], ['127.0.0.1:10921', 'expired']]);
    assert.match((a0.conn as FakeConn).closedWith ?? '', /expired/);
    assert.equal(rim.pickupTopicRouteData('T2'), undefined);
    assert.deepEqual(rim.liveBrokers().map((l) => l.brokerAddr), ['127.0.0.1:11911']);
    assert.deepEqual(rim.stats(), { clusters: 1, brokerNames: 1, liveBrokers: 1, topics: 2 });
  });

  test('QUERY_DATA_VERSION timestamps keep a broker alive', () => {
    const { rim, now, a0 } = setup();
    reg(rim, a0);
    now.t += 100_000;
    rim.updateBrokerInfoUpdateTimestamp('127.0.0.1:10911');
    now.t += 100_000;
    assert.equal(rim.scanNotActiveBroker().length, 0);
  });
});

describe('RouteInfoManager route version', () => {
  test('moves on route changes and stays put on plain re-registration', () => {
    const { rim, a0, a1 } = setup();
    reg(rim, a0);
    const v1 = rim.routeVersion;
    reg(rim, a0);
    assert.equal(rim.routeVersion, v1, 'heartbeat with the same data version');
    reg(rim, a1);
    const v2 = rim.routeVersion;
    assert.ok(v2 > v1, 'slave address added');
    reg(rim, { ...a0, version: { timestamp: 9, counter: 9 } });
    const v3 = rim.routeVersion;
    assert.ok(v3 > v2, 'topic config applied');
    rim.wipeWritePermOfBroker('broker-a');
    const v4 = rim.routeVersion;
    assert.ok(v4 > v3, 'perm changed');
    rim.onConnectionClosed(a1.conn);
    assert.ok(rim.routeVersion > v4, 'broker removed');
  });
});

describe('RouteInfoManager topic tables', () => {
  test('topics by cluster, delete by cluster and everywhere', () => {
    const { rim, a0, b0 } = setup();
    reg(rim, a0);
    reg(rim, { ...b0, cluster: 'Other' });
    assert.deepEqual(new Set(rim.getTopicsByCluster('DefaultCluster').topicList), new Set(['T1', 'T2']));
    assert.deepEqual(rim.getTopicsByCluster('missing').topicList, []);
    rim.deleteTopic('T1', 'DefaultCluster');
    assert.deepEqual(rim.pickupTopicRouteData('T1')!.queueDatas.map((q) => q.brokerName), ['broker-b']);
    rim.deleteTopic('T1', 'Other');
    assert.equal(rim.pickupTopicRouteData('T1'), undefined);
    rim.deleteTopic('T3');
    assert.deepEqual(rim.getAllTopicList().topicList, ['T2']);
  });

  test('wipe and add write perm touch every topic of the broker group', () => {
    const { rim, a0, b0 } = setup();
    reg(rim, a0);
    reg(rim, b0);
    assert.equal(rim.wipeWritePermOfBroker('broker-a'), 2);
    assert.deepEqual(rim.pickupTopicRouteData('T1')!.queueDatas.map((q) => [q.brokerName, q.perm]), [['broker-b', 6], ['broker-a', 4]]);
    assert.equal(rim.addWritePermOfBroker('broker-a'), 2);
    assert.equal(rim.pickupTopicRouteData('T2')!.queueDatas[0].perm, 6);
    assert.equal(rim.wipeWritePermOfBroker('missing'), 0);
  });

  test('system topic list has cluster and broker names plus one broker address; unit lists filter by sysflag', () => {
    const { rim, a0 } = setup();
    reg(rim, { ...a0, topics: [tc('U1', 1, 6, 1), tc('U2', 1, 6, 2), tc('U3', 1, 6, 3), tc('N', 1, 6, 0)] });
    const sys = rim.getSystemTopicList();
    assert.deepEqual(new Set(sys.topicList), new Set(['DefaultCluster', 'broker-a']));
    assert.equal(sys.brokerAddr, '127.0.0.1:10911');
    assert.deepEqual(new Set(rim.topicsBySysFlag((f) => (f & 1) === 1).topicList), new Set(['U1', 'U3']));
    assert.deepEqual(rim.topicsBySysFlag((f) => (f & 1) === 0 && (f & 2) === 2).topicList, ['U2']);
  });
});
