// History reads shaped for the pages: a series over a window with its value carried in from before the window and
// drawn up to the collector's last look, sparklines and trends of many groups at once.

import type { HistoryResponse, Trend } from './api-types.ts';
import { resample, trendOf } from './analysis.ts';
import type { Collector } from './collector.ts';
import type { ConsoleDb } from './db.ts';
import { HttpError, bad, timeParam } from './http.ts';
import { pointBefore, querySeries, recentSeries, tierFor, type Point } from './history.ts';

export const SPARKLINE_MS = 30 * 60_000;
export const SPARKLINE_POINTS = 30;
export const TREND_MS = 10 * 60_000;
const TREND_POINTS = 10;

/** Metrics each kind of series has. */
export const METRICS: Readonly<Record<string, readonly string[]>> = {
  group: ['lag', 'lagSeconds', 'tps', 'inTps'],
  topic: ['tps', 'messages'],
  broker: ['inTps', 'outTps'],
  cluster: ['putTps', 'getTps'],
};

/**
 * Points of one series over [from, to]. The collector writes a value only when it changes, so on the raw tier the
 * value before `from` opens the window and the last value still seen closes it.
 */
export function seriesPoints(
  db: ConsoleDb, collector: Collector | undefined, cluster: string, kind: string, name: string, metric: string, from: number, to: number, now = Date.now(),
): Point[] {
  const points = querySeries(db, kind, name, metric, from, to, now, cluster);
  if (tierFor(from, now).resolution !== 0) return points;
  const out = [...points];
  if (out.length === 0 || out[0]!.ts > from) {
    const before = pointBefore(db, kind, name, metric, from, cluster);
    if (before) out.unshift({ ts: from, value: before.value });
  }
  const last = collector?.lastRecorded(cluster, kind, name, metric);
  const tail = out[out.length - 1];
  if (last && tail && last.seenTs > tail.ts && last.seenTs <= to && last.value === tail.value) out.push({ ts: last.seenTs, value: last.value });
  return out;
}

export function historyQuery(url: URL, kind: string, name: string, now = Date.now()): { kind: string; name: string; metric: string; from: number; to: number } {
  const metrics = METRICS[kind];
  if (!metrics) throw new HttpError(400, `kind: must be one of ${Object.keys(METRICS).join(', ')}`, 'kind');
  const metric = url.searchParams.get('metric') || metrics[0]!;
  if (!metrics.includes(metric)) throw bad('metric', `a ${kind} has ${metrics.join(', ')}`);
  const to = timeParam(url, 'to', now);
  const from = timeParam(url, 'from', to - 3600_000);
  if (from > to) throw bad('from', 'must not be after to');
  return { kind, name, metric, from, to };
}

export function history(db: ConsoleDb, collector: Collector | undefined, cluster: string, q: ReturnType<typeof historyQuery>, now = Date.now()): HistoryResponse {
  return { ...q, points: seriesPoints(db, collector, cluster, q.kind, q.name, q.metric, q.from, q.to, now) };
}

/** Sparkline and trend of the lag of many groups, from one read of the raw tier. */
export function lagShapes(db: ConsoleDb, cluster: string, groups: Array<{ group: string; lag: number }>, now = Date.now()): Map<string, { sparkline: number[]; trend: Trend }> {
  const since = now - SPARKLINE_MS;
  const series = groups.length ? recentSeries(db, 'group', 'lag', since, cluster, groups.map((g) => g.group)) : new Map<string, Point[]>();
  const out = new Map<string, { sparkline: number[]; trend: Trend }>();
  for (const { group, lag } of groups) {
    const points = series.get(group) ?? [];
    const carry = points.length && points[0]!.ts <= since ? undefined : pointBefore(db, 'group', group, 'lag', since, cluster)?.value;
    const sparkline = resample(points, since, now, SPARKLINE_POINTS, carry, lag);
    out.set(group, { sparkline, trend: trendOf(sparkline.slice(-TREND_POINTS)) });
  }
  return out;
}

/** The lag over the trend window as evenly spaced values (for trend and drain estimates of one group). */
export function recentLag(db: ConsoleDb, cluster: string, group: string, lag: number, now = Date.now()): { values: number[]; windowSeconds: number } {
  const from = now - TREND_MS;
  const points = querySeries(db, 'group', group, 'lag', from, now, now, cluster);
  const carry = pointBefore(db, 'group', group, 'lag', from, cluster)?.value;
  return { values: resample(points, from, now, TREND_POINTS, carry, lag), windowSeconds: TREND_MS / 1000 };
}
