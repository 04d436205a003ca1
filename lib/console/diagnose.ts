// "Why is this group behind?": per-client running info (GET_CONSUMER_RUNNING_INFO through lib/admin) and the
// findings that explain lag, each with the figures behind it: no online member, idle or few members, one queue far
// behind the others, a client whose process queue is full (flow control), a consumer stuck on its messages or
// failing them (retries), a broker of the group not answering.

import { PROP_EVENT_LOOP_DELAY, mapBounded, type AdminClient, type BrokerFailure, type ConsumerRunningInfoResult, type QueueProgress } from '../admin/index.ts';
import { describe as describeError } from './errors.ts';

export type FindingKind = 'no_members' | 'idle_members' | 'few_members' | 'skewed_queue' | 'flow_control' | 'stuck' | 'consume_failures' | 'broker_down' | 'no_running_info' | 'event_loop_delay';

export interface Finding {
  kind: FindingKind;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  figures: Record<string, number | string>;
}

export interface EventLoopDelay { meanMs: number; p99Ms: number; maxMs: number; windowMs: number }

export interface ClientRunning {
  clientId: string;
  info?: ConsumerRunningInfoResult;
  /** RocketDeck (Node) consumers: how late their event loop runs, from the running info's properties. */
  eventLoopDelay?: EventLoopDelay;
  error?: string;
}

/** A Node consumer's event loop late by this much (p99) cannot keep up with its listener calls. */
export const EVENT_LOOP_P99_MS = 100;

/** The event-loop delay properties of a running info; undefined for clients that do not report them (Java). */
export function eventLoopDelayOf(props: Record<string, string>): EventLoopDelay | undefined {
  const n = (k: string) => (props[k] === undefined ? NaN : Number(props[k]));
  const d = { meanMs: n(PROP_EVENT_LOOP_DELAY.mean), p99Ms: n(PROP_EVENT_LOOP_DELAY.p99), maxMs: n(PROP_EVENT_LOOP_DELAY.max), windowMs: n(PROP_EVENT_LOOP_DELAY.window) };
  return Object.values(d).every(Number.isFinite) ? d : undefined;
}

export interface DiagnoseInput {
  group: string;
  queues: QueueProgress[];
  members: string[];
  running: ClientRunning[];
  brokerErrors: BrokerFailure[];
  now: number;
}

/** RocketMQ's pullThresholdForQueue default: a process queue holding this many messages stops pulling. */
export const FLOW_CONTROL_MESSAGES = 1000;
/** Messages cached but none consumed for this long: the consumer is stuck on them. */
export const STUCK_MS = 60_000;
/** A queue this many times the median lag of its topic (and at least SKEW_MIN messages) is far behind. */
export const SKEW_FACTOR = 10;
export const SKEW_MIN = 1000;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
};

export function findings(d: DiagnoseInput): Finding[] {
  const out: Finding[] = [];
  const lag = d.queues.reduce((n, q) => n + Math.max(0, q.diff), 0);
  for (const e of d.brokerErrors) {
    out.push({ kind: 'broker_down', severity: 'critical', title: `broker ${e.brokerName || e.brokerAddr} did not answer: its queues of this group are not counted`, figures: { brokerName: e.brokerName, brokerAddr: e.brokerAddr, error: e.error } });
  }
  if (d.members.length === 0) {
    if (lag > 0) out.push({ kind: 'no_members', severity: 'critical', title: 'no consumer of this group is online while messages wait', figures: { lag, queues: d.queues.length } });
  } else {
    const byTopic = new Map<string, number>();
    for (const q of d.queues) if (!q.topic.startsWith('%RETRY%')) byTopic.set(q.topic, (byTopic.get(q.topic) ?? 0) + 1);
    const maxQueues = Math.max(0, ...byTopic.values());
    if (maxQueues > 0 && d.members.length > maxQueues) {
      out.push({ kind: 'idle_members', severity: 'info', title: `${d.members.length - maxQueues} member(s) hold no queue: more members than queues`, figures: { members: d.members.length, queues: maxQueues } });
    } else if (maxQueues > 0 && d.members.length < maxQueues && lag > 0) {
      out.push({ kind: 'few_members', severity: 'info', title: `${d.members.length} member(s) share ${maxQueues} queues: adding members spreads the work`, figures: { members: d.members.length, queues: maxQueues, lag } });
    }
  }
  const topics = new Map<string, QueueProgress[]>();
  for (const q of d.queues) topics.set(q.topic, [...(topics.get(q.topic) ?? []), q]);
  for (const [topic, qs] of topics) {
    if (qs.length < 2) continue;
    const med = median(qs.map((q) => Math.max(0, q.diff)));
    for (const q of qs) {
      if (q.diff >= SKEW_MIN && q.diff > SKEW_FACTOR * Math.max(med, 1)) {
        out.push({ kind: 'skewed_queue', severity: 'warning', title: `queue ${q.brokerName}:${q.queueId} of ${topic} is far behind the others`, figures: { topic, brokerName: q.brokerName, queueId: q.queueId, lag: q.diff, medianLag: med, ...(q.clientId ? { clientId: q.clientId } : {}) } });
      }
    }
  }
  for (const c of d.running) {
    if (!c.info) {
      out.push({ kind: 'no_running_info', severity: 'info', title: `client ${c.clientId} did not tell its running info`, figures: { clientId: c.clientId, error: c.error ?? 'no answer' } });
      continue;
    }
    if (c.eventLoopDelay && c.eventLoopDelay.p99Ms >= EVENT_LOOP_P99_MS) {
      const e = c.eventLoopDelay;
      out.push({ kind: 'event_loop_delay', severity: 'warning', title: `client ${c.clientId}'s event loop runs ${e.p99Ms} ms late (p99): its listener blocks the process`, figures: { clientId: c.clientId, meanMs: e.meanMs, p99Ms: e.p99Ms, maxMs: e.maxMs, windowMs: e.windowMs } });
    }
    for (const q of c.info.queues) {
      if (q.cachedMsgCount >= FLOW_CONTROL_MESSAGES) {
        out.push({ kind: 'flow_control', severity: 'warning', title: `client ${c.clientId} holds ${q.cachedMsgCount} messages of ${q.brokerName}:${q.queueId}: its process queue is full and it stopped pulling`, figures: { clientId: c.clientId, topic: q.topic, brokerName: q.brokerName, queueId: q.queueId, cachedMsgCount: q.cachedMsgCount } });
      }
      const idleMs = q.lastConsumeTimestamp > 0 ? d.now - q.lastConsumeTimestamp : null;
      if (q.cachedMsgCount > 0 && idleMs !== null && idleMs > STUCK_MS) {
        out.push({ kind: 'stuck', severity: 'warning', title: `client ${c.clientId} has consumed nothing of ${q.brokerName}:${q.queueId} for ${Math.round(idleMs / 1000)} s with ${q.cachedMsgCount} messages waiting`, figures: { clientId: c.clientId, topic: q.topic, brokerName: q.brokerName, queueId: q.queueId, cachedMsgCount: q.cachedMsgCount, idleSeconds: Math.round(idleMs / 1000), minOffset: q.cachedMsgMinOffset } });
      }
    }
    for (const s of c.info.status) {
      if (s.consumeFailedTPS > 0 || s.consumeFailedMsgs > 0) {
        out.push({ kind: 'consume_failures', severity: 'warning', title: `client ${c.clientId} fails messages of ${s.topic} (they go back for retry)`, figures: { clientId: c.clientId, topic: s.topic, consumeFailedTPS: s.consumeFailedTPS, consumeFailedMsgs: s.consumeFailedMsgs, consumeOKTPS: s.consumeOKTPS } });
      }
    }
  }
  const order = { critical: 0, warning: 1, info: 2 };
  return out.sort((a, b) => order[a.severity] - order[b.severity]);
}

export interface DiagnosisResponse {
  group: string;
  /** Whether the clients were asked for their thread stack (jstackEnable); Java clients then send `info.jstack`. */
  threadStack: boolean;
  lag: number;
  members: string[];
  clients: ClientRunning[];
  findings: Finding[];
}

/**
 * Asks the cluster (progress, members, each member's running info, at most `maxClients`) and explains the lag;
 * `threadStack` asks each member for its thread stack too.
 */
export async function diagnoseGroup(admin: AdminClient, group: string, opts: { now?: number; maxClients?: number; threadStack?: boolean } = {}): Promise<DiagnosisResponse> {
  const [progress, conn] = await Promise.all([
    admin.consumerProgress(group, { withClients: false }),
    admin.consumerConnection(group).catch(() => undefined),
  ]);
  const members = (conn?.connections ?? []).map((c) => c.clientId).sort();
  const asked = members.slice(0, opts.maxClients ?? 20);
  const settled = await mapBounded(asked, (clientId) => admin.consumerRunningInfo(group, clientId, { jstack: opts.threadStack === true }), { limit: 4 });
  const clients: ClientRunning[] = settled.map((s, i) => {
    if (!s.ok) return { clientId: asked[i]!, error: describeError(s.error) };
    const delay = eventLoopDelayOf(s.value.properties);
    return delay ? { clientId: asked[i]!, info: s.value, eventLoopDelay: delay } : { clientId: asked[i]!, info: s.value };
  });
  const holder = new Map<string, string>();
  for (const c of clients) for (const q of c.info?.queues ?? []) holder.set(`${q.topic} ${q.brokerName} ${q.queueId}`, c.clientId);
  const queues = progress.queues.map((q) => {
    const clientId = holder.get(`${q.topic} ${q.brokerName} ${q.queueId}`);
    return clientId ? { ...q, clientId } : q;
  });
  return {
    group,
    threadStack: opts.threadStack === true,
    lag: queues.reduce((n, q) => n + Math.max(0, q.diff), 0),
    members,
    clients,
    findings: findings({ group, queues, members, running: clients, brokerErrors: progress.errors, now: opts.now ?? Date.now() }),
  };
}
