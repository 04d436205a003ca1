// Every captured Apache RocketMQ 4.9.8 frame pair: bodies decoded with their typed codec, checked against known
// values, re-encoded byte-for-byte, and headers decoded with their spec.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { listVectorDirs, loadVector } from './fixtures/vectors.ts';
import { decodeHeader, HEADERS_BY_CODE } from './headers.ts';
import { ResponseCode } from './codes.ts';
import * as B from './bodies/index.ts';
import type { StringifyOptions } from './fastjson.ts';

interface Codec<T> {
  name: string;
  decode: (body: Buffer) => T;
  encode: (value: T, opts?: StringifyOptions) => Buffer;
  opts?: StringifyOptions;
  /** checks against values known from the captured files */
  check?: (value: T) => void;
}

const codec = <T>(c: Codec<T>): Codec<unknown> => c as Codec<unknown>;

const routeCheck = (perm: number, queues: number) => (r: B.TopicRouteData): void => {
  assert.equal(r.brokerDatas.length, 1);
  assert.equal(r.brokerDatas[0].brokerName, 'broker-a');
  assert.equal(r.brokerDatas[0].cluster, 'DefaultCluster');
  assert.equal(r.brokerDatas[0].brokerAddrs.get(0), '127.0.0.1:20911');
  assert.equal(r.brokerDatas[0].brokerAddrs.get(1), '127.0.0.1:20921');
  assert.deepEqual(r.queueDatas, [{ brokerName: 'broker-a', perm, readQueueNums: queues, writeQueueNums: queues, topicSysFlag: 0 }]);
  assert.equal(r.filterServerTable.size, 0);
};

const ROUTE = (perm: number, queues: number): Codec<unknown> => codec<B.TopicRouteData>({
  name: 'TopicRouteData', decode: B.decodeTopicRouteData, encode: B.encodeTopicRouteData, opts: { standard: true },
  check: routeCheck(perm, queues),
});

const CLUSTER = codec<B.ClusterInfo>({
  name: 'ClusterInfo', decode: B.decodeClusterInfo, encode: B.encodeClusterInfo,
  check: (c) => {
    assert.deepEqual([...c.brokerAddrTable.get('broker-a')!.brokerAddrs], [[0, '127.0.0.1:20911'], [1, '127.0.0.1:20921']]);
    assert.deepEqual(c.clusterAddrTable.get('DefaultCluster'), ['broker-a']);
  },
});

const REGISTER = (counter: number, topics: number, hasVecTopic: boolean): Codec<unknown> => codec<B.RegisterBrokerBody>({
  name: 'RegisterBrokerBody', decode: B.decodeRegisterBrokerBody, encode: B.encodeRegisterBrokerBody,
  check: (b) => {
    const w = b.topicConfigSerializeWrapper;
    assert.equal(w.dataVersion.counter, counter);
    assert.equal(w.topicConfigTable.size, topics);
    assert.deepEqual(b.filterServerList, []);
    if (hasVecTopic) {
      assert.deepEqual(w.topicConfigTable.get('VecTopic'), {
        topicName: 'VecTopic', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG',
        topicSysFlag: 0, order: false,
      });
    } else {
      assert.equal(w.topicConfigTable.get('SCHEDULE_TOPIC_XXXX')?.readQueueNums, 18);
    }
  },
});

const HEARTBEAT = (clientID: string, groups: string[]): Codec<unknown> => codec<B.HeartbeatData>({
  name: 'HeartbeatData', decode: B.decodeHeartbeatData, encode: B.encodeHeartbeatData,
  check: (h) => {
    assert.equal(h.clientID, clientID);
    assert.deepEqual(h.consumerDataSet.map((c) => c.groupName), groups);
    for (const c of h.consumerDataSet) {
      assert.equal(c.consumeType, 'CONSUME_PASSIVELY');
      assert.equal(c.messageModel, 'CLUSTERING');
      assert.equal(c.subscriptionDataSet.length, 2);
      assert.ok(c.subscriptionDataSet.every((s) => s.subString === '*' && s.expressionType === 'TAG'));
    }
    assert.ok(h.producerDataSet.some((p) => p.groupName === 'CLIENT_INNER_PRODUCER'));
  },
});

const CONSUMER_LIST = (id: string): Codec<unknown> => codec<B.GetConsumerListByGroupResponseBody>({
  name: 'GetConsumerListByGroupResponseBody', decode: B.decodeConsumerListByGroup, encode: B.encodeConsumerListByGroup,
  check: (b) => assert.deepEqual(b.consumerIdList, [id]),
});

const KV_RUNTIME = codec<B.KVTable>({
  name: 'KVTable', decode: B.decodeKVTable, encode: B.encodeKVTable,
  check: (t) => {
    assert.equal(t.table.get('commitLogDiskRatio'), '0.22');
    assert.ok(t.table.has('msgPutTotalTodayNow'));
  },
});

const RESET = codec<B.ResetOffsetBody>({
  name: 'ResetOffsetBody', decode: B.decodeResetOffsetBody, encode: B.encodeResetOffsetBody,
  check: (b) => {
    assert.deepEqual(b.offsetTable.map(([mq, o]) => [mq.topic, mq.brokerName, mq.queueId, o]),
      [3, 2, 1, 0].map((q) => ['VecTopic', 'broker-a', q, 0]));
  },
});

const RUNNING = codec<B.ConsumerRunningInfo>({
  name: 'ConsumerRunningInfo', decode: B.decodeConsumerRunningInfo, encode: B.encodeConsumerRunningInfo,
  check: (r) => {
    assert.equal(r.properties.get('PROP_CLIENT_VERSION'), 'V4_9_8');
    assert.equal(r.properties.get('consumerGroup'), 'vec_cg');
    assert.equal(r.mqTable.length, 5);
    assert.deepEqual(r.mqTable[1][0], { topic: 'VecTopic', brokerName: 'broker-a', queueId: 0 });
    assert.equal(r.mqTable[1][1].commitOffset, 250);
    assert.equal(r.mqTable[1][1].locked, true);
    assert.equal(r.statusTable.get('VecTopic')?.pullRT, 9.78125);
    assert.equal(r.statusTable.get('VecTopic')?.consumeOKTPS, 100);
    assert.deepEqual(r.subscriptionSet.map((s) => s.topic), ['%RETRY%vec_cg', 'VecTopic']);
  },
});

const PROPS = (key: string, value: string, size?: number): Codec<unknown> => codec<Map<string, string>>({
  name: 'properties', decode: B.decodeProperties, encode: (m) => B.encodeProperties(m),
  check: (m) => {
    assert.equal(m.get(key), value);
    if (size !== undefined) assert.equal(m.size, size);
  },
});

// request/response body codec per vector dir; 'binary' = message-store bytes (the message codec's business),
// 'payload' = a message body sent as-is.
type BodySpec = Codec<unknown> | 'binary' | { payload: string };
const TABLE: Record<string, { request?: BodySpec; response?: BodySpec }> = {
  '10-SEND_MESSAGE': { request: { payload: 'Hello RocketMQ 0' } },
  '100-PUT_KV_CONFIG': {},
  '102-DELETE_KV_CONFIG': {},
  '103-REGISTER_BROKER': { request: REGISTER(0, 8, false) },
  '103-REGISTER_BROKER-master-after-updateTopic': { request: REGISTER(1, 1, true) },
  '103-REGISTER_BROKER-slave': { request: REGISTER(0, 8, false) },
  '105-GET_ROUTEINFO_BY_TOPIC': { response: ROUTE(6, 4) },
  '105-GET_ROUTEINFO_BY_TOPIC-ROCKETMQ': {},
  '105-GET_ROUTEINFO_BY_TOPIC-ROCKETMQ-success': { response: ROUTE(7, 8) },
  '105-GET_ROUTEINFO_BY_TOPIC-topic-not-exist': {},
  '106-GET_BROKER_CLUSTER_INFO': { response: CLUSTER },
  '106-GET_BROKER_CLUSTER_INFO-ROCKETMQ': { response: CLUSTER },
  '11-PULL_MESSAGE': { response: 'binary' },
  '11-PULL_MESSAGE-PULL_NOT_FOUND': {},
  '11-PULL_MESSAGE-ROCKETMQ': { response: 'binary' },
  '11-PULL_MESSAGE-SUBSCRIPTION_NOT_LATEST': {},
  '12-QUERY_MESSAGE': { response: 'binary' },
  '12-QUERY_MESSAGE-uniqKey': { response: 'binary' },
  '14-QUERY_CONSUMER_OFFSET': {},
  '14-QUERY_CONSUMER_OFFSET-ROCKETMQ': {},
  '15-UPDATE_CONSUMER_OFFSET': {},
  '15-UPDATE_CONSUMER_OFFSET-ROCKETMQ': {},
  '15-UPDATE_CONSUMER_OFFSET-sync': {},
  '17-UPDATE_AND_CREATE_TOPIC': {},
  '200-UPDATE_AND_CREATE_SUBSCRIPTIONGROUP': {
    request: codec<B.SubscriptionGroupConfig>({
      name: 'SubscriptionGroupConfig', decode: B.decodeSubscriptionGroupConfig, encode: B.encodeSubscriptionGroupConfig,
      check: (c) => assert.deepEqual(c, {
        groupName: 'vec_sub_cg', consumeEnable: true, consumeFromMinEnable: false, consumeBroadcastEnable: false,
        retryQueueNums: 1, retryMaxTimes: 16, brokerId: 0, whichBrokerWhenConsumeSlowly: 1,
        notifyConsumerIdsChangedEnable: true,
      }),
    }),
  },
  '201-GET_ALL_SUBSCRIPTIONGROUP_CONFIG': {
    response: codec<B.SubscriptionGroupWrapper>({
      name: 'SubscriptionGroupWrapper', decode: B.decodeSubscriptionGroupWrapper, encode: B.encodeSubscriptionGroupWrapper,
      check: (w) => {
        assert.equal(w.dataVersion.counter, 2);
        assert.equal(w.subscriptionGroupTable.get('vec_sub_cg')?.consumeBroadcastEnable, false);
        assert.equal(w.subscriptionGroupTable.get('vec_cg')?.retryMaxTimes, 16);
      },
    }),
  },
  '202-GET_TOPIC_STATS_INFO': {
    response: codec<B.TopicStatsTable>({
      name: 'TopicStatsTable', decode: B.decodeTopicStatsTable, encode: B.encodeTopicStatsTable,
      check: (t) => {
        assert.equal(t.offsetTable.length, 4);
        assert.deepEqual(t.offsetTable[0], [{ topic: 'VecTopic', brokerName: 'broker-a', queueId: 3 },
          { minOffset: 0, maxOffset: 250, lastUpdateTimestamp: 1795556242896 }]);
      },
    }),
  },
  '203-GET_CONSUMER_CONNECTION_LIST': {
    response: codec<B.ConsumerConnection>({
      name: 'ConsumerConnection', decode: B.decodeConsumerConnection, encode: B.encodeConsumerConnection,
      check: (c) => {
        assert.deepEqual(c.connectionSet, [{ clientAddr: '127.0.0.1:39228', clientId: '192.0.2.2@demo-consumer-1732855559170',
          language: 'JAVA', version: 409 }]);
        assert.equal(c.consumeFromWhere, 'CONSUME_FROM_FIRST_OFFSET');
        assert.equal(c.subscriptionTable.get('VecTopic')?.subVersion, 1795556250038);
      },
    }),
  },
  '204-GET_PRODUCER_CONNECTION_LIST': {
    response: codec<B.ProducerConnection>({
      name: 'ProducerConnection', decode: B.decodeProducerConnection, encode: B.encodeProducerConnection,
      check: (c) => assert.equal(c.connectionSet[0].clientId, '192.0.2.2@extras-producer-1819955177239'),
    }),
  },
  '206-GET_ALL_TOPIC_LIST_FROM_NAMESERVER': {
    response: codec<B.TopicList>({
      name: 'TopicList', decode: B.decodeTopicList, encode: B.encodeTopicList,
      check: (t) => {
        assert.equal(t.topicList.length, 10);
        assert.ok(t.topicList.includes('VecTopic') && t.topicList.includes('TBW102'));
        assert.equal(t.brokerAddr, undefined);
      },
    }),
  },
  '207-DELETE_SUBSCRIPTIONGROUP': {},
  '208-GET_CONSUME_STATS': {
    response: codec<B.ConsumeStats>({
      name: 'ConsumeStats', decode: B.decodeConsumeStats, encode: B.encodeConsumeStats,
      check: (c) => {
        assert.equal(c.consumeTps, 100);
        assert.equal(c.offsetTable.length, 5);
        assert.equal(B.computeTotalDiff(c), 0);
        assert.equal(c.offsetTable[4][0].topic, '%RETRY%vec_cg');
      },
    }),
  },
  '21-GET_ALL_TOPIC_CONFIG': {
    response: codec<B.TopicConfigSerializeWrapper>({
      name: 'TopicConfigSerializeWrapper', decode: B.decodeTopicConfigSerializeWrapper,
      encode: B.encodeTopicConfigSerializeWrapper,
      check: (w) => {
        assert.equal(w.dataVersion.counter, 2);
        assert.equal(w.dataVersion.timestamp, 1795556231088);
        assert.equal(w.topicConfigTable.get('DefaultCluster')?.perm, 7);
        assert.equal(w.topicConfigTable.get('VecTopic')?.writeQueueNums, 4);
      },
    }),
  },
  '215-DELETE_TOPIC_IN_BROKER': {},
  '216-DELETE_TOPIC_IN_NAMESRV': {},
  '220-RESET_CONSUMER_CLIENT_OFFSET': { request: RESET },
  '222-INVOKE_BROKER_TO_RESET_OFFSET': { response: RESET },
  '222-INVOKE_BROKER_TO_RESET_OFFSET-consumer-offline': {},
  '25-UPDATE_BROKER_CONFIG': { request: PROPS('flushConsumerOffsetInterval', '5000', 1) },
  '26-GET_BROKER_CONFIG': { response: PROPS('namesrvAddr', '127.0.0.1:19876') },
  '28-GET_BROKER_RUNTIME_INFO': { response: KV_RUNTIME },
  '28-GET_BROKER_RUNTIME_INFO-ROCKETMQ': { response: KV_RUNTIME },
  '29-SEARCH_OFFSET_BY_TIMESTAMP': {},
  '30-GET_MAX_OFFSET': {},
  '300-QUERY_TOPIC_CONSUME_BY_WHO': {
    response: codec<B.GroupList>({
      name: 'GroupList', decode: B.decodeGroupList, encode: B.encodeGroupList,
      check: (g) => assert.deepEqual(g.groupList, ['vec_cg']),
    }),
  },
  '307-GET_CONSUMER_RUNNING_INFO': { response: RUNNING },
  '307-GET_CONSUMER_RUNNING_INFO-broker-to-consumer': { response: RUNNING },
  '31-GET_MIN_OFFSET': {},
  '310-SEND_MESSAGE_V2': { request: { payload: 'Hello RocketMQ 0' } },
  '310-SEND_MESSAGE_V2-ROCKETMQ': { request: { payload: 'Hello RocketMQ 0' } },
  '310-SEND_MESSAGE_V2-delay-level-2': { request: { payload: 'delayed message level 2' } },
  '310-SEND_MESSAGE_V2-oneway': { request: { payload: 'oneway message' } },
  '310-SEND_MESSAGE_V2-transaction-half': { request: { payload: 'tx TX-COMMIT' } },
  '315-VIEW_BROKER_STATS_DATA': {
    response: codec<B.BrokerStatsData>({
      name: 'BrokerStatsData', decode: B.decodeBrokerStatsData, encode: B.encodeBrokerStatsData,
      check: (d) => assert.deepEqual(d.statsMinute, { sum: 0, tps: 0, avgpt: 0 }),
    }),
  },
  '317-GET_BROKER_CONSUME_STATS': {
    response: codec<B.ConsumeStatsList>({
      name: 'ConsumeStatsList', decode: B.decodeConsumeStatsList, encode: B.encodeConsumeStatsList,
      check: (l) => {
        assert.equal(l.brokerAddr, '127.0.0.1:20911');
        assert.equal(l.totalDiff, 1);
        assert.equal(l.consumeStatsList.length, 12);
        const retry = l.consumeStatsList.find((m) => m.has('retry_cg'))!.get('retry_cg')!;
        assert.equal(retry[0].consumeTps, 0.28);
        assert.equal(retry[0].offsetTable.length, 4);
        assert.deepEqual(l.consumeStatsList[0].get('SELF_TEST_C_GROUP'), []);
      },
    }),
  },
  '319-GET_NAMESRV_CONFIG': { response: PROPS('listenPort', '19876') },
  '32-GET_EARLIEST_MSG_STORETIME': {},
  '320-SEND_BATCH_MESSAGE': { request: 'binary' },
  '33-VIEW_MESSAGE_BY_ID': { response: 'binary' },
  '34-HEART_BEAT': { request: HEARTBEAT('192.0.2.2@demo-consumer-1732855559170', ['vec_cg']) },
  '34-HEART_BEAT-ROCKETMQ': { request: HEARTBEAT('192.0.2.2@demo-consumer-1801731541564', ['vec_bin_cg']) },
  '34-HEART_BEAT-producer': { request: HEARTBEAT('192.0.2.2@demo-producer-1724530320662', []) },
  '35-UNREGISTER_CLIENT': {},
  '35-UNREGISTER_CLIENT-ROCKETMQ': {},
  '36-CONSUMER_SEND_MSG_BACK': {},
  '37-END_TRANSACTION': {},
  '38-GET_CONSUMER_LIST_BY_GROUP': { response: CONSUMER_LIST('192.0.2.2@demo-consumer-1732855559170') },
  '38-GET_CONSUMER_LIST_BY_GROUP-ROCKETMQ': { response: CONSUMER_LIST('192.0.2.2@demo-consumer-1801731541564') },
  '40-NOTIFY_CONSUMER_IDS_CHANGED': {},
  '41-LOCK_BATCH_MQ': {
    request: codec<B.LockBatchRequestBody>({
      name: 'LockBatchRequestBody', decode: B.decodeLockBatchRequestBody, encode: B.encodeLockBatchRequestBody,
      check: (b) => assert.deepEqual(b, { consumerGroup: 'order_cg', clientId: '192.0.2.2@orderly-consumer-1857585331996',
        mqSet: [{ topic: 'VecTopicOrder', brokerName: 'broker-a', queueId: 0 }] }),
    }),
    response: codec<B.LockBatchResponseBody>({
      name: 'LockBatchResponseBody', decode: B.decodeLockBatchResponseBody, encode: B.encodeLockBatchResponseBody,
      check: (b) => assert.deepEqual(b.lockOKMQSet, [{ topic: 'VecTopicOrder', brokerName: 'broker-a', queueId: 0 }]),
    }),
  },
  '42-UNLOCK_BATCH_MQ': {
    request: codec<B.UnlockBatchRequestBody>({
      name: 'UnlockBatchRequestBody', decode: B.decodeUnlockBatchRequestBody, encode: B.encodeUnlockBatchRequestBody,
      check: (b) => assert.deepEqual(b.mqSet.map((m) => `${m.topic}:${m.queueId}`),
        ['VecTopicOrder:0', 'VecTopicOrder:1', '%RETRY%order_cg:0']),
    }),
  },
  '43-GET_ALL_CONSUMER_OFFSET': {
    response: codec<B.ConsumerOffsetSerializeWrapper>({
      name: 'ConsumerOffsetSerializeWrapper', decode: B.decodeConsumerOffsetSerializeWrapper,
      encode: B.encodeConsumerOffsetSerializeWrapper,
      check: (w) => assert.deepEqual([...w.offsetTable.get('VecTopic@vec_cg')!], [[0, 224], [1, 224], [2, 224], [3, 224]]),
    }),
  },
  '45-GET_ALL_DELAY_OFFSET': {
    response: codec<B.DelayOffsetSerializeWrapper>({
      name: 'DelayOffsetSerializeWrapper', decode: B.decodeDelayOffsetSerializeWrapper,
      encode: B.encodeDelayOffsetSerializeWrapper,
      check: (w) => assert.equal(w.offsetTable.size, 0),
    }),
  },
};

const isEmpty = (b: Buffer | undefined): boolean => b === undefined || b.length === 0;

function checkBody(spec: BodySpec | undefined, body: Buffer | undefined): void {
  if (spec === undefined) {
    assert.ok(isEmpty(body), `unexpected body of ${body?.length} bytes`);
    return;
  }
  assert.ok(body && body.length > 0, 'expected a body');
  if (spec === 'binary') {
    // store-format messages start with a 4-byte big-endian total size, never with JSON text
    assert.notEqual(body[0], 0x7b);
    assert.ok(body.readInt32BE(0) > 0 && body.readInt32BE(0) <= body.length);
    return;
  }
  if ('payload' in spec) {
    assert.equal(body.toString('utf8'), spec.payload);
    return;
  }
  const value = spec.decode(body);
  spec.check?.(value);
  const again = spec.encode(value, spec.opts);
  assert.deepEqual(spec.decode(again), value, `${spec.name}: re-encoded body decodes to different values`);
  assert.equal(again.toString('utf8'), body.toString('utf8'), `${spec.name}: re-encoded text differs`);
}

describe('captured vectors', () => {
  const dirs = listVectorDirs();

  test('every vector directory has an entry in the table', () => {
    assert.deepEqual(dirs.filter((d) => !(d in TABLE)), []);
    assert.deepEqual(Object.keys(TABLE).filter((d) => !dirs.includes(d)), []);
  });

  for (const dir of dirs) {
    test(`${dir}: bodies and headers`, () => {
      const v = loadVector(dir);
      const entry = TABLE[dir] ?? {};
      checkBody(entry.request, v.request.body);
      checkBody(entry.response, v.response?.body);

      // header JSON files agree with the decoded frames, and typed specs accept them
      assert.equal(v.request.code, v.requestHeader.code);
      assert.deepEqual(v.request.extFields ?? {}, v.requestHeader.extFields ?? {});
      const pair = HEADERS_BY_CODE.get(v.request.code);
      if (pair?.request) decodeHeader(pair.request, v.request.extFields);
      if (v.response && v.responseHeader) {
        assert.equal(v.response.code, v.responseHeader.code);
        assert.deepEqual(v.response.extFields ?? {}, v.responseHeader.extFields ?? {});
        if (pair?.response && v.response.code === ResponseCode.SUCCESS) decodeHeader(pair.response, v.response.extFields);
      }
    });
  }
});

describe('TopicRouteData forms', () => {
  test('fastjson form writes broker ids bare, standard form quotes and sorts them', () => {
    const r = B.decodeTopicRouteData(loadVector('105-GET_ROUTEINFO_BY_TOPIC').response?.body);
    r.brokerDatas[0].brokerAddrs = new Map([[1, 'b'], [0, 'a']]);
    assert.match(B.encodeTopicRouteData(r).toString(), /"brokerAddrs":\{0:"a",1:"b"\}/);
    assert.match(B.encodeTopicRouteData(r, { standard: true }).toString(), /"brokerAddrs":\{"0":"a","1":"b"\}/);
  });
});
