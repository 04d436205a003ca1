import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMessage } from '../protocol/message.ts';
import type { SendResult } from './client-api.ts';
import type { ConsumedMessage } from './pull-api.ts';
import { decodeTraceData, encodeTraceContext } from './trace-data.ts';
import { endTransactionContext, pubContext, subAfterContext, subBeforeContext } from './trace-hooks.ts';

const result = (o: Partial<SendResult> = {}): SendResult => ({
  sendStatus: 'SEND_OK', msgId: 'UNIQ1', offsetMsgId: 'OFF1', messageQueue: { topic: 'T', brokerName: 'b', queueId: 0 }, queueOffset: 3,
  regionId: 'DefaultRegion', traceOn: true, ...o,
});

const consumed = (props: Record<string, string>, reconsumeTimes = 0): ConsumedMessage => ({
  ...createMessage('T', Buffer.from('x'), { keys: ['k1'] }), properties: { KEYS: 'k1', ...props }, msgId: 'UNIQ1', offsetMsgId: 'OFF1',
  brokerName: 'b', queueId: 0, queueOffset: 1, commitLogOffset: 0, storeSize: 99, bodyCRC: 0, reconsumeTimes, bornTimestamp: 0, storeTimestamp: 0,
  bornHost: { address: '127.0.0.1', port: 1 }, storeHost: { address: '127.0.0.1', port: 2 }, sysFlag: 0, preparedTransactionOffset: 0,
} as unknown as ConsumedMessage);

test('a send is recorded as Pub with the broker, cost, status and message type; a broker with traceOn=false is not', () => {
  const delayed = createMessage('T', Buffer.from('hello'), { tags: 'a', keys: ['k1', 'k2'] });
  delayed.properties.DELAY = '3';
  const ctx = pubContext('pg', delayed, '10.0.0.1:10911', Date.now() - 5, result())!;
  assert.equal(ctx.traceType, 'Pub');
  assert.ok(ctx.costTime! >= 5);
  assert.equal(ctx.success, true);
  assert.deepEqual(ctx.traceBeans[0], { topic: 'T', msgId: 'UNIQ1', offsetMsgId: 'OFF1', tags: 'a', keys: 'k1 k2', storeHost: '10.0.0.1:10911', bodyLength: 5, msgType: 'Delay_Msg' });
  assert.equal(pubContext('pg', delayed, 'h:1', Date.now(), result({ sendStatus: 'FLUSH_DISK_TIMEOUT' }))!.success, false);
  assert.equal(pubContext('pg', delayed, 'h:1', Date.now(), result({ traceOn: false })), undefined);
  const half = createMessage('T', Buffer.from('x'), {});
  half.properties.TRAN_MSG = 'true';
  assert.equal(pubContext('pg', half, 'h:1', Date.now(), result())!.traceBeans[0]!.msgType, 'Trans_Msg_Half');
});

test('a consume call is SubBefore then SubAfter sharing a requestId; TRACE_ON=false messages are left out', () => {
  const before = subBeforeContext('cg', [consumed({ MSG_REGION: 'R1' }, 2), consumed({ TRACE_ON: 'false' })])!;
  assert.equal(before.traceBeans.length, 1);
  assert.equal(before.regionId, 'R1');
  assert.equal(before.traceBeans[0]!.retryTimes, 2);
  assert.equal(subBeforeContext('cg', [consumed({ TRACE_ON: 'false' })]), undefined);
  const after = subAfterContext(before, 1, false, 'EXCEPTION');
  assert.equal(after.requestId, before.requestId);
  assert.equal(after.contextCode, 2);
  const [b, a] = decodeTraceData(encodeTraceContext(before).data + encodeTraceContext(after).data);
  assert.equal(b!.requestId, a!.requestId);
  assert.equal(a!.groupName, 'cg');
  assert.equal(a!.success, false);
});

test('a transaction end is recorded with its state, defaulting the region as Apache does', () => {
  const ctx = endTransactionContext('tg', createMessage('T', Buffer.from('x'), { tags: 't' }), 'h:1', 'UNIQ1', 'TX1', 'COMMIT_MESSAGE', true);
  const [d] = decodeTraceData(encodeTraceContext(ctx).data);
  assert.equal(d!.regionId, 'DefaultRegion');
  assert.deepEqual([d!.traceBeans[0]!.transactionId, d!.traceBeans[0]!.transactionState, d!.traceBeans[0]!.fromTransactionCheck], ['TX1', 'COMMIT_MESSAGE', true]);
});
