// The background collector: every interval, a snapshot of each saved cluster (lag, TPS, members), written to the
// history as changed values, queue assignments tracked into rebalance events, old history downsampled.

import { createLogger } from '../common/log.ts';
import { mapBounded, type AdminClient } from '../admin/index.ts';
import { describe as describeError } from './errors.ts';
import type { CollectorStatus } from './api-types.ts';
import { adminFor as poolAdminFor } from './admin-pool.ts';
import { listClusters, type SavedCluster } from './clusters.ts';
import { collectSnapshot, deadband, snapshotSamples, type DeadbandEntry, type Snapshot } from './collect.ts';
import type { ConsoleDb } from './db.ts';
import { downsample, recordPoints, RETENTION } from './history.ts';
import { assignmentOf, loadAssignments, pruneRebalances, trackAssignment, type Assignment } from './rebalance.ts';

const log = createLogger('console.collector');

export const DEFAULT_INTERVAL_MS = 30_000;
/** Queue assignments are asked again at least this often while members stay the same. */
export const ASSIGNMENT_REFRESH_MS = 5 * 60_000;
/** Groups nobody was consuming in are asked for members every this many cycles (online ones every cycle). */
export const OFFLINE_MEMBERS_EVERY = 4;
/** Broker calls of a cycle in flight at once: low, so the pages' own requests find the brokers free. */
export const COLLECT_CONCURRENCY = 8;

export interface CollectorOptions {
  db: ConsoleDb;
  intervalMs?: number;
  now?: () => number;
  adminFor?: (c: SavedCluster) => AdminClient;
  assignmentRefreshMs?: number;
  heartbeatMs?: number;
  /** Takes a snapshot (tests put a scripted cluster here). */
  collect?: typeof collectSnapshot;
  /** Runs after each collection of a cluster, with its snapshot (undefined when it failed): the alert rules. */
  afterCollect?: (cluster: string, snap: Snapshot | undefined, admin: AdminClient) => Promise<unknown>;
  /** Runs after each cycle with the clusters still saved (alerts of removed clusters resolve). */
  afterCycle?: (clusters: string[]) => void;
}

interface ClusterState {
  latest?: Snapshot;
  deadband: Map<string, DeadbandEntry>;
  assignments?: Map<string, Assignment & { ts: number }>;
  lastRunAt: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  inflight?: Promise<Snapshot | undefined>;
}

const sameMembers = (a: string[], b: string[]) => a.length === b.length && a.every((m, i) => m === b[i]);

export class Collector {
  readonly intervalMs: number;
  private readonly db: ConsoleDb;
  private readonly now: () => number;
  private readonly adminFor: (c: SavedCluster) => AdminClient;
  private readonly assignmentRefreshMs: number;
  private readonly heartbeatMs: number | undefined;
  private readonly collect: typeof collectSnapshot;
  private readonly afterCollect: CollectorOptions['afterCollect'];
  private readonly afterCycle: CollectorOptions['afterCycle'];
  private readonly states = new Map<string, ClusterState>();
  private cycles = 0;
  private timer: NodeJS.Timeout | undefined;
  private cycle: Promise<void> | undefined;
  private stopped = true;

  constructor(opts: CollectorOptions) {
    this.db = opts.db;
    this.intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.now = opts.now ?? Date.now;
    this.adminFor = opts.adminFor ?? ((c) => poolAdminFor(c, this.db));
    this.assignmentRefreshMs = opts.assignmentRefreshMs ?? ASSIGNMENT_REFRESH_MS;
    this.heartbeatMs = opts.heartbeatMs;
    this.collect = opts.collect ?? collectSnapshot;
    this.afterCollect = opts.afterCollect;
    this.afterCycle = opts.afterCycle;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Runs a cycle now and then one every interval (the next starts when the last has finished). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.cycle = this.runCycle().finally(() => {
        this.cycle = undefined;
        if (!this.stopped) {
          this.timer = setTimeout(loop, this.intervalMs);
          this.timer.unref();
        }
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.cycle;
  }

  /** One pass over every saved cluster, then downsampling. Never throws: failures are kept per cluster. */
  async runCycle(): Promise<void> {
    this.cycles++;
    const clusters = listClusters(this.db);
    for (const c of clusters) {
      const snap = await this.collectCluster(c);
      if (this.afterCollect) {
        try {
          await this.afterCollect(c.name, snap, this.adminFor(c));
        } catch (err) {
          log.error('after_collect_failed', { cluster: c.name, error: err });
        }
      }
    }
    try {
      this.afterCycle?.(clusters.map((c) => c.name));
    } catch (err) {
      log.error('after_cycle_failed', { error: err });
    }
    try {
      const now = this.now();
      downsample(this.db, now);
      pruneRebalances(this.db, now, RETENTION[RETENTION.length - 1]!.keepMs);
    } catch (err) {
      log.error('downsample_failed', { error: err });
    }
  }

  private state(cluster: string): ClusterState {
    let s = this.states.get(cluster);
    if (!s) this.states.set(cluster, (s = { deadband: new Map(), lastRunAt: null, lastDurationMs: null, lastError: null }));
    return s;
  }

  /** Collects one cluster (joining a collection already under way) and stores what it found. */
  collectCluster(c: SavedCluster): Promise<Snapshot | undefined> {
    const st = this.state(c.name);
    st.inflight ??= this.doCollect(c, st).finally(() => {
      st.inflight = undefined;
    });
    return st.inflight;
  }

  private async doCollect(c: SavedCluster, st: ClusterState): Promise<Snapshot | undefined> {
    const started = this.now();
    try {
      const admin = this.adminFor(c);
      const everyone = this.cycles % OFFLINE_MEMBERS_EVERY === 1;
      const snap = await this.collect(admin, c.name, st.latest, {
        now: this.now,
        concurrency: COLLECT_CONCURRENCY,
        members: (_group, prev) => everyone || !prev?.members || prev.members.clientIds.length > 0,
      });
      recordPoints(this.db, deadband(snapshotSamples(snap), st.deadband, snap.ts, this.heartbeatMs));
      await this.trackAssignments(admin, c.name, snap, st);
      st.latest = snap;
      st.lastError = snap.errors.length ? snap.errors.map((e) => `${e.brokerName || e.brokerAddr}: ${e.error}`).slice(0, 3).join('; ') : null;
      return snap;
    } catch (err) {
      st.lastError = describeError(err);
      log.warn('collect_failed', { cluster: c.name, error: st.lastError });
      return undefined;
    } finally {
      st.lastRunAt = this.now();
      st.lastDurationMs = st.lastRunAt - started;
    }
  }

  /** Asks who holds which queue when members changed or the last look is old, and records what changed. */
  private async trackAssignments(admin: AdminClient, cluster: string, snap: Snapshot, st: ClusterState): Promise<void> {
    st.assignments ??= loadAssignments(this.db, cluster);
    const known = st.assignments;
    const due: Array<{ group: string; members: string[] }> = [];
    for (const g of snap.groups.values()) {
      if (!g.members) continue;
      const members = g.members.clientIds;
      const stored = known.get(g.group);
      if (members.length === 0) {
        if (stored && stored.members.length > 0) {
          const empty = assignmentOf([], []);
          trackAssignment(this.db, cluster, g.group, empty, snap.ts);
          known.set(g.group, { ...empty, ts: snap.ts });
        }
        continue;
      }
      if (!stored || !sameMembers(stored.members, members) || snap.ts - stored.ts >= this.assignmentRefreshMs) due.push({ group: g.group, members });
    }
    const settled = await mapBounded(due, (d) => admin.queueAssignment(d.group), { limit: admin.concurrency });
    settled.forEach((s, i) => {
      const { group, members } = due[i]!;
      // a member that did not say what it holds would look like one that holds nothing: wait for a full answer
      if (!s.ok || s.value.clientErrors.length > 0) return;
      const next = assignmentOf([...members, ...s.value.queues.map((q) => q.clientId)], s.value.queues);
      trackAssignment(this.db, cluster, group, next, snap.ts);
      known.set(group, { ...next, ts: snap.ts });
    });
  }

  latest(cluster: string): Snapshot | undefined {
    return this.states.get(cluster)?.latest;
  }

  /** The last stored assignment of a group (from this run or an earlier one). */
  assignment(cluster: string, group: string): (Assignment & { ts: number }) | undefined {
    const st = this.state(cluster);
    st.assignments ??= loadAssignments(this.db, cluster);
    return st.assignments.get(group);
  }

  /** The latest snapshot, collecting one first when there is none yet. */
  async ensureSnapshot(c: SavedCluster): Promise<Snapshot | undefined> {
    return this.latest(c.name) ?? (await this.collectCluster(c));
  }

  /** The last value written for a series and the last cycle that still saw it (to draw a series up to now). */
  lastRecorded(cluster: string, kind: string, name: string, metric: string): DeadbandEntry | undefined {
    return this.states.get(cluster)?.deadband.get(`${kind}\u0000${name}\u0000${metric}`);
  }

  status(cluster: string | null): CollectorStatus {
    const st = cluster ? this.states.get(cluster) : undefined;
    return {
      running: this.running,
      intervalMs: this.intervalMs,
      lastRunAt: st?.lastRunAt ?? null,
      lastDurationMs: st?.lastDurationMs ?? null,
      lastError: st?.lastError ?? null,
    };
  }
}
