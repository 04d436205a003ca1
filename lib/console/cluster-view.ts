// The cluster page and the overview: brokers and nameservers with their state, health summary, TPS and the busiest
// topics and most lagging groups. A nameserver or broker that does not answer is named, never a blank answer.

import type { ClusterListResult, NamesrvProbeResult } from '../admin/index.ts';
import { describe as describeError } from './errors.ts';
import type { BrokerHeartbeat, ClusterResponse, NamesrvProbe, OverviewResponse } from './api-types.ts';
import type { RequestContext } from './context.ts';
import { mastersWithoutLiveSlave, parseHa, slavesBehind, type BrokerHa } from './ha.ts';
import { lagShapes } from './series.ts';

export { SLAVE_BEHIND_BYTES } from './ha.ts';

async function probeNamesrvs(ctx: RequestContext): Promise<Map<string, NamesrvProbeResult>> {
  return new Map((await ctx.admin.namesrvProbes()).map((p) => [p.namesrvAddr, p]));
}

/** Replication keys of every broker that answered its runtime info in the cluster list; the tables are then dropped. */
function haOf(list: ClusterListResult | null): Record<string, BrokerHa> {
  const out: Record<string, BrokerHa> = {};
  // a broker that did not answer may come with its last good figures: replication is only told from fresh ones
  const failed = new Set((list?.errors ?? []).map((e) => e.brokerAddr));
  for (const b of list?.brokers ?? []) {
    if (b.runtime && !failed.has(b.brokerAddr)) out[b.brokerAddr] = parseHa(b.runtime);
    delete b.runtime;
  }
  return out;
}

export async function clusterView(ctx: RequestContext): Promise<ClusterResponse> {
  let error: string | undefined;
  const [list, probes] = await Promise.all([
    ctx.admin.clusterList({ keepRuntime: true }).catch((err: unknown) => {
      error = describeError(err);
      return null;
    }),
    probeNamesrvs(ctx),
  ]);
  const namesrvs: NamesrvProbe[] = [...probes.entries()].map(([addr, a]) => {
    const n = list?.namesrvs.find((x) => x.namesrvAddr === addr);
    const p: NamesrvProbe = {
      addr,
      reachable: a.reachable,
      latencyMs: a.latencyMs,
      brokerCount: n?.brokers ?? 0,
      heartbeatTimes: a.reachable && a.live !== null,
    };
    if (a.error !== undefined) p.error = a.error;
    return p;
  });
  const heartbeats: BrokerHeartbeat[] = [];
  for (const b of list?.brokers ?? []) {
    for (const n of list!.namesrvs.filter((x) => x.ok)) {
      const hb: BrokerHeartbeat = { brokerName: b.brokerName, brokerAddr: b.brokerAddr, namesrvAddr: n.namesrvAddr, listed: b.namesrvs.includes(n.namesrvAddr) };
      const probe = probes.get(n.namesrvAddr);
      const live = probe?.live?.find((l) => l.brokerAddr === b.brokerAddr);
      if (live) hb.lastUpdateTimestamp = live.lastUpdateTimestamp;
      heartbeats.push(hb);
    }
  }
  const ha = haOf(list);
  const out: ClusterResponse = { cluster: ctx.cluster.name, clusterList: list, namesrvs, heartbeats, ha };
  if (error) out.error = error;
  return out;
}

export async function overview(ctx: RequestContext, now = Date.now()): Promise<OverviewResponse> {
  const snap = ctx.collector.latest(ctx.cluster.name);
  let list: ClusterListResult | null = null;
  let error: string | undefined;
  try {
    list = await ctx.admin.clusterList();
  } catch (err) {
    error = describeError(err);
  }
  const brokers = list?.brokers ?? [];
  const failed = new Set((list?.errors ?? []).map((e) => e.brokerAddr));
  const alive = brokers.filter((b) => !failed.has(b.brokerAddr));
  const ha = new Map((snap?.brokers ?? []).filter((b) => b.runtime).map((b) => [b.brokerAddr, parseHa(b.runtime!)]));
  const aliveAddrs = new Set(alive.map((b) => b.brokerAddr));

  const groups = [...(snap?.groups.values() ?? [])].filter((g) => !g.system);
  const lagging = groups.filter((g) => g.diff > 0).sort((a, b) => b.diff - a.diff).slice(0, 200);
  const shapes = lagShapes(ctx.db, ctx.cluster.name, lagging.map((g) => ({ group: g.group, lag: g.diff })), now);
  const groupsWithGrowingLag = lagging.filter((g) => shapes.get(g.group)?.trend === 'growing').map((g) => ({ group: g.group, lagMessages: g.diff }));
  const masters = alive.filter((b) => b.brokerId === 0);
  const out: OverviewResponse = {
    cluster: ctx.cluster.name,
    health: {
      namesrvs: { total: list?.namesrvs.length ?? ctx.admin.namesrvAddrs.length, reachable: list?.namesrvs.filter((n) => n.ok).length ?? 0 },
      brokers: { total: brokers.length, alive: alive.length },
      mastersWithoutLiveSlave: mastersWithoutLiveSlave(brokers, aliveAddrs, ha),
      slavesBehind: slavesBehind(brokers, ha),
      groupsWithGrowingLag,
    },
    tps: {
      put: Math.round(masters.reduce((n, b) => n + (b.inTps ?? 0), 0) * 100) / 100,
      get: Math.round(masters.reduce((n, b) => n + (b.outTps ?? 0), 0) * 100) / 100,
    },
    topTopics: [...(snap?.topics.values() ?? [])].filter((t) => !t.system && (t.tps ?? 0) > 0).sort((a, b) => (b.tps ?? 0) - (a.tps ?? 0)).slice(0, 10)
      .map((t) => ({ topic: t.topic, tps: t.tps ?? 0 })),
    topGroups: lagging.slice(0, 10).map((g) => ({ group: g.group, lagMessages: g.diff, lagSeconds: g.lagSeconds, tps: g.tps ?? g.brokerTps })),
    errors: list?.errors ?? [],
    warnings: list?.warnings ?? [],
  };
  if (error) out.error = error;
  return out;
}
