import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bitSetFromBytes, bitSetToBytes, decodeBatchAckMessageRequestBody, decodeMessageRequestModeSerializeWrapper,
  decodeQueryAssignmentRequestBody, decodeQueryAssignmentResponseBody, decodeSetMessageRequestModeRequestBody,
  encodeBatchAckMessageRequestBody, encodeMessageRequestModeSerializeWrapper, encodeQueryAssignmentResponseBody,
  encodeSetMessageRequestModeRequestBody,
} from './pop.ts';
import { BodyError } from './read.ts';

// As 5.x's fastjson writes BatchAckMessageRequestBody: short names sorted, the BitSet as base64 of toByteArray().
const JAVA_BATCH_ACK = '{"acks":[{"b":"AwI=","c":"g1","it":30000,"pt":1700000000000,"q":1,"r":"0","rq":2,"so":100,"t":"T1"}],"brokerName":"broker-a"}';

test('BitSet bytes are java.util.BitSet.toByteArray (little-endian bits, no trailing zero bytes)', () => {
  assert.deepEqual([...bitSetToBytes([0, 1, 9])], [0x03, 0x02]);
  assert.deepEqual(bitSetFromBytes(Buffer.from([0x03, 0x02])), [0, 1, 9]);
  assert.equal(bitSetToBytes([]).length, 0);
  assert.throws(() => bitSetToBytes([-1]), RangeError);
});

test('BatchAckMessageRequestBody decodes the 5.x layout and encodes it back byte for byte', () => {
  const b = decodeBatchAckMessageRequestBody(JAVA_BATCH_ACK);
  assert.deepEqual(b, {
    brokerName: 'broker-a',
    acks: [{ consumerGroup: 'g1', topic: 'T1', retry: '0', startOffset: 100, queueId: 1, reviveQueueId: 2, popTime: 1700000000000, invisibleTime: 30000, bitSet: [0, 1, 9] }],
  });
  assert.equal(encodeBatchAckMessageRequestBody(b).toString(), JAVA_BATCH_ACK);
});

test('BatchAck also reads the long field names (fastjson alternateNames)', () => {
  const b = decodeBatchAckMessageRequestBody('{"acks":[{"consumerGroup":"g","topic":"t","retry":"1","startOffset":5,"queueId":0,"reviveQueueId":3,"popTime":9,"invisibleTime":10,"bitSet":"AQ=="}],"brokerName":"b"}');
  assert.equal(b.acks[0]!.retry, '1');
  assert.equal(b.acks[0]!.startOffset, 5);
  assert.deepEqual(b.acks[0]!.bitSet, [0]);
});

test('a BatchAck body that is not JSON is a BodyError naming the class', () => {
  assert.throws(() => decodeBatchAckMessageRequestBody('{'), (e: unknown) => e instanceof BodyError && /BatchAckMessageRequestBody/.test(e.message));
});

test('SetMessageRequestModeRequestBody and the request mode table round-trip', () => {
  const text = '{"consumerGroup":"g","mode":"POP","popShareQueueNum":0,"topic":"t"}';
  const body = decodeSetMessageRequestModeRequestBody(text);
  assert.deepEqual(body, { topic: 't', consumerGroup: 'g', mode: 'POP', popShareQueueNum: 0 });
  assert.equal(encodeSetMessageRequestModeRequestBody(body).toString(), text);
  const table = new Map([['t', new Map([['g', body]])]]);
  const wire = encodeMessageRequestModeSerializeWrapper(table);
  assert.equal(wire.toString(), `{"messageRequestModeMap":{"t":{"g":${text}}}}`);
  assert.deepEqual(decodeMessageRequestModeSerializeWrapper(wire), table);
});

test('QueryAssignment request and response bodies', () => {
  const req = decodeQueryAssignmentRequestBody('{"clientId":"c1","consumerGroup":"g","messageModel":"CLUSTERING","strategyName":"AVG","topic":"t"}');
  assert.deepEqual(req, { topic: 't', consumerGroup: 'g', clientId: 'c1', strategyName: 'AVG', messageModel: 'CLUSTERING' });
  const res = encodeQueryAssignmentResponseBody([{ messageQueue: { topic: 't', brokerName: 'b', queueId: -1 }, mode: 'POP' }]);
  assert.equal(res.toString(), '{"messageQueueAssignments":[{"messageQueue":{"brokerName":"b","queueId":-1,"topic":"t"},"mode":"POP"}]}');
  assert.deepEqual(decodeQueryAssignmentResponseBody(res), [{ messageQueue: { topic: 't', brokerName: 'b', queueId: -1 }, mode: 'POP' }]);
});
