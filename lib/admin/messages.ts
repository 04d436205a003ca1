// Message lookups: by offset id (VIEW_MESSAGE_BY_ID) or unique key, by key (QUERY_MESSAGE on the index), and by
// topic and time range (SEARCH_OFFSET_BY_TIMESTAMP, then PULL_MESSAGE as the tools consumer).

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MixAll } from '../protocol/constants.ts';
import { QueryMessageRequestHeader, ViewMessageRequestHeader } from '../protocol/headers.ts';
import { decodeMessageId, decodeMessages, formatSocketHost, getKeyList, getTags, getUniqKey, type MessageExt } from '../protocol/message.ts';
import { AdminError, brokerFailure, describeError, type BrokerFailure } from './errors.ts';
import { mapBounded } from './fanout.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { cmp, getTopicRoute, groupMembers, readQueueTargets, routeTargets } from './route.ts';
import { searchOffset } from './offsets.ts';
import { pullMessages } from './message-stream.ts';

export interface MessageView {
  /** UNIQ_KEY when the producer set one (what clients call msgId), else the offset id. */
  msgId: string;
  /** Store host + commit log offset. */
  offsetMsgId: string;
  topic: string;
  tags?: string;
  keys: string[];
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  reconsumeTimes: number;
  bornTimestamp: number;
  storeTimestamp: number;
  bornHost: string;
  storeHost: string;
  sysFlag: number;
  storeSize: number;
  properties: Record<string, string>;
  /** The body as UTF-8 text, and exactly as base64. */
  body: string;
  bodyBase64: string;
}

export function messageView(m: MessageExt): MessageView {
  const v: MessageView = {
    msgId: getUniqKey(m) ?? m.msgId,
    offsetMsgId: m.msgId,
    topic: m.topic,
    keys: getKeyList(m),
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.commitLogOffset,
    reconsumeTimes: m.reconsumeTimes,
    bornTimestamp: m.bornTimestamp,
    storeTimestamp: m.storeTimestamp,
    bornHost: formatSocketHost(m.bornHost),
    storeHost: formatSocketHost(m.storeHost),
    sysFlag: m.sysFlag,
    storeSize: m.storeSize,
    properties: Object.fromEntries(Object.entries(m.properties)),
    body: m.body.toString('utf8'),
    bodyBase64: m.body.toString('base64'),
  };
  const tags = getTags(m);
  if (tags !== undefined) v.tags = tags;
  return v;
}

/** The store host an offset message id names, or undefined when the id is not one. */
export function offsetIdAddr(msgId: string): { addr: string; offset: number } | undefined {
  try {
    const id = decodeMessageId(msgId);
    return { addr: formatSocketHost({ address: id.address, port: id.port }), offset: id.offset };
  } catch {
    return undefined; // not an offset id: a unique key
  }
}

/** VIEW_MESSAGE_BY_ID on the broker that stored it. */
export async function viewMessageByOffsetId(core: AdminCore, msgId: string, topic?: string): Promise<MessageView> {
  const id = offsetIdAddr(msgId);
  if (!id) throw new AdminError(`'${msgId}' is not an offset message id`, ResponseCode.NO_MESSAGE);
  const res = await core.call(id.addr, RequestCode.VIEW_MESSAGE_BY_ID, { topic, offset: id.offset }, { spec: ViewMessageRequestHeader });
  const [m] = decodeMessages(res.body ?? Buffer.alloc(0));
  if (!m) throw new AdminError(`broker ${id.addr} sent no message for id ${msgId}`, ResponseCode.NO_MESSAGE);
  return messageView(m);
}

export interface QueryResult {
  messages: MessageView[];
  errors: BrokerFailure[];
}

const LONG_MAX = 9223372036854775807n;

/** QUERY_MESSAGE on every broker group of the topic, keeping what really matches (the index is a hash). */
async function queryIndex(core: AdminCore, opts: { topic: string; key: string; unique: boolean; maxNum: number; begin: number; end?: number }): Promise<QueryResult> {
  const route = await getTopicRoute(core, opts.topic);
  const header = {
    topic: opts.topic, key: opts.key, maxNum: opts.maxNum,
    beginTimestamp: BigInt(opts.begin), endTimestamp: opts.end === undefined ? LONG_MAX : BigInt(opts.end),
  };
  const fan = await core.fanout(routeTargets(route), async (t) => {
    const res = await core.call(t.brokerAddr, RequestCode.QUERY_MESSAGE, header, {
      spec: QueryMessageRequestHeader, extra: { [MixAll.UNIQUE_MSG_QUERY_FLAG]: String(opts.unique) },
      okCodes: [ResponseCode.QUERY_NOT_FOUND], timeoutMs: core.timeoutMs * 3,
    });
    return res.code === ResponseCode.SUCCESS && res.body?.length ? decodeMessages(res.body) : [];
  }, { deadlineMs: core.timeoutMs * 3 }); // an index search the user asked for and waits on
  const seen = new Set<string>();
  const messages: MessageView[] = [];
  for (const m of fan.results.flatMap((r) => r.value)) {
    const match = opts.unique ? getUniqKey(m) === opts.key : m.topic === opts.topic && getKeyList(m).includes(opts.key);
    if (!match || seen.has(m.msgId)) continue;
    seen.add(m.msgId);
    messages.push(messageView(m));
  }
  messages.sort((a, b) => a.storeTimestamp - b.storeTimestamp || cmp(a.offsetMsgId, b.offsetMsgId));
  return { messages, errors: fan.errors };
}

/** queryMsgByKey: messages of `topic` whose KEYS contain `key` (mqadmin's defaults: 64 messages, all time). */
export function queryMessageByKey(core: AdminCore, opts: { topic: string; key: string; maxNum?: number; begin?: number; end?: number }): Promise<QueryResult> {
  return queryIndex(core, { topic: opts.topic, key: opts.key, unique: false, maxNum: opts.maxNum ?? 64, begin: opts.begin ?? 0, end: opts.end });
}

/** Messages whose UNIQ_KEY (client msgId) is `uniqKey`. */
export function queryMessageByUniqKey(core: AdminCore, topic: string, uniqKey: string): Promise<QueryResult> {
  return queryIndex(core, { topic, key: uniqKey, unique: true, maxNum: 32, begin: 0 });
}

/**
 * queryMsgById: an offset id is read from the broker it names; otherwise (or when that fails and the topic is known)
 * the id is looked up as a unique key in the topic's index.
 */
export async function viewMessage(core: AdminCore, msgId: string, opts: { topic?: string } = {}): Promise<MessageView[]> {
  const id = offsetIdAddr(msgId);
  let known: string[] | undefined;
  if (opts.topic) {
    const route = await getTopicRoute(core, opts.topic);
    known = route.brokerDatas.flatMap((g) => groupMembers(g).map((m) => m.addr));
  }
  // a unique key is also 32 hex chars: only trust it as an offset id when it names a broker we know, or we have no topic
  let firstErr: unknown;
  if (id && (!known || known.includes(id.addr))) {
    try {
      return [await viewMessageByOffsetId(core, msgId, opts.topic)];
    } catch (err) {
      if (!opts.topic) throw err;
      firstErr = err;
    }
  }
  if (!opts.topic) throw new AdminError(`'${msgId}' is not an offset message id; give its topic (-t) to look it up as a unique key`, ResponseCode.NO_MESSAGE);
  const r = await queryMessageByUniqKey(core, opts.topic, msgId);
  if (r.messages.length) return r.messages;
  const why = [firstErr ? describeError(firstErr) : undefined, ...r.errors.map((e) => `${e.brokerName} (${e.brokerAddr}): ${e.error}`)].filter(Boolean);
  throw new AdminError(`no message with id ${msgId} in topic ${opts.topic}${why.length ? ` (${why.join('; ')})` : ''}`, ResponseCode.NO_MESSAGE);
}

async function pullRange(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, from: number, to: number, end: number, limit: number): Promise<MessageExt[]> {
  const out: MessageExt[] = [];
  for await (const m of pullMessages(core, t, topic, queueId, from, to)) {
    if (m.storeTimestamp <= end) out.push(m);
    if (out.length >= limit) break;
  }
  return out;
}

/** Messages of a topic stored between `begin` and `end` (epoch ms), oldest first, at most `maxNum` (default 32). */
export async function queryMessageByTime(core: AdminCore, opts: { topic: string; begin: number; end: number; maxNum?: number }): Promise<QueryResult> {
  const { topic, begin, end } = opts;
  const maxNum = opts.maxNum ?? 32;
  const route = await getTopicRoute(core, topic);
  const queues = readQueueTargets(route);
  const settled = await mapBounded(queues, async ({ t, queueId }) => {
    const from = await searchOffset(core, t, topic, queueId, begin);
    const to = await searchOffset(core, t, topic, queueId, end);
    // the offset found for `end` is the first message at or after it: read one more to include it
    return pullRange(core, t, topic, queueId, from, to + 1, end, maxNum);
  }, { limit: core.concurrency });
  const errors: BrokerFailure[] = [];
  const found: MessageExt[] = [];
  settled.forEach((s, i) => {
    const { t, queueId } = queues[i]!;
    if (s.ok) found.push(...s.value);
    else errors.push({ ...brokerFailure(t.brokerName, t.brokerAddr, s.error), error: `queue ${queueId}: ${describeError(s.error)}` });
  });
  const all = found.filter((m) => m.storeTimestamp >= begin && m.storeTimestamp <= end);
  all.sort((a, b) => a.storeTimestamp - b.storeTimestamp || a.queueOffset - b.queueOffset);
  return { messages: all.slice(0, maxNum).map(messageView), errors };
}
