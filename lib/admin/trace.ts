// Message trace look-ups, as Apache's tools and dashboard do them: the trace messages of a message are the ones in
// the trace topic keyed by its msgId (QUERY_MESSAGE on the index); their records (Apache's TraceDataEncoder format)
// become a timeline: produced, stored (the message itself), each consumer group's delivery attempts, and its DLQ.

import { decodeTraceData, CONSUME_RETURN_TYPES, DEFAULT_TRACE_TOPIC, type TraceContext } from '../client/trace-data.ts';
import { ResponseCode } from '../protocol/codes.ts';
import type { AdminCore } from './core.ts';
import { describeError, errorCode } from './errors.ts';
import { queryMessageByKey, queryMessageByUniqKey, viewMessage, type MessageView } from './messages.ts';
import { dlqTopicOf } from './dlq.ts';

export interface TraceProduce {
  group: string | null;
  /** Host of the producer (the born host of its trace message). */
  clientHost: string;
  /** Broker address the message was sent to. */
  storeHost: string | null;
  timestamp: number;
  costTime: number;
  success: boolean;
  topic: string | null;
  tags: string | null;
  keys: string | null;
  msgType: string;
  offsetMsgId: string | null;
}

export interface TraceTransaction {
  group: string | null;
  clientHost: string;
  timestamp: number;
  transactionState: string | null;
  fromTransactionCheck: boolean;
}

export interface TraceAttempt {
  clientHost: string;
  /** When the listener was called. */
  timestamp: number;
  /** reconsumeTimes of the delivery (0 the first time). */
  retryTimes: number;
  /** Listener time, ms (null while no SubAfter was recorded). */
  costTime: number | null;
  success: boolean | null;
  /** ConsumeReturnType: SUCCESS, TIME_OUT, EXCEPTION, RETURNNULL, FAILED; 'PENDING' without a SubAfter. */
  status: string;
  requestId: string | null;
}

export interface TraceConsumerGroup {
  group: string;
  attempts: TraceAttempt[];
  /** The dead letter, when the message is in the group's DLQ. */
  dlq: { topic: string; offsetMsgId: string; storeTimestamp: number } | null;
}

export interface MessageTrace {
  msgId: string;
  traceTopic: string;
  produced: TraceProduce[];
  /** The message as its broker stored it (null when it could not be read). */
  stored: { topic: string; storeHost: string; storeTimestamp: number; queueId: number; queueOffset: number; offsetMsgId: string } | null;
  transactions: TraceTransaction[];
  consumers: TraceConsumerGroup[];
  /** Trace messages read. */
  traceMessages: number;
  /** What could not be asked, said plainly (a missing trace topic, a broker not answering). */
  errors: string[];
}

const hostOf = (addr: string): string => addr.replace(/:\d+$/, '');
const n = (v: string | undefined): string | null => v ?? null;

/** Records of `msgId` in the trace topic, each with the host of the client that wrote it. */
async function traceRecords(core: AdminCore, traceTopic: string, key: string): Promise<{ records: Array<{ ctx: TraceContext; clientHost: string }>; messages: number; errors: string[] }> {
  const errors: string[] = [];
  let found: MessageView[] = [];
  try {
    const r = await queryMessageByKey(core, { topic: traceTopic, key, maxNum: 64 });
    found = r.messages;
    errors.push(...r.errors.map((e) => `${e.brokerName} (${e.brokerAddr}): ${e.error}`));
  } catch (err) {
    errors.push(errorCode(err) === ResponseCode.TOPIC_NOT_EXIST ? `trace topic ${traceTopic} does not exist` : `trace topic ${traceTopic}: ${describeError(err)}`);
  }
  const records: Array<{ ctx: TraceContext; clientHost: string }> = [];
  for (const m of found) for (const ctx of decodeTraceData(m.body)) records.push({ ctx, clientHost: hostOf(m.bornHost) });
  return { records, messages: found.length, errors };
}

/** The trace of one message (its msgId: the producer's UNIQ_KEY). */
export async function queryTrace(core: AdminCore, msgId: string, opts: { traceTopic?: string; topic?: string } = {}): Promise<MessageTrace> {
  const traceTopic = opts.traceTopic || DEFAULT_TRACE_TOPIC;
  const { records, messages, errors } = await traceRecords(core, traceTopic, msgId);
  const mine = records.filter((r) => r.ctx.traceBeans.some((b) => b.msgId === msgId || b.msgId.split(',').includes(msgId)));
  const out: MessageTrace = { msgId, traceTopic, produced: [], stored: null, transactions: [], consumers: [], traceMessages: messages, errors };
  const groups = new Map<string, TraceConsumerGroup>();
  const group = (name: string): TraceConsumerGroup => {
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { group: name, attempts: [], dlq: null }));
    return g;
  };
  const attempts = new Map<string, TraceAttempt>();
  for (const { ctx, clientHost } of mine) {
    const bean = ctx.traceBeans.find((b) => b.msgId === msgId) ?? ctx.traceBeans[0]!;
    if (ctx.traceType === 'Pub') {
      out.produced.push({
        group: n(ctx.groupName), clientHost: bean.clientHost ?? clientHost, storeHost: n(bean.storeHost), timestamp: ctx.timeStamp ?? 0,
        costTime: ctx.costTime ?? 0, success: ctx.success ?? false, topic: n(bean.topic), tags: n(bean.tags), keys: n(bean.keys),
        msgType: bean.msgType ?? 'Normal_Msg', offsetMsgId: n(bean.offsetMsgId),
      });
    } else if (ctx.traceType === 'EndTransaction') {
      out.transactions.push({
        group: n(ctx.groupName), clientHost, timestamp: ctx.timeStamp ?? 0, transactionState: n(bean.transactionState), fromTransactionCheck: bean.fromTransactionCheck ?? false,
      });
    } else if (ctx.traceType === 'SubBefore') {
      const a: TraceAttempt = {
        clientHost, timestamp: ctx.timeStamp ?? 0, retryTimes: bean.retryTimes ?? 0, costTime: null, success: null, status: 'PENDING', requestId: n(ctx.requestId),
      };
      attempts.set(`${ctx.groupName}\u0000${ctx.requestId}`, a);
      group(ctx.groupName ?? '?').attempts.push(a);
    }
  }
  // SubAfter records join their SubBefore by group and requestId (either may come first in the trace topic)
  for (const { ctx } of mine) {
    if (ctx.traceType !== 'SubAfter') continue;
    const status = CONSUME_RETURN_TYPES[ctx.contextCode ?? -1] ?? (ctx.success ? 'SUCCESS' : 'FAILED');
    const before = [...attempts.entries()].find(([k]) => k.endsWith(`\u0000${ctx.requestId}`) && (!ctx.groupName || k.startsWith(`${ctx.groupName}\u0000`)));
    if (before) Object.assign(before[1], { costTime: ctx.costTime ?? 0, success: ctx.success ?? false, status });
  }
  for (const g of groups.values()) g.attempts.sort((a, b) => a.timestamp - b.timestamp);
  out.produced.sort((a, b) => a.timestamp - b.timestamp);

  const topic = opts.topic ?? out.produced.find((p) => p.topic)?.topic ?? undefined;
  if (topic) {
    try {
      const [m] = await viewMessage(core, msgId, { topic });
      if (m) out.stored = { topic: m.topic, storeHost: m.storeHost, storeTimestamp: m.storeTimestamp, queueId: m.queueId, queueOffset: m.queueOffset, offsetMsgId: m.offsetMsgId };
    } catch (err) {
      out.errors.push(`message ${msgId} in ${topic}: ${describeError(err)}`);
    }
  }
  await Promise.all([...groups.values()].map(async (g) => {
    try {
      const r = await queryMessageByUniqKey(core, dlqTopicOf(g.group), msgId);
      const d = r.messages[r.messages.length - 1];
      if (d) g.dlq = { topic: d.topic, offsetMsgId: d.offsetMsgId, storeTimestamp: d.storeTimestamp };
    } catch (err) {
      if (errorCode(err) !== ResponseCode.TOPIC_NOT_EXIST) out.errors.push(`${dlqTopicOf(g.group)}: ${describeError(err)}`);
    }
  }));
  out.consumers = [...groups.values()].sort((a, b) => (a.group < b.group ? -1 : 1));
  return out;
}

export interface TraceKeyHit {
  msgId: string;
  topic: string | null;
  timestamp: number;
  group: string | null;
}

/** Messages whose trace records carry `key` among their keys (the trace topic is keyed by message keys too). */
export async function queryTraceByKey(core: AdminCore, key: string, opts: { traceTopic?: string } = {}): Promise<{ traceTopic: string; messages: TraceKeyHit[]; errors: string[] }> {
  const traceTopic = opts.traceTopic || DEFAULT_TRACE_TOPIC;
  const { records, errors } = await traceRecords(core, traceTopic, key);
  const hits = new Map<string, TraceKeyHit>();
  for (const { ctx } of records) {
    if (ctx.traceType !== 'Pub') continue;
    const b = ctx.traceBeans[0]!;
    if (!(b.keys ?? '').split(' ').includes(key) || hits.has(b.msgId)) continue;
    hits.set(b.msgId, { msgId: b.msgId, topic: n(b.topic), timestamp: ctx.timeStamp ?? 0, group: n(ctx.groupName) });
  }
  return { traceTopic, messages: [...hits.values()].sort((a, b) => a.timestamp - b.timestamp), errors };
}
