import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTraceData, encodeTraceContext, type TraceContext } from './trace-data.ts';

// Records laid out field by field as Apache 4.9.8's TraceDataEncoder.encoderFromContextBean appends them.
const C = '\u0001';
const F = '\u0002';
const JAVA_PUB = ['Pub', '1700000000123', 'DefaultRegion', 'orders-producer', 'Orders', '7F0000010F2C18B4AAC2', 'created', 'k1 k2',
  '127.0.0.1:10911', '42', '7', '0', 'C0A8000100002A9F0000000000001234', 'true'].join(C) + F;
const JAVA_SUB_BEFORE = ['SubBefore', '1700000000200', 'DefaultRegion', 'orders-consumer', 'REQ1', '7F0000010F2C18B4AAC2', '2', 'k1 k2'].join(C) + F;
const JAVA_SUB_AFTER = ['SubAfter', 'REQ1', '7F0000010F2C18B4AAC2', '15', 'false', 'k1 k2', '4', '1700000000200', 'orders-consumer'].join(C) + F;
const JAVA_END_TX = ['EndTransaction', '1700000000300', 'DefaultRegion', 'tx-producer', 'Orders', 'ABC', 'null', 'null', '127.0.0.1:10911', '2',
  'TX1', 'COMMIT_MESSAGE', 'false'].join(C) + F;

test('decodes the four record types of one trace message written by a Java 4.9.8 client', () => {
  const ctxs = decodeTraceData(JAVA_PUB + JAVA_SUB_BEFORE + JAVA_SUB_AFTER + JAVA_END_TX);
  assert.deepEqual(ctxs.map((c) => c.traceType), ['Pub', 'SubBefore', 'SubAfter', 'EndTransaction']);
  const [pub, before, after, end] = ctxs as [TraceContext, TraceContext, TraceContext, TraceContext];
  assert.equal(pub.timeStamp, 1700000000123);
  assert.equal(pub.groupName, 'orders-producer');
  assert.equal(pub.costTime, 7);
  assert.equal(pub.success, true);
  assert.deepEqual(pub.traceBeans[0], {
    topic: 'Orders', msgId: '7F0000010F2C18B4AAC2', tags: 'created', keys: 'k1 k2', storeHost: '127.0.0.1:10911', bodyLength: 42,
    msgType: 'Normal_Msg', offsetMsgId: 'C0A8000100002A9F0000000000001234',
  });
  assert.equal(before.requestId, 'REQ1');
  assert.equal(before.traceBeans[0]!.retryTimes, 2);
  assert.equal(after.requestId, 'REQ1');
  assert.equal(after.success, false);
  assert.equal(after.costTime, 15);
  assert.equal(after.contextCode, 4);
  assert.equal(after.groupName, 'orders-consumer');
  assert.equal(after.timeStamp, 1700000000200);
  assert.equal(end.traceBeans[0]!.transactionState, 'COMMIT_MESSAGE');
  assert.equal(end.traceBeans[0]!.tags, undefined, 'Java prints a null tag as "null"');
  assert.equal(end.traceBeans[0]!.msgType, 'Trans_msg_Commit');
});

test('encodes each context exactly as TraceDataEncoder does (byte for byte)', () => {
  const [pub, before, after, end] = decodeTraceData(JAVA_PUB + JAVA_SUB_BEFORE + JAVA_SUB_AFTER + JAVA_END_TX) as TraceContext[];
  assert.equal(encodeTraceContext(pub!).data, JAVA_PUB);
  assert.equal(encodeTraceContext(before!).data, JAVA_SUB_BEFORE);
  assert.equal(encodeTraceContext(after!).data, JAVA_SUB_AFTER);
  assert.equal(encodeTraceContext(end!).data, JAVA_END_TX);
});

test('a trace message is keyed by every msgId and key of its records', () => {
  const [pub] = decodeTraceData(JAVA_PUB);
  assert.deepEqual(encodeTraceContext(pub!).keys, ['7F0000010F2C18B4AAC2', 'k1', 'k2']);
  const noKeys = encodeTraceContext({ traceType: 'SubBefore', timeStamp: 1, groupName: 'g', requestId: 'r', traceBeans: [{ msgId: 'A' }, { msgId: 'B' }] });
  assert.deepEqual(noKeys.keys, ['A', 'B']);
  assert.equal(noKeys.data.split(F).length - 1, 2, 'one SubBefore record per message of the call');
  assert.ok(noKeys.data.includes(`${C}null${F}`), 'absent keys are written as Java writes null');
});

test('reads the older layouts: a 13-field Pub and a SubAfter without time and group', () => {
  const old = ['Pub', '1', 'R', 'g', 'T', 'ID', 'null', 'null', 'h:1', '3', '4', '3', 'false'].join(C) + F
    + ['SubAfter', 'REQ', 'ID', '9', 'true', 'null', '0'].join(C) + F;
  const [pub, after] = decodeTraceData(old) as TraceContext[];
  assert.equal(pub!.success, false);
  assert.equal(pub!.traceBeans[0]!.offsetMsgId, undefined);
  assert.equal(pub!.traceBeans[0]!.msgType, 'Delay_Msg');
  assert.equal(after!.timeStamp, undefined);
  assert.equal(after!.groupName, undefined);
  assert.equal(after!.contextCode, 0);
});

test('skips unknown and truncated records instead of failing the whole message', () => {
  const ctxs = decodeTraceData(`Bogus${C}1${F}Pub${C}1${F}` + JAVA_SUB_BEFORE);
  assert.deepEqual(ctxs.map((c) => c.traceType), ['SubBefore']);
  assert.deepEqual(decodeTraceData(''), []);
});
