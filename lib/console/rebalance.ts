// Queue ownership of consumer groups over time: the last seen assignment per group and a rebalance event each time
// members join or leave or queues change hands, kept in the console database.

import type { RebalanceEvent } from './api-types.ts';
import type { ConsoleDb } from './db.ts';

export interface Assignment {
  members: string[];
  /** "topic brokerName queueId" -> clientId holding it */
  queues: Record<string, string>;
}

export const queueKey = (q: { topic: string; brokerName: string; queueId: number }): string => `${q.topic} ${q.brokerName} ${q.queueId}`;

export function assignmentOf(members: string[], queues: Array<{ topic: string; brokerName: string; queueId: number; clientId: string }>): Assignment {
  const out: Assignment = { members: [...new Set(members)].sort(), queues: {} };
  for (const q of queues) out.queues[queueKey(q)] = q.clientId;
  return out;
}

export function sharesOf(a: Assignment): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of a.members) out[m] = 0;
  for (const c of Object.values(a.queues)) out[c] = (out[c] ?? 0) + 1;
  return out;
}

/** Who joined, who left, and how many queues changed owner (a queue that appeared or went counts too). */
export function diffAssignment(prev: Assignment, next: Assignment): { joined: string[]; left: string[]; moved: number } {
  const before = new Set(prev.members);
  const after = new Set(next.members);
  const keys = new Set([...Object.keys(prev.queues), ...Object.keys(next.queues)]);
  let moved = 0;
  for (const k of keys) if (prev.queues[k] !== next.queues[k]) moved++;
  return {
    joined: next.members.filter((m) => !before.has(m)),
    left: prev.members.filter((m) => !after.has(m)),
    moved,
  };
}

export function loadAssignment(db: ConsoleDb, cluster: string, group: string): (Assignment & { ts: number }) | undefined {
  const row = db.prepare(`SELECT ts, members, queues FROM group_assignments WHERE cluster = ? AND group_name = ?`).get(cluster, group) as
    | { ts: number; members: string; queues: string }
    | undefined;
  return row ? { ts: row.ts, members: JSON.parse(row.members), queues: JSON.parse(row.queues) } : undefined;
}

/** Every stored assignment of a cluster (the collector's memory after a restart). */
export function loadAssignments(db: ConsoleDb, cluster: string): Map<string, Assignment & { ts: number }> {
  const rows = db.prepare(`SELECT group_name, ts, members, queues FROM group_assignments WHERE cluster = ?`).all(cluster) as Array<{
    group_name: string; ts: number; members: string; queues: string;
  }>;
  return new Map(rows.map((r) => [r.group_name, { ts: r.ts, members: JSON.parse(r.members), queues: JSON.parse(r.queues) }]));
}

function saveAssignment(db: ConsoleDb, cluster: string, group: string, a: Assignment, ts: number): void {
  db.prepare(`INSERT OR REPLACE INTO group_assignments (cluster, group_name, ts, members, queues) VALUES (?, ?, ?, ?, ?)`)
    .run(cluster, group, ts, JSON.stringify(a.members), JSON.stringify(a.queues));
}

/**
 * Compares `next` with the stored assignment of the group: a difference becomes a rebalance event; the stored one
 * is replaced either way (its ts says when it was last confirmed). The first sighting is stored without an event.
 */
export function trackAssignment(db: ConsoleDb, cluster: string, group: string, next: Assignment, ts: number): RebalanceEvent | undefined {
  return db.transaction(() => {
    const prev = loadAssignment(db, cluster, group);
    saveAssignment(db, cluster, group, next, ts);
    if (!prev) return undefined;
    const d = diffAssignment(prev, next);
    if (d.joined.length === 0 && d.left.length === 0 && d.moved === 0) return undefined;
    const shares = sharesOf(next);
    const info = db.prepare(
      `INSERT INTO rebalance_events (cluster, group_name, ts, members, joined, left_members, moved, shares) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(cluster, group, ts, JSON.stringify(next.members), JSON.stringify(d.joined), JSON.stringify(d.left), d.moved, JSON.stringify(shares));
    return { id: Number(info.lastInsertRowid), ts, group, members: next.members, ...d, shares };
  })();
}

export function listRebalances(db: ConsoleDb, cluster: string, group: string, limit = 50): RebalanceEvent[] {
  const rows = db.prepare(
    `SELECT id, ts, group_name, members, joined, left_members, moved, shares FROM rebalance_events
     WHERE cluster = ? AND group_name = ? ORDER BY ts DESC, id DESC LIMIT ?`,
  ).all(cluster, group, limit) as Array<{ id: number; ts: number; group_name: string; members: string; joined: string; left_members: string; moved: number; shares: string }>;
  return rows.map((r) => ({
    id: r.id, ts: r.ts, group: r.group_name, members: JSON.parse(r.members), joined: JSON.parse(r.joined),
    left: JSON.parse(r.left_members), moved: r.moved, shares: JSON.parse(r.shares),
  }));
}

/** Drops events older than `keepMs` (the same fortnight the coarsest history keeps). */
export function pruneRebalances(db: ConsoleDb, now: number, keepMs: number): void {
  db.prepare(`DELETE FROM rebalance_events WHERE ts < ?`).run(now - keepMs);
}
