import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PermName } from '../../protocol/constants.ts';
import { TopicConfigManager, newTopicConfig } from './topic-config-manager.ts';
import { silentLog, testConfig, withTempDir } from '../test-util.ts';

describe('topic table', () => {
  test('starts with RocketMQ system topics, queue counts and permissions', () => withTempDir((dir) => {
    const m = new TopicConfigManager(() => testConfig(), path.join(dir, 'topics.json'), silentLog);
    const tbw = m.selectTopicConfig('TBW102')!;
    assert.equal(tbw.perm, 7);
    assert.equal(tbw.writeQueueNums, 8);
    assert.equal(m.selectTopicConfig('SCHEDULE_TOPIC_XXXX')!.readQueueNums, 18);
    assert.equal(m.selectTopicConfig('BenchmarkTest')!.writeQueueNums, 1024);
    assert.equal(m.selectTopicConfig('OFFSET_MOVED_EVENT')!.writeQueueNums, 1);
    assert.equal(m.selectTopicConfig('SELF_TEST_TOPIC')!.writeQueueNums, 1);
    assert.equal(m.selectTopicConfig('UnitCluster')!.perm, 7);
    assert.equal(m.selectTopicConfig('broker-u')!.writeQueueNums, 1);
    assert.equal(m.selectTopicConfig('UnitCluster_REPLY_TOPIC')!.writeQueueNums, 1);
    assert.equal(m.isSystemTopic('broker-u'), true);
    assert.equal(m.isSystemTopic('rmq_sys_anything'), true);
    assert.equal(m.isSystemTopic('Orders'), false);
  }));

  test('traceTopicEnable creates the trace topic (msgTraceTopicName, one queue) as a system topic; off by default', () => withTempDir((dir) => {
    const off = new TopicConfigManager(() => testConfig(), path.join(dir, 'off.json'), silentLog);
    assert.equal(off.selectTopicConfig('RMQ_SYS_TRACE_TOPIC'), undefined);
    const on = new TopicConfigManager(() => testConfig({ traceTopicEnable: true }), path.join(dir, 'on.json'), silentLog);
    assert.deepEqual([on.selectTopicConfig('RMQ_SYS_TRACE_TOPIC')!.readQueueNums, on.selectTopicConfig('RMQ_SYS_TRACE_TOPIC')!.writeQueueNums], [1, 1]);
    const named = new TopicConfigManager(() => testConfig({ traceTopicEnable: true, msgTraceTopicName: 'OrdersTrace' }), path.join(dir, 'named.json'), silentLog);
    assert.ok(named.selectTopicConfig('OrdersTrace'));
    assert.equal(named.selectTopicConfig('RMQ_SYS_TRACE_TOPIC'), undefined);
    assert.equal(named.isSystemTopic('OrdersTrace'), true);
  }));

  test('without auto-creation there is no TBW102 and sends cannot create topics', () => withTempDir((dir) => {
    const m = new TopicConfigManager(() => testConfig({ autoCreateTopicEnable: false }), path.join(dir, 'topics.json'), silentLog);
    assert.equal(m.selectTopicConfig('TBW102'), undefined);
    assert.equal(m.createTopicInSendMessageMethod('New', 'TBW102', 'x', 4, 0).topicConfig, undefined);
  }));

  test('auto-creation takes min(client queues, default topic queues) and drops the inherit bit', () => withTempDir((dir) => {
    const m = new TopicConfigManager(() => testConfig(), path.join(dir, 'topics.json'), silentLog);
    const before = m.dataVersion.counter;
    const r = m.createTopicInSendMessageMethod('Auto', 'TBW102', '127.0.0.1:1', 16, 0);
    assert.equal(r.created, true);
    assert.equal(r.topicConfig!.writeQueueNums, 8);
    assert.equal(r.topicConfig!.perm, PermName.PERM_READ | PermName.PERM_WRITE);
    assert.equal(m.dataVersion.counter, before + 1);
    assert.equal(m.createTopicInSendMessageMethod('Auto', 'TBW102', 'x', 2, 0).created, false);
    assert.equal(m.createTopicInSendMessageMethod('Small', 'TBW102', 'x', 2, 0).topicConfig!.writeQueueNums, 2);
  }));

  test('a default topic without the inherit permission cannot seed new topics', () => withTempDir((dir) => {
    const m = new TopicConfigManager(() => testConfig(), path.join(dir, 'topics.json'), silentLog);
    m.updateTopicConfig(newTopicConfig('Plain', { perm: 6 }));
    assert.equal(m.createTopicInSendMessageMethod('Child', 'Plain', 'x', 4, 0).topicConfig, undefined);
  }));

  test('the table persists as topics.json and loads back, falling back to the .bak copy', async () => withTempDir(async (dir) => {
    const file = path.join(dir, 'topics.json');
    const m = new TopicConfigManager(() => testConfig(), file, silentLog);
    m.updateTopicConfig(newTopicConfig('Kept', { readQueueNums: 3, writeQueueNums: 3, order: true }));
    m.updateTopicConfig(newTopicConfig('Kept2'));
    await m.flush();
    assert.match(readFileSync(file, 'utf8'), /"Kept":\{"order":true,"perm":6,"readQueueNums":3/);
    const again = new TopicConfigManager(() => testConfig(), file, silentLog);
    again.load();
    assert.equal(again.selectTopicConfig('Kept')!.readQueueNums, 3);
    assert.equal(again.isOrderTopic('Kept'), true);
    assert.deepEqual(again.dataVersion, m.dataVersion);
    writeFileSync(file, '{broken');
    const fromBak = new TopicConfigManager(() => testConfig(), file, silentLog);
    fromBak.load();
    assert.equal(fromBak.selectTopicConfig('Kept')!.readQueueNums, 3);
  }));

  test('a broker that is not writeable advertises its permission on every topic when registering', () => withTempDir((dir) => {
    const m = new TopicConfigManager(() => testConfig({ brokerPermission: 4 }), path.join(dir, 'topics.json'), silentLog);
    m.updateTopicConfig(newTopicConfig('T'));
    assert.equal(m.buildSerializeWrapper(true).topicConfigTable.get('T')!.perm, 4);
    assert.equal(m.buildSerializeWrapper(false).topicConfigTable.get('T')!.perm, 6);
  }));

  test('an incremental registration wrapper holds only the named topics that exist, with the current DataVersion', () => withTempDir((dir) => {
    const m = new TopicConfigManager(() => testConfig(), path.join(dir, 'topics.json'), silentLog);
    m.updateTopicConfig(newTopicConfig('A'));
    m.updateTopicConfig(newTopicConfig('B'));
    const w = m.buildSerializeWrapper(true, ['B', 'Missing']);
    assert.deepEqual([...w.topicConfigTable.keys()], ['B']);
    assert.deepEqual(w.dataVersion, m.dataVersion);
  }));

  test('a stream of topic changes does not encode topics.json back to back', () => withTempDir(async (dir) => {
    const m = new TopicConfigManager(() => testConfig(), path.join(dir, 'topics.json'), silentLog);
    const encode = m.encode.bind(m);
    let encodes = 0;
    m.encode = () => {
      encodes++;
      const until = performance.now() + 5; // an encode as slow as a table of ~1,000 topics
      while (performance.now() < until);
      return encode();
    };
    const end = performance.now() + 300;
    let changes = 0;
    while (performance.now() < end) {
      m.updateTopicConfig(newTopicConfig(`T${changes++}`));
      await new Promise((r) => setTimeout(r, 1));
    }
    await m.flush();
    // Back to back: one encode per ~6 ms (~50 in 300 ms); spaced 10x their own duration: one per ~55 ms.
    assert.ok(encodes <= 12, `${encodes} encodes for ${changes} changes`);
    assert.ok(encodes >= 2);
    assert.ok(readFileSync(path.join(dir, 'topics.json'), 'utf8').includes(`"T${changes - 1}"`), 'the last change is on disk after flush');
  }));
});
