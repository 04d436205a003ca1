// Tests of the Java HashMap/HashSet iteration-order model.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { JavaHashMap, JavaHashSet, javaLongHash, javaStringHash, tableSizeFor } from './java-hash.ts';

describe('java hash codes', () => {
  test('String.hashCode matches Java for known strings', () => {
    assert.equal(javaStringHash(''), 0);
    assert.equal(javaStringHash('hello'), 99162322);
    assert.equal(javaStringHash('Aa'), javaStringHash('BB'));
    assert.equal(javaStringHash('abc'), 96354);
  });

  test('Long.hashCode folds the high word into the low word', () => {
    assert.equal(javaLongHash(0), 0);
    assert.equal(javaLongHash(7), 7);
    assert.equal(javaLongHash(2 ** 32 + 1), 0);
    assert.equal(javaLongHash(-1), 0);
    assert.equal(javaLongHash(2 ** 32), 1);
  });

  test('tableSizeFor rounds up to a power of two', () => {
    assert.deepEqual([0, 1, 3, 16, 17, 1024].map(tableSizeFor), [1, 1, 4, 16, 32, 1024]);
  });
});

describe('JavaHashMap', () => {
  test('the topic list of the captured 206 response comes out in Java order', () => {
    // topicQueueTable (capacity 1024) copied into TopicList's HashSet (capacity 16), as namesrv 4.9.8 does.
    const registered = ['SCHEDULE_TOPIC_XXXX', 'SELF_TEST_TOPIC', 'DefaultCluster', 'DefaultCluster_REPLY_TOPIC', 'broker-a', 'TBW102', 'BenchmarkTest', 'OFFSET_MOVED_EVENT', 'VecTopic', 'VecTopicV1'];
    const table = new JavaHashMap<string, number>(1024);
    for (const t of registered) table.set(t, 1);
    const set = new JavaHashSet<string>(16, table.keys());
    assert.deepEqual(
      [...set],
      ['SCHEDULE_TOPIC_XXXX', 'DefaultCluster_REPLY_TOPIC', 'VecTopic', 'VecTopicV1', 'BenchmarkTest', 'OFFSET_MOVED_EVENT', 'broker-a', 'TBW102', 'SELF_TEST_TOPIC', 'DefaultCluster'],
    );
  });

  test('grows past three quarters full and never shrinks', () => {
    const m = new JavaHashMap<number, string>();
    for (let i = 0; i < 12; i++) m.set(i, 'x');
    assert.equal(m.capacity, 16);
    m.set(12, 'x');
    assert.equal(m.capacity, 32);
    for (let i = 0; i < 13; i++) m.delete(i);
    assert.equal(m.size, 0);
    assert.equal(m.capacity, 32);
  });

  test('colliding keys keep insertion order; a re-put keeps its place, a re-insert goes last', () => {
    const m = new JavaHashMap<number, string>();
    m.set(16, 'a');
    m.set(0, 'b');
    m.set(32, 'c');
    m.set(1, 'd');
    assert.deepEqual(m.keys(), [16, 0, 32, 1]);
    m.set(16, 'a2');
    assert.deepEqual(m.entries()[0], [16, 'a2']);
    m.delete(16);
    m.set(16, 'a3');
    assert.deepEqual(m.keys(), [0, 32, 16, 1]);
  });

  test('copyOf sizes the copy for its content, as HashMap.clone does', () => {
    const m = new JavaHashMap<number, string>();
    for (const id of [1, 4]) m.set(id, `addr${id}`);
    assert.deepEqual(m.keys(), [1, 4]);
    const copy = JavaHashMap.copyOf(m);
    assert.equal(copy.capacity, 4);
    assert.deepEqual(copy.keys(), [4, 1]);
  });

  test('set and delete return the previous value like put/remove', () => {
    const m = new JavaHashMap<string, number>();
    assert.equal(m.set('a', 1), undefined);
    assert.equal(m.set('a', 2), 1);
    assert.equal(m.delete('a'), 2);
    assert.equal(m.delete('a'), undefined);
    assert.deepEqual(m.toMap(), new Map());
  });
});
