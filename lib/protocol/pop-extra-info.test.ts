import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ExtraInfoError, buildExtraInfo, normalTopicOf, parseExtraInfo, parseMsgOffsetInfo, parseOrderCountInfo,
  parseStartOffsetInfo, popRetryTopicV1, popRetryTopicV2, realTopic, retryMark,
} from './pop-extra-info.ts';

test('extra info is ExtraInfoUtil.buildExtraInfo: offset, pop time, invisible time, revive qid, retry mark, broker, queue, [offset]', () => {
  const s = buildExtraInfo({ ckQueueOffset: 10, popTime: 1700000000000, invisibleTime: 30000, reviveQid: 3, topic: 'T', brokerName: 'broker-a', queueId: 2, queueOffset: 12 });
  assert.equal(s, '10 1700000000000 30000 3 0 broker-a 2 12');
  assert.deepEqual(parseExtraInfo(s), { ckQueueOffset: 10, popTime: 1700000000000, invisibleTime: 30000, reviveQid: 3, retry: '0', brokerName: 'broker-a', queueId: 2, queueOffset: 12 });
  assert.equal(parseExtraInfo('1 2 3 4 1 b 0').queueOffset, undefined);
});

test('retry topics are named as 5.x KeyBuilder names them and marked 1 (v1) or 2 (v2)', () => {
  assert.equal(popRetryTopicV1('T', 'g'), '%RETRY%g_T');
  assert.equal(popRetryTopicV2('T', 'g'), '%RETRY%g+T');
  assert.equal(retryMark('%RETRY%g_T'), '1');
  assert.equal(retryMark('%RETRY%g+T'), '2');
  assert.equal(realTopic('T', 'g', '1'), '%RETRY%g_T');
  assert.equal(normalTopicOf('%RETRY%g+T', 'g'), 'T');
  assert.equal(normalTopicOf('%RETRY%g_T', 'g'), 'T');
});

test('a malformed receipt is an ExtraInfoError saying what is wrong', () => {
  assert.throws(() => parseExtraInfo('1 2 3'), (e: unknown) => e instanceof ExtraInfoError && /3 fields/.test(e.message));
  assert.throws(() => parseExtraInfo('x 2 3 4 0 b 1'), /ckQueueOffset is not a number/);
  assert.throws(() => parseExtraInfo('1 2 3 4 7 b 1'), /retry mark '7'/);
});

test('offset infos of POP_MESSAGE answers parse by "retry@queueId"', () => {
  assert.deepEqual(parseStartOffsetInfo('0 1 100;1 0 5'), new Map([['0@1', 100], ['1@0', 5]]));
  assert.deepEqual(parseMsgOffsetInfo('0 1 100,101,103'), new Map([['0@1', [100, 101, 103]]]));
  assert.deepEqual(parseOrderCountInfo('0 qo1%100 2'), new Map([['0@qo1%100', 2]]));
  assert.throws(() => parseStartOffsetInfo('0 1 2;0 1 3'), /repeats/);
});
