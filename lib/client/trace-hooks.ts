// What Apache's SendMessageTraceHookImpl, ConsumeMessageTraceHookImpl and EndTransactionTraceHookImpl record: the
// trace contexts of a send, of a consume call (before and after) and of a transaction's end.

import { createUniqId, getKeys, getTags, type Message } from '../protocol/message.ts';
import { MessageConst } from '../protocol/message-const.ts';
import type { SendResult } from './client-api.ts';
import type { ConsumedMessage } from './pull-api.ts';
import { DEFAULT_TRACE_REGION_ID, type ConsumeReturnType, CONSUME_RETURN_TYPES, type MessageType, type TraceContext } from './trace-data.ts';

/** SendMessageContext.msgType as DefaultMQProducerImpl sets it. */
export function sendMessageType(msg: Message): MessageType {
  if (msg.properties[MessageConst.PROPERTY_DELAY_TIME_LEVEL] !== undefined || msg.properties['__STARTDELIVERTIME'] !== undefined) return 'Delay_Msg';
  if (msg.properties[MessageConst.PROPERTY_TRANSACTION_PREPARED] === 'true') return 'Trans_Msg_Half';
  return 'Normal_Msg';
}

/** The Pub context of a send that the broker answered (undefined when the broker switched tracing off). */
export function pubContext(group: string, msg: Message, brokerAddr: string, begin: number, result: SendResult): TraceContext | undefined {
  if (!result.regionId || !result.traceOn) return undefined;
  return {
    traceType: 'Pub', timeStamp: begin, regionId: result.regionId, groupName: group, costTime: Date.now() - begin,
    success: result.sendStatus === 'SEND_OK',
    traceBeans: [{
      topic: msg.topic, msgId: result.msgId, offsetMsgId: result.offsetMsgId, tags: getTags(msg), keys: getKeys(msg),
      storeHost: brokerAddr, bodyLength: msg.body.length, msgType: sendMessageType(msg),
    }],
  };
}

/** SubBefore of one consume call (messages whose TRACE_ON is "false" left out); undefined when none is traced. */
export function subBeforeContext(group: string, msgs: readonly ConsumedMessage[]): TraceContext | undefined {
  const ctx: TraceContext = { traceType: 'SubBefore', groupName: group, requestId: createUniqId(), timeStamp: Date.now(), traceBeans: [] };
  for (const m of msgs) {
    if (m.properties[MessageConst.PROPERTY_TRACE_SWITCH] === 'false') continue;
    ctx.regionId = m.properties[MessageConst.PROPERTY_MSG_REGION] ?? ctx.regionId;
    ctx.traceBeans.push({
      topic: m.topic, msgId: m.msgId, tags: getTags(m), keys: getKeys(m), bodyLength: m.storeSize, retryTimes: m.reconsumeTimes,
    });
  }
  return ctx.traceBeans.length > 0 ? ctx : undefined;
}

/** SubAfter of the same call: cost per message, success, and how it ended (ConsumeReturnType). */
export function subAfterContext(before: TraceContext, count: number, success: boolean, returnType: ConsumeReturnType): TraceContext {
  return {
    traceType: 'SubAfter', regionId: before.regionId, groupName: before.groupName, requestId: before.requestId,
    timeStamp: before.timeStamp, success, costTime: Math.floor((Date.now() - before.timeStamp!) / Math.max(1, count)),
    contextCode: CONSUME_RETURN_TYPES.indexOf(returnType), traceBeans: before.traceBeans,
  };
}

/** EndTransaction of a transactional message's commit or rollback. */
export function endTransactionContext(group: string, msg: Message, brokerAddr: string, msgId: string, transactionId: string | undefined,
  state: string, fromTransactionCheck: boolean): TraceContext {
  return {
    traceType: 'EndTransaction', timeStamp: Date.now(), groupName: group,
    regionId: msg.properties[MessageConst.PROPERTY_MSG_REGION] || DEFAULT_TRACE_REGION_ID,
    traceBeans: [{
      topic: msg.topic, msgId, tags: getTags(msg), keys: getKeys(msg), storeHost: brokerAddr, msgType: 'Trans_msg_Commit',
      transactionId, transactionState: state, fromTransactionCheck,
    }],
  };
}
