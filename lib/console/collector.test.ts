// The collector against a scripted cluster and a fake clock: what reaches the history (changes, hold points,
// heartbeats), how lists read it back (carried values, sparklines, trends), downsampling, restarts, rebalances.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminClient, QueueAssignmentResult } from '../admin/index.ts';
import { setLogSink } from '../common/log.ts';
import { checkCluster, saveCluster } from './clusters.ts';
import { deadband, snapshotSamples, type DeadbandEntry, type GroupStat, type Snapshot } from './collect.ts';
import { Collector } from './collector.ts';
import { openConsoleDb, type ConsoleDb } from './db.ts';
import { querySeries } from './history.ts';
import { listRebalances } from './rebalance.ts';
import { lagShapes, seriesPoints } from './series.ts';

setLogSink(() => {});

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function groupStat(group: string, diff: number, members?: string[]): GroupStat {
  const g: GroupStat = {
    group, system: false, brokerNames: ['b'], diff, lagSeconds: diff ? 3 : 0, tps: null, inTps: null, brokerTps: 0,
    perTopic: [{ topic: 'T', clusterName: 'C', brokerName: 'b', queues: 4, diff, brokerOffsetSum: 1000, consumerOffsetSum: 1000 - diff, lagMs: diff ? 3000 : 0, tps: null }],
    queuesPerTopic: { T: 4 },
  };
  if (members) g.members = { clientIds: members, clientAddrs: members.map(() => '10.0.0.9:1') };
  return g;
}

/** A cluster whose group lag and members the test sets between cycles. */
class Script {
  lag = 0;
  members: string[] | undefined;
  holders: QueueAssignmentResult['queues'] = [];
  clock = T0;
  now = () => this.clock;
  collect = async (_admin: AdminClient, cluster: string): Promise<Snapshot> => ({
    cluster, ts: this.clock, durationMs: 1, brokers: [], topics: new Map(), errors: [], storeTimes: new Map(),
    groups: new Map([['g1', groupStat('g1', this.lag, this.members)]]),
  });
  admin = {
    concurrency: 4,
    queueAssignment: async (group: string): Promise<QueueAssignmentResult> => ({ group, queues: this.holders, clientErrors: [] }),
  } as unknown as AdminClient;
}

function setUp(db: ConsoleDb, s: Script, opts: { assignmentRefreshMs?: number } = {}): Collector {
  saveCluster(db, checkCluster('default', '127.0.0.1:9876'));
  return new Collector({ db, now: s.now, collect: s.collect, adminFor: () => s.admin, intervalMs: 30_000, ...opts });
}

describe('deadband', () => {
  test('writes first sightings, changes with a hold point before them, and unchanged values once per heartbeat', () => {
    const state = new Map<string, DeadbandEntry>();
    const s = (value: number) => [{ kind: 'group', name: 'g', metric: 'lag', value }];
    assert.deepEqual(deadband(s(5), state, 0, 1000).map((p) => [p.ts, p.value]), [[0, 5]]);
    assert.deepEqual(deadband(s(5), state, 100, 1000), []);
    assert.deepEqual(deadband(s(5), state, 200, 1000), []);
    assert.deepEqual(deadband(s(9), state, 300, 1000).map((p) => [p.ts, p.value]), [[200, 5], [300, 9]], 'hold point at the last cycle that saw 5');
    assert.deepEqual(deadband(s(10), state, 400, 1000).map((p) => [p.ts, p.value]), [[400, 10]], 'no hold point right after a write');
    assert.deepEqual(deadband(s(10), state, 1400, 1000).map((p) => [p.ts, p.value]), [[1400, 10]], 'heartbeat');
    deadband([], state, 1500, 1000);
    assert.equal(state.size, 0, 'a series that is gone is forgotten');
  });

  test('snapshot samples leave out rates that are not known yet', () => {
    const snap: Snapshot = {
      cluster: 'default', ts: 0, durationMs: 0, brokers: [], topics: new Map(), errors: [], storeTimes: new Map(),
      groups: new Map([['g', groupStat('g', 4)]]),
    };
    assert.deepEqual(snapshotSamples(snap).filter((x) => x.kind === 'group').map((x) => x.metric), ['lag', 'lagSeconds']);
  });
});

describe('collector with a fake clock', () => {
  test('stores changes only and reads back a continuous series, sparkline and trend', async () => {
    const db = openConsoleDb(':memory:');
    const s = new Script();
    const c = setUp(db, s);
    for (const [dt, lag] of [[0, 100], [30, 100], [60, 100], [90, 250], [120, 400], [150, 550]] as const) {
      s.clock = T0 + dt * 1000;
      s.lag = lag;
      await c.runCycle();
    }
    const raw = querySeries(db, 'group', 'g1', 'lag', T0, s.clock, s.clock);
    assert.deepEqual(raw.map((p) => [(p.ts - T0) / 1000, p.value]), [[0, 100], [60, 100], [90, 250], [120, 400], [150, 550]]);
    // a window starting between points opens with the value carried in
    const pts = seriesPoints(db, c, 'default', 'group', 'g1', 'lag', T0 + 45_000, s.clock, s.clock);
    assert.deepEqual(pts.map((p) => [(p.ts - T0) / 1000, p.value]), [[45, 100], [60, 100], [90, 250], [120, 400], [150, 550]]);
    const shape = lagShapes(db, 'default', [{ group: 'g1', lag: 550 }], s.clock).get('g1')!;
    assert.equal(shape.sparkline.length, 30);
    assert.equal(shape.sparkline.at(-1), 550);
    assert.equal(shape.trend, 'growing');
    assert.equal(c.latest('default')?.groups.get('g1')?.diff, 550);
    assert.equal(c.status('default').lastError, null);
  });

  test('a flat series is drawn up to the last cycle that saw it', async () => {
    const db = openConsoleDb(':memory:');
    const s = new Script();
    const c = setUp(db, s);
    s.lag = 7;
    for (const dt of [0, 30, 60]) {
      s.clock = T0 + dt * 1000;
      await c.runCycle();
    }
    const pts = seriesPoints(db, c, 'default', 'group', 'g1', 'lag', T0, s.clock, s.clock);
    assert.deepEqual(pts.map((p) => [(p.ts - T0) / 1000, p.value]), [[0, 7], [60, 7]]);
  });

  test('cycles downsample into minute averages once the minute is over', async () => {
    const db = openConsoleDb(':memory:');
    const s = new Script();
    const c = setUp(db, s);
    for (const [dt, lag] of [[0, 10], [20, 20], [40, 30], [61, 40]] as const) {
      s.clock = T0 + dt * 1000;
      s.lag = lag;
      await c.runCycle();
    }
    const minutes = db.prepare(`SELECT ts, value FROM samples WHERE resolution = 60 AND metric = 'lag'`).all() as Array<{ ts: number; value: number }>;
    assert.deepEqual(minutes, [{ ts: T0, value: 20 }]);
  });

  test('history and assignments survive a restart on the same database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-collector-'));
    try {
      const path = join(dir, 'console.db');
      const s = new Script();
      s.lag = 3;
      s.members = ['c1'];
      s.holders = [{ topic: 'T', brokerName: 'b', queueId: 0, clientId: 'c1' }];
      let db = openConsoleDb(path);
      await setUp(db, s).runCycle();
      db.close();
      db = openConsoleDb(path);
      const c2 = new Collector({ db, now: s.now, collect: s.collect, adminFor: () => s.admin });
      assert.deepEqual(querySeries(db, 'group', 'g1', 'lag', T0, T0, T0).map((p) => p.value), [3]);
      assert.deepEqual(c2.assignment('default', 'g1')?.members, ['c1']);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('members joining and leaving become rebalance events with the queues that moved', async () => {
    const db = openConsoleDb(':memory:');
    const s = new Script();
    const c = setUp(db, s);
    const q = (queueId: number, clientId: string) => ({ topic: 'T', brokerName: 'b', queueId, clientId });
    s.members = ['c1'];
    s.holders = [q(0, 'c1'), q(1, 'c1'), q(2, 'c1'), q(3, 'c1')];
    await c.runCycle();
    assert.deepEqual(listRebalances(db, 'default', 'g1'), [], 'the first sighting is not a rebalance');
    s.clock += 30_000;
    s.members = ['c1', 'c2'];
    s.holders = [q(0, 'c1'), q(1, 'c1'), q(2, 'c2'), q(3, 'c2')];
    await c.runCycle();
    s.clock += 30_000;
    await c.runCycle();
    s.clock += 30_000;
    s.members = [];
    s.holders = [];
    await c.runCycle();
    const events = listRebalances(db, 'default', 'g1');
    assert.deepEqual(events.map((e) => ({ joined: e.joined, left: e.left, moved: e.moved, shares: e.shares })), [
      { joined: [], left: ['c1', 'c2'], moved: 4, shares: {} },
      { joined: ['c2'], left: [], moved: 2, shares: { c1: 2, c2: 2 } },
    ]);
    assert.equal(events[1]!.ts, T0 + 30_000);
  });

  test('a failing cluster keeps its error and the other clusters are still collected', async () => {
    const db = openConsoleDb(':memory:');
    const s = new Script();
    saveCluster(db, checkCluster('down', '127.0.0.1:1'));
    saveCluster(db, checkCluster('up', '127.0.0.1:2'));
    const c = new Collector({
      db, now: s.now, adminFor: () => s.admin,
      collect: async (admin, cluster) => {
        if (cluster === 'down') throw new Error('no nameserver answered');
        return s.collect(admin, cluster);
      },
    });
    await c.runCycle();
    assert.equal(c.status('down').lastError, 'no nameserver answered');
    assert.ok(c.latest('up'));
    assert.equal(c.latest('down'), undefined);
  });
});
