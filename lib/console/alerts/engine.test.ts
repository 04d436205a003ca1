// The alert state machine with an injected clock: "for" durations, firing -> resolved with times, one event per
// change, flapping, deleted rules, silences and acknowledgement, scope patterns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openConsoleDb, type ConsoleDb } from '../db.ts';
import { listAudit } from '../audit.ts';
import type { Snapshot, GroupStat } from '../collect.ts';
import type { ClusterFacts } from './conditions.ts';
import { AlertEngine } from './engine.ts';
import { AlertService } from './service.ts';
import { parseRule } from './rules.ts';
import { ackAlert, addSilence, activeSilences, deleteRule, firingAlerts, getAlert, saveRule, silenceFor } from './store.ts';

function db(): ConsoleDb {
  return openConsoleDb(':memory:');
}

const group = (name: string, diff: number, online: number | undefined): GroupStat => ({
  group: name, system: false, brokerNames: ['b'], diff, lagSeconds: null, tps: null, inTps: null, brokerTps: 0, perTopic: [{ topic: 'T', clusterName: 'c', brokerName: 'b', queues: 1, diff, brokerOffsetSum: diff, consumerOffsetSum: 0, lagMs: null, tps: null }],
  queuesPerTopic: { T: 1 }, ...(online === undefined ? {} : { members: { clientIds: Array.from({ length: online }, (_, i) => `c${i}`) } as never }),
});

function facts(now: number, o: { brokersDown?: string[]; groups?: GroupStat[]; namesrvDown?: boolean } = {}): ClusterFacts {
  const snap: Snapshot = {
    cluster: 'c', ts: now, durationMs: 1, errors: [], storeTimes: new Map(), topics: new Map(),
    brokers: ['10.0.0.1:10911', '10.0.0.2:10911'].map((addr, i) => ({
      clusterName: 'c', brokerName: `broker-${i}`, brokerId: 0, brokerAddr: addr,
      ...(o.brokersDown?.includes(addr) ? { error: 'timeout' } : { runtime: { commitLogDiskRatio: '0.5' } }),
    })),
    groups: new Map((o.groups ?? []).map((g) => [g.group, g])),
  };
  return { cluster: 'c', now, snapshot: snap, namesrvs: [{ addr: '10.0.0.9:9876', ok: !o.namesrvDown }], vanished: [], dlqGrewAt: new Map() };
}

test('a condition fires only after holding for the rule\'s "for" duration, then resolves once with its times', () => {
  const d = db();
  saveRule(d, parseRule({ id: 'down', kind: 'broker_down', severity: 'critical', for: '60s' }), 'api');
  const e = new AlertEngine(d);
  assert.deepEqual(e.evaluate(facts(0, { brokersDown: ['10.0.0.1:10911'] })), []);
  assert.deepEqual(e.evaluate(facts(30_000, { brokersDown: ['10.0.0.1:10911'] })), [], 'still pending');
  const fired = e.evaluate(facts(60_000, { brokersDown: ['10.0.0.1:10911'] }));
  assert.equal(fired.length, 1);
  assert.equal(fired[0]!.event, 'firing');
  assert.equal(fired[0]!.alert.subject, '10.0.0.1:10911');
  assert.equal(fired[0]!.alert.pendingSince, 0);
  assert.equal(fired[0]!.alert.startedAt, 60_000);
  assert.deepEqual(e.evaluate(facts(90_000, { brokersDown: ['10.0.0.1:10911'] })), [], 'no second notification while firing');
  const resolved = e.evaluate(facts(120_000));
  assert.equal(resolved.length, 1);
  assert.equal(resolved[0]!.event, 'resolved');
  const row = getAlert(d, fired[0]!.alert.id)!;
  assert.equal(row.state, 'resolved');
  assert.equal(row.resolvedAt, 120_000);
  assert.deepEqual(e.evaluate(facts(150_000)), []);
  assert.deepEqual(listAudit(d).map((a) => a.action).reverse(), ['alertFiring', 'alertResolved']);
});

test('a condition that clears before "for" is over never fires', () => {
  const d = db();
  saveRule(d, parseRule({ id: 'down', kind: 'broker_down', for: '60s' }), 'api');
  const e = new AlertEngine(d);
  e.evaluate(facts(0, { brokersDown: ['10.0.0.1:10911'] }));
  e.evaluate(facts(50_000));
  assert.deepEqual(e.evaluate(facts(70_000, { brokersDown: ['10.0.0.1:10911'] })), [], 'the pending time starts again');
  assert.equal(e.evaluate(facts(130_000, { brokersDown: ['10.0.0.1:10911'] })).length, 1);
});

test('a rule that flips more than N times in its window is marked flapping and notified once, then settles', () => {
  const d = db();
  saveRule(d, parseRule({ id: 'down', kind: 'broker_down', for: 0, flapping: { changes: 3, window: '10m' } }), 'api');
  const e = new AlertEngine(d);
  const kinds: string[] = [];
  let t = 0;
  for (let i = 0; i < 8; i++) {
    t += 10_000;
    for (const ev of e.evaluate(facts(t, i % 2 === 0 ? { brokersDown: ['10.0.0.1:10911'] } : {}))) kinds.push(ev.event);
  }
  assert.deepEqual(kinds, ['firing', 'resolved', 'firing', 'flapping'], 'three changes told, the fourth marks flapping, then silence');
  assert.equal(listAudit(d).filter((a) => a.action === 'alertFlapping').length, 1);
  // it settles firing; once the window has emptied people learn the state it settled in
  e.evaluate(facts(t + 10_000, { brokersDown: ['10.0.0.1:10911'] }));
  const after = e.evaluate(facts(t + 11 * 60_000, { brokersDown: ['10.0.0.1:10911'] }));
  assert.deepEqual(after.map((x) => x.event), ['firing']);
  assert.equal(after[0]!.alert.flapping, false);
});

test('thresholds and scope patterns pick the subjects; system groups stay out unless asked', () => {
  const d = db();
  saveRule(d, parseRule({ id: 'lag', kind: 'group_lag', for: 0, scope: { group: 'order-*' }, thresholds: { messages: 100 } }), 'api');
  saveRule(d, parseRule({ id: 'orphan', kind: 'group_no_member_with_lag', for: 0 }), 'api');
  const e = new AlertEngine(d);
  const ev = e.evaluate(facts(0, { groups: [group('order-a', 500, 1), group('order-b', 50, 1), group('pay', 900, 0), group('idle', 0, 0)] }));
  assert.deepEqual(ev.map((x) => `${x.rule.id}:${x.alert.subject}`).sort(), ['lag:order-a', 'orphan:pay']);
  assert.match(ev.find((x) => x.rule.id === 'orphan')!.alert.message, /no online member and 900 messages/);
});

test('deleting a rule resolves its firing alerts; a reloaded engine keeps firing alerts from the database', () => {
  const d = db();
  saveRule(d, parseRule({ id: 'ns', kind: 'namesrv_down', for: 0 }), 'api');
  const e = new AlertEngine(d);
  assert.equal(e.evaluate(facts(0, { namesrvDown: true })).length, 1);
  const again = new AlertEngine(d);
  assert.deepEqual(again.evaluate(facts(1000, { namesrvDown: true })), [], 'the restarted engine knows it is firing');
  deleteRule(d, 'ns');
  again.invalidate();
  again.evaluate(facts(2000, { namesrvDown: true }));
  assert.deepEqual(firingAlerts(d), []);
});

test('silences match rule, cluster and subject patterns until their end; acknowledgement names the user', () => {
  const d = db();
  saveRule(d, parseRule({ id: 'down', kind: 'broker_down', for: 0 }), 'api');
  const e = new AlertEngine(d);
  const [ev] = e.evaluate(facts(0, { brokersDown: ['10.0.0.1:10911'] }));
  addSilence(d, { ruleId: 'down', cluster: '*', subject: '10.0.0.1:*', reason: 'maintenance', createdBy: 'op', createdAt: 0, endsAt: 60_000 });
  assert.ok(silenceFor(activeSilences(d, 1000), ev!.alert));
  assert.equal(silenceFor(activeSilences(d, 1000), { ...ev!.alert, subject: '10.0.0.2:10911' }), undefined);
  assert.equal(silenceFor(activeSilences(d, 60_000), ev!.alert), undefined, 'ended');
  assert.equal(ackAlert(d, ev!.alert.id, 'alice', 5000), true);
  assert.equal(getAlert(d, ev!.alert.id)!.ackedBy, 'alice');
});

test('bad rules are refused naming the field', () => {
  assert.throws(() => parseRule({ id: 'x', kind: 'nope' }), /rule\.kind: must be one of/);
  assert.throws(() => parseRule({ id: 'x', kind: 'group_lag', for: 'soon' }), /rule\.for: expected a duration/);
  assert.throws(() => parseRule({ id: 'x', kind: 'group_lag', thresholds: { messages: -1 } }), /rule\.thresholds\.messages/);
  assert.throws(() => parseRule({ id: 'x', kind: 'group_lag', colour: 'red' }), /rule\.colour: unknown key/);
});

test('alerts of a cluster no longer saved resolve once', () => {
  const d = db();
  saveRule(d, parseRule({ id: 'ns', kind: 'namesrv_down', for: 0 }), 'api');
  const e = new AlertEngine(d);
  assert.equal(e.evaluate(facts(0, { namesrvDown: true })).length, 1);
  assert.deepEqual(e.dropClustersExcept(new Set(['c']), 1000), []);
  const gone = e.dropClustersExcept(new Set(['other']), 2000);
  assert.deepEqual(gone.map((x) => x.event), ['resolved']);
  assert.deepEqual(firingAlerts(d), []);
  assert.deepEqual(e.dropClustersExcept(new Set(['other']), 3000), []);
});

test('lag growing for N minutes fires once the lag has only grown for that long; a fall starts the count again', () => {
  const d = db();
  saveRule(d, parseRule({ id: 'grow', kind: 'lag_growing', for: 0, thresholds: { seconds: '3m' } }), 'api');
  const e = new AlertEngine(d);
  const svc = new AlertService(d, { defaults: false });
  const at = (min: number, diff: number) => {
    const f = facts(min * 60_000, { groups: [group('g', diff, 1)] });
    return e.evaluate({ ...f, lagGrowingSince: svc.trackLagGrowth('c', f.snapshot, f.now) });
  };
  assert.deepEqual(at(0, 100), []);
  assert.deepEqual(at(1, 200), []);
  assert.deepEqual(at(2, 150), [], 'fell: starts again');
  assert.deepEqual(at(3, 300), []);
  assert.deepEqual(at(4, 400), []);
  const fired = at(5, 500);
  assert.deepEqual(fired.map((x) => x.event), ['firing']);
  assert.match(fired[0]!.alert.message, /grown for 3 min, from 150 to 500/);
  assert.deepEqual(at(6, 400).map((x) => x.event), ['resolved']);
});

test('a topic whose put TPS fell by N % against the same hour on earlier days fires; quiet topics and other hours do not count', () => {
  const d = db();
  saveRule(d, parseRule({ id: 'drop', kind: 'topic_tps_drop', for: 0, thresholds: { percent: 50 } }), 'api');
  const svc = new AlertService(d, { defaults: false });
  const HOUR = 3_600_000;
  const now = 10 * 24 * HOUR + 14 * HOUR + 30 * 60_000; // day 10, 14:30 UTC
  const put = d.prepare(`INSERT INTO samples (cluster, kind, name, metric, resolution, ts, value) VALUES ('c', 'topic', ?, 'tps', 600, ?, ?)`);
  for (const day of [8, 9]) {
    put.run('Orders', day * 24 * HOUR + 14 * HOUR, 100);
    put.run('Orders', day * 24 * HOUR + 14 * HOUR + 600_000, 120);
    put.run('Orders', day * 24 * HOUR + 3 * HOUR, 5); // another hour: not part of the average
    put.run('Quiet', day * 24 * HOUR + 14 * HOUR, 0.5);
  }
  const baseline = svc.hourlyTps('c', now)!;
  assert.equal(baseline.get('Orders'), 110);
  const snapOf = (tps: number) => {
    const f = facts(now);
    f.snapshot!.topics.set('Orders', { topic: 'Orders', kind: 'NORMAL' as never, system: false, brokers: [], messages: 1, tps });
    f.snapshot!.topics.set('Quiet', { topic: 'Quiet', kind: 'NORMAL' as never, system: false, brokers: [], messages: 1, tps: 0 });
    return { ...f, hourlyTps: svc.hourlyTps('c', now) };
  };
  assert.deepEqual(svc.engine.evaluate(snapOf(80)), [], '27 % down');
  const fired = svc.engine.evaluate(snapOf(11));
  assert.deepEqual(fired.map((x) => `${x.event}:${x.alert.subject}`), ['firing:Orders']);
  assert.match(fired[0]!.alert.message, /90 % below this hour's average of 110/);
});
