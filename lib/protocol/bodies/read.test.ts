// Tests for the body helpers: errors that name the bad field, MessageQueue keys and ordering.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BodyError, compareMessageQueue, mqKey, Fields, parseBody, type MessageQueue } from './read.ts';
import { decodeTopicRouteData } from './route.ts';
import { decodeResetOffsetBody } from './offsets.ts';
import { decodeTopicConfig } from './topic.ts';

describe('body helpers', () => {
  test('an empty or malformed body is a BodyError', () => {
    assert.throws(() => decodeTopicRouteData(undefined), (e: unknown) => e instanceof BodyError && /empty body/.test(e.message));
    assert.throws(() => decodeTopicRouteData(Buffer.from('{"queueDatas":[')), (e: unknown) =>
      e instanceof BodyError && e.message.startsWith('TopicRouteData:'));
  });

  test('a field of the wrong shape names its path', () => {
    assert.throws(() => decodeTopicRouteData('{"queueDatas":[{"perm":"rw"}]}'),
      (e: unknown) => e instanceof BodyError && e.path === 'TopicRouteData.queueDatas[0].perm');
    assert.throws(() => decodeTopicRouteData('{"queueDatas":{}}'), /TopicRouteData.queueDatas: expected an array/);
  });

  test('missing fields take the Java defaults; numeric strings are accepted like fastjson does', () => {
    const t = decodeTopicConfig('{"topicName":"T","perm":"4"}');
    assert.deepEqual(t, { topicName: 'T', readQueueNums: 16, writeQueueNums: 16, perm: 4, topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0, order: false });
  });

  test('MessageQueue keys are read from object keys and from standard-JSON string keys', () => {
    const fast = decodeResetOffsetBody('{"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:5}}');
    const std = decodeResetOffsetBody('{"offsetTable":{"{\\"brokerName\\":\\"b\\",\\"queueId\\":1,\\"topic\\":\\"T\\"}":5}}');
    assert.deepEqual(fast, std);
    assert.deepEqual(fast.offsetTable, [[{ topic: 'T', brokerName: 'b', queueId: 1 }, 5]]);
  });

  test('MessageQueue order is topic, brokerName, queueId', () => {
    const mqs: MessageQueue[] = [
      { topic: 'b', brokerName: 'x', queueId: 0 },
      { topic: 'a', brokerName: 'y', queueId: 1 },
      { topic: 'a', brokerName: 'y', queueId: 0 },
      { topic: 'a', brokerName: 'x', queueId: 9 },
    ];
    assert.deepEqual(mqs.sort(compareMessageQueue).map(mqKey), ['a@x@9', 'a@y@0', 'a@y@1', 'b@x@0']);
  });

  test('bigint longs beyond 2^53 are refused rather than rounded', () => {
    const f = Fields.of(parseBody('{"x":9007199254740993}', 'X'), 'X');
    assert.throws(() => f.num('x'), /beyond 2\^53/);
  });
});
