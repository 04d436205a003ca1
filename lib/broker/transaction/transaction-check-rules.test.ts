// The transaction check's rules: settings, op record bodies, immunity times, the verdict per half message and the
// CHECK_TRANSACTION_STATE request's header and body.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RequestCode } from '../../protocol/codes.ts';
import { TopicValidator } from '../../protocol/constants.ts';
import { MessageConst, MessageSysFlag } from '../../protocol/message-const.ts';
import { bodyCrc32, decodeMessage, encodeStoredMessage } from '../../protocol/message-codec.ts';
import { createMessageId } from '../../protocol/message-host.ts';
import type { MessageExt } from '../../protocol/message.ts';
import { FLAG_ONEWAY } from '../../remoting/command.ts';
import { encodeFrame, decodeFrameWithLength } from '../../remoting/codec.ts';
import {
  buildCheckTransactionStateRequest, calculateOpOffset, checkImmunityTimeMs, endTransactionImmunityMs, judgeHalfMessage,
  opRecordOffsets, rejectsLateEndTransaction, transactionCheckSettings, type HalfCheckContext,
} from './transaction-check-rules.ts';
import { testConfig } from '../test-util.ts';

const NOW = 1_700_000_000_000;
const storeHost = { address: '127.0.0.1', port: 10911 };

function half(props: Record<string, string> = {}, o: Partial<MessageExt> = {}): MessageExt {
  const m = {
    topic: TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC,
    flag: 3,
    properties: {
      [MessageConst.PROPERTY_REAL_TOPIC]: 'TxTopic',
      [MessageConst.PROPERTY_REAL_QUEUE_ID]: '2',
      [MessageConst.PROPERTY_TRANSACTION_PREPARED]: 'true',
      [MessageConst.PROPERTY_PRODUCER_GROUP]: 'tx_group',
      [MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX]: '7F00000100002A9F0000000000000001',
      [MessageConst.PROPERTY_TAGS]: 'TagTx',
      ...props,
    },
    body: Buffer.from('order 42'),
    queueId: 0,
    storeSize: 0,
    queueOffset: 5,
    sysFlag: 0,
    bornTimestamp: NOW - 60_000,
    bornHost: { address: '127.0.0.1', port: 50000 },
    storeTimestamp: NOW - 59_000,
    storeHost,
    msgId: createMessageId(storeHost, 4096),
    commitLogOffset: 4096,
    bodyCRC: bodyCrc32(Buffer.from('order 42')),
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    ...o,
  };
  // Round-trip through the stored layout so storeSize is real.
  return decodeMessage(encodeStoredMessage(m), 0);
}

const ctx = (o: Partial<HalfCheckContext> = {}): HalfCheckContext => ({
  now: NOW,
  roundStart: NOW,
  transactionTimeOut: 6000,
  transactionCheckMax: 15,
  fileReservedTimeMs: 72 * 3_600_000,
  isResolved: () => false,
  ...o,
});

describe('transaction check settings', () => {
  test('default to RocketMQ 4.9 values and read the passive broker.conf keys', () => {
    assert.deepEqual(transactionCheckSettings(testConfig()), { transactionCheckInterval: 60_000, transactionTimeOut: 6000, transactionCheckMax: 15 });
    const cfg = testConfig({ passive: new Map([['transactionCheckInterval', '500'], ['transactionTimeOut', '1000'], ['transactionCheckMax', '2']]) });
    assert.deepEqual(transactionCheckSettings(cfg), { transactionCheckInterval: 500, transactionTimeOut: 1000, transactionCheckMax: 2 });
  });

  test('an interval of 0 falls back to the default instead of spinning', () => {
    assert.equal(transactionCheckSettings(testConfig({ passive: new Map([['transactionCheckInterval', '0']]) })).transactionCheckInterval, 60_000);
  });
});

describe('op records and immunity times', () => {
  test('an op body is one half queue offset (4.9) or several joined by commas (5.x)', () => {
    assert.deepEqual(opRecordOffsets(Buffer.from('17')), [17]);
    assert.deepEqual(opRecordOffsets(Buffer.from('3,4,9')), [3, 4, 9]);
    assert.deepEqual(opRecordOffsets(Buffer.from('x')), []);
  });

  test('the op offset moves over the contiguous run of done records only', () => {
    assert.equal(calculateOpOffset([5, 3, 4, 7], 3), 6);
    assert.equal(calculateOpOffset([4], 3), 3);
    assert.equal(calculateOpOffset([], 3), 3);
  });

  test('CHECK_IMMUNITY_TIME_IN_SECONDS: seconds for the check, -1 or junk means transactionTimeOut', () => {
    assert.equal(checkImmunityTimeMs('20', 6000), 20_000);
    assert.equal(checkImmunityTimeMs('-1', 6000), 6000);
    assert.equal(checkImmunityTimeMs('soon', 6000), 6000);
    // 5.x END_TRANSACTION never uses less than transactionTimeOut.
    assert.equal(endTransactionImmunityMs('2', 6000), 6000);
    assert.equal(endTransactionImmunityMs('20', 6000), 20_000);
  });

  test('5.x rejects a late commit of a half message with a custom immunity time unless it answers a check', () => {
    const m = half({ [MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS]: '30' }, { bornTimestamp: NOW - 31_000 });
    assert.equal(rejectsLateEndTransaction(m, false, 6000, NOW), true);
    assert.equal(rejectsLateEndTransaction(m, true, 6000, NOW), false);
    assert.equal(rejectsLateEndTransaction(m, false, 6000, NOW - 2000), false);
    assert.equal(rejectsLateEndTransaction(half(), false, 6000, NOW), false);
  });
});

describe('judgeHalfMessage', () => {
  test('an unresolved half message older than transactionTimeOut is checked, counting its first check', () => {
    assert.deepEqual(judgeHalfMessage(half(), ctx()), { verdict: { kind: 'check' }, checkTimes: 1 });
    const again = half({ [MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES]: '4' });
    assert.deepEqual(judgeHalfMessage(again, ctx()), { verdict: { kind: 'check' }, checkTimes: 5 });
  });

  test('a half message younger than transactionTimeOut waits, and so does the rest of the queue', () => {
    const young = half({}, { bornTimestamp: NOW - 5000 });
    assert.equal(judgeHalfMessage(young, ctx()).verdict.kind, 'wait');
    assert.deepEqual(judgeHalfMessage(young, ctx({ transactionTimeOut: 4000 })).verdict, { kind: 'check' });
  });

  test('a half message stored during this round waits for the next one', () => {
    assert.deepEqual(judgeHalfMessage(half({}, { storeTimestamp: NOW }), ctx()).verdict, { kind: 'wait', reason: 'fresh' });
  });

  test('after transactionCheckMax checks a half message is discarded unchanged', () => {
    const m = half({ [MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES]: '2' });
    assert.deepEqual(judgeHalfMessage(m, ctx({ transactionCheckMax: 2 })), { verdict: { kind: 'discard', reason: 'checkMax' } });
    assert.deepEqual(judgeHalfMessage(m, ctx({ transactionCheckMax: 3 })).verdict, { kind: 'check' });
  });

  test('a half message older than the files are kept is discarded', () => {
    const m = half({}, { bornTimestamp: NOW - 73 * 3_600_000 });
    assert.deepEqual(judgeHalfMessage(m, ctx()).verdict, { kind: 'discard', reason: 'expired' });
  });

  test('within its immunity time a half message is stored again, or passed over once its first offset is resolved', () => {
    const immune = half({ [MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS]: '120' });
    assert.deepEqual(judgeHalfMessage(immune, ctx()), { verdict: { kind: 'immuneRenew' }, checkTimes: 1 });
    const copy = half({ [MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS]: '120', [MessageConst.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET]: '5' });
    assert.deepEqual(judgeHalfMessage(copy, ctx()).verdict, { kind: 'immuneRenew' });
    assert.deepEqual(judgeHalfMessage(copy, ctx({ isResolved: (o) => o === 5 })).verdict, { kind: 'immuneResolved', preparedQueueOffset: 5 });
    // Once the immunity time is over it is checked like any other.
    assert.deepEqual(judgeHalfMessage(copy, ctx({ now: NOW + 61_000, roundStart: NOW + 61_000 })).verdict, { kind: 'check' });
  });

  test('a short immunity time makes a half message due before transactionTimeOut', () => {
    const m = half({ [MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS]: '1' }, { bornTimestamp: NOW - 2000 });
    assert.deepEqual(judgeHalfMessage(m, ctx()).verdict, { kind: 'check' });
  });

  test('a half message born in the future (clock skew) is checked', () => {
    assert.deepEqual(judgeHalfMessage(half({}, { bornTimestamp: NOW + 5000 }), ctx()).verdict, { kind: 'check' });
  });
});

describe('CHECK_TRANSACTION_STATE request', () => {
  test('header names the stored copy and the producer-side ids; the request is oneway', () => {
    const m = half({ [MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES]: '1' }, { queueOffset: 9, commitLogOffset: 8192, msgId: createMessageId(storeHost, 8192) });
    const req = buildCheckTransactionStateRequest(m, 'broker-a');
    assert.equal(req.code, RequestCode.CHECK_TRANSACTION_STATE);
    assert.equal(req.flag & FLAG_ONEWAY, FLAG_ONEWAY);
    assert.deepEqual(req.extFields, {
      topic: TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC,
      tranStateTableOffset: '9',
      commitLogOffset: '8192',
      msgId: '7F00000100002A9F0000000000000001',
      transactionId: '7F00000100002A9F0000000000000001',
      offsetMsgId: createMessageId(storeHost, 8192),
      bname: 'broker-a',
    });
  });

  test('body is the message encoded with its real topic and queue, offsets of the copy and its properties', () => {
    const m = half({ [MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES]: '3' }, { queueOffset: 9, commitLogOffset: 8192 });
    const req = buildCheckTransactionStateRequest(m, 'broker-a');
    // Through a full frame, as the producer receives it.
    const got = decodeFrameWithLength(encodeFrame(req));
    const body = decodeMessage(got.body!, 0, { checkCRC: true });
    assert.equal(body.topic, 'TxTopic');
    assert.equal(body.queueId, 2);
    assert.equal(body.queueOffset, 9);
    assert.equal(body.commitLogOffset, 8192);
    assert.equal(body.flag, 3);
    assert.equal(body.body.toString(), 'order 42');
    assert.equal(body.bornTimestamp, m.bornTimestamp);
    assert.equal(body.sysFlag & MessageSysFlag.TRANSACTION_PREPARED_TYPE, 0);
    assert.equal(body.properties[MessageConst.PROPERTY_PRODUCER_GROUP], 'tx_group');
    assert.equal(body.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES], '3');
    assert.equal(body.storeSize, got.body!.length);
  });
});
