// Tests for the typed body encoders: bodies built from typed values match what Apache RocketMQ wrote.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadVector } from '../fixtures/vectors.ts';
import {
  encodeTopicRouteData, encodeClusterInfo, decodeTopicRouteData, encodeHeartbeatData, encodeRegisterBrokerBody,
  decodeRegisterBrokerBody, encodeSubscriptionGroupConfig, decodeSubscriptionGroupConfig, SUBSCRIPTION_GROUP_DEFAULTS,
  encodeConsumerRunningInfo, decodeConsumerRunningInfo, encodeConsumeStats, computeTotalDiff, encodeConsumerOffsetSerializeWrapper,
  encodeTopicConfig, decodeTopicConfig, encodeDataVersion, decodeDataVersion, encodeQueryConsumeTimeSpanBody,
  decodeQueryConsumeTimeSpanBody, formatTimeStampStr, encodeGetConsumerStatusBody, decodeGetConsumerStatusBody,
  encodeSubscriptionGroupWrapper, decodeSubscriptionGroupWrapper, encodeKVTable, decodeKVTable,
  type TopicRouteData, type HeartbeatData, type ConsumeStats,
} from './index.ts';

const text = (dir: string, which: 'request' | 'response'): string => {
  const v = loadVector(dir);
  return (which === 'request' ? v.request.body : v.response?.body)?.toString('utf8') ?? '';
};

describe('body encoders', () => {
  const route: TopicRouteData = {
    queueDatas: [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
    brokerDatas: [{ cluster: 'DefaultCluster', brokerName: 'broker-a',
      brokerAddrs: new Map([[1, '127.0.0.1:20921'], [0, '127.0.0.1:20911']]) }],
    filterServerTable: new Map(),
  };

  test('TopicRouteData built from values equals the captured standard-JSON answer', () => {
    assert.equal(encodeTopicRouteData(route, { standard: true }).toString(), text('105-GET_ROUTEINFO_BY_TOPIC', 'response'));
  });

  test('TopicRouteData fastjson form (old clients) writes bare broker ids', () => {
    assert.equal(encodeTopicRouteData(route).toString(),
      '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:20911",1:"127.0.0.1:20921"},"brokerName":"broker-a",' +
      '"cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,' +
      '"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}');
  });

  test('5.x BrokerData fields survive a round trip', () => {
    const r = structuredClone(route);
    r.brokerDatas[0].zoneName = 'z1';
    r.brokerDatas[0].enableActingMaster = false;
    r.orderTopicConf = 'broker-a:4';
    assert.deepEqual(decodeTopicRouteData(encodeTopicRouteData(r)), {
      ...r, brokerDatas: [{ ...r.brokerDatas[0], brokerAddrs: new Map([[0, '127.0.0.1:20911'], [1, '127.0.0.1:20921']]) }],
    });
  });

  test('ClusterInfo built from values equals the captured answer', () => {
    const c = {
      brokerAddrTable: new Map([['broker-a', route.brokerDatas[0]]]),
      clusterAddrTable: new Map([['DefaultCluster', ['broker-a']]]),
    };
    assert.equal(encodeClusterInfo(c).toString(), text('106-GET_BROKER_CLUSTER_INFO', 'response'));
  });

  test('HeartbeatData built from values equals the captured producer heartbeat', () => {
    const h: HeartbeatData = {
      clientID: '192.0.2.2@demo-producer-1724530320662',
      producerDataSet: [{ groupName: 'CLIENT_INNER_PRODUCER' }, { groupName: 'demo_producer_group' }],
      consumerDataSet: [],
    };
    assert.equal(encodeHeartbeatData(h).toString(), text('34-HEART_BEAT-producer', 'request'));
  });

  test('RegisterBrokerBody built from values equals the captured re-registration', () => {
    const captured = text('103-REGISTER_BROKER-master-after-updateTopic', 'request');
    const b = decodeRegisterBrokerBody(captured);
    const built = encodeRegisterBrokerBody({
      filterServerList: [],
      topicConfigSerializeWrapper: {
        dataVersion: { counter: 1, timestamp: b.topicConfigSerializeWrapper.dataVersion.timestamp },
        topicConfigTable: new Map([['VecTopic', { topicName: 'VecTopic', readQueueNums: 4, writeQueueNums: 4, perm: 6,
          topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false }]]),
      },
    });
    assert.equal(built.toString(), captured);
  });

  test('SubscriptionGroupConfig defaults are Java field initialisers', () => {
    const c = decodeSubscriptionGroupConfig('{"groupName":"g"}');
    assert.deepEqual(c, { groupName: 'g', ...SUBSCRIPTION_GROUP_DEFAULTS });
    assert.equal(encodeSubscriptionGroupConfig(c).toString(),
      '{"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,"consumeFromMinEnable":true,"groupName":"g",' +
      '"notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}');
  });

  test('5.x subscription group fields (attributes, retry policy, forbidden table) survive a round trip', () => {
    const body = '{"dataVersion":{"counter":1,"stateVersion":0,"timestamp":5},"forbiddenTable":{"g":{"T":1}},' +
      '"subscriptionGroupTable":{"g":{"attributes":{},"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,' +
      '"consumeFromMinEnable":true,"consumeMessageOrderly":false,"consumeTimeoutMinute":15,"groupName":"g",' +
      '"groupRetryPolicy":{"type":"CUSTOMIZED"},"groupSysFlag":0,"notifyConsumerIdsChangedEnable":true,' +
      '"retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}}}';
    const w = decodeSubscriptionGroupWrapper(body);
    assert.equal(w.forbiddenTable?.get('g')?.get('T'), 1);
    assert.equal(w.dataVersion.stateVersion, 0);
    assert.equal(encodeSubscriptionGroupWrapper(w).toString(), body);
  });

  test('ConsumerRunningInfo is written with sorted queues, statuses and subscriptions (Java TreeMap/TreeSet)', () => {
    const body = text('307-GET_CONSUMER_RUNNING_INFO', 'response');
    const r = decodeConsumerRunningInfo(body);
    r.mqTable.reverse();
    r.subscriptionSet.reverse();
    r.statusTable = new Map([...r.statusTable].reverse());
    assert.equal(encodeConsumerRunningInfo(r).toString(), body);
  });

  test('ConsumeStats writes its tps as a Java double and totals the lag', () => {
    const c: ConsumeStats = {
      consumeTps: 3,
      offsetTable: [[{ topic: 'T', brokerName: 'b', queueId: 0 }, { brokerOffset: 10, consumerOffset: 4, lastTimestamp: 1 }]],
    };
    assert.equal(encodeConsumeStats(c).toString(),
      '{"consumeTps":3.0,"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"brokerOffset":10,"consumerOffset":4,"lastTimestamp":1}}}');
    assert.equal(computeTotalDiff(c), 6);
  });

  test('consumer offsets are keyed by bare queue ids', () => {
    assert.equal(encodeConsumerOffsetSerializeWrapper({ offsetTable: new Map([['T@g', new Map([[0, 5], [1, 7]])]]) }).toString(),
      '{"offsetTable":{"T@g":{0:5,1:7}}}');
  });

  test('TopicConfig attributes and DataVersion stateVersion (5.x) round-trip', () => {
    const t = { topicName: 'T', readQueueNums: 8, writeQueueNums: 8, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0,
      order: false, attributes: new Map([['+message.type', 'FIFO']]) };
    assert.deepEqual(decodeTopicConfig(encodeTopicConfig(t)), t);
    const d = { counter: 3, timestamp: 99, stateVersion: 1 };
    assert.equal(encodeDataVersion(d).toString(), '{"counter":3,"stateVersion":1,"timestamp":99}');
    assert.deepEqual(decodeDataVersion(encodeDataVersion(d)), d);
  });

  test('QueryConsumeTimeSpanBody writes the derived *Str getters and reads back', () => {
    const b = { consumeTimeSpanSet: [{ messageQueue: { topic: 'T', brokerName: 'b', queueId: 1 }, minTimeStamp: 1000,
      maxTimeStamp: 2000, consumeTimeStamp: 1500, delayTime: 500 }] };
    const textOut = encodeQueryConsumeTimeSpanBody(b).toString();
    assert.ok(textOut.includes(`"minTimeStampStr":"${formatTimeStampStr(1000)}"`));
    assert.match(formatTimeStampStr(Date.UTC(2020, 0, 2, 3, 4, 5, 6)), /^\d{4}-\d{2}-\d{2}#\d{2}:\d{2}:\d{2}:\d{3}$/);
    assert.deepEqual(decodeQueryConsumeTimeSpanBody(textOut), b);
  });

  test('GetConsumerStatusBody with nested MessageQueue maps round-trips', () => {
    const mq = { topic: 'T', brokerName: 'b', queueId: 2 };
    const b = { messageQueueTable: [[mq, 5]] as Array<[typeof mq, number]>, consumerTable: new Map([['c1', [[mq, 7]] as Array<[typeof mq, number]>]]) };
    assert.deepEqual(decodeGetConsumerStatusBody(encodeGetConsumerStatusBody(b)), b);
  });

  test('KVTable keeps insertion order', () => {
    const t = { table: new Map([['z', '1'], ['a', '2']]) };
    assert.equal(encodeKVTable(t).toString(), '{"table":{"z":"1","a":"2"}}');
    assert.deepEqual(decodeKVTable(encodeKVTable(t)), t);
  });
});
