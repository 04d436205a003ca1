// Alert rules, channels, alerts, silences and the delivery log in the console database: reads and writes only.

import type Database from 'better-sqlite3';
import type { ConsoleDb } from '../db.ts';
import { globRe, parseChannel, parseRule, ruleToInput, type AlertChannel, type AlertRule, type Severity } from './rules.ts';

export type RuleSource = 'api' | 'file' | 'default';

/** Statements prepared once per database: preparing costs more than running these small writes. */
const prepared = new WeakMap<ConsoleDb, Map<string, Database.Statement>>();
function stmt(db: ConsoleDb, sql: string): Database.Statement {
  let m = prepared.get(db);
  if (!m) prepared.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

export interface AlertRow {
  id: number;
  cluster: string;
  ruleId: string;
  subject: string;
  severity: Severity;
  state: 'firing' | 'resolved';
  message: string;
  value: number;
  labels: Record<string, string>;
  pendingSince: number;
  startedAt: number;
  resolvedAt: number | null;
  flapping: boolean;
  ackedBy: string | null;
  ackedAt: number | null;
}

export interface Silence {
  id: number;
  ruleId: string;
  cluster: string;
  subject: string;
  reason: string;
  createdBy: string;
  createdAt: number;
  endsAt: number;
}

export interface Delivery {
  attempt: number;
  ts: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface NotificationRow {
  id: number;
  alertId: number | null;
  channelId: string;
  event: string;
  ts: number;
  status: 'pending' | 'delivered' | 'failed' | 'silenced' | 'suppressed';
  attempts: number;
  deliveries: Delivery[];
}

// --- rules and channels --------------------------------------------------------------------------------------

export function listRules(db: ConsoleDb): Array<AlertRule & { source: RuleSource }> {
  const rows = stmt(db, 'SELECT spec, source FROM alert_rules ORDER BY id').all() as Array<{ spec: string; source: RuleSource }>;
  return rows.map((r) => ({ ...parseRule(JSON.parse(r.spec)), source: r.source }));
}

export function saveRule(db: ConsoleDb, rule: AlertRule, source: RuleSource, now = Date.now()): void {
  stmt(db, 'INSERT INTO alert_rules (id, spec, source, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, source = excluded.source, updated_at = excluded.updated_at')
    .run(rule.id, JSON.stringify(ruleToInput(rule)), source, now);
}

export function deleteRule(db: ConsoleDb, id: string): boolean {
  return stmt(db, 'DELETE FROM alert_rules WHERE id = ?').run(id).changes > 0;
}

export function listChannels(db: ConsoleDb): Array<AlertChannel & { source: RuleSource }> {
  const rows = stmt(db, 'SELECT spec, source FROM alert_channels ORDER BY id').all() as Array<{ spec: string; source: RuleSource }>;
  return rows.map((r) => ({ ...parseChannel(JSON.parse(r.spec)), source: r.source }));
}

export function saveChannel(db: ConsoleDb, ch: AlertChannel, source: RuleSource, now = Date.now()): void {
  const spec = { id: ch.id, format: ch.format, url: ch.url, retries: ch.retries, backoff: ch.backoffMs, timeout: ch.timeoutMs, enabled: ch.enabled };
  stmt(db, 'INSERT INTO alert_channels (id, spec, source, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, source = excluded.source, updated_at = excluded.updated_at')
    .run(ch.id, JSON.stringify(spec), source, now);
}

export function deleteChannel(db: ConsoleDb, id: string): boolean {
  return stmt(db, 'DELETE FROM alert_channels WHERE id = ?').run(id).changes > 0;
}

/** Replaces everything a file brought before with what the file says now (API-made rules stay). */
export function replaceFromFile(db: ConsoleDb, rules: AlertRule[], channels: AlertChannel[], now = Date.now()): void {
  db.transaction(() => {
    stmt(db, "DELETE FROM alert_rules WHERE source IN ('file', 'default')").run();
    stmt(db, "DELETE FROM alert_channels WHERE source = 'file'").run();
    for (const r of rules) saveRule(db, r, 'file', now);
    for (const c of channels) saveChannel(db, c, 'file', now);
  })();
}

// --- alerts --------------------------------------------------------------------------------------------------

interface RawAlert {
  id: number; cluster: string; rule_id: string; subject: string; severity: Severity; state: 'firing' | 'resolved'; message: string; value: number;
  labels: string; pending_since: number; started_at: number; resolved_at: number | null; flapping: number; acked_by: string | null; acked_at: number | null;
}

const toAlert = (r: RawAlert): AlertRow => ({
  id: r.id, cluster: r.cluster, ruleId: r.rule_id, subject: r.subject, severity: r.severity, state: r.state, message: r.message, value: r.value,
  labels: JSON.parse(r.labels) as Record<string, string>, pendingSince: r.pending_since, startedAt: r.started_at, resolvedAt: r.resolved_at,
  flapping: r.flapping === 1, ackedBy: r.acked_by, ackedAt: r.acked_at,
});

export function insertAlert(db: ConsoleDb, a: Omit<AlertRow, 'id' | 'state' | 'resolvedAt' | 'ackedBy' | 'ackedAt'>): AlertRow {
  const info = stmt(db, `INSERT INTO alerts (cluster, rule_id, subject, severity, state, message, value, labels, pending_since, started_at, flapping)
    VALUES (?, ?, ?, ?, 'firing', ?, ?, ?, ?, ?, ?)`).run(a.cluster, a.ruleId, a.subject, a.severity, a.message, a.value, JSON.stringify(a.labels), a.pendingSince, a.startedAt, a.flapping ? 1 : 0);
  return { ...a, id: Number(info.lastInsertRowid), state: 'firing', resolvedAt: null, ackedBy: null, ackedAt: null };
}

export function updateFiring(db: ConsoleDb, id: number, message: string, value: number, flapping: boolean): void {
  stmt(db, 'UPDATE alerts SET message = ?, value = ?, flapping = ? WHERE id = ?').run(message, value, flapping ? 1 : 0, id);
}

export function resolveAlert(db: ConsoleDb, id: number, at: number, flapping: boolean): void {
  stmt(db, "UPDATE alerts SET state = 'resolved', resolved_at = ?, flapping = ? WHERE id = ?").run(at, flapping ? 1 : 0, id);
}

export function getAlert(db: ConsoleDb, id: number): AlertRow | undefined {
  const r = stmt(db, 'SELECT * FROM alerts WHERE id = ?').get(id) as RawAlert | undefined;
  return r ? toAlert(r) : undefined;
}

export function firingAlerts(db: ConsoleDb): AlertRow[] {
  return (stmt(db, "SELECT * FROM alerts WHERE state = 'firing' ORDER BY started_at DESC, id DESC").all() as RawAlert[]).map(toAlert);
}

export function recentAlerts(db: ConsoleDb, limit = 100): AlertRow[] {
  return (stmt(db, 'SELECT * FROM alerts ORDER BY id DESC LIMIT ?').all(limit) as RawAlert[]).map(toAlert);
}

export function ackAlert(db: ConsoleDb, id: number, username: string, at: number): boolean {
  return stmt(db, "UPDATE alerts SET acked_by = ?, acked_at = ? WHERE id = ? AND state = 'firing'").run(username, at, id).changes > 0;
}

// --- silences ------------------------------------------------------------------------------------------------

export function addSilence(db: ConsoleDb, s: Omit<Silence, 'id'>): Silence {
  const info = stmt(db, 'INSERT INTO alert_silences (rule_id, cluster, subject, reason, created_by, created_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(s.ruleId, s.cluster, s.subject, s.reason, s.createdBy, s.createdAt, s.endsAt);
  return { ...s, id: Number(info.lastInsertRowid) };
}

/** Ends a silence now (kept for the record). */
export function endSilence(db: ConsoleDb, id: number, at: number): boolean {
  return stmt(db, 'UPDATE alert_silences SET ends_at = ? WHERE id = ? AND ends_at > ?').run(at, id, at).changes > 0;
}

export function activeSilences(db: ConsoleDb, now: number): Silence[] {
  const rows = stmt(db, 'SELECT * FROM alert_silences WHERE ends_at > ? ORDER BY ends_at').all(now) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: r.id as number, ruleId: r.rule_id as string, cluster: r.cluster as string, subject: r.subject as string, reason: r.reason as string,
    createdBy: r.created_by as string, createdAt: r.created_at as number, endsAt: r.ends_at as number,
  }));
}

/** The silence covering an alert, if any: rule id, cluster and subject are globs. */
export function silenceFor(silences: readonly Silence[], a: { ruleId: string; cluster: string; subject: string }): Silence | undefined {
  return silences.find((s) => globRe(s.ruleId).test(a.ruleId) && globRe(s.cluster).test(a.cluster) && globRe(s.subject).test(a.subject));
}

// --- notifications and deliveries ----------------------------------------------------------------------------

export function insertNotification(db: ConsoleDb, n: { alertId: number | null; channelId: string; event: string; ts: number; status: NotificationRow['status']; payload: unknown }): number {
  return Number(stmt(db, 'INSERT INTO alert_notifications (alert_id, channel_id, event, ts, status, payload) VALUES (?, ?, ?, ?, ?, ?)')
    .run(n.alertId, n.channelId, n.event, n.ts, n.status, JSON.stringify(n.payload)).lastInsertRowid);
}

export function recordDelivery(db: ConsoleDb, notificationId: number, d: Delivery, status: NotificationRow['status']): void {
  db.transaction(() => {
    stmt(db, 'INSERT INTO alert_deliveries (notification_id, attempt, ts, ok, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(notificationId, d.attempt, d.ts, d.ok ? 1 : 0, d.statusCode, d.error, d.durationMs);
    stmt(db, 'UPDATE alert_notifications SET status = ?, attempts = ? WHERE id = ?').run(status, d.attempt, notificationId);
  })();
}

export function listNotifications(db: ConsoleDb, opts: { alertId?: number; limit?: number } = {}): NotificationRow[] {
  const rows = (opts.alertId !== undefined
    ? stmt(db, 'SELECT * FROM alert_notifications WHERE alert_id = ? ORDER BY id DESC LIMIT ?').all(opts.alertId, opts.limit ?? 100)
    : stmt(db, 'SELECT * FROM alert_notifications ORDER BY id DESC LIMIT ?').all(opts.limit ?? 100)) as Array<Record<string, unknown>>;
  const deliveries = stmt(db, 'SELECT attempt, ts, ok, status_code, error, duration_ms FROM alert_deliveries WHERE notification_id = ? ORDER BY attempt');
  return rows.map((r) => ({
    id: r.id as number, alertId: r.alert_id as number | null, channelId: r.channel_id as string, event: r.event as string, ts: r.ts as number,
    status: r.status as NotificationRow['status'], attempts: r.attempts as number,
    deliveries: (deliveries.all(r.id) as Array<Record<string, unknown>>).map((d) => ({
      attempt: d.attempt as number, ts: d.ts as number, ok: d.ok === 1, statusCode: d.status_code as number | null, error: d.error as string | null, durationMs: d.duration_ms as number,
    })),
  }));
}

// --- brokers seen before -------------------------------------------------------------------------------------

export function touchKnownBrokers(db: ConsoleDb, cluster: string, brokers: ReadonlyArray<{ brokerName: string; brokerAddr: string; brokerId: number }>, now: number): void {
  const upsert = stmt(db, `INSERT INTO alert_known_brokers (cluster, broker_addr, broker_name, broker_id, last_seen) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (cluster, broker_addr) DO UPDATE SET broker_name = excluded.broker_name, broker_id = excluded.broker_id, last_seen = excluded.last_seen`);
  db.transaction(() => {
    for (const b of brokers) upsert.run(cluster, b.brokerAddr, b.brokerName, b.brokerId, now);
  })();
}

export function knownBrokers(db: ConsoleDb, cluster: string, since: number): Array<{ brokerName: string; brokerAddr: string; brokerId: number; lastSeen: number }> {
  return (stmt(db, 'SELECT broker_addr, broker_name, broker_id, last_seen FROM alert_known_brokers WHERE cluster = ? AND last_seen >= ?').all(cluster, since) as Array<Record<string, unknown>>)
    .map((r) => ({ brokerAddr: r.broker_addr as string, brokerName: r.broker_name as string, brokerId: r.broker_id as number, lastSeen: r.last_seen as number }));
}

/** Forgets a broker that left on purpose (its broker_down alert then resolves). */
export function forgetBroker(db: ConsoleDb, cluster: string, brokerAddr: string): boolean {
  return stmt(db, 'DELETE FROM alert_known_brokers WHERE cluster = ? AND broker_addr = ?').run(cluster, brokerAddr).changes > 0;
}
