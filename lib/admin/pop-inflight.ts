// POP messages in flight on Apache RocketMQ 5.x brokers, which answer no admin request with it: derived from the
// checkpoints (`ck`) and acks (`ack`, `bAck`) a broker stores for every non-orderly POP, read as the tools consumer.
//
// Where they are (5.3.3, PopMessageProcessor.buildCkMsg, AckMessageProcessor, PopBufferMergeService): each is a message
// of the revive log `rmq_sys_REVIVE_LOG_<cluster>` with a delivery time (ck: popTime + invisibleTime - 1 s, ack:
// popTime + invisibleTime), so the timer wheel holds it in `rmq_sys_wheel_timer` queue 0 (REAL_TOPIC = the revive
// log, TIMER_OUT_MS = when it rolls) until then; the revive service (PopReviveService) reads the revive log from
// CID_RMQ_SYS_REVIVE_GROUP's offset and revives what no ack covers. So a popped message is in flight while its ck is
// pending in the timer wheel or in the revive log past that offset, and no ack of either place covers it.
// Bodies are fastjson JSON: PopCheckPoint {so, pt, it, bm, n, q, t, c, ro, d, bn}, AckMsg {ao, so, c, t, q, pt, bn},
// BatchAckMsg {aol, so, c, t, q, pt, bn}; ck's own offsets are so + d[i] (so + i for old checkpoints without d).

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { GetConsumeStatsRequestHeader } from '../protocol/headers.ts';
import { decodeConsumeStats, decodeTimerCheckpoint } from '../protocol/bodies/index.ts';
import type { MessageExt } from '../protocol/message.ts';
import { validateGroup } from '../protocol/constants.ts';
import { AdminError, type BrokerFailure } from './errors.ts';
import { ResponseCodeError } from '../remoting/errors.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { PULL_BATCH, pullMessages } from './message-stream.ts';
import { maxOffset, minOffset } from './offsets.ts';
import { decodeTimerCounts } from './pop.ts';
import { readTargets } from './route.ts';

/** PopAckConstants.REVIVE_GROUP: the revive service's offsets on the revive log. */
export const REVIVE_GROUP = 'CID_RMQ_SYS_REVIVE_GROUP';
/** TimerMessageStore.TIMER_TOPIC */
export const TIMER_TOPIC = 'rmq_sys_wheel_timer';
export const reviveTopicOf = (clusterName: string): string => `rmq_sys_REVIVE_LOG_${clusterName}`;
/** Revive-log messages read per revive queue past the revive offset, and timer-wheel messages read back from its end. */
export const DEFAULT_MAX_PER_QUEUE = 512;
export const DEFAULT_TIMER_WINDOW = 2048;
/** Slices of the timer-wheel window read at once. */
const TIMER_SLICES = 4;

/** One checkpoint or ack as stored (a ck's `offsets` are the queue offsets it popped; an ack's those it acks). */
export interface ReviveEntry {
  kind: 'ck' | 'ack';
  /** The message's UNIQ_KEY (genCkUniqueId / genAckUniqueId): one entry found in both places counts once. */
  uniqKey: string;
  topic: string;
  queueId: number;
  startOffset: number;
  popTime: number;
  group: string;
  brokerName: string;
  offsets: number[];
  /** ck only: bits already acked when the checkpoint was written (buffer merge) and its revive time. */
  bitMap?: number;
  reviveTime?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * A revive-log message (tags `ck`, `ack` or `bAck`, JSON body) as a ReviveEntry; undefined for anything else or a
 * body that does not parse (a log line is the caller's).
 */
export function parseReviveEntry(tags: string | undefined, body: Buffer | string, uniqKey?: string): ReviveEntry | undefined {
  if (tags !== 'ck' && tags !== 'ack' && tags !== 'bAck') return undefined;
  let o: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    o = v as Record<string, unknown>;
  } catch {
    return undefined;
  }
  // AckMsg also reads its long names (alternateNames)
  const pick = (short: string, long: string): unknown => o[short] ?? o[long];
  const topic = str(pick('t', 'topic'));
  const group = str(pick('c', 'consumerGroup'));
  const queueId = num(pick('q', 'queueId'));
  const startOffset = num(pick('so', 'startOffset'));
  const popTime = num(pick('pt', 'popTime'));
  const brokerName = str(pick('bn', 'brokerName')) ?? '';
  if (topic === undefined || group === undefined || queueId === undefined || startOffset === undefined || popTime === undefined) return undefined;
  const base = { topic, group, queueId, startOffset, popTime, brokerName };
  if (tags === 'ck') {
    const n = num(o.n) ?? 0;
    const diffs = Array.isArray(o.d) ? o.d.map(num).filter((x): x is number => x !== undefined) : [];
    const offsets = diffs.length ? diffs.map((d) => startOffset + d) : Array.from({ length: n }, (_, i) => startOffset + i);
    const it = num(o.it) ?? 0;
    return {
      kind: 'ck', uniqKey: uniqKey ?? `${topic}@${queueId}@${startOffset}@${group}@${popTime}@${brokerName}@ck`, ...base, offsets,
      bitMap: num(o.bm) ?? 0, reviveTime: popTime + it,
    };
  }
  const offsets = tags === 'ack'
    ? [num(pick('ao', 'ackOffset'))].filter((x): x is number => x !== undefined)
    : (Array.isArray(pick('aol', 'ackOffsetList')) ? (pick('aol', 'ackOffsetList') as unknown[]).map(num).filter((x): x is number => x !== undefined) : []);
  return { kind: 'ack', uniqKey: uniqKey ?? `${topic}@${queueId}@${offsets.join(',')}@${group}@${popTime}@${brokerName}@${tags}`, ...base, offsets };
}

/** A stored message as the reader sees it (MessageExt has more). */
export interface StoredMessage {
  properties: Record<string, string>;
  body: Buffer | string;
}

/**
 * A revive-log message as a ReviveEntry. `timer` for a message of the timer wheel: only one still waiting to roll into
 * `reviveTopic` (REAL_TOPIC, TIMER_OUT_MS at or after `from`: the wheel's read time, else now) counts, as the wheel's
 * queue keeps what it rolled out.
 */
export function reviveEntryOf(m: StoredMessage, timer?: { reviveTopic: string; from: number }): ReviveEntry | undefined {
  if (timer && (m.properties.REAL_TOPIC !== timer.reviveTopic || !(Number(m.properties.TIMER_OUT_MS) >= timer.from))) return undefined;
  return parseReviveEntry(m.properties.TAGS, m.body, m.properties.UNIQ_KEY);
}

/** PopReviveService's merge key: the ack of a checkpoint names the same topic, queue, start offset, group, pop time, broker. */
const mergeKey = (e: ReviveEntry): string => `${e.topic}@${e.queueId}@${e.startOffset}@${e.group}@${e.popTime}@${e.brokerName}`;

export interface InflightQueue {
  topic: string;
  brokerName: string;
  queueId: number;
  inflight: number;
}

/**
 * Messages popped and not acked per (topic, broker, queue) from the pending checkpoints and acks given (each counted
 * once by UNIQ_KEY); only `group`'s. Queues with nothing in flight are left out.
 */
export function inflightFromEntries(entries: Iterable<ReviveEntry>, group: string): InflightQueue[] {
  const seen = new Set<string>();
  const cks: ReviveEntry[] = [];
  const acked = new Map<string, Set<number>>();
  for (const e of entries) {
    if (e.group !== group || seen.has(e.uniqKey)) continue;
    seen.add(e.uniqKey);
    if (e.kind === 'ck') {
      cks.push(e);
      continue;
    }
    const k = mergeKey(e);
    const s = acked.get(k) ?? new Set<number>();
    for (const o of e.offsets) s.add(o);
    acked.set(k, s);
  }
  const out = new Map<string, InflightQueue>();
  for (const ck of cks) {
    const acks = acked.get(mergeKey(ck));
    let n = 0;
    ck.offsets.forEach((o, i) => {
      if (((ck.bitMap ?? 0) >>> i) & 1) return;
      if (acks?.has(o)) return;
      n++;
    });
    if (n === 0) continue;
    const key = `${ck.topic} ${ck.brokerName} ${ck.queueId}`;
    const q = out.get(key) ?? { topic: ck.topic, brokerName: ck.brokerName, queueId: ck.queueId, inflight: 0 };
    q.inflight += n;
    out.set(key, q);
  }
  return [...out.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId);
}

/** What one broker's read saw: how far it got and whether a cap or the time budget stopped it short. */
export interface ReviveReadStats {
  brokerName: string;
  brokerAddr: string;
  reviveTopic: string;
  /** Revive-log messages read past CID_RMQ_SYS_REVIVE_GROUP's offsets (all revive queues). */
  reviveRead: number;
  /** Timer-wheel messages read back from its end. */
  timerRead: number;
  /**
   * A revive queue had more past its offset than `maxPerQueue`, time ran out, or the timer wheel held more than
   * `timerWindow` and its pending revive-log entries (GET_TIMER_METRICS) outnumber those the window saw.
   */
  partial: boolean;
  /** When the wheel's window was capped: its pending revive-log entries as the broker counts them and as the window saw them. */
  timerPending?: number;
  timerPendingSeen?: number;
}

export interface ReviveInflightResult {
  group: string;
  source: 'revive-log';
  queues: InflightQueue[];
  total: number;
  /** Some broker's read was capped: the figures are lower bounds ("≥"). */
  partial: boolean;
  brokers: ReviveReadStats[];
  errors: BrokerFailure[];
}

export interface ReviveInflightOptions {
  maxPerQueue?: number;
  timerWindow?: number;
  /** Epoch ms the timer wheel's pending entries are judged against when its read time is later or unknown (tests). */
  now?: number;
  /** Per-broker deadline (default the admin client's). */
  deadlineMs?: number;
}

/** Messages of `topic`/`queueId` in [from, to) while the budget lasts; `stopped` when it ran out first. */
async function readRange(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, from: number, to: number, budgetEnd: number,
  each: (m: MessageExt) => void): Promise<{ read: number; stopped: boolean }> {
  let read = 0;
  for await (const m of pullMessages(core, t, topic, queueId, from, to)) {
    each(m);
    read++;
    if (Date.now() > budgetEnd && m.queueOffset < to - 1) return { read, stopped: true };
  }
  return { read, stopped: false };
}

/** The timer wheel's read time (GET_TIMER_CHECK_POINT's lastReadTimeMs); undefined where the broker cannot tell. */
async function timerReadTime(core: AdminCore, t: BrokerTarget): Promise<number | undefined> {
  try {
    const res = await core.call(t.brokerAddr, RequestCode.GET_TIMER_CHECK_POINT, undefined, { okCodes: [ResponseCode.REQUEST_CODE_NOT_SUPPORTED] });
    return res.code === ResponseCode.SUCCESS && res.body && res.body.length >= 32 ? decodeTimerCheckpoint(res.body).lastReadTimeMs : undefined;
  } catch (err) {
    core.logger.warn('timer_checkpoint_failed', { brokerName: t.brokerName, brokerAddr: t.brokerAddr, error: err });
    return undefined;
  }
}

async function readBroker(core: AdminCore, t: BrokerTarget, group: string, o: Required<Omit<ReviveInflightOptions, 'deadlineMs'>>, deadlineMs: number): Promise<{ entries: ReviveEntry[]; stats: ReviveReadStats }> {
  // stop reading with time to spare, so a slow broker gives a partial figure instead of none
  const budgetEnd = Date.now() + Math.max(200, deadlineMs * 0.6);
  const reviveTopic = reviveTopicOf(t.clusterName);
  const stats: ReviveReadStats = { brokerName: t.brokerName, brokerAddr: t.brokerAddr, reviveTopic, reviveRead: 0, timerRead: 0, partial: false };
  const entries: ReviveEntry[] = [];
  let timerPendingSeen = 0;
  // what the wheel has not rolled yet: due at or after its read time (TimerCheckpoint.lastReadTimeMs, which trails now
  // by a second or so, more when the timer is behind); now where the broker has no checkpoint to give
  let timerFrom = o.now;
  const keep = (m: MessageExt, inTimer: boolean): void => {
    const e = reviveEntryOf(m, inTimer ? { reviveTopic, from: timerFrom } : undefined);
    if (e && inTimer) timerPendingSeen++;
    if (e && e.group === group) entries.push(e);
  };
  // how many revive-log entries the wheel holds (GET_TIMER_METRICS, every group's): a window that saw as many missed none
  const timerPending = core.call(t.brokerAddr, RequestCode.GET_TIMER_METRICS, undefined, { okCodes: [ResponseCode.REQUEST_CODE_NOT_SUPPORTED] })
    .then((r) => (r.code === ResponseCode.SUCCESS && r.body?.length ? decodeTimerCounts(r.body).get(reviveTopic) ?? 0 : undefined), (err: unknown) => {
      // without the count a capped window is taken as partial
      core.logger.warn('timer_metrics_failed', { brokerName: t.brokerName, brokerAddr: t.brokerAddr, error: err });
      return undefined;
    });
  let timerCapped = false;
  const res = await core.call(t.brokerAddr, RequestCode.GET_CONSUME_STATS, { consumerGroup: REVIVE_GROUP, topic: reviveTopic }, { spec: GetConsumeStatsRequestHeader });
  const reviveQueues = decodeConsumeStats(res.body).offsetTable.filter(([mq]) => mq.topic === reviveTopic);
  const timerRead = (async () => {
    let max: number, min: number;
    try {
      let readTime: number | undefined;
      [max, min, readTime] = await Promise.all([maxOffset(core, t, TIMER_TOPIC, 0), minOffset(core, t, TIMER_TOPIC, 0), timerReadTime(core, t)]);
      if (readTime !== undefined && readTime > 0) timerFrom = Math.min(o.now, readTime);
    } catch (err) {
      // no timer wheel (4.x, timerWheelEnable=false): checkpoints go straight to the revive log
      if (err instanceof ResponseCodeError) return;
      throw err;
    }
    const from = Math.max(min, max - o.timerWindow);
    timerCapped = from > min;
    // the window in a few slices read side by side: one pull carries at most 32 messages
    const step = Math.max(PULL_BATCH, Math.ceil((max - from) / TIMER_SLICES));
    const slices: Array<[number, number]> = [];
    for (let a = from; a < max; a += step) slices.push([a, Math.min(max, a + step)]);
    for (const r of await Promise.all(slices.map(([a, b]) => readRange(core, t, TIMER_TOPIC, 0, a, b, budgetEnd, (m) => keep(m, true))))) {
      stats.timerRead += r.read;
      if (r.stopped) stats.partial = true;
    }
  })();
  await Promise.all([timerRead, ...reviveQueues.map(async ([mq, w]) => {
    const from = Math.max(0, w.consumerOffset);
    const to = Math.min(w.brokerOffset, from + o.maxPerQueue);
    if (to < w.brokerOffset) stats.partial = true;
    const r = await readRange(core, t, reviveTopic, mq.queueId, from, to, budgetEnd, (m) => keep(m, false));
    stats.reviveRead += r.read;
    if (r.stopped) stats.partial = true;
  })]);
  if (timerCapped) {
    const pending = await timerPending;
    stats.timerPending = pending;
    stats.timerPendingSeen = timerPendingSeen;
    if (pending === undefined || timerPendingSeen < pending) stats.partial = true;
  }
  return { entries, stats };
}

/**
 * A POP group's messages in flight per queue on every broker group's master (or the slave standing in), derived from
 * the revive log and the timer wheel (see the top of this file); each broker under the per-broker deadline, its read
 * capped at `maxPerQueue` revive-log messages per revive queue and `timerWindow` timer-wheel messages (`partial`).
 */
export async function reviveInflight(core: AdminCore, group: string, opts: ReviveInflightOptions = {}): Promise<ReviveInflightResult> {
  const bad = validateGroup(group);
  if (bad) throw new AdminError(bad);
  const o = { maxPerQueue: opts.maxPerQueue ?? DEFAULT_MAX_PER_QUEUE, timerWindow: opts.timerWindow ?? DEFAULT_TIMER_WINDOW, now: opts.now ?? Date.now() };
  const deadlineMs = opts.deadlineMs ?? core.deadlineMs;
  const { targets } = await readTargets(core);
  const fan = await core.fanout(targets, (t) => readBroker(core, t, group, o, deadlineMs), { deadlineMs });
  const queues = inflightFromEntries(fan.results.flatMap((r) => r.value.entries), group);
  const brokers = fan.results.map((r) => r.value.stats);
  return {
    group, source: 'revive-log', queues, total: queues.reduce((n, q) => n + q.inflight, 0),
    partial: brokers.some((b) => b.partial) || fan.errors.length > 0, brokers, errors: fan.errors,
  };
}
