// Metric history in the console database: raw samples, downsampled to 1-minute and 10-minute averages, with retention.
// Every series belongs to a saved cluster (the console can watch several); 'default' when not said.

import type { ConsoleDb } from './db.ts';

export const DEFAULT_CLUSTER = 'default';

export interface Sample {
  /** What is measured: 'topic', 'group', 'broker' or 'cluster'. */
  kind: string;
  name: string;
  metric: string;
  value: number;
  /** Saved cluster the series belongs to (default 'default'). */
  cluster?: string;
}

export interface Point {
  ts: number;
  value: number;
}

/** resolution (seconds; 0 = raw) -> how long rows of it are kept. */
export const RETENTION: ReadonlyArray<{ resolution: number; keepMs: number }> = [
  { resolution: 0, keepMs: 6 * 3600_000 },
  { resolution: 60, keepMs: 2 * 86400_000 },
  { resolution: 600, keepMs: 14 * 86400_000 },
];

export function recordSamples(db: ConsoleDb, ts: number, samples: Sample[]): void {
  const insert = db.prepare(`INSERT OR REPLACE INTO samples (cluster, kind, name, metric, resolution, ts, value) VALUES (?, ?, ?, ?, 0, ?, ?)`);
  db.transaction(() => {
    for (const s of samples) if (Number.isFinite(s.value)) insert.run(s.cluster ?? DEFAULT_CLUSTER, s.kind, s.name, s.metric, ts, s.value);
  })();
}

/** Raw points, each with its own time (the collector's hold points carry the previous cycle's time). */
export function recordPoints(db: ConsoleDb, points: Array<Sample & { ts: number }>): void {
  const insert = db.prepare(`INSERT OR REPLACE INTO samples (cluster, kind, name, metric, resolution, ts, value) VALUES (?, ?, ?, ?, 0, ?, ?)`);
  db.transaction(() => {
    for (const p of points) if (Number.isFinite(p.value)) insert.run(p.cluster ?? DEFAULT_CLUSTER, p.kind, p.name, p.metric, p.ts, p.value);
  })();
}

/**
 * Averages every complete bucket of each coarser resolution from the next finer one, then deletes rows past
 * their retention. Buckets are averaged once: a watermark per resolution (downsample_state) remembers where the
 * last run stopped, so a run reads only the rows that arrived since. Idempotent.
 */
export function downsample(db: ConsoleDb, now: number = Date.now()): void {
  const getMark = db.prepare(`SELECT done_before FROM downsample_state WHERE resolution = ?`);
  const setMark = db.prepare(`INSERT OR REPLACE INTO downsample_state (resolution, done_before) VALUES (?, ?)`);
  db.transaction(() => {
    for (let i = 1; i < RETENTION.length; i++) {
      const { resolution } = RETENTION[i]!;
      const finer = RETENTION[i - 1]!;
      const bucketMs = resolution * 1000;
      const completeBefore = Math.floor(now / bucketMs) * bucketMs;
      const mark = (getMark.get(resolution) as { done_before: number } | undefined)?.done_before ?? 0;
      const from = Math.max(mark, completeBefore - finer.keepMs);
      if (from >= completeBefore) continue;
      // Bucket start is ts - ts % size: SQLite's % works on integers, while '/' would not truncate because
      // better-sqlite3 binds JS numbers as REAL.
      db.prepare(
        `INSERT OR REPLACE INTO samples (cluster, kind, name, metric, resolution, ts, value)
         SELECT cluster, kind, name, metric, ?, ts - ts % ?, AVG(value) FROM samples
         WHERE resolution = ? AND ts < ? AND ts >= ?
         GROUP BY cluster, kind, name, metric, ts - ts % ?`,
      ).run(resolution, bucketMs, finer.resolution, completeBefore, from, bucketMs);
      setMark.run(resolution, completeBefore);
    }
    for (const { resolution, keepMs } of RETENTION) {
      db.prepare(`DELETE FROM samples WHERE resolution = ? AND ts < ?`).run(resolution, now - keepMs);
    }
  })();
}

/** The resolution querySeries reads for a range starting at `from`. */
export function tierFor(from: number, now: number = Date.now()): { resolution: number; keepMs: number } {
  return RETENTION.find((r) => now - r.keepMs <= from) ?? RETENTION[RETENTION.length - 1]!;
}

/** A series over [from, to], at the finest resolution whose retention still covers `from`. */
export function querySeries(
  db: ConsoleDb, kind: string, name: string, metric: string, from: number, to: number, now: number = Date.now(), cluster: string = DEFAULT_CLUSTER,
): Point[] {
  const tier = tierFor(from, now);
  return db
    .prepare(`SELECT ts, value FROM samples WHERE cluster = ? AND kind = ? AND name = ? AND metric = ? AND resolution = ? AND ts BETWEEN ? AND ? ORDER BY ts`)
    .all(cluster, kind, name, metric, tier.resolution, from, to) as Point[];
}

/**
 * The latest raw points of many series of one kind and metric at once (for sparklines in lists); `names` limits
 * the read to those series (a page of a list), which the primary key then finds directly.
 */
export function recentSeries(db: ConsoleDb, kind: string, metric: string, since: number, cluster: string = DEFAULT_CLUSTER, names?: string[]): Map<string, Point[]> {
  let rows: Array<{ name: string; ts: number; value: number }>;
  if (names) {
    rows = [];
    for (let i = 0; i < names.length; i += 500) {
      const chunk = names.slice(i, i + 500);
      rows.push(...(db.prepare(
        `SELECT name, ts, value FROM samples WHERE cluster = ? AND kind = ? AND name IN (${chunk.map(() => '?').join(',')}) AND metric = ? AND resolution = 0 AND ts >= ? ORDER BY name, ts`,
      ).all(cluster, kind, ...chunk, metric, since) as typeof rows));
    }
  } else {
    rows = db
      .prepare(`SELECT name, ts, value FROM samples WHERE cluster = ? AND kind = ? AND metric = ? AND resolution = 0 AND ts >= ? ORDER BY name, ts`)
      .all(cluster, kind, metric, since) as typeof rows;
  }
  const out = new Map<string, Point[]>();
  for (const r of rows) {
    let list = out.get(r.name);
    if (!list) out.set(r.name, (list = []));
    list.push({ ts: r.ts, value: r.value });
  }
  return out;
}

/** The last raw point of one series at or before `at` (carries a sparse series into a window). */
export function pointBefore(db: ConsoleDb, kind: string, name: string, metric: string, at: number, cluster: string = DEFAULT_CLUSTER): Point | undefined {
  return db
    .prepare(`SELECT ts, value FROM samples WHERE cluster = ? AND kind = ? AND name = ? AND metric = ? AND resolution = 0 AND ts <= ? ORDER BY ts DESC LIMIT 1`)
    .get(cluster, kind, name, metric, at) as Point | undefined;
}
