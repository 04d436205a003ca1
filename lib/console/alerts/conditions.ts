// What each rule kind sees in one cycle's facts of a cluster: the subjects whose condition holds now, with the
// figure behind it. `undefined` means the cycle could not tell (keep the alerts of that rule as they are).

import type { Snapshot } from '../collect.ts';
import { firstNumber } from '../collect.ts';
import { parseHa } from '../ha.ts';
import { compileScope, PASS, type AlertRule, type ScopeTest } from './rules.ts';

export interface BrokerRef {
  brokerName: string;
  brokerAddr: string;
  brokerId: number;
}

/** Everything the rules of one cluster look at in one cycle. */
export interface ClusterFacts {
  cluster: string;
  now: number;
  /** The collector's snapshot; absent when this cycle's collection failed. */
  snapshot?: Snapshot;
  /** Each configured nameserver and whether it answered. */
  namesrvs: Array<{ addr: string; ok: boolean; error?: string }>;
  /** Broker processes and the nameservers listing them (absent when no nameserver answered). */
  listing?: Array<BrokerRef & { namesrvs: string[] }>;
  /** Brokers seen earlier that no nameserver lists any more (they stopped heartbeating or left). */
  vanished: Array<BrokerRef & { lastSeen: number }>;
  /** Per group: when its DLQ last grew (absent when never seen growing). */
  dlqGrewAt: ReadonlyMap<string, { at: number; messages: number; by: number }>;
  /** Per group: since when its lag has only grown (never fallen) from cycle to cycle, and from what. */
  lagGrowingSince?: ReadonlyMap<string, { since: number; from: number }>;
  /** Per topic: its average put TPS in this hour of the day on earlier days (from the history). */
  hourlyTps?: ReadonlyMap<string, number>;
}

/** Below this average put TPS a topic is too quiet for a drop to mean anything. */
export const TPS_DROP_MIN_BASELINE = 1;

export interface Condition {
  subject: string;
  value: number;
  message: string;
  labels: Record<string, string>;
}

export interface CompiledRule {
  rule: AlertRule;
  scope: ScopeTest;
}

export const compileRule = (rule: AlertRule): CompiledRule => ({ rule, scope: compileScope(rule.scope) });

const pct = (n: number) => Math.round(n * 10) / 10;

export function evaluate(c: CompiledRule, f: ClusterFacts): Condition[] | undefined {
  const { rule, scope } = c;
  if (!scope.cluster(f.cluster)) return [];
  const snap = f.snapshot;
  const t = rule.thresholds;
  const out: Condition[] = [];
  switch (rule.kind) {
    case 'namesrv_down':
      for (const n of f.namesrvs) {
        if (!n.ok && scope.namesrv(n.addr)) out.push({ subject: n.addr, value: 1, message: `nameserver ${n.addr} does not answer${n.error ? `: ${n.error}` : ''}`, labels: { namesrv: n.addr } });
      }
      return out;
    case 'broker_down': {
      if (!snap && !f.listing) return undefined;
      for (const b of snap?.brokers ?? []) {
        if (b.error && scope.broker(b.brokerName, b.brokerAddr)) {
          out.push({ subject: b.brokerAddr, value: 1, message: `broker ${b.brokerName} (${b.brokerAddr}, id ${b.brokerId}) does not answer: ${b.error}`, labels: { broker: b.brokerName, brokerAddr: b.brokerAddr } });
        }
      }
      for (const b of f.vanished) {
        if (scope.broker(b.brokerName, b.brokerAddr) && !out.some((o) => o.subject === b.brokerAddr)) {
          out.push({ subject: b.brokerAddr, value: 1, message: `broker ${b.brokerName} (${b.brokerAddr}, id ${b.brokerId}) is gone from every nameserver (last seen ${new Date(b.lastSeen).toISOString()})`, labels: { broker: b.brokerName, brokerAddr: b.brokerAddr } });
        }
      }
      return out;
    }
    case 'broker_missing_from_namesrv': {
      if (!f.listing) return undefined;
      const answered = f.namesrvs.filter((n) => n.ok).map((n) => n.addr);
      for (const b of f.listing) {
        if (!scope.broker(b.brokerName, b.brokerAddr)) continue;
        for (const n of answered) {
          if (!b.namesrvs.includes(n) && scope.namesrv(n)) {
            out.push({ subject: `${b.brokerAddr}@${n}`, value: 1, message: `broker ${b.brokerName} (${b.brokerAddr}) is not listed by nameserver ${n}`, labels: { broker: b.brokerName, brokerAddr: b.brokerAddr, namesrv: n } });
          }
        }
      }
      return out;
    }
    case 'master_without_slave': {
      if (!snap) return undefined;
      for (const m of snap.brokers.filter((b) => b.brokerId === 0 && !b.error)) {
        if (!scope.broker(m.brokerName, m.brokerAddr)) continue;
        const slaveAnswers = snap.brokers.some((b) => b.brokerName === m.brokerName && b.brokerId !== 0 && !b.error);
        const reported = m.runtime ? parseHa(m.runtime).master : undefined;
        const connections = reported ? reported.connectionCount : slaveAnswers ? 1 : 0;
        if (!slaveAnswers || connections === 0) {
          out.push({ subject: m.brokerName, value: connections, message: `master of ${m.brokerName} (${m.brokerAddr}) has no connected slave`, labels: { broker: m.brokerName, brokerAddr: m.brokerAddr } });
        }
      }
      return out;
    }
    case 'slave_behind': {
      if (!snap) return undefined;
      for (const s of snap.brokers.filter((b) => b.brokerId !== 0 && b.runtime && !b.error)) {
        if (!scope.broker(s.brokerName, s.brokerAddr)) continue;
        const h = parseHa(s.runtime!);
        let bytes = h.slave?.lagBytes ?? null;
        const lagMs = h.slave?.lagMs ?? null;
        if (bytes === null) {
          const m = snap.brokers.find((b) => b.brokerName === s.brokerName && b.brokerId === 0 && b.runtime);
          const mo = m ? parseHa(m.runtime!).commitLogMaxOffset : undefined;
          if (mo !== undefined && h.commitLogMaxOffset !== undefined) bytes = mo - h.commitLogMaxOffset;
        }
        const overBytes = t.bytes !== undefined && bytes !== null && bytes > t.bytes;
        const overSeconds = t.seconds !== undefined && lagMs !== null && lagMs / 1000 > t.seconds;
        if (overBytes || overSeconds) {
          out.push({ subject: s.brokerAddr, value: bytes ?? 0, message: `slave ${s.brokerName} (${s.brokerAddr}) is ${bytes ?? '?'} bytes${lagMs !== null ? ` / ${Math.round(lagMs / 1000)} s` : ''} behind its master`, labels: { broker: s.brokerName, brokerAddr: s.brokerAddr } });
        }
      }
      return out;
    }
    case 'disk_full': {
      if (!snap) return undefined;
      const limit = t.percent ?? 85;
      for (const b of snap.brokers) {
        if (!b.runtime || b.error || !scope.broker(b.brokerName, b.brokerAddr)) continue;
        const ratio = firstNumber(b.runtime.commitLogDiskRatio);
        if (ratio === undefined) continue;
        const used = pct(ratio * 100);
        if (used > limit) out.push({ subject: b.brokerAddr, value: used, message: `disk of ${b.brokerName} (${b.brokerAddr}) is ${used} % full (limit ${limit} %)`, labels: { broker: b.brokerName, brokerAddr: b.brokerAddr } });
      }
      return out;
    }
    case 'group_lag':
    case 'group_no_member_with_lag': {
      if (!snap) return undefined;
      for (const g of snap.groups.values()) {
        if ((g.system && !rule.includeSystem) || !scope.group(g.group)) continue;
        if (scope.topic !== PASS && !g.perTopic.some((p) => scope.topic(p.topic))) continue;
        if (rule.kind === 'group_lag') {
          const overMessages = t.messages !== undefined && g.diff > t.messages;
          const overSeconds = t.seconds !== undefined && g.lagSeconds !== null && g.lagSeconds > t.seconds;
          if (overMessages || overSeconds) {
            out.push({ subject: g.group, value: g.diff, message: `group ${g.group} is ${g.diff} messages${g.lagSeconds !== null ? ` / ${g.lagSeconds} s` : ''} behind`, labels: { group: g.group } });
          }
        } else if (g.members && g.members.clientIds.length === 0 && g.diff >= (t.messages ?? 1)) {
          out.push({ subject: g.group, value: g.diff, message: `group ${g.group} has no online member and ${g.diff} messages waiting`, labels: { group: g.group } });
        }
      }
      return out;
    }
    case 'lag_growing': {
      if (!snap || !f.lagGrowingSince) return undefined;
      const windowMs = (t.seconds ?? 600) * 1000;
      for (const [group, g] of f.lagGrowingSince) {
        const stat = snap.groups.get(group);
        if (!stat || (stat.system && !rule.includeSystem) || !scope.group(group)) continue;
        if (f.now - g.since >= windowMs && stat.diff > g.from && stat.diff >= (t.messages ?? 1)) {
          out.push({ subject: group, value: stat.diff, message: `lag of ${group} has grown for ${Math.round((f.now - g.since) / 60_000)} min, from ${g.from} to ${stat.diff} messages`, labels: { group } });
        }
      }
      return out;
    }
    case 'topic_tps_drop': {
      if (!snap || !f.hourlyTps) return undefined;
      const pctDrop = t.percent ?? 50;
      for (const [topic, baseline] of f.hourlyTps) {
        if (baseline < TPS_DROP_MIN_BASELINE || !scope.topic(topic)) continue;
        const stat = snap.topics.get(topic);
        if (!stat || stat.tps === null || (stat.system && !rule.includeSystem)) continue;
        const drop = Math.round((1 - stat.tps / baseline) * 1000) / 10;
        if (drop >= pctDrop) {
          out.push({ subject: topic, value: stat.tps, message: `put TPS of ${topic} is ${stat.tps}, ${drop} % below this hour's average of ${Math.round(baseline * 10) / 10}`, labels: { topic } });
        }
      }
      return out;
    }
    case 'dlq_growing': {
      if (!snap) return undefined;
      const windowMs = (t.seconds ?? 300) * 1000;
      for (const [group, grew] of f.dlqGrewAt) {
        if (!scope.group(group) || f.now - grew.at > windowMs) continue;
        out.push({ subject: group, value: grew.messages, message: `dead-letter queue of ${group} grew by ${grew.by} to ${grew.messages} messages`, labels: { group, topic: `%DLQ%${group}` } });
      }
      return out;
    }
  }
}
