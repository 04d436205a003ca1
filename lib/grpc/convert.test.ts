import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MessageConst } from '../protocol/message-const.ts';
import type { MessageExt } from '../protocol/message.ts';
import {
  acceptMessageTypes, checkMessageType, decodeReceiptHandle, decodeTransactionId, encodeReceiptHandle, encodeTransactionId, fromV2Message,
  messageTypeOfProperties, toV2Message, topicMessageType,
} from './convert.ts';
import { GrpcStatusError } from './errors.ts';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof GrpcStatusError) return err.code;
    throw err;
  }
  return 'OK';
};

const v2 = (sp: Record<string, unknown> = {}, body = Buffer.from('b'), userProperties: Record<string, string> = {}) => ({
  topic: { name: 'T' }, body, userProperties, systemProperties: { messageId: 'ID1', messageType: 'NORMAL', ...sp },
});

describe('gRPC message conversion', () => {
  test('a v2 message becomes remoting properties: UNIQ_KEY, TAGS, KEYS, sharding key, timer and transaction flags', () => {
    const d = fromV2Message(v2({ tag: 'a', keys: ['k1', 'k2'], messageGroup: 'g', messageType: 'FIFO' }, Buffer.from('x'), { u: '1' }), 1024);
    assert.equal(d.topic, 'T');
    assert.deepEqual(d.properties, { u: '1', UNIQ_KEY: 'ID1', TAGS: 'a', KEYS: 'k1 k2', __SHARDINGKEY: 'g' });
    assert.equal(d.type, 'FIFO');
    const at = Date.now() + 5_000;
    const delay = fromV2Message(v2({ deliveryTimestamp: { seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1e6 } }), 1024);
    assert.equal(delay.properties[MessageConst.PROPERTY_TIMER_DELIVER_MS], String(at));
    assert.equal(delay.type, 'DELAY');
    const tx = fromV2Message(v2({ messageType: 'TRANSACTION' }), 1024);
    assert.equal(tx.properties.TRAN_MSG, 'true');
    assert.equal(tx.properties.PGROUP, 'T');
    assert.equal(tx.type, 'TRANSACTION');
  });

  test('bad messages are refused with 5.x codes', () => {
    assert.equal(code(() => fromV2Message(v2({}, Buffer.alloc(2048)), 1024)), 'MESSAGE_BODY_TOO_LARGE');
    assert.equal(code(() => fromV2Message(v2({}, Buffer.alloc(0)), 1024)), 'MESSAGE_BODY_EMPTY');
    assert.equal(code(() => fromV2Message(v2({ messageId: '' }), 1024)), 'ILLEGAL_MESSAGE_ID');
    assert.equal(code(() => fromV2Message({ ...v2(), topic: { name: 'a b' } }, 1024)), 'ILLEGAL_TOPIC');
    assert.equal(code(() => fromV2Message(v2({ tag: 'a|b' }), 1024)), 'ILLEGAL_MESSAGE_TAG');
    assert.equal(code(() => fromV2Message(v2({}, Buffer.from('x'), { UNIQ_KEY: 'x' }), 1024)), 'ILLEGAL_MESSAGE_PROPERTY_KEY');
    assert.equal(code(() => fromV2Message(v2({}, Buffer.from('x'), { big: 'x'.repeat(20_000) }), 1024)), 'MESSAGE_PROPERTIES_TOO_LARGE');
    const far = Date.now() + 4 * 24 * 3600 * 1000;
    assert.equal(code(() => fromV2Message(v2({ deliveryTimestamp: { seconds: Math.floor(far / 1000), nanos: 0 } }), 1024)), 'ILLEGAL_DELIVERY_TIME');
  });

  test('topic message types follow 5.x: NORMAL by default, MIXED accepts all, others must match', () => {
    assert.equal(topicMessageType(undefined), 'NORMAL');
    assert.equal(topicMessageType(new Map([['+message.type', 'FIFO']])), 'FIFO');
    assert.equal(code(() => checkMessageType('T', 'NORMAL', 'FIFO')), 'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE');
    assert.equal(code(() => checkMessageType('T', 'MIXED', 'TRANSACTION')), 'OK');
    assert.equal(code(() => checkMessageType('T', 'DELAY', 'DELAY')), 'OK');
    assert.deepEqual(acceptMessageTypes('TRANSACTION'), ['TRANSACTION']);
    assert.equal(messageTypeOfProperties({ DELAY: '3' }), 'DELAY');
    assert.equal(messageTypeOfProperties({ TRAN_MSG: 'true', __SHARDINGKEY: 'g' }), 'TRANSACTION');
  });

  test('a received message carries its receipt, attempt, group, MD5 digest and user properties only', () => {
    const ext = {
      topic: 'T', flag: 0, body: Buffer.from('hello'), queueId: 2, storeSize: 0, queueOffset: 7, sysFlag: 0, bornTimestamp: 1_700_000_000_123,
      bornHost: { address: '10.0.0.1', port: 1 }, storeTimestamp: 1_700_000_000_456, storeHost: { address: '10.0.0.2', port: 10911 }, msgId: 'OFF',
      commitLogOffset: 99, bodyCRC: 0, reconsumeTimes: 0, preparedTransactionOffset: 0,
      properties: { UNIQ_KEY: 'U1', TAGS: 't', KEYS: 'a b', __SHARDINGKEY: 'g', user: 'v', POP_CK: 'x' },
    } as unknown as MessageExt;
    const m = toV2Message(ext, 'T', 'H', 15_000, 3);
    assert.equal(m.systemProperties?.messageId, 'U1');
    assert.equal(m.systemProperties?.receiptHandle, 'H');
    assert.equal(m.systemProperties?.deliveryAttempt, 3);
    assert.equal(m.systemProperties?.messageGroup, 'g');
    assert.deepEqual(m.systemProperties?.keys, ['a', 'b']);
    assert.equal(m.systemProperties?.bodyDigest?.checksum, '5D41402ABC4B2A76B9719D911017C592');
    assert.deepEqual(m.userProperties, { user: 'v' });
    assert.deepEqual(m.systemProperties?.bornTimestamp, { seconds: 1_700_000_000, nanos: 123_000_000 });
  });

  test('receipt handles and transaction ids round-trip, and garbage is refused', () => {
    const h = encodeReceiptHandle('0 1 2 3 0 b 1 5', 1234);
    assert.deepEqual(decodeReceiptHandle(h), { extraInfo: '0 1 2 3 0 b 1 5', commitLogOffset: 1234 });
    assert.equal(code(() => decodeReceiptHandle('nonsense')), 'INVALID_RECEIPT_HANDLE');
    const ref = { brokerName: 'broker-a', commitLogOffset: 5, tranStateTableOffset: 6, brokerTransactionId: 'X', offsetMsgId: 'O' };
    assert.deepEqual(decodeTransactionId(encodeTransactionId(ref)), ref);
    assert.equal(code(() => decodeTransactionId('!!')), 'INVALID_TRANSACTION_ID');
  });
});
