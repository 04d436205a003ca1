// Metric history in the console database: raw samples, downsampled to 1-minute and 10-minute averages, with retention.

import type { ConsoleDb } from './db.ts';

export interface Sample {
  /** What is measured: 'topic', 'group', 'broker' or 'cluster'. */
  kind: string;
  name: string;
  metric: string;
  value: number;
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
  const insert = db.prepare(`INSERT OR REPLACE INTO samples (kind, name, metric, resolution, ts, value) VALUES (?, ?, ?, 0, ?, ?)`);
  db.transaction(() => {
    for (const s of samples) if (Number.isFinite(s.value)) insert.run(s.kind, s.name, s.metric, ts, s.value);
  })();
}

/**
 * Averages every complete bucket of each coarser resolution from the next finer one, then deletes rows past
 * their retention. Idempotent: a bucket is rewritten with the same average when run again.
 */
export function downsample(db: ConsoleDb, now: number = Date.now()): void {
  db.transaction(() => {
    for (let i = 1; i < RETENTION.length; i++) {
      const { resolution } = RETENTION[i]!;
      const finer = RETENTION[i - 1]!.resolution;
      const bucketMs = resolution * 1000;
      const completeBefore = Math.floor(now / bucketMs) * bucketMs;
      // Bucket start is ts - ts % size: SQLite's % works on integers, while '/' would not truncate because
      // better-sqlite3 binds JS numbers as REAL.
      db.prepare(
        `INSERT OR REPLACE INTO samples (kind, name, metric, resolution, ts, value)
         SELECT kind, name, metric, ?, ts - ts % ?, AVG(value) FROM samples
         WHERE resolution = ? AND ts < ? AND ts >= ?
         GROUP BY kind, name, metric, ts - ts % ?`,
      ).run(resolution, bucketMs, finer, completeBefore, completeBefore - RETENTION[i - 1]!.keepMs, bucketMs);
    }
    for (const { resolution, keepMs } of RETENTION) {
      db.prepare(`DELETE FROM samples WHERE resolution = ? AND ts < ?`).run(resolution, now - keepMs);
    }
  })();
}

/** A series over [from, to], at the finest resolution whose retention still covers `from`. */
export function querySeries(db: ConsoleDb, kind: string, name: string, metric: string, from: number, to: number, now: number = Date.now()): Point[] {
  const tier = RETENTION.find((r) => now - r.keepMs <= from) ?? RETENTION[RETENTION.length - 1]!;
  return db
    .prepare(`SELECT ts, value FROM samples WHERE kind = ? AND name = ? AND metric = ? AND resolution = ? AND ts BETWEEN ? AND ? ORDER BY ts`)
    .all(kind, name, metric, tier.resolution, from, to) as Point[];
}

/** The latest raw points of many series of one kind and metric at once (for sparklines in lists). */
export function recentSeries(db: ConsoleDb, kind: string, metric: string, since: number): Map<string, Point[]> {
  const rows = db
    .prepare(`SELECT name, ts, value FROM samples WHERE kind = ? AND metric = ? AND resolution = 0 AND ts >= ? ORDER BY name, ts`)
    .all(kind, metric, since) as Array<{ name: string; ts: number; value: number }>;
  const out = new Map<string, Point[]>();
  for (const r of rows) {
    let list = out.get(r.name);
    if (!list) out.set(r.name, (list = []));
    list.push({ ts: r.ts, value: r.value });
  }
  return out;
}
