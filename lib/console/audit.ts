// The console's audit log: who changed what, when, and with which result.

import type Database from 'better-sqlite3';
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

const inserts = new WeakMap<ConsoleDb, Database.Statement>();

export function recordAudit(db: ConsoleDb, e: Omit<AuditEntry, 'id' | 'ts'> & { ts?: number }): void {
  let insert = inserts.get(db);
  // prepared once per database: the alert engine records every alert change here
  if (!insert) inserts.set(db, (insert = db.prepare(`INSERT INTO audit_log (ts, username, action, target, params, ok, result) VALUES (?, ?, ?, ?, ?, ?, ?)`)));
  insert.run(
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

const hasErrors = (r: unknown): boolean =>
  typeof r === 'object' && r !== null && Array.isArray((r as { errors?: unknown }).errors) && (r as { errors: unknown[] }).errors.length > 0;

/**
 * Runs a change and writes it to the audit log either way: ok when it finished with no broker reporting an error,
 * the result (or the error text) alongside.
 */
export async function audited<T>(db: ConsoleDb, e: { username: string; action: string; target: string; params: unknown }, fn: () => Promise<T>): Promise<T> {
  try {
    const result = await fn();
    recordAudit(db, { ...e, ok: !hasErrors(result), result });
    return result;
  } catch (err) {
    recordAudit(db, { ...e, ok: false, result: { error: err instanceof Error ? err.message : String(err) } });
    throw err;
  }
}
