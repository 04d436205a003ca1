// Figures derived from collected history: sparklines, lag trend, time to drain, and flags on a group's members and
// queues (idle members, uneven shares, lag with nobody online, one queue holding the lag). Pure functions.

import type { GroupFlag, Trend } from './api-types.ts';
import type { Point } from './history.ts';

/**
 * The series as `n` evenly spaced values over (from, to]: each value is the last point at or before the end of its
 * slot (the collector stores a point only when a value changes, so a gap means "unchanged"). Slots before the first
 * point take `carry` (the value before the window) or, without it, the first point's value; the last slot takes
 * `current` when given.
 */
export function resample(points: Point[], from: number, to: number, n: number, carry?: number, current?: number): number[] {
  const out: number[] = [];
  if (n <= 0) return out;
  const step = (to - from) / n;
  let i = 0;
  let last = carry ?? points[0]?.value ?? current ?? 0;
  for (let s = 0; s < n; s++) {
    const end = from + step * (s + 1);
    while (i < points.length && points[i]!.ts <= end) last = points[i++]!.value;
    out.push(last);
  }
  if (current !== undefined && Number.isFinite(current)) out[n - 1] = current;
  return out;
}

export interface TrendOptions {
  /** Smallest change over the window that counts, in the series' unit (default 10). */
  minChange?: number;
  /** ... and at least this share of the larger end (default 0.1). */
  relative?: number;
}

/** Least-squares slope per slot of evenly spaced values. */
export function slope(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** growing / shrinking when the fitted change over the window is large against the lag itself, else steady. */
export function trendOf(values: number[], opts: TrendOptions = {}): Trend {
  if (values.length < 2) return 'steady';
  const change = slope(values) * (values.length - 1);
  const scale = Math.max(Math.abs(values[0]!), Math.abs(values[values.length - 1]!));
  const threshold = Math.max(opts.minChange ?? 10, (opts.relative ?? 0.1) * scale);
  if (Math.abs(change) < threshold) return 'steady';
  return change > 0 ? 'growing' : 'shrinking';
}

/**
 * Seconds until the lag is gone at the current rates: lag / (consume rate - produce rate). Without rates, the
 * lag's own fall over `windowSeconds` (values evenly spaced) is used. null when the lag does not shrink.
 */
export function drainEstimate(lag: number, rates: { consumeTps?: number | null; inTps?: number | null }, history?: { values: number[]; windowSeconds: number }): number | null {
  if (lag <= 0) return 0;
  if (rates.consumeTps != null && rates.inTps != null) {
    const net = rates.consumeTps - rates.inTps;
    if (net > 0) return Math.round(lag / net);
  }
  if (history && history.values.length >= 2 && history.windowSeconds > 0) {
    const perSlot = slope(history.values);
    const perSecond = (perSlot * (history.values.length - 1)) / history.windowSeconds;
    if (perSecond < 0) return Math.round(lag / -perSecond);
  }
  return null;
}

/** What the flags look at: who holds which queue, and where the lag sits. */
export interface GroupShape {
  /** Online member client ids; undefined when not known. */
  members?: string[];
  /** topic -> queues of the topic the group reads (all brokers). */
  queuesPerTopic?: Map<string, number>;
  /** topic -> clientId -> queues held. */
  holdings?: Map<string, Map<string, number>>;
  lag: number;
  /** CLUSTERING or BROADCASTING, when a member told it. */
  messageModel?: string;
  /** The queue with the most lag and how much. */
  maxQueueLag?: { topic: string; brokerName: string; queueId: number; diff: number; queues: number };
}

/** Lag at least this big before one queue holding most of it is worth a flag. */
export const HOT_QUEUE_MIN_LAG = 1000;

const isRetry = (topic: string) => topic.startsWith('%RETRY%');

export function groupFlags(g: GroupShape): GroupFlag[] {
  const flags: GroupFlag[] = [];
  const members = g.members;
  if (members && members.length === 0 && g.lag > 0) {
    flags.push({ kind: 'offline-with-lag', reason: `no member is online while ${g.lag} messages wait` });
  }
  // broadcasting members each read every queue: shares of queues say nothing there
  if (members && members.length > 0 && g.holdings && g.queuesPerTopic && g.messageModel !== 'BROADCASTING') {
    for (const [topic, queues] of [...g.queuesPerTopic].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (isRetry(topic)) continue;
      const held = g.holdings.get(topic) ?? new Map<string, number>();
      const counts = members.map((m) => ({ m, n: held.get(m) ?? 0 }));
      const idle = counts.filter((c) => c.n === 0);
      if (idle.length > 0 && members.length > queues) {
        flags.push({
          kind: 'idle-members',
          reason: `${members.length} members share ${queues} queue${queues === 1 ? '' : 's'} of ${topic}: ${idle.length} member${idle.length === 1 ? ' holds' : 's hold'} none (${idle.map((c) => c.m).join(', ')})`,
        });
        continue;
      }
      if (counts.length < 2) continue;
      counts.sort((a, b) => b.n - a.n);
      const hi = counts[0]!;
      const lo = counts[counts.length - 1]!;
      // an even split differs by at most one queue; twice the share and two queues apart is a strategy or a stuck rebalance
      if (hi.n - lo.n >= 2 && hi.n >= 2 * Math.max(lo.n, 1)) {
        flags.push({
          kind: 'uneven-shares',
          reason: `${hi.m} holds ${hi.n} of ${queues} queues of ${topic} while ${lo.m} holds ${lo.n}`,
        });
      }
    }
  }
  const q = g.maxQueueLag;
  if (q && q.queues > 1 && g.lag >= HOT_QUEUE_MIN_LAG && q.diff >= 0.8 * g.lag) {
    flags.push({
      kind: 'hot-queue',
      reason: `queue ${q.brokerName}/${q.queueId} of ${q.topic} holds ${Math.round((100 * q.diff) / g.lag)}% of the lag (${q.diff} of ${g.lag})`,
    });
  }
  return flags;
}
