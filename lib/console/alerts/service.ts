// The alerts of a console: after each collection of a cluster, gathers the facts (snapshot, nameservers' listings,
// brokers seen before, DLQ growth), runs the engine and hands its events to the notifier. Never throws into the
// collector: a failure is logged and the next cycle tries again.

import { createLogger } from '../../common/log.ts';
import type { AdminClient } from '../../admin/index.ts';
import type { Snapshot } from '../collect.ts';
import type { ConsoleDb } from '../db.ts';
import { describe as describeError } from '../errors.ts';
import type { ClusterFacts } from './conditions.ts';
import { AlertEngine, type AlertEvent } from './engine.ts';
import { Notifier, type NotifierOptions } from './deliver.ts';
import { loadAlertsFile } from './file.ts';
import { DEFAULT_RULES } from './rules.ts';
import { knownBrokers, listChannels, listRules, replaceFromFile, saveRule, touchKnownBrokers } from './store.ts';

const log = createLogger('console.alerts');

/** A broker gone from every nameserver counts as down this long; after that it is forgotten. */
export const FORGET_BROKER_MS = 24 * 3_600_000;
export const DLQ_PREFIX = '%DLQ%';
const HOUR_MS = 3_600_000;

export interface AlertServiceOptions extends NotifierOptions {
  /** ROCKETDECK_ALERTS_FILE */
  file?: string;
  /** Seed DEFAULT_RULES into an empty rule table (default true). */
  defaults?: boolean;
}

export class AlertService {
  readonly engine: AlertEngine;
  readonly notifier: Notifier;
  /** Why the alerts file was refused, when it was. */
  fileError: string | null = null;
  readonly file: string | undefined;
  private readonly dlq = new Map<string, Map<string, { messages: number; at?: number; by: number }>>();
  private readonly hourly = new Map<string, { hour: number; tps: Map<string, number> }>();
  private readonly growth = new Map<string, Map<string, { since: number; from: number; last: number }>>();

  constructor(private readonly db: ConsoleDb, opts: AlertServiceOptions = {}) {
    this.file = opts.file;
    if (opts.file) this.loadFile(opts.file);
    else if (opts.defaults !== false && listRules(db).length === 0 && listChannels(db).length === 0) {
      const any = db.prepare('SELECT 1 FROM alerts LIMIT 1').get();
      if (!any) for (const r of DEFAULT_RULES) saveRule(db, r, 'default');
    }
    this.engine = new AlertEngine(db);
    this.notifier = new Notifier(db, opts);
  }

  /** Loads the file's rules and channels in place of the previous file's; a bad file changes nothing. */
  loadFile(path: string): boolean {
    try {
      const f = loadAlertsFile(path);
      replaceFromFile(this.db, f.rules, f.channels);
      this.fileError = null;
      this.engine?.invalidate();
      log.info('alerts_file_loaded', { file: path, rules: f.rules.length, channels: f.channels.length });
      return true;
    } catch (err) {
      this.fileError = `${path}: ${describeError(err)}`;
      log.error('alerts_file_refused', { file: path, error: this.fileError });
      return false;
    }
  }

  /** Called by the collector after each collection of a cluster (snapshot undefined when it failed). */
  async afterCollect(cluster: string, snap: Snapshot | undefined, admin: AdminClient, now = Date.now()): Promise<AlertEvent[]> {
    try {
      const facts = await this.gather(cluster, snap, admin, now);
      return this.run(facts);
    } catch (err) {
      log.error('alerts_cycle_failed', { cluster, error: err });
      return [];
    }
  }

  /** Resolves the alerts of clusters no longer saved (notifying each once). */
  retain(clusters: readonly string[], now = Date.now()): AlertEvent[] {
    const events = this.engine.dropClustersExcept(new Set(clusters), now);
    for (const c of [...this.dlq.keys()]) if (!clusters.includes(c)) this.dlq.delete(c);
    for (const c of [...this.growth.keys()]) if (!clusters.includes(c)) this.growth.delete(c);
    for (const c of [...this.hourly.keys()]) if (!clusters.includes(c)) this.hourly.delete(c);
    this.notifier.dispatchAll(events);
    return events;
  }

  /** Evaluates given facts and dispatches the events. */
  run(facts: ClusterFacts): AlertEvent[] {
    // one transaction per cycle: a few hundred changes cost one commit, not one each (deliveries write later)
    const events = this.db.transaction(() => {
      const ev = this.engine.evaluate(facts);
      this.notifier.dispatchAll(ev);
      return ev;
    })();
    for (const e of events) log.info('alert_changed', { event: e.event, cluster: e.alert.cluster, rule: e.alert.ruleId, subject: e.alert.subject, alertId: e.alert.id });
    return events;
  }

  async gather(cluster: string, snap: Snapshot | undefined, admin: AdminClient, now: number): Promise<ClusterFacts> {
    let namesrvs: ClusterFacts['namesrvs'];
    let listing: ClusterFacts['listing'];
    try {
      const list = await admin.clusterList({ runtime: false });
      namesrvs = list.namesrvs.map((n) => (n.error !== undefined ? { addr: n.namesrvAddr, ok: n.ok, error: n.error } : { addr: n.namesrvAddr, ok: n.ok }));
      listing = list.brokers.map((b) => ({ brokerName: b.brokerName, brokerAddr: b.brokerAddr, brokerId: b.brokerId, namesrvs: b.namesrvs }));
    } catch (err) {
      const error = describeError(err);
      namesrvs = admin.namesrvAddrs.map((addr) => ({ addr, ok: false, error }));
    }
    let vanished: ClusterFacts['vanished'] = [];
    if (listing) {
      touchKnownBrokers(this.db, cluster, listing, now);
      const listed = new Set(listing.map((b) => b.brokerAddr));
      vanished = knownBrokers(this.db, cluster, now - FORGET_BROKER_MS).filter((b) => !listed.has(b.brokerAddr));
    }
    return { cluster, now, snapshot: snap, namesrvs, listing, vanished, dlqGrewAt: this.trackDlq(cluster, snap, now), lagGrowingSince: this.trackLagGrowth(cluster, snap, now), hourlyTps: this.hourlyTps(cluster, now) };
  }

  /**
   * Per topic, the average put TPS of this hour of the day (UTC) on earlier days, from the 10-minute history; read
   * once an hour, and only when a rule asks for it.
   */
  hourlyTps(cluster: string, now: number): Map<string, number> | undefined {
    if (!this.engine.rules().some((r) => r.rule.kind === 'topic_tps_drop')) return undefined;
    const hour = Math.floor(now / HOUR_MS);
    const cached = this.hourly.get(cluster);
    if (cached?.hour === hour) return cached.tps;
    const rows = this.db.prepare(`SELECT name, AVG(value) AS avg FROM samples
      WHERE cluster = ? AND kind = 'topic' AND metric = 'tps' AND resolution = 600 AND ts < ? AND (ts / ${HOUR_MS}) % 24 = ?
      GROUP BY name`).all(cluster, hour * HOUR_MS, hour % 24) as Array<{ name: string; avg: number }>;
    const tps = new Map(rows.map((r) => [r.name, r.avg]));
    this.hourly.set(cluster, { hour, tps });
    return tps;
  }

  /** Per group, since when its lag has not fallen between cycles (a fall or a steady lag starts it again). */
  trackLagGrowth(cluster: string, snap: Snapshot | undefined, now: number): Map<string, { since: number; from: number }> {
    let known = this.growth.get(cluster);
    if (!known) this.growth.set(cluster, (known = new Map()));
    if (snap) {
      for (const g of snap.groups.values()) {
        const k = known.get(g.group);
        if (!k || g.diff <= k.last) known.set(g.group, { since: now, from: g.diff, last: g.diff });
        else k.last = g.diff;
      }
      for (const name of [...known.keys()]) if (!snap.groups.has(name)) known.delete(name);
    }
    return new Map([...known].map(([g, k]) => [g, { since: k.since, from: k.from }]));
  }

  /** Remembers each DLQ's size and when it last grew. */
  trackDlq(cluster: string, snap: Snapshot | undefined, now: number): Map<string, { at: number; messages: number; by: number }> {
    let known = this.dlq.get(cluster);
    const first = !known;
    if (!known) this.dlq.set(cluster, (known = new Map()));
    if (snap) {
      for (const t of snap.topics.values()) {
        if (!t.topic.startsWith(DLQ_PREFIX)) continue;
        const group = t.topic.slice(DLQ_PREFIX.length);
        const k = known.get(group);
        if (!k) {
          // a DLQ that appeared after the first look grew from nothing
          known.set(group, first ? { messages: t.messages, by: 0 } : { messages: t.messages, at: t.messages > 0 ? now : undefined, by: t.messages });
        } else if (t.messages > k.messages) {
          k.by = t.messages - k.messages;
          k.messages = t.messages;
          k.at = now;
        } else {
          k.messages = t.messages;
        }
      }
    }
    const out = new Map<string, { at: number; messages: number; by: number }>();
    for (const [g, k] of known) if (k.at !== undefined) out.set(g, { at: k.at, messages: k.messages, by: k.by });
    return out;
  }
}
