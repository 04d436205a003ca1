// Consumer groups: the list with lag and TPS for every group from two calls per broker (201 + 317), and one group's
// per-queue progress with the client holding each queue.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { mqVersionName } from '../protocol/constants.ts';
import { systemGroupKind, type SystemKind } from './system-kinds.ts';
import { GetConsumeStatsInBrokerHeader, GetConsumeStatsRequestHeader } from '../protocol/headers.ts';
import {
  decodeConsumeStats, decodeConsumeStatsList, decodeSubscriptionGroupWrapper, mqKey, type ConsumeStats, type ConsumeStatsList,
  type SubscriptionGroupConfig, type SubscriptionGroupWrapper,
} from '../protocol/bodies/index.ts';
import { mapBounded } from './fanout.ts';
import { describeError, hasCode, type BrokerFailure } from './errors.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { cmp, readTargets } from './route.ts';
import { consumerConnection, consumerRunningInfo } from './connections.ts';

/** Groups brokers create for themselves, RocketMQ tools use, or 5.x proxies run (system-kinds.ts). */
const sysKind = (group: string): { systemKind?: SystemKind } => {
  const k = systemGroupKind(group);
  return k ? { systemKind: k } : {};
};

export const isSystemGroup = (group: string): boolean => systemGroupKind(group) !== undefined;

export interface GroupSettings {
  consumeEnable: boolean;
  consumeBroadcastEnable: boolean;
  consumeFromMinEnable: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  consumeMessageOrderly?: boolean;
}

export interface GroupSummary {
  group: string;
  system: boolean;
  /** What a system group is for (predefined, transaction, revive log, heartbeat sync, ...). */
  systemKind?: SystemKind;
  /** Broker groups with a subscription config or offsets for this group. */
  brokerNames: string[];
  /** Topics with committed offsets (the retry topic included). */
  topics: string[];
  /** Sum over queues of brokerOffset - consumerOffset. */
  diffTotal: number;
  consumeTps: number;
  /** Store time of the last consumed message, 0 when none. */
  lastConsumeTimestamp: number;
  settings?: GroupSettings;
  /** With connections: number of online clients (0 = offline), lowest client version, consume type and model. */
  count?: number;
  version?: string;
  consumeType?: string;
  messageModel?: string;
  connectionError?: string;
}

export interface GroupListResult {
  groups: GroupSummary[];
  errors: BrokerFailure[];
  warnings: BrokerFailure[];
  /** Epoch ms when the oldest broker answer used was asked for (answers are shared, never cached). */
  asOf?: number;
}

/** A decoded broker answer and when it was asked for. */
export interface Asked<T> {
  value: T;
  askedAt: number;
}

/**
 * GET_BROKER_CONSUME_STATS of one broker (every group's per-queue offsets), decoded. The console's list requests
 * and its collector ask it at the same moments: concurrent callers share one call and one decode.
 */
export function brokerConsumeStats(core: AdminCore, brokerAddr: string): Promise<Asked<ConsumeStatsList>> {
  return core.shared(`${RequestCode.GET_BROKER_CONSUME_STATS} ${brokerAddr}`, async () => {
    const askedAt = Date.now();
    const res = await core.call(brokerAddr, RequestCode.GET_BROKER_CONSUME_STATS, { isOrder: false },
      { spec: GetConsumeStatsInBrokerHeader, timeoutMs: core.timeoutMs * 3 });
    return { value: decodeConsumeStatsList(res.body), askedAt };
  });
}

/** The last subscription group table decoded per AdminCore and broker, with the body it came from. */
const lastSubscriptionGroups = new WeakMap<AdminCore, Map<string, { body: Buffer; value: SubscriptionGroupWrapper }>>();

/**
 * GET_ALL_SUBSCRIPTIONGROUP_CONFIG of one broker, decoded; shared like brokerConsumeStats. The table seldom changes
 * between two asks, so a body equal byte for byte to the last one is not decoded again (answers are never reused:
 * the broker is asked every time).
 */
export function brokerSubscriptionGroups(core: AdminCore, brokerAddr: string): Promise<Asked<SubscriptionGroupWrapper>> {
  return core.shared(`${RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG} ${brokerAddr}`, async () => {
    const askedAt = Date.now();
    const res = await core.call(brokerAddr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
    let memo = lastSubscriptionGroups.get(core);
    if (!memo) {
      memo = new Map();
      lastSubscriptionGroups.set(core, memo);
    }
    const last = memo.get(brokerAddr);
    if (last && res.body && last.body.equals(res.body)) return { value: last.value, askedAt };
    const value = decodeSubscriptionGroupWrapper(res.body);
    // a copy: the body may be a view into a buffer the transport reuses
    if (res.body) memo.set(brokerAddr, { body: Buffer.from(res.body), value });
    return { value, askedAt };
  });
}

const settingsOf = (c: SubscriptionGroupConfig): GroupSettings => {
  const s: GroupSettings = {
    consumeEnable: c.consumeEnable, consumeBroadcastEnable: c.consumeBroadcastEnable, consumeFromMinEnable: c.consumeFromMinEnable,
    retryQueueNums: c.retryQueueNums, retryMaxTimes: c.retryMaxTimes, brokerId: c.brokerId,
    whichBrokerWhenConsumeSlowly: c.whichBrokerWhenConsumeSlowly,
  };
  if (c.consumeMessageOrderly !== undefined) s.consumeMessageOrderly = c.consumeMessageOrderly;
  return s;
};

interface Acc {
  summary: GroupSummary;
  brokers: Set<string>;
  topics: Set<string>;
}

/** Adds one broker's ConsumeStats of a group to its running totals. */
function addStats(acc: Acc, stats: ConsumeStats): void {
  acc.summary.consumeTps += stats.consumeTps;
  for (const [mq, o] of stats.offsetTable) {
    acc.topics.add(mq.topic);
    acc.summary.diffTotal += o.brokerOffset - o.consumerOffset;
    if (o.lastTimestamp > acc.summary.lastConsumeTimestamp) acc.summary.lastConsumeTimestamp = o.lastTimestamp;
  }
}

/**
 * Every consumer group of the cluster with lag, TPS and last consume time: GET_ALL_SUBSCRIPTIONGROUP_CONFIG and
 * GET_BROKER_CONSUME_STATS per broker group, whatever the number of groups. `withConnections` adds one
 * GET_CONSUMER_CONNECTION_LIST per group (bounded fan-out) for online counts.
 */
export async function groupList(core: AdminCore, opts: { withConnections?: boolean; includeSystem?: boolean } = {}): Promise<GroupListResult> {
  const { targets, warnings } = await readTargets(core);
  const fan = await core.fanout(targets, (t) => readBrokerGroups(core, t), { keep: 'groupList' });
  const byGroup = new Map<string, Acc>();
  const accOf = (group: string): Acc => {
    let acc = byGroup.get(group);
    if (!acc) {
      acc = {
        summary: { group, system: isSystemGroup(group), ...sysKind(group), brokerNames: [], topics: [], diffTotal: 0, consumeTps: 0, lastConsumeTimestamp: 0 },
        brokers: new Set(),
        topics: new Set(),
      };
      byGroup.set(group, acc);
    }
    return acc;
  };
  for (const { target, value } of fan.results) {
    for (const [group, config] of value.sub.subscriptionGroupTable) {
      const acc = accOf(group);
      acc.brokers.add(target.brokerName);
      acc.summary.settings ??= settingsOf(config);
    }
    for (const [group, list] of value.stats) {
      const acc = accOf(group);
      acc.brokers.add(target.brokerName);
      for (const s of list) addStats(acc, s);
    }
  }
  let groups = [...byGroup.values()]
    .map((a) => ({ ...a.summary, brokerNames: [...a.brokers].sort(cmp), topics: [...a.topics].sort(cmp) }))
    .filter((g) => opts.includeSystem !== false || !g.system)
    .sort((a, b) => cmp(a.group, b.group));
  if (opts.withConnections) groups = await addConnections(core, groups);
  const out: GroupListResult = { groups, errors: fan.errors, warnings };
  if (fan.results.length) out.asOf = Math.min(...fan.results.map((r) => r.value.askedAt));
  return out;
}

/** Every group's subscription config and per-queue offsets on one broker. */
export interface BrokerGroups {
  sub: SubscriptionGroupWrapper;
  /** group -> ConsumeStats per topic (or one for all topics on the fallback path) */
  stats: Map<string, ConsumeStats[]>;
  /** Groups whose stats could not be read (fallback path), with why. */
  failed: Array<{ group: string; error: string }>;
  /** When the oldest answer used was asked for (epoch ms). */
  askedAt: number;
}

/**
 * GET_ALL_SUBSCRIPTIONGROUP_CONFIG and GET_BROKER_CONSUME_STATS of one broker (both shared with concurrent callers);
 * a broker without the latter is asked GET_CONSUME_STATS per group (bounded).
 */
export async function readBrokerGroups(core: AdminCore, t: BrokerTarget): Promise<BrokerGroups> {
  const [subRes, statsRes] = await Promise.allSettled([brokerSubscriptionGroups(core, t.brokerAddr), brokerConsumeStats(core, t.brokerAddr)]);
  if (subRes.status === 'rejected') throw subRes.reason;
  const sub = subRes.value.value;
  if (statsRes.status === 'fulfilled') {
    const stats = new Map<string, ConsumeStats[]>();
    for (const entry of statsRes.value.value.consumeStatsList) {
      for (const [group, list] of entry) stats.set(group, [...(stats.get(group) ?? []), ...list]);
    }
    return { sub, stats, failed: [], askedAt: Math.min(subRes.value.askedAt, statsRes.value.askedAt) };
  }
  if (!hasCode(statsRes.reason, ResponseCode.REQUEST_CODE_NOT_SUPPORTED)) throw statsRes.reason;
  // a broker without GET_BROKER_CONSUME_STATS: one GET_CONSUME_STATS per group instead
  const askedAt = Date.now();
  const groups = [...sub.subscriptionGroupTable.keys()];
  const settled = await mapBounded(groups, async (group) =>
    decodeConsumeStats((await core.call(t.brokerAddr, RequestCode.GET_CONSUME_STATS, { consumerGroup: group }, { spec: GetConsumeStatsRequestHeader })).body),
  { limit: core.concurrency });
  const out: BrokerGroups = { sub, stats: new Map(), failed: [], askedAt: Math.min(subRes.value.askedAt, askedAt) };
  settled.forEach((s, i) => {
    const group = groups[i]!;
    if (s.ok) {
      if (s.value.offsetTable.length) out.stats.set(group, [s.value]);
    } else {
      out.failed.push({ group, error: describeError(s.error) });
      core.logger.warn('group_stats_failed', { brokerAddr: t.brokerAddr, group, error: s.error });
    }
  });
  return out;
}

async function addConnections(core: AdminCore, groups: GroupSummary[]): Promise<GroupSummary[]> {
  const settled = await mapBounded(groups, (g) => consumerConnection(core, g.group), { limit: core.concurrency });
  return groups.map((g, i) => {
    const s = settled[i]!;
    if (s.ok) {
      const cc = s.value;
      const minVersion = Math.min(...cc.connections.map((c) => c.version));
      return { ...g, count: cc.connections.length, version: mqVersionName(minVersion), consumeType: cc.consumeType, messageModel: cc.messageModel };
    }
    if (hasCode(s.error, ResponseCode.CONSUMER_NOT_ONLINE)) return { ...g, count: 0 };
    return { ...g, connectionError: describeError(s.error) };
  });
}

export interface QueueProgress {
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  /** brokerOffset - consumerOffset */
  diff: number;
  /** Store time of the last consumed message, 0 when none. */
  lastTimestamp: number;
  /** 5.x: offset pulled but not yet committed */
  pullOffset?: number;
  /** RocketDeck brokers: messages of a POP group popped from the queue and not acked yet. */
  popInflight?: number;
  /** Client holding the queue (with clients). */
  clientId?: string;
}

export interface GroupProgressResult {
  group: string;
  topic?: string;
  queues: QueueProgress[];
  diffTotal: number;
  consumeTps: number;
  lastConsumeTimestamp: number;
  errors: BrokerFailure[];
  warnings: BrokerFailure[];
  /** With clients: running-info requests that failed, by client id. */
  clientErrors?: Array<{ clientId: string; error: string }>;
}

/** consumerProgress -g: GET_CONSUME_STATS from every broker group, merged; `withClients` adds who holds each queue. */
export async function consumerProgress(core: AdminCore, group: string, opts: { topic?: string; withClients?: boolean } = {}): Promise<GroupProgressResult> {
  const { targets, warnings } = await readTargets(core);
  const header = { consumerGroup: group, topic: opts.topic };
  const fan = await core.fanout(targets, async (t) =>
    decodeConsumeStats((await core.call(t.brokerAddr, RequestCode.GET_CONSUME_STATS, header, { spec: GetConsumeStatsRequestHeader, timeoutMs: core.timeoutMs * 3 })).body));
  const out: GroupProgressResult = { group, queues: [], diffTotal: 0, consumeTps: 0, lastConsumeTimestamp: 0, errors: fan.errors, warnings };
  if (opts.topic) out.topic = opts.topic;
  for (const { value } of fan.results) {
    out.consumeTps += value.consumeTps;
    for (const [mq, o] of value.offsetTable) {
      const q: QueueProgress = {
        topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId,
        brokerOffset: o.brokerOffset, consumerOffset: o.consumerOffset, diff: o.brokerOffset - o.consumerOffset, lastTimestamp: o.lastTimestamp,
      };
      if (o.pullOffset !== undefined) q.pullOffset = o.pullOffset;
      if (o.popInflight !== undefined) q.popInflight = o.popInflight;
      out.queues.push(q);
      out.diffTotal += q.diff;
      if (o.lastTimestamp > out.lastConsumeTimestamp) out.lastConsumeTimestamp = o.lastTimestamp;
    }
  }
  out.queues.sort((a, b) => cmp(a.topic, b.topic) || cmp(a.brokerName, b.brokerName) || a.queueId - b.queueId);
  if (opts.withClients) {
    const assignment = await queueAssignment(core, group);
    const holder = new Map(assignment.queues.map((q) => [mqKey(q), q.clientId]));
    for (const q of out.queues) {
      const c = holder.get(mqKey(q));
      if (c) q.clientId = c;
    }
    out.clientErrors = assignment.clientErrors;
  }
  return out;
}

export interface QueueAssignmentResult {
  group: string;
  queues: Array<{ topic: string; brokerName: string; queueId: number; clientId: string }>;
  clientErrors: Array<{ clientId: string; error: string }>;
}

/** Which client holds which queue: GET_CONSUMER_RUNNING_INFO of each online client (bounded fan-out). */
export async function queueAssignment(core: AdminCore, group: string): Promise<QueueAssignmentResult> {
  const out: QueueAssignmentResult = { group, queues: [], clientErrors: [] };
  let cc;
  try {
    cc = await consumerConnection(core, group);
  } catch (err) {
    if (hasCode(err, ResponseCode.CONSUMER_NOT_ONLINE)) return out;
    throw err;
  }
  const clients = cc.connections.map((c) => c.clientId);
  const settled = await mapBounded(clients, (clientId) => consumerRunningInfo(core, group, clientId, { brokerAddr: cc.brokerAddr }), { limit: core.concurrency });
  settled.forEach((s, i) => {
    const clientId = clients[i]!;
    if (!s.ok) {
      out.clientErrors.push({ clientId, error: describeError(s.error) });
      return;
    }
    for (const q of s.value.queues) out.queues.push({ topic: q.topic, brokerName: q.brokerName, queueId: q.queueId, clientId });
  });
  out.queues.sort((a, b) => cmp(a.topic, b.topic) || cmp(a.brokerName, b.brokerName) || a.queueId - b.queueId);
  return out;
}
