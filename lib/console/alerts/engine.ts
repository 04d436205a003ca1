// The alert state machine: per rule and subject, pending (condition holds, "for" not yet over) -> firing ->
// resolved, stored with times; a change is an event to notify unless the alert is flapping (too many changes in
// the rule's window), which is itself notified once. Time comes from the facts (an injected clock in tests).

import { recordAudit } from '../audit.ts';
import type { ConsoleDb } from '../db.ts';
import { compileRule, evaluate, type ClusterFacts, type CompiledRule } from './conditions.ts';
import type { AlertRule } from './rules.ts';
import { firingAlerts, insertAlert, listRules, resolveAlert, updateFiring, type AlertRow } from './store.ts';

export type AlertEventKind = 'firing' | 'resolved' | 'flapping';

export interface AlertEvent {
  event: AlertEventKind;
  alert: AlertRow;
  rule: AlertRule;
  ts: number;
}

interface RuleState {
  /** Subject -> when its condition started holding (not firing yet). */
  pending: Map<string, number>;
  firing: Map<string, AlertRow>;
}

interface FlapState {
  changes: number[];
  flapping: boolean;
  /** The last state people were told about. */
  notified?: 'firing' | 'resolved';
  last: AlertRow;
}

export interface EvaluationStats {
  rules: number;
  conditions: number;
  events: number;
}

export class AlertEngine {
  private compiled: CompiledRule[] | undefined;
  /** "cluster\0ruleId" -> state */
  private readonly states = new Map<string, RuleState>();
  /** "cluster\0ruleId\0subject" -> recent changes */
  private readonly flaps = new Map<string, FlapState>();
  lastStats: EvaluationStats = { rules: 0, conditions: 0, events: 0 };

  constructor(private readonly db: ConsoleDb, private readonly opts: { audit?: boolean } = {}) {
    for (const a of firingAlerts(db)) this.state(a.cluster, a.ruleId).firing.set(a.subject, a);
  }

  /** Rules changed (API or file): read them again before the next evaluation. */
  invalidate(): void {
    this.compiled = undefined;
  }

  rules(): CompiledRule[] {
    this.compiled ??= listRules(this.db).filter((r) => r.enabled).map(compileRule);
    return this.compiled;
  }

  private state(cluster: string, ruleId: string): RuleState {
    const key = `${cluster}\u0000${ruleId}`;
    let s = this.states.get(key);
    if (!s) this.states.set(key, (s = { pending: new Map(), firing: new Map() }));
    return s;
  }

  /** One cycle for one cluster: every rule against the facts; returns the events to notify. */
  evaluate(facts: ClusterFacts): AlertEvent[] {
    const now = facts.now;
    const events: AlertEvent[] = [];
    const rules = this.rules();
    let conditions = 0;
    const active = new Set(rules.map((r) => r.rule.id));
    for (const c of rules) {
      const found = evaluate(c, facts);
      if (found === undefined) continue;
      conditions += found.length;
      const st = this.state(facts.cluster, c.rule.id);
      const seen = new Set<string>();
      for (const cond of found) {
        seen.add(cond.subject);
        const firing = st.firing.get(cond.subject);
        if (firing) {
          if (firing.message !== cond.message || firing.value !== cond.value) {
            firing.message = cond.message;
            firing.value = cond.value;
            updateFiring(this.db, firing.id, cond.message, cond.value, firing.flapping);
          }
          continue;
        }
        const since = st.pending.get(cond.subject) ?? now;
        if (now - since < c.rule.forMs) {
          st.pending.set(cond.subject, since);
          continue;
        }
        st.pending.delete(cond.subject);
        const alert = insertAlert(this.db, {
          cluster: facts.cluster, ruleId: c.rule.id, subject: cond.subject, severity: c.rule.severity, message: cond.message, value: cond.value,
          labels: cond.labels, pendingSince: since, startedAt: now, flapping: false,
        });
        st.firing.set(cond.subject, alert);
        this.changed(c.rule, alert, 'firing', now, events);
      }
      for (const subject of st.pending.keys()) if (!seen.has(subject)) st.pending.delete(subject);
      for (const [subject, alert] of st.firing) {
        if (seen.has(subject)) continue;
        st.firing.delete(subject);
        this.resolve(c.rule, alert, now, events);
      }
    }
    // a rule deleted or disabled takes its firing alerts with it
    for (const [key, st] of this.states) {
      const [cluster, ruleId] = key.split('\u0000') as [string, string];
      if (cluster !== facts.cluster || active.has(ruleId)) continue;
      for (const alert of st.firing.values()) this.resolve(undefined, alert, now, events);
      this.states.delete(key);
    }
    this.settleFlapping(rules, now, events);
    this.lastStats = { rules: rules.length, conditions, events: events.length };
    return events;
  }

  private resolve(rule: AlertRule | undefined, alert: AlertRow, now: number, events: AlertEvent[]): void {
    alert.state = 'resolved';
    alert.resolvedAt = now;
    if (!rule) {
      resolveAlert(this.db, alert.id, now, alert.flapping);
      this.audit('alertResolved', alert, now);
      return;
    }
    this.changed(rule, alert, 'resolved', now, events);
  }

  private changed(rule: AlertRule, alert: AlertRow, to: 'firing' | 'resolved', now: number, events: AlertEvent[]): void {
    const key = `${alert.cluster}\u0000${alert.ruleId}\u0000${alert.subject}`;
    let f = this.flaps.get(key);
    if (!f) this.flaps.set(key, (f = { changes: [], flapping: false, last: alert }));
    f.last = alert;
    f.changes.push(now);
    while (f.changes.length && f.changes[0]! <= now - rule.flapping.windowMs) f.changes.shift();
    let notify: AlertEventKind | undefined = to;
    if (!f.flapping && f.changes.length > rule.flapping.changes) {
      f.flapping = true;
      notify = 'flapping';
      // after the flapping notice, the state it settles in is news again
      f.notified = undefined;
    } else if (f.flapping) {
      notify = undefined;
    }
    alert.flapping = f.flapping;
    if (to === 'resolved') resolveAlert(this.db, alert.id, now, alert.flapping);
    else if (alert.flapping) updateFiring(this.db, alert.id, alert.message, alert.value, true);
    this.audit(to === 'firing' ? 'alertFiring' : 'alertResolved', alert, now);
    if (notify === 'flapping') this.audit('alertFlapping', alert, now);
    if (notify) {
      if (notify !== 'flapping') f.notified = to;
      events.push({ event: notify, alert: { ...alert }, rule, ts: now });
    }
  }

  /** Flapping ends when the changes in the window fall to half the limit; people then learn the state it settled in. */
  private settleFlapping(rules: CompiledRule[], now: number, events: AlertEvent[]): void {
    for (const [key, f] of this.flaps) {
      const rule = rules.find((r) => r.rule.id === f.last.ruleId)?.rule;
      const windowMs = rule?.flapping.windowMs ?? 0;
      while (f.changes.length && f.changes[0]! <= now - windowMs) f.changes.shift();
      if (f.flapping && rule && f.changes.length <= Math.floor(rule.flapping.changes / 2)) {
        f.flapping = false;
        const state = f.last.state;
        if (state === 'firing') updateFiring(this.db, f.last.id, f.last.message, f.last.value, false);
        f.last.flapping = false;
        if (f.notified !== state) {
          f.notified = state;
          events.push({ event: state, alert: { ...f.last }, rule, ts: now });
        }
      }
      if (!f.flapping && f.changes.length === 0) this.flaps.delete(key);
    }
  }

  private audit(action: string, alert: AlertRow, ts: number): void {
    if (this.opts.audit === false) return;
    recordAudit(this.db, {
      ts, username: 'alerts', action, target: `${alert.cluster}/${alert.ruleId}/${alert.subject}`,
      params: { alertId: alert.id, severity: alert.severity }, ok: true, result: { message: alert.message },
    });
  }

  /** A cluster no longer saved: its firing alerts resolve, pending ones are dropped. */
  dropClustersExcept(keep: ReadonlySet<string>, now: number): AlertEvent[] {
    const events: AlertEvent[] = [];
    const rules = this.rules();
    for (const [key, st] of this.states) {
      const [cluster, ruleId] = key.split('\u0000') as [string, string];
      if (keep.has(cluster)) continue;
      const rule = rules.find((r) => r.rule.id === ruleId)?.rule;
      for (const alert of st.firing.values()) this.resolve(rule, alert, now, events);
      this.states.delete(key);
    }
    return events;
  }

  /** Firing alerts as the engine holds them (the database has the same rows). */
  firing(): AlertRow[] {
    return [...this.states.values()].flatMap((s) => [...s.firing.values()]);
  }
}
