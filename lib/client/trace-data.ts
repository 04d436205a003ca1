// Message trace records in Apache RocketMQ's text format (TraceDataEncoder, client 4.9.8): what trace messages in
// RMQ_SYS_TRACE_TOPIC (or a custom trace topic) carry, so Java clients, the dashboard and RocketDeck read each other's.
//
// One trace message body is a run of records, each ended by FIELD_SPLITOR (\u0002); a record's fields are separated
// by CONTENT_SPLITOR (\u0001). Layouts (Java's null prints as "null"):
//   Pub           type ts regionId group topic msgId tags keys storeHost bodyLength costTime msgType offsetMsgId success [clientHost]
//   SubBefore     type ts regionId group requestId msgId retryTimes keys
//   SubAfter      type requestId msgId costTime success keys contextCode [ts group]
//   EndTransaction type ts regionId group topic msgId tags keys storeHost msgType transactionId transactionState fromTransactionCheck
// The trace message's keys are every msgId and key of its records, so QUERY_MESSAGE by msgId finds them.

export const CONTENT_SPLITOR = '\u0001';
export const FIELD_SPLITOR = '\u0002';
/** Producer group prefix of the inner trace producers (TraceConstants.GROUP_NAME_PREFIX). */
export const TRACE_GROUP_PREFIX = '_INNER_TRACE_PRODUCER';
/** Instance name of the inner trace producers (TraceConstants.TRACE_INSTANCE_NAME). */
export const TRACE_INSTANCE_NAME = 'PID_CLIENT_INNER_TRACE_PRODUCER';
export const DEFAULT_TRACE_TOPIC = 'RMQ_SYS_TRACE_TOPIC';
/** MixAll.DEFAULT_TRACE_REGION_ID. */
export const DEFAULT_TRACE_REGION_ID = 'DefaultRegion';

export type TraceType = 'Pub' | 'SubBefore' | 'SubAfter' | 'EndTransaction';
/** org.apache.rocketmq.common.message.MessageType, by ordinal. */
export const MESSAGE_TYPES = ['Normal_Msg', 'Trans_Msg_Half', 'Trans_msg_Commit', 'Delay_Msg'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
/** ConsumeReturnType, by ordinal (SubAfter's contextCode). */
export const CONSUME_RETURN_TYPES = ['SUCCESS', 'TIME_OUT', 'EXCEPTION', 'RETURNNULL', 'FAILED'] as const;
export type ConsumeReturnType = (typeof CONSUME_RETURN_TYPES)[number];

export interface TraceBean {
  msgId: string;
  topic?: string;
  tags?: string;
  keys?: string;
  storeHost?: string;
  bodyLength?: number;
  msgType?: MessageType;
  offsetMsgId?: string;
  clientHost?: string;
  retryTimes?: number;
  transactionId?: string;
  transactionState?: string;
  fromTransactionCheck?: boolean;
}

export interface TraceContext {
  traceType: TraceType;
  /** Epoch ms when the step began (SubAfter: absent in records of old clients). */
  timeStamp?: number;
  regionId?: string;
  groupName?: string;
  /** Ties a SubBefore to its SubAfter. */
  requestId?: string;
  costTime?: number;
  success?: boolean;
  /** SubAfter: ConsumeReturnType ordinal. */
  contextCode?: number;
  traceBeans: TraceBean[];
}

const s = (v: string | number | boolean | undefined | null): string => (v === undefined || v === null ? 'null' : String(v));
const C = CONTENT_SPLITOR;

/** encoderFromContextBean: the record text of one context and the keys its trace message is indexed by. */
export function encodeTraceContext(ctx: TraceContext): { data: string; keys: string[] } {
  let data = '';
  switch (ctx.traceType) {
    case 'Pub': {
      const b = ctx.traceBeans[0]!;
      data = [ctx.traceType, ctx.timeStamp, ctx.regionId, ctx.groupName, b.topic, b.msgId, b.tags, b.keys, b.storeHost, b.bodyLength ?? 0,
        ctx.costTime ?? 0, MESSAGE_TYPES.indexOf(b.msgType ?? 'Normal_Msg'), b.offsetMsgId, ctx.success ?? false].map(s).join(C) + FIELD_SPLITOR;
      break;
    }
    case 'SubBefore':
      for (const b of ctx.traceBeans) {
        data += [ctx.traceType, ctx.timeStamp, ctx.regionId, ctx.groupName, ctx.requestId, b.msgId, b.retryTimes ?? 0, b.keys].map(s).join(C) + FIELD_SPLITOR;
      }
      break;
    case 'SubAfter':
      for (const b of ctx.traceBeans) {
        data += [ctx.traceType, ctx.requestId, b.msgId, ctx.costTime ?? 0, ctx.success ?? false, b.keys, ctx.contextCode ?? 0, ctx.timeStamp, ctx.groupName].map(s).join(C) + FIELD_SPLITOR;
      }
      break;
    case 'EndTransaction': {
      const b = ctx.traceBeans[0]!;
      data = [ctx.traceType, ctx.timeStamp, ctx.regionId, ctx.groupName, b.topic, b.msgId, b.tags, b.keys, b.storeHost,
        MESSAGE_TYPES.indexOf(b.msgType ?? 'Trans_msg_Commit'), b.transactionId, b.transactionState, b.fromTransactionCheck ?? false].map(s).join(C) + FIELD_SPLITOR;
      break;
    }
  }
  const keys: string[] = [];
  for (const b of ctx.traceBeans) {
    keys.push(b.msgId);
    if (b.keys) keys.push(...b.keys.split(' ').filter(Boolean));
  }
  return { data, keys };
}

const num = (v: string | undefined): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};
/** Java's "null" (an absent value printed) reads back as undefined. */
const str = (v: string | undefined): string | undefined => (v === undefined || v === 'null' ? undefined : v);

/** decoderFromTraceDataString: every record of a trace message body; unknown record types are skipped. */
export function decodeTraceData(traceData: string): TraceContext[] {
  const out: TraceContext[] = [];
  if (!traceData) return out;
  for (const record of traceData.split(FIELD_SPLITOR)) {
    if (!record) continue;
    const line = record.split(CONTENT_SPLITOR);
    switch (line[0]) {
      case 'Pub': {
        if (line.length < 13) continue;
        const bean: TraceBean = {
          topic: str(line[4]), msgId: line[5] ?? '', tags: str(line[6]), keys: str(line[7]), storeHost: str(line[8]),
          bodyLength: num(line[9]), msgType: MESSAGE_TYPES[num(line[11])] ?? 'Normal_Msg',
        };
        let success: boolean;
        if (line.length === 13) success = line[12] === 'true';
        else {
          bean.offsetMsgId = str(line[12]);
          success = line[13] === 'true';
          if (line.length >= 15) bean.clientHost = str(line[14]);
        }
        out.push({ traceType: 'Pub', timeStamp: num(line[1]), regionId: str(line[2]), groupName: str(line[3]), costTime: num(line[10]), success, traceBeans: [bean] });
        break;
      }
      case 'SubBefore':
        if (line.length < 8) continue;
        out.push({
          traceType: 'SubBefore', timeStamp: num(line[1]), regionId: str(line[2]), groupName: str(line[3]), requestId: str(line[4]),
          traceBeans: [{ msgId: line[5] ?? '', retryTimes: num(line[6]), keys: str(line[7]) }],
        });
        break;
      case 'SubAfter': {
        if (line.length < 6) continue;
        const ctx: TraceContext = {
          traceType: 'SubAfter', requestId: str(line[1]), costTime: num(line[3]), success: line[4] === 'true',
          traceBeans: [{ msgId: line[2] ?? '', keys: str(line[5]) }],
        };
        if (line.length >= 7) ctx.contextCode = num(line[6]);
        if (line.length >= 9) {
          ctx.timeStamp = num(line[7]);
          ctx.groupName = str(line[8]);
        }
        out.push(ctx);
        break;
      }
      case 'EndTransaction':
        if (line.length < 13) continue;
        out.push({
          traceType: 'EndTransaction', timeStamp: num(line[1]), regionId: str(line[2]), groupName: str(line[3]),
          traceBeans: [{
            topic: str(line[4]), msgId: line[5] ?? '', tags: str(line[6]), keys: str(line[7]), storeHost: str(line[8]),
            msgType: MESSAGE_TYPES[num(line[9])] ?? 'Trans_msg_Commit', transactionId: str(line[10]), transactionState: str(line[11]),
            fromTransactionCheck: line[12] === 'true',
          }],
        });
        break;
      default:
    }
  }
  return out;
}
