// Every nameserver request code over a real connection to an in-process nameserver: answers, headers and bodies.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { MQVersion, RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { createRequest, type HeaderInput } from '../../remoting/command.ts';
import { DELETE_KV_CONFIG_BY_VALUE, GET_KV_CONFIG_BY_VALUE } from '../processors/kv.ts';
import { GET_BROKER_LIVE_INFO } from '../processors/live-info.ts';
import { registerBroker, startInProcess, type TestBroker } from './harness.ts';

setLogSink(() => {});

const A0: TestBroker = {
  cluster: 'C1',
  brokerName: 'broker-a',
  brokerId: 0,
  brokerAddr: '127.0.0.1:10911',
  haServerAddr: '127.0.0.1:10912',
  topics: [{ topicName: 'T1', queues: 4 }, { topicName: 'T2', queues: 2 }],
  dataVersion: { counter: 3, timestamp: 1700000000000 },
};

describe('nameserver requests', () => {
  let srv: Awaited<ReturnType<typeof startInProcess>>;
  const broker = new RemotingClient();
  const client = new RemotingClient();
  const call = (code: number, header?: HeaderInput, opts: { body?: Buffer; version?: number } = {}) =>
    client.invoke(srv.ctl.address, createRequest(code, header, opts), 5000);

  before(async () => {
    srv = await startInProcess();
    await registerBroker(broker, srv.ctl.address, A0);
  });
  after(async () => {
    await Promise.all([broker.close(), client.close()]);
    await srv.stop();
  });

  test('GET_BROKER_LIVE_INFO (RocketDeck extension) answers each live broker with its last registration time', async () => {
    const before = Date.now();
    await registerBroker(broker, srv.ctl.address, A0);
    const res = await call(GET_BROKER_LIVE_INFO);
    assert.equal(res.code, ResponseCode.SUCCESS);
    const { brokers } = JSON.parse(res.body!.toString());
    assert.equal(brokers.length, 1);
    const [b] = brokers;
    assert.deepEqual(
      { ...b, lastUpdateTimestamp: 0 },
      {
        brokerAddr: A0.brokerAddr, brokerName: 'broker-a', brokerId: 0, clusterName: 'C1', lastUpdateTimestamp: 0,
        haServerAddr: A0.haServerAddr, dataVersion: A0.dataVersion,
      },
    );
    assert.ok(b.lastUpdateTimestamp >= before && b.lastUpdateTimestamp <= Date.now());
  });

  test('GET_ROUTEINFO_BY_TOPIC answers fastjson with bare integer keys to clients older than 4.9.4', async () => {
    const old = await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' }, { version: MQVersion.V4_9_3 });
    assert.match(old.body!.toString(), /"brokerAddrs":\{0:"127\.0\.0\.1:10911"\}/);
    const asked = await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1', acceptStandardJsonOnly: true }, { version: MQVersion.V4_9_3 });
    assert.match(asked.body!.toString(), /"brokerAddrs":\{"0":"127\.0\.0\.1:10911"\}/);
  });

  test('orderTopicConf comes from ORDER_TOPIC_CONFIG only when orderMessageEnable is set', async () => {
    assert.equal((await call(RequestCode.PUT_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T1', value: 'broker-a:4' })).code, 0);
    assert.doesNotMatch((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' })).body!.toString(), /orderTopicConf/);
    assert.equal((await call(RequestCode.UPDATE_NAMESRV_CONFIG, undefined, { body: Buffer.from('orderMessageEnable=true\n') })).code, 0);
    assert.match((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' })).body!.toString(), /,"orderTopicConf":"broker-a:4","queueDatas"/);
    // Brokers get the namespace back with every registration.
    assert.equal((await registerBroker(broker, srv.ctl.address, A0)).body?.toString(), '{"table":{"T1":"broker-a:4"}}');
    await call(RequestCode.UPDATE_NAMESRV_CONFIG, undefined, { body: Buffer.from('orderMessageEnable=false\n') });
    await call(RequestCode.DELETE_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'T1' });
  });

  test('KV config: put, get, list by namespace, by value, delete; the file follows', async () => {
    await call(RequestCode.PUT_KV_CONFIG, { namespace: 'NS', key: 'k1', value: 'v' });
    await call(RequestCode.PUT_KV_CONFIG, { namespace: 'NS', key: 'k2', value: 'v' });
    const got = await call(RequestCode.GET_KV_CONFIG, { namespace: 'NS', key: 'k1' });
    assert.deepEqual([got.code, got.extFields], [0, { value: 'v' }]);
    const list = await call(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'NS' });
    assert.deepEqual(JSON.parse(list.body!.toString()), { table: { k1: 'v', k2: 'v' } });
    const byValue = await call(GET_KV_CONFIG_BY_VALUE, { namespace: 'NS', key: 'v' });
    assert.deepEqual(byValue.extFields!.value.split(';').sort(), ['k1', 'k2']);
    const file = join(srv.dir, 'kvConfig.json');
    assert.ok(existsSync(file));
    assert.match(readFileSync(file, 'utf8'), /"NS":\{/);
    await call(DELETE_KV_CONFIG_BY_VALUE, { namespace: 'NS', key: 'v' });
    const gone = await call(RequestCode.GET_KV_CONFIG, { namespace: 'NS', key: 'k1' });
    assert.equal(gone.code, ResponseCode.QUERY_NOT_FOUND);
    assert.equal(gone.remark, 'No config item, Namespace: NS Key: k1');
    const noNs = await call(RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'nope' });
    assert.deepEqual([noNs.code, noNs.remark], [ResponseCode.QUERY_NOT_FOUND, 'No config item, Namespace: nope']);
  });

  test('code 217 with a 5.x REGISTER_TOPIC_IN_NAMESRV header is not mistaken for a by-value lookup', async () => {
    const res = await call(GET_KV_CONFIG_BY_VALUE, { topic: 'T1' });
    assert.equal(res.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });

  test('QUERY_DATA_VERSION says whether the broker topic config changed and returns ours', async () => {
    const header = { brokerName: 'broker-a', brokerAddr: A0.brokerAddr, clusterName: 'C1', brokerId: 0 };
    const same = await call(RequestCode.QUERY_DATA_VERSION, header, { body: Buffer.from(JSON.stringify(A0.dataVersion)) });
    assert.deepEqual(same.extFields, { changed: 'false' });
    assert.equal(same.body!.toString(), '{"counter":3,"timestamp":1700000000000}');
    const newer = await call(RequestCode.QUERY_DATA_VERSION, header, { body: Buffer.from('{"counter":4,"timestamp":1700000000001}') });
    assert.deepEqual(newer.extFields, { changed: 'true' });
    const noBody = await call(RequestCode.QUERY_DATA_VERSION, header);
    assert.equal(noBody.code, ResponseCode.SYSTEM_ERROR);
    assert.match(noBody.remark!, /DataVersion/);
  });

  test('topic lists: all, by cluster, system, unit', async () => {
    const list = async (code: number, header?: HeaderInput) => JSON.parse((await call(code, header)).body!.toString());
    assert.deepEqual(new Set((await list(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)).topicList), new Set(['T1', 'T2']));
    assert.deepEqual(new Set((await list(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'C1' })).topicList), new Set(['T1', 'T2']));
    assert.deepEqual((await list(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'none' })).topicList, []);
    const sys = await list(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS);
    assert.deepEqual([new Set(sys.topicList), sys.brokerAddr], [new Set(['C1', 'broker-a']), A0.brokerAddr]);
    assert.deepEqual((await list(RequestCode.GET_UNIT_TOPIC_LIST)).topicList, []);
    assert.deepEqual((await list(RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST)).topicList, []);
    assert.deepEqual((await list(RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST)).topicList, []);
  });

  test('WIPE/ADD_WRITE_PERM_OF_BROKER answer the topic count and change the route perm', async () => {
    const wipe = await call(RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    assert.deepEqual(wipe.extFields, { wipeTopicCount: '2' });
    assert.match((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' })).body!.toString(), /"perm":4/);
    const add = await call(RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' });
    assert.deepEqual(add.extFields, { addTopicCount: '2' });
    assert.match((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T1' })).body!.toString(), /"perm":6/);
  });

  test('DELETE_TOPIC_IN_NAMESRV removes the route', async () => {
    assert.equal((await call(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'T2', clusterName: 'C1' })).code, 0);
    assert.equal((await call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T2' })).code, ResponseCode.TOPIC_NOT_EXIST);
  });

  test('REGISTER_BROKER with a wrong body CRC is refused', async () => {
    const res = await call(
      RequestCode.REGISTER_BROKER,
      { brokerName: 'x', brokerAddr: 'x:1', clusterName: 'c', haServerAddr: 'x:2', brokerId: 0, bodyCrc32: 12345 },
      { body: Buffer.from('{}') },
    );
    assert.deepEqual([res.code, res.remark], [ResponseCode.SYSTEM_ERROR, 'crc32 not match']);
  });

  test('GET/UPDATE_NAMESRV_CONFIG: live update, black list, unknown key, persisted file', async () => {
    const update = (text: string) => call(RequestCode.UPDATE_NAMESRV_CONFIG, undefined, { body: Buffer.from(text) });
    assert.equal((await update('brokerChannelExpiredTime=60000\n')).code, 0);
    assert.equal(srv.ctl.routes.brokerChannelExpiredTime, 60000);
    assert.match((await call(RequestCode.GET_NAMESRV_CONFIG)).body!.toString(), /^brokerChannelExpiredTime=60000$/m);
    assert.match(readFileSync(join(srv.dir, 'namesrv.properties'), 'utf8'), /^brokerChannelExpiredTime=60000$/m);
    const black = await update('kvConfigPath=/etc/passwd\n');
    assert.equal(black.code, ResponseCode.NO_PERMISSION);
    assert.match(black.remark!, /black list.*kvConfigPath/);
    const unknown = await update('noSuchKey=1\n');
    assert.equal(unknown.code, ResponseCode.INVALID_PARAMETER);
    assert.match(unknown.remark!, /noSuchKey/);
    const badValue = await update('scanNotActiveBrokerInterval=soon\n');
    assert.equal(badValue.code, ResponseCode.INVALID_PARAMETER);
    assert.match(badValue.remark!, /scanNotActiveBrokerInterval/);
  });

  test('UNREGISTER_BROKER of the only broker empties the tables', async () => {
    const res = await call(RequestCode.UNREGISTER_BROKER, { brokerName: 'broker-a', brokerAddr: A0.brokerAddr, clusterName: 'C1', brokerId: 0 });
    assert.equal(res.code, 0);
    assert.equal((await call(RequestCode.GET_BROKER_CLUSTER_INFO)).body!.toString(), '{"brokerAddrTable":{},"clusterAddrTable":{}}');
    assert.equal((await call(GET_BROKER_LIVE_INFO)).body!.toString(), '{"brokers":[]}');
  });
});
