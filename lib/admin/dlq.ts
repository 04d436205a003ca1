// Dead-letter queues (%DLQ%<group>): which groups have dead letters, a page of one group's, resending them to their
// original topic or handing them to a member of the group (CONSUME_MESSAGE_DIRECTLY), and a streamed read for
// exports. Only requests Apache RocketMQ brokers answer: GET_TOPIC_STATS_INFO, SEARCH_OFFSET_BY_TIMESTAMP,
// PULL_MESSAGE (the tools group), VIEW_MESSAGE_BY_ID and SEND_MESSAGE.

import { Producer } from '../client/producer.ts';
import { MixAll, ResponseCode } from '../protocol/codes.ts';
import { MessageConst, SYSTEM_PROPERTY_KEYS } from '../protocol/message-const.ts';
import { createMessage } from '../protocol/message.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { AdminError, brokerFailure, describeError, type BrokerFailure } from './errors.ts';
import { mapBounded } from './fanout.ts';
import { consumeMessageDirectly, type ConsumeDirectlyResult } from './connections.ts';
import { messageView, viewMessageByOffsetId, type MessageView } from './messages.ts';
import { pullMessages } from './message-stream.ts';
import { searchOffset } from './offsets.ts';
import { storeTimeAt } from './broker-stats.ts';
import { getTopicRoute, readQueueTargets } from './route.ts';
import { topicList, topicStatus } from './topics.ts';
import { ADMIN_PRODUCER_GROUP } from './send.ts';

export const DLQ_PREFIX = MixAll.DLQ_GROUP_TOPIC_PREFIX;
export const dlqTopicOf = (group: string): string => `${DLQ_PREFIX}${group}`;

export interface DlqGroup {
  group: string;
  topic: string;
  /** Dead letters held now (sum of maxOffset - minOffset over the DLQ's queues). */
  messages: number;
  /** Store time of the newest dead letter; null when the queues are empty. */
  newest: number | null;
  errors: BrokerFailure[];
}

export interface DlqListResult {
  groups: DlqGroup[];
  errors: BrokerFailure[];
}

/** Every %DLQ% topic on the nameservers with its size and newest store time. */
export async function dlqList(core: AdminCore): Promise<DlqListResult> {
  const topics = (await topicList(core)).topics.filter((t) => t.kind === 'DLQ').map((t) => t.topic);
  const settled = await mapBounded(topics, (topic) => topicStatus(core, topic), { limit: core.concurrency });
  const groups: DlqGroup[] = [];
  const errors: BrokerFailure[] = [];
  settled.forEach((s, i) => {
    const topic = topics[i]!;
    const group = topic.slice(DLQ_PREFIX.length);
    if (!s.ok) {
      errors.push({ ...brokerFailure('', '', s.error), error: `${topic}: ${describeError(s.error)}` });
      return;
    }
    const newest = Math.max(0, ...s.value.queues.filter((q) => q.maxOffset > q.minOffset).map((q) => q.lastUpdateTimestamp));
    groups.push({ group, topic, messages: s.value.totalMessages, newest: newest > 0 ? newest : null, errors: s.value.errors });
  });
  groups.sort((a, b) => b.messages - a.messages || (a.group < b.group ? -1 : 1));
  return { groups, errors };
}

/** What a dead letter says about where it came from (the properties Apache's broker sets on the way to the DLQ). */
export interface DlqMessage extends MessageView {
  /** RETRY_TOPIC (or 5.x POP's DLQ_ORIGIN_TOPIC): the topic the group consumed it from. */
  originalTopic: string | null;
  /** ORIGIN_MESSAGE_ID (or DLQ_ORIGIN_MESSAGE_ID): the id of the message as first stored. */
  originMessageId: string | null;
}

export function dlqMessage(v: MessageView): DlqMessage {
  const p = v.properties;
  return {
    ...v,
    originalTopic: p[MessageConst.PROPERTY_RETRY_TOPIC] ?? p['DLQ_ORIGIN_TOPIC'] ?? null,
    originMessageId: p[MessageConst.PROPERTY_ORIGIN_MESSAGE_ID] ?? p['DLQ_ORIGIN_MESSAGE_ID'] ?? null,
  };
}

interface QueueRange {
  t: BrokerTarget;
  queueId: number;
  /** First offset stored at or after `begin`. */
  from: number;
  /** One past the last offset stored at or before `end`. */
  to: number;
}

/** The offsets of each queue of `topic` stored in [begin, end]; queues whose broker failed are named in errors. */
async function queueRanges(core: AdminCore, topic: string, begin: number, end: number): Promise<{ ranges: QueueRange[]; errors: BrokerFailure[] }> {
  const route = await getTopicRoute(core, topic);
  const queues = readQueueTargets(route);
  // each queue's bounds under the per-broker deadline: a hung broker costs the page that once, then is held off
  const settled = await mapBounded(queues, ({ t, queueId }) => core.within(t, async () => {
    // SEARCH_OFFSET_BY_TIMESTAMP answers, on Apache RocketMQ, the offset of the message stored *nearest* the time
    // (either side; the last one for a time after them all), on RocketDeck the first at or after it: take each
    // answer as a neighbour of the bound and step over it when its store time is on the wrong side
    let from = await searchOffset(core, t, topic, queueId, begin);
    const fromTime = await storeTimeAt(core, t, topic, queueId, from);
    if (fromTime !== undefined && fromTime < begin) from++;
    let to = (await searchOffset(core, t, topic, queueId, end)) + 1;
    const lastTime = await storeTimeAt(core, t, topic, queueId, to - 1);
    if (lastTime === undefined || lastTime > end) to--;
    return { t, queueId, from, to: Math.max(from, to) };
  }), { limit: core.concurrency });
  const ranges: QueueRange[] = [];
  const errors: BrokerFailure[] = [];
  settled.forEach((s, i) => {
    const { t, queueId } = queues[i]!;
    if (s.ok) ranges.push(s.value);
    else errors.push({ ...brokerFailure(t.brokerName, t.brokerAddr, s.error), error: `queue ${queueId}: ${describeError(s.error)}` });
  });
  return { ranges, errors };
}

export interface DlqPage {
  group: string;
  topic: string;
  begin: number;
  end: number;
  page: number;
  pageSize: number;
  /** Messages stored in the range (from the queues' offsets; messages stored at the range's very edge may differ). */
  total: number;
  /** Newest first. */
  messages: DlqMessage[];
  errors: BrokerFailure[];
}

/** Deepest page a browse reads (newest first): (page + 1) * pageSize messages per queue at most. */
export const MAX_BROWSE_DEPTH = 10_000;

/** A page of a group's dead letters stored in [begin, end], newest first. */
export async function dlqBrowse(core: AdminCore, opts: { group: string; begin: number; end: number; page?: number; pageSize?: number }): Promise<DlqPage> {
  const topic = dlqTopicOf(opts.group);
  const page = opts.page ?? 0;
  const pageSize = opts.pageSize ?? 20;
  const need = (page + 1) * pageSize;
  if (need > MAX_BROWSE_DEPTH) throw new AdminError(`page ${page} of ${pageSize} reads past the ${MAX_BROWSE_DEPTH} newest messages; narrow the time range`, ResponseCode.SYSTEM_ERROR);
  const { ranges, errors } = await queueRanges(core, topic, opts.begin, opts.end);
  const total = ranges.reduce((n, r) => n + (r.to - r.from), 0);
  // store times grow with offsets in a queue: the newest `need` of the range are the last `need` offsets of each queue
  const settled = await mapBounded(ranges, (r) => core.within(r.t, async () => {
    const out: MessageView[] = [];
    for await (const m of pullMessages(core, r.t, topic, r.queueId, Math.max(r.from, r.to - need), r.to)) out.push(messageView(m));
    return out;
  }, core.timeoutMs), { limit: core.concurrency });
  const found: MessageView[] = [];
  settled.forEach((s, i) => {
    const r = ranges[i]!;
    if (s.ok) found.push(...s.value);
    else errors.push({ ...brokerFailure(r.t.brokerName, r.t.brokerAddr, s.error), error: `queue ${r.queueId}: ${describeError(s.error)}` });
  });
  const inRange = found.filter((m) => m.storeTimestamp >= opts.begin && m.storeTimestamp <= opts.end);
  inRange.sort((a, b) => b.storeTimestamp - a.storeTimestamp || b.queueOffset - a.queueOffset);
  return {
    group: opts.group, topic, begin: opts.begin, end: opts.end, page, pageSize, total,
    messages: inRange.slice(page * pageSize, need).map(dlqMessage), errors,
  };
}

/** One dead letter by its offset id (what the pages select by). */
export async function dlqView(core: AdminCore, group: string, offsetMsgId: string): Promise<DlqMessage> {
  const v = await viewMessageByOffsetId(core, offsetMsgId, dlqTopicOf(group));
  if (v.topic !== dlqTopicOf(group)) throw new AdminError(`message ${offsetMsgId} is in ${v.topic}, not in ${dlqTopicOf(group)}`, ResponseCode.NO_MESSAGE);
  return dlqMessage(v);
}

/**
 * Every dead letter of a group stored in [begin, end] (or the chosen offset ids), oldest first per queue, read 32
 * at a time: memory stays flat however many there are. Failures of a queue end the stream with the error.
 */
export async function* dlqStream(core: AdminCore, opts: { group: string; begin?: number; end?: number; offsetMsgIds?: readonly string[] }): AsyncGenerator<DlqMessage> {
  if (opts.offsetMsgIds) {
    for (const id of opts.offsetMsgIds) yield await dlqView(core, opts.group, id);
    return;
  }
  const topic = dlqTopicOf(opts.group);
  const begin = opts.begin ?? 0;
  const end = opts.end ?? Date.now();
  const { ranges, errors } = await queueRanges(core, topic, begin, end);
  if (errors.length) throw new AdminError(`cannot read all of ${topic}: ${errors.map((e) => `${e.brokerName} (${e.brokerAddr}) ${e.error}`).join('; ')}`, ResponseCode.SYSTEM_ERROR);
  for (const r of ranges) {
    for await (const m of pullMessages(core, r.t, topic, r.queueId, r.from, r.to)) {
      if (m.storeTimestamp >= begin && m.storeTimestamp <= end) yield dlqMessage(messageView(m));
    }
  }
}

export interface ResendResult {
  /** The dead letter's offset id. */
  offsetMsgId: string;
  ok: boolean;
  /** The topic it was sent to. */
  topic?: string;
  /** The id of the new message. */
  newMsgId?: string;
  error?: string;
}

let seq = 0;

/**
 * Sends each chosen dead letter again to its original topic as a new message (body, tags, keys and user properties;
 * ORIGIN_MESSAGE_ID names the dead letter's first id), so the group consumes it afresh. One result per message.
 */
export async function dlqResend(core: AdminCore, group: string, offsetMsgIds: readonly string[]): Promise<ResendResult[]> {
  const producer = new Producer({
    group: ADMIN_PRODUCER_GROUP, namesrvAddr: core.namesrvAddrs, instanceName: `rocketdeck-dlq-${process.pid}-${++seq}`,
    sendMsgTimeout: core.timeoutMs, mqClientApiTimeout: core.timeoutMs, connectTimeoutMillis: core.timeoutMs, logger: core.logger.child('producer'),
  });
  await producer.start();
  const out: ResendResult[] = [];
  try {
    for (const id of offsetMsgIds) {
      try {
        const m = await dlqView(core, group, id);
        if (!m.originalTopic) throw new AdminError(`dead letter ${id} names no original topic (no ${MessageConst.PROPERTY_RETRY_TOPIC} property)`);
        const properties: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.properties)) if (!SYSTEM_PROPERTY_KEYS.has(k)) properties[k] = v;
        const msg = createMessage(m.originalTopic, Buffer.from(m.bodyBase64, 'base64'), { tags: m.tags, keys: m.keys.length ? m.keys : undefined, properties });
        msg.properties[MessageConst.PROPERTY_ORIGIN_MESSAGE_ID] = m.originMessageId ?? m.msgId;
        const r = await producer.send(msg);
        out.push({ offsetMsgId: id, ok: r.sendStatus === 'SEND_OK', topic: m.originalTopic, newMsgId: r.msgId, ...(r.sendStatus === 'SEND_OK' ? {} : { error: r.sendStatus }) });
      } catch (err) {
        out.push({ offsetMsgId: id, ok: false, error: describeError(err) });
      }
    }
  } finally {
    await producer.shutdown();
  }
  return out;
}

export interface DirectResult {
  offsetMsgId: string;
  ok: boolean;
  result?: ConsumeDirectlyResult;
  error?: string;
}

/** Hands each chosen dead letter to one online client of the group (CONSUME_MESSAGE_DIRECTLY); its listener's answer per message. */
export async function dlqConsumeDirectly(core: AdminCore, group: string, clientId: string, offsetMsgIds: readonly string[]): Promise<DirectResult[]> {
  const out: DirectResult[] = [];
  for (const id of offsetMsgIds) {
    try {
      const result = await consumeMessageDirectly(core, group, clientId, id, { topic: dlqTopicOf(group) });
      out.push({ offsetMsgId: id, ok: result.consumeResult === 'CR_SUCCESS', result });
    } catch (err) {
      out.push({ offsetMsgId: id, ok: false, error: describeError(err) });
    }
  }
  return out;
}
