// One collection cycle: what the cluster looks like now (brokers' runtime figures, every topic's queues, every
// group's per-queue progress, members) and the rates against the previous cycle. The collector stores it.

import {
  isSystemGroup, mapBounded, type AdminClient, type BrokerFailure, type BrokerGroup, type BrokerTarget, type GroupMembers, type TopicKind,
} from '../admin/index.ts';
import { describe as describeError, failure as brokerFailure } from './errors.ts';
import type { Sample } from './history.ts';

export interface QueueStat {
  queueId: number;
  minOffset: number;
  maxOffset: number;
  /** Store time of the newest message, 0 when empty. */
  lastUpdateTimestamp: number;
}

export interface TopicBrokerStat {
  clusterName: string;
  brokerName: string;
  brokerAddr: string;
  queues: QueueStat[];
  maxOffsetSum: number;
  /** Put messages per second against the previous cycle; null on the first. */
  tps: number | null;
}

export interface TopicStat {
  topic: string;
  kind: TopicKind;
  system: boolean;
  brokers: TopicBrokerStat[];
  /** Messages held (sum of max - min offsets). */
  messages: number;
  tps: number | null;
}

export interface GroupTopicStat {
  topic: string;
  clusterName: string;
  brokerName: string;
  queues: number;
  diff: number;
  brokerOffsetSum: number;
  consumerOffsetSum: number;
  /** Newest message time minus the group's position time, worst queue; null when no queue can tell. */
  lagMs: number | null;
  /** Committed messages per second against the previous cycle. */
  tps: number | null;
}

export interface GroupStat {
  group: string;
  system: boolean;
  brokerNames: string[];
  diff: number;
  lagSeconds: number | null;
  /** Consumed (committed) per second over all topics; null on the first cycle. */
  tps: number | null;
  /** Produced per second into the group's queues; null on the first cycle. */
  inTps: number | null;
  /** consumeTps the brokers report (their own minute figure). */
  brokerTps: number;
  perTopic: GroupTopicStat[];
  queuesPerTopic: Record<string, number>;
  maxQueueLag?: { topic: string; brokerName: string; queueId: number; diff: number; queues: number };
  /** Online members, when looked at this cycle. */
  members?: GroupMembers;
}

export interface BrokerStat extends BrokerTarget {
  runtime?: Record<string, string>;
  error?: string;
}

export interface Snapshot {
  cluster: string;
  ts: number;
  durationMs: number;
  brokers: BrokerStat[];
  topics: Map<string, TopicStat>;
  groups: Map<string, GroupStat>;
  errors: BrokerFailure[];
  /** "topic brokerName queueId offset" -> store time, for queues a group never consumed from (kept for the next cycle). */
  storeTimes: Map<string, number>;
}

export interface CollectOptions {
  now?: () => number;
  /**
   * Ask groups for their members (GET_CONSUMER_CONNECTION_LIST per group): every group, or those the function
   * picks; the others keep what the previous snapshot saw.
   */
  members?: boolean | ((group: string, prev: GroupStat | undefined) => boolean);
  concurrency?: number;
}

const byId = (g: BrokerGroup) => Object.entries(g.brokerAddrs).map(([id, addr]) => ({ brokerId: Number(id), addr })).sort((a, b) => a.brokerId - b.brokerId);

/** The process to read a broker group's data from: the master, else the lowest-id slave. */
export function readTarget(g: BrokerGroup): BrokerTarget | undefined {
  const m = byId(g)[0];
  return m ? { clusterName: g.clusterName, brokerName: g.brokerName, brokerId: m.brokerId, brokerAddr: m.addr } : undefined;
}

const rate = (prevValue: number | undefined, value: number, dtSeconds: number | undefined): number | null => {
  if (prevValue === undefined || !dtSeconds || dtSeconds <= 0) return null;
  // a deleted and re-created topic or a reset offset moves backwards: no rate for that step
  return value >= prevValue ? round3((value - prevValue) / dtSeconds) : 0;
};

export async function collectSnapshot(admin: AdminClient, cluster: string, prev: Snapshot | undefined, opts: CollectOptions = {}): Promise<Snapshot> {
  const now = opts.now ?? Date.now;
  const started = now();
  const limit = opts.concurrency ?? admin.concurrency;
  // the collector runs in the background: it waits for a broker as long as a request may take, not a page's deadline
  const wait = { deadlineMs: admin.timeoutMs };
  const view = await admin.clusterInfo();
  const readTargets = view.brokers.map(readTarget).filter((t) => t !== undefined);
  const targetOf = new Map(readTargets.map((t) => [t.brokerName, t]));
  const allMembers: BrokerTarget[] = view.brokers.flatMap((g) => byId(g).map((m) => ({ clusterName: g.clusterName, brokerName: g.brokerName, brokerId: m.brokerId, brokerAddr: m.addr })));
  const errors: BrokerFailure[] = [];

  const [runtime, topicMap, groupStats] = await Promise.all([
    admin.brokersRuntimeInfo(allMembers, wait),
    admin.topicBrokerMap(),
    // GET_BROKER_CONSUME_STATS may take three request timeouts (as the admin client allows it)
    admin.brokerGroups(readTargets, { deadlineMs: admin.timeoutMs * 3 }),
  ]);
  const brokers: BrokerStat[] = allMembers.map((t) => {
    const ok = runtime.results.find((r) => r.target.brokerAddr === t.brokerAddr && r.target.brokerName === t.brokerName);
    const fail = runtime.errors.find((e) => e.brokerAddr === t.brokerAddr);
    return ok ? { ...t, runtime: ok.value } : { ...t, error: fail?.error ?? 'no answer' };
  });
  errors.push(...runtime.errors, ...topicMap.errors, ...groupStats.errors);

  // every topic on every broker group that holds it
  const work = topicMap.topics.flatMap((tp) => tp.brokers.flatMap((b) => {
    const t = targetOf.get(b.brokerName);
    return t ? [{ topic: tp.topic, t }] : [];
  }));
  const settled = await mapBounded(work, ({ topic, t }) => admin.brokerTopicQueues(t, topic, wait), { limit });
  const ts = started;
  const dt = prev ? (ts - prev.ts) / 1000 : undefined;
  const topics = new Map<string, TopicStat>();
  for (const tp of topicMap.topics) topics.set(tp.topic, { topic: tp.topic, kind: tp.kind, system: tp.system, brokers: [], messages: 0, tps: null });
  /** "topic brokerName queueId" -> newest store time */
  const newest = new Map<string, number>();
  const failedStats = new Map<string, number>();
  settled.forEach((s, i) => {
    const { topic, t } = work[i]!;
    if (!s.ok) {
      failedStats.set(t.brokerName, (failedStats.get(t.brokerName) ?? 0) + 1);
      if (failedStats.get(t.brokerName) === 1) errors.push({ ...brokerFailure(t.brokerName, t.brokerAddr, s.error), error: `topic stats of ${topic}: ${describeError(s.error)}` });
      return;
    }
    const queues = s.value;
    for (const q of queues) newest.set(`${topic} ${t.brokerName} ${q.queueId}`, q.lastUpdateTimestamp);
    const maxOffsetSum = queues.reduce((n, q) => n + q.maxOffset, 0);
    const prevB = prev?.topics.get(topic)?.brokers.find((b) => b.brokerName === t.brokerName);
    const stat = topics.get(topic)!;
    stat.brokers.push({ clusterName: t.clusterName, brokerName: t.brokerName, brokerAddr: t.brokerAddr, queues, maxOffsetSum, tps: rate(prevB?.maxOffsetSum, maxOffsetSum, dt) });
    stat.messages += queues.reduce((n, q) => n + Math.max(0, q.maxOffset - q.minOffset), 0);
  });
  for (const stat of topics.values()) {
    const rates = stat.brokers.map((b) => b.tps);
    stat.tps = rates.length && rates.every((r) => r !== null) ? rates.reduce((a, b) => a! + b!, 0) : null;
  }

  const groups = new Map<string, GroupStat>();
  // lagging queues a group never committed on: their position's time is the store time at the consumer offset
  const needTime: Array<{ gt: GroupTopicStat; t: BrokerTarget; topic: string; queueId: number; offset: number; top: number }> = [];
  const groupOf = (group: string): GroupStat => {
    let g = groups.get(group);
    if (!g) {
      g = { group, system: isSystemGroup(group), brokerNames: [], diff: 0, lagSeconds: null, tps: null, inTps: null, brokerTps: 0, perTopic: [], queuesPerTopic: {} };
      groups.set(group, g);
    }
    return g;
  };
  for (const { target, value } of groupStats.results) {
    for (const group of value.sub.subscriptionGroupTable.keys()) {
      const g = groupOf(group);
      if (!g.brokerNames.includes(target.brokerName)) g.brokerNames.push(target.brokerName);
    }
    for (const f of value.failed) errors.push({ brokerName: target.brokerName, brokerAddr: target.brokerAddr, error: `consume stats of ${f.group}: ${f.error}` });
    for (const [group, list] of value.stats) {
      const g = groupOf(group);
      if (!g.brokerNames.includes(target.brokerName)) g.brokerNames.push(target.brokerName);
      const perTopic = new Map<string, GroupTopicStat>();
      for (const cs of list) {
        g.brokerTps += cs.consumeTps;
        for (const [mq, o] of cs.offsetTable) {
          const brokerName = mq.brokerName || target.brokerName;
          let gt = perTopic.get(mq.topic);
          if (!gt) {
            gt = { topic: mq.topic, clusterName: target.clusterName, brokerName, queues: 0, diff: 0, brokerOffsetSum: 0, consumerOffsetSum: 0, lagMs: null, tps: null };
            perTopic.set(mq.topic, gt);
          }
          const diff = Math.max(0, o.brokerOffset - o.consumerOffset);
          gt.queues++;
          gt.diff += diff;
          gt.brokerOffsetSum += o.brokerOffset;
          gt.consumerOffsetSum += Math.max(0, o.consumerOffset);
          g.queuesPerTopic[mq.topic] = (g.queuesPerTopic[mq.topic] ?? 0) + 1;
          if (diff > 0 && (!g.maxQueueLag || diff > g.maxQueueLag.diff)) g.maxQueueLag = { topic: mq.topic, brokerName, queueId: mq.queueId, diff, queues: 0 };
          const top = newest.get(`${mq.topic} ${brokerName} ${mq.queueId}`);
          if (diff > 0 && top && o.lastTimestamp > 0) gt.lagMs = Math.max(gt.lagMs ?? 0, Math.max(0, top - o.lastTimestamp));
          else if (diff > 0 && top) {
            const t = targetOf.get(brokerName);
            if (t) needTime.push({ gt, t, topic: mq.topic, queueId: mq.queueId, offset: Math.max(0, o.consumerOffset), top });
          }
        }
      }
      for (const gt of perTopic.values()) g.perTopic.push(gt);
    }
  }
  const storeTimes = new Map<string, number>();
  const cache = prev?.storeTimes;
  const timeKey = (n: (typeof needTime)[number]) => `${n.topic} ${n.t.brokerName} ${n.queueId} ${n.offset}`;
  const fetched = await mapBounded(needTime, async (n) => cache?.get(timeKey(n)) ?? admin.storeTimeAt(n.t, n.topic, n.queueId, n.offset, wait), { limit });
  fetched.forEach((f, i) => {
    const n = needTime[i]!;
    if (!f.ok || f.value === undefined) return;
    storeTimes.set(timeKey(n), f.value);
    n.gt.lagMs = Math.max(n.gt.lagMs ?? 0, Math.max(0, n.top - f.value));
  });
  for (const g of groups.values()) {
    g.brokerNames.sort();
    g.perTopic.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.brokerName < b.brokerName ? -1 : 1));
    g.diff = g.perTopic.reduce((n, t) => n + t.diff, 0);
    if (g.maxQueueLag) g.maxQueueLag.queues = Object.values(g.queuesPerTopic).reduce((a, b) => a + b, 0);
    const lags = g.perTopic.filter((t) => t.diff > 0).map((t) => t.lagMs);
    g.lagSeconds = g.diff === 0 ? 0 : lags.some((l) => l !== null) ? Math.round(Math.max(...lags.map((l) => l ?? 0)) / 100) / 10 : null;
    const p = prev?.groups.get(g.group);
    let tps = 0;
    let inTps = 0;
    let known = p !== undefined && dt !== undefined;
    for (const t of g.perTopic) {
      const pt = p?.perTopic.find((x) => x.topic === t.topic && x.brokerName === t.brokerName);
      t.tps = rate(pt?.consumerOffsetSum, t.consumerOffsetSum, dt);
      const inRate = rate(pt?.brokerOffsetSum, t.brokerOffsetSum, dt);
      // a queue set that appeared since the last cycle has no rate yet; count it as 0 rather than void the group
      tps += t.tps ?? 0;
      inTps += inRate ?? 0;
    }
    if (g.perTopic.length === 0) known = p !== undefined && dt !== undefined;
    g.tps = known ? round3(tps) : null;
    g.inTps = known ? round3(inTps) : null;
  }

  if (opts.members) {
    const pick = opts.members;
    const list = [...groups.values()].filter((g) => {
      if (pick === true || pick(g.group, prev?.groups.get(g.group))) return true;
      const before = prev?.groups.get(g.group)?.members;
      if (before) g.members = before;
      return false;
    });
    const found = await mapBounded(list, (g) => {
      const targets = g.brokerNames.map((b) => targetOf.get(b)).filter((t) => t !== undefined);
      return admin.groupMembers(targets.length ? targets : readTargets, g.group, wait);
    }, { limit });
    found.forEach((s, i) => {
      if (s.ok && s.value) list[i]!.members = s.value;
    });
  }
  return { cluster, ts, durationMs: now() - started, brokers, topics, groups, errors, storeTimes };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The series a snapshot adds to the history. */
export function snapshotSamples(s: Snapshot): Sample[] {
  const out: Sample[] = [];
  const cluster = s.cluster;
  for (const t of s.topics.values()) {
    out.push({ cluster, kind: 'topic', name: t.topic, metric: 'messages', value: t.messages });
    if (t.tps !== null) out.push({ cluster, kind: 'topic', name: t.topic, metric: 'tps', value: round3(t.tps) });
  }
  for (const g of s.groups.values()) {
    out.push({ cluster, kind: 'group', name: g.group, metric: 'lag', value: g.diff });
    if (g.lagSeconds !== null) out.push({ cluster, kind: 'group', name: g.group, metric: 'lagSeconds', value: g.lagSeconds });
    if (g.tps !== null) out.push({ cluster, kind: 'group', name: g.group, metric: 'tps', value: g.tps });
    if (g.inTps !== null) out.push({ cluster, kind: 'group', name: g.group, metric: 'inTps', value: g.inTps });
  }
  let put = 0;
  let get = 0;
  for (const b of s.brokers) {
    if (!b.runtime) continue;
    const inTps = firstNumber(b.runtime.putTps);
    const outTps = firstNumber(b.runtime.getTransferedTps ?? b.runtime.getTransferredTps);
    if (inTps !== undefined) out.push({ cluster, kind: 'broker', name: b.brokerAddr, metric: 'inTps', value: inTps });
    if (outTps !== undefined) out.push({ cluster, kind: 'broker', name: b.brokerAddr, metric: 'outTps', value: outTps });
    if (b.brokerId === 0) {
      put += inTps ?? 0;
      get += outTps ?? 0;
    }
  }
  out.push({ cluster, kind: 'cluster', name: cluster, metric: 'putTps', value: round3(put) }, { cluster, kind: 'cluster', name: cluster, metric: 'getTps', value: round3(get) });
  return out;
}

/** First number of a "12.5 3.1 0.0" style runtime figure. */
export function firstNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : undefined;
}

export interface DeadbandEntry {
  /** Time and value last written. */
  ts: number;
  value: number;
  /** Last cycle that saw this value. */
  seenTs: number;
}

/** A point is written again at least this often while its value does not change. */
export const HEARTBEAT_MS = 5 * 60_000;

/**
 * Which samples to write: a value that changed (preceded by a hold point at the last cycle that still saw the old
 * value, so a chart draws a step, not a ramp), a series seen for the first time, and unchanged values once per
 * `heartbeatMs`. Series missing from this cycle are forgotten. Updates `state`.
 */
export function deadband(samples: Sample[], state: Map<string, DeadbandEntry>, now: number, heartbeatMs = HEARTBEAT_MS): Array<Sample & { ts: number }> {
  const out: Array<Sample & { ts: number }> = [];
  const seen = new Set<string>();
  for (const s of samples) {
    const key = `${s.kind}\u0000${s.name}\u0000${s.metric}`;
    seen.add(key);
    const last = state.get(key);
    if (!last) {
      out.push({ ...s, ts: now });
      state.set(key, { ts: now, value: s.value, seenTs: now });
    } else if (s.value !== last.value) {
      if (last.seenTs > last.ts) out.push({ ...s, value: last.value, ts: last.seenTs });
      out.push({ ...s, ts: now });
      state.set(key, { ts: now, value: s.value, seenTs: now });
    } else if (now - last.ts >= heartbeatMs) {
      out.push({ ...s, ts: now });
      state.set(key, { ts: now, value: s.value, seenTs: now });
    } else {
      last.seenTs = now;
    }
  }
  for (const key of [...state.keys()]) if (!seen.has(key)) state.delete(key);
  return out;
}
