// Alert evaluation benchmark: a synthetic cluster snapshot of N topics (some dead-letter queues), M groups and B
// brokers, R rules of every kind with scope patterns, evaluated cycle after cycle by the console's AlertService
// (lag growth and DLQ tracking, engine state machine, SQLite writes of alerts and audit entries, notification records) on a database file; lag
// moves every cycle so alerts fire and resolve. Reports the time of one cycle's evaluation.

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { setLogSink } from '../lib/common/log.ts';
import { removeDir, tempDir } from '../lib/broker/it/harness.ts';
import { openConsoleDb } from '../lib/console/db.ts';
import type { GroupStat, Snapshot, TopicStat } from '../lib/console/collect.ts';
import { AlertService } from '../lib/console/alerts/service.ts';
import { parseRule, RULE_KINDS } from '../lib/console/alerts/rules.ts';
import { saveRule } from '../lib/console/alerts/store.ts';
import { percentile, type BenchReport } from './run.ts';

const round = (v: number): number => Math.round(v * 100) / 100;

function snapshot(cycle: number, topics: number, groups: number, brokers: number, churn: 'high' | 'low'): Snapshot {
  const ts = cycle * 30_000;
  const brokerStats = Array.from({ length: brokers }, (_, i) => ({
    clusterName: 'bench', brokerName: `broker-${Math.floor(i / 2)}`, brokerId: i % 2, brokerAddr: `10.0.${Math.floor(i / 250)}.${i % 250}:10911`,
    // a broker that stops answering now and then, disks filling
    ...(i === cycle % brokers ? { error: 'timeout' } : { runtime: { commitLogDiskRatio: String(((i * 7 + cycle) % 100) / 100), haConnectionCount: String(i % 4 === 0 ? 0 : 1), brokerRole: i % 2 ? 'SLAVE' : 'ASYNC_MASTER' } }),
  }));
  const topicMap = new Map<string, TopicStat>();
  for (let i = 0; i < topics; i++) {
    const dlq = i % 20 === 0;
    const name = dlq ? `%DLQ%group-${i}` : `topic-${i}`;
    topicMap.set(name, { topic: name, kind: dlq ? 'DLQ' as never : 'NORMAL' as never, system: false, brokers: [], messages: dlq ? cycle * (i % 3) : i, tps: 1 });
  }
  const groupMap = new Map<string, GroupStat>();
  for (let i = 0; i < groups; i++) {
    // high churn: every group's lag jumps every cycle; low: one group in 50 moves, the others hold steady
    const moves = churn === 'high' || i % 50 === 0;
    const diff = ((i * 31 + (moves ? cycle * 17 : 0)) % 400) * 50;
    const name = `${i % 3 === 0 ? 'order' : 'pay'}-group-${i}`;
    groupMap.set(name, {
      group: name, system: false, brokerNames: ['broker-0'], diff, lagSeconds: diff / 100, tps: 1, inTps: 1, brokerTps: 1,
      perTopic: [{ topic: `topic-${i % topics}`, clusterName: 'bench', brokerName: 'broker-0', queues: 4, diff, brokerOffsetSum: diff, consumerOffsetSum: 0, lagMs: diff * 10, tps: 1 }],
      queuesPerTopic: { [`topic-${i % topics}`]: 4 },
      members: { clientIds: (churn === 'high' ? i % 10 === cycle % 10 : i % 500 === 0) ? [] : ['c1'] } as never,
    });
  }
  return { cluster: 'bench', ts, durationMs: 0, brokers: brokerStats, topics: topicMap, groups: groupMap, errors: [], storeTimes: new Map() };
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({ args, options: {
    topics: { type: 'string', default: '2000' }, groups: { type: 'string', default: '1000' }, rules: { type: 'string', default: '50' },
    brokers: { type: 'string', default: '20' }, cycles: { type: 'string', default: '30' }, churn: { type: 'string', default: 'high' },
  } });
  const topics = Number(values.topics);
  const groups = Number(values.groups);
  const ruleCount = Number(values.rules);
  const brokers = Number(values.brokers);
  const cycles = Number(values.cycles);
  const churn = values.churn === 'low' ? 'low' : 'high';
  setLogSink(() => {});
  const dir = tempDir('bench-alerts');
  try {
    const db = openConsoleDb(join(dir, 'console.db'));
    const scopes = [{}, { group: 'order-*' }, { group: 'pay-group-1*' }, { broker: 'broker-1*' }, { topic: 'topic-?00' }];
    for (let i = 0; i < ruleCount; i++) {
      const kind = RULE_KINDS[i % RULE_KINDS.length]!;
      saveRule(db, parseRule({
        id: `rule-${i}`, kind, severity: i % 3 === 0 ? 'critical' : 'warning', for: i % 2 ? '1m' : 0, scope: scopes[i % scopes.length],
        thresholds: kind === 'group_lag' ? { messages: 5000 + i * 100 } : kind === 'disk_full' ? { percent: 50 + i } : {},
      }), 'api');
    }
    const service = new AlertService(db, { defaults: false });
    // the same hour's average put TPS on earlier days (as the history would give it): every third topic was busier
    const hourlyTps = new Map(Array.from({ length: topics }, (_, i) => [`topic-${i}`, i % 3 === 0 ? 4 : 1] as [string, number]));
    const times: number[] = [];
    let events = 0;
    let conditions = 0;
    for (let c = 1; c <= cycles; c++) {
      const snap = snapshot(c, topics, groups, brokers, churn);
      const t0 = performance.now();
      const facts = {
        cluster: 'bench', now: snap.ts, snapshot: snap,
        namesrvs: [{ addr: '10.1.0.1:9876', ok: c % 7 !== 0 }, { addr: '10.1.0.2:9876', ok: true }],
        listing: snap.brokers.map((b) => ({ brokerName: b.brokerName, brokerAddr: b.brokerAddr, brokerId: b.brokerId, namesrvs: b.brokerId === 1 && c % 5 === 0 ? ['10.1.0.2:9876'] : ['10.1.0.1:9876', '10.1.0.2:9876'] })),
        vanished: [],
        dlqGrewAt: service.trackDlq('bench', snap, snap.ts),
        lagGrowingSince: service.trackLagGrowth('bench', snap, snap.ts),
        hourlyTps,
      };
      events += service.run(facts).length;
      times.push(performance.now() - t0);
      conditions += service.engine.lastStats.conditions;
    }
    await service.notifier.idle();
    db.close();
    const sorted = [...times].sort((a, b) => a - b);
    return {
      bench: 'alerts',
      params: { topics, groups, rules: ruleCount, brokers, cycles, churn },
      metrics: [
        { metric: 'cycle p50', value: round(percentile(sorted, 50)), unit: 'ms' },
        { metric: 'cycle p99', value: round(percentile(sorted, 99)), unit: 'ms' },
        { metric: 'cycle max', value: round(sorted[sorted.length - 1]!), unit: 'ms' },
        { metric: 'first cycle', value: round(times[0]!), unit: 'ms' },
        { metric: 'conditions per cycle', value: Math.round(conditions / cycles), unit: 'count' },
        { metric: 'alert changes per cycle', value: Math.round(events / cycles), unit: 'count' },
      ],
    };
  } finally {
    removeDir(dir);
  }
}
