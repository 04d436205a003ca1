import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { TopicRouteData } from '../protocol/bodies/route.ts';
import { MQFaultStrategy } from './fault-strategy.ts';
import { topicRouteData2TopicPublishInfo } from './publish-info.ts';

function route(brokers: string[], queues = 2): TopicRouteData {
  return {
    queueDatas: brokers.map((brokerName) => ({ brokerName, readQueueNums: queues, writeQueueNums: queues, perm: 6, topicSysFlag: 0 })),
    brokerDatas: brokers.map((brokerName, i) => ({ cluster: 'c', brokerName, brokerAddrs: new Map([[0, `127.0.0.1:${10911 + i}`]]) })),
    filterServerTable: new Map(),
  };
}

describe('MQFaultStrategy', () => {
  test('a failed broker is isolated for the step its 10 s latency reaches, then available again', () => {
    let now = 1_000_000;
    const f = new MQFaultStrategy({ now: () => now });
    f.updateFaultItem('broker-a', 12, true, true);
    assert.equal(f.isAvailable('broker-a'), false);
    now += 9_999;
    assert.equal(f.isAvailable('broker-a'), false);
    now += 2;
    assert.equal(f.isAvailable('broker-a'), true);
    assert.equal(f.isAvailable('broker-b'), true);
  });

  test('a fast send isolates nothing; a slow one isolates by its latency step', () => {
    let now = 0;
    const f = new MQFaultStrategy({ now: () => now });
    f.updateFaultItem('a', 40, false, true);
    assert.equal(f.isAvailable('a'), true);
    f.updateFaultItem('a', 600, false, true);
    assert.equal(f.isAvailable('a'), false);
    now += 2001;
    assert.equal(f.isAvailable('a'), true);
  });

  test('selection skips unavailable brokers and never repeats the broker that just failed when another exists', () => {
    const now = 0;
    const f = new MQFaultStrategy({ now: () => now });
    const info = topicRouteData2TopicPublishInfo('T', route(['broker-a', 'broker-b']));
    f.updateFaultItem('broker-a', 5, true, true);
    for (let i = 0; i < 20; i++) assert.equal(f.selectOneMessageQueue(info, undefined, false)!.brokerName, 'broker-b');
    for (let i = 0; i < 20; i++) assert.equal(f.selectOneMessageQueue(info, 'broker-b', true)!.brokerName, 'broker-a');
  });

  test('when every broker is isolated it still returns a queue', () => {
    const f = new MQFaultStrategy({ now: () => 0 });
    const info = topicRouteData2TopicPublishInfo('T', route(['broker-a']));
    f.updateFaultItem('broker-a', 5, true, false);
    assert.equal(f.selectOneMessageQueue(info, 'broker-a', true)!.brokerName, 'broker-a');
  });

  test('disabled, it only avoids the last broker and records nothing', () => {
    const f = new MQFaultStrategy({ enabled: false });
    const info = topicRouteData2TopicPublishInfo('T', route(['broker-a', 'broker-b']));
    f.updateFaultItem('broker-a', 5, true, true);
    assert.equal(f.isAvailable('broker-a'), true);
    for (let i = 0; i < 10; i++) assert.equal(f.selectOneMessageQueue(info, 'broker-a', false)!.brokerName, 'broker-b');
  });
});

describe('TopicPublishInfo', () => {
  test('lists writable queues of brokers with a master, brokers sorted by name', () => {
    const r = route(['broker-b', 'broker-a', 'broker-c']);
    r.queueDatas[2]!.perm = 4; // broker-c read-only
    r.brokerDatas[0]!.brokerAddrs = new Map([[1, '127.0.0.1:1']]); // broker-b has no master
    const info = topicRouteData2TopicPublishInfo('T', r);
    assert.deepEqual(info.messageQueueList, [{ topic: 'T', brokerName: 'broker-a', queueId: 0 }, { topic: 'T', brokerName: 'broker-a', queueId: 1 }]);
  });

  test('an order topic lists its configured queues', () => {
    const r = route(['broker-a', 'broker-b']);
    r.orderTopicConf = 'broker-b:1;broker-a:2';
    const info = topicRouteData2TopicPublishInfo('T', r);
    assert.equal(info.orderTopic, true);
    assert.deepEqual(info.messageQueueList.map((q) => `${q.brokerName}:${q.queueId}`), ['broker-b:0', 'broker-a:0', 'broker-a:1']);
  });

  test('round-robin visits every queue once per lap', () => {
    const info = topicRouteData2TopicPublishInfo('T', route(['broker-a', 'broker-b'], 4));
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const q = info.selectOneMessageQueue()!;
      seen.add(`${q.brokerName}:${q.queueId}`);
    }
    assert.equal(seen.size, 8);
  });
});
