// The console's audit log: who changed what, when, and with which result.

import type { ConsoleDb } from './db.ts';

export interface AuditEntry {
  id: number;
  ts: number;
  username: string;
  action: string;
  target: string;
  params: unknown;
  ok: boolean;
  result: unknown;
}

export function recordAudit(db: ConsoleDb, e: Omit<AuditEntry, 'id' | 'ts'> & { ts?: number }): void {
  db.prepare(`INSERT INTO audit_log (ts, username, action, target, params, ok, result) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
    e.ts ?? Date.now(),
    e.username,
    e.action,
    e.target,
    JSON.stringify(e.params ?? null),
    e.ok ? 1 : 0,
    JSON.stringify(e.result ?? null),
  );
}

export function listAudit(db: ConsoleDb, opts: { limit?: number; before?: number } = {}): AuditEntry[] {
  const rows = db
    .prepare(`SELECT id, ts, username, action, target, params, ok, result FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`)
    .all(opts.before ?? Number.MAX_SAFE_INTEGER, Math.min(opts.limit ?? 100, 1000)) as Array<{
    id: number;
    ts: number;
    username: string;
    action: string;
    target: string;
    params: string;
    ok: number;
    result: string;
  }>;
  return rows.map((r) => ({ ...r, params: JSON.parse(r.params), ok: r.ok === 1, result: JSON.parse(r.result) }));
}
