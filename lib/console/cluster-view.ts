// The cluster page and the overview: brokers and nameservers with their state, health summary, TPS and the busiest
// topics and most lagging groups. A nameserver or broker that does not answer is named, never a blank answer.

import type { ClusterListResult } from '../admin/index.ts';
import { describe as describeError } from './errors.ts';
import { RequestCode } from '../protocol/codes.ts';
import type { ClusterResponse, NamesrvProbe, OverviewResponse } from './api-types.ts';
import { firstNumber } from './collect.ts';
import type { RequestContext } from './context.ts';
import { lagShapes } from './series.ts';

/** A slave further behind its master than this (bytes of commit log) is reported. */
export const SLAVE_BEHIND_BYTES = 1024 * 1024;

async function probeNamesrvs(ctx: RequestContext, list: ClusterListResult | null): Promise<NamesrvProbe[]> {
  const answers = await ctx.admin.eachNamesrv(async (addr) => {
    const t0 = performance.now();
    await ctx.admin.call(addr, RequestCode.GET_BROKER_CLUSTER_INFO);
    return Math.round((performance.now() - t0) * 10) / 10;
  });
  return answers.map((a) => {
    const listed = list?.namesrvs.find((n) => n.namesrvAddr === a.namesrvAddr);
    const p: NamesrvProbe = { addr: a.namesrvAddr, reachable: a.ok, latencyMs: a.ok ? a.value : null, brokerCount: listed?.brokers ?? 0 };
    if (!a.ok) p.error = describeError(a.error);
    return p;
  });
}

export async function clusterView(ctx: RequestContext): Promise<ClusterResponse> {
  let list: ClusterListResult | null = null;
  let error: string | undefined;
  try {
    list = await ctx.admin.clusterList();
  } catch (err) {
    error = describeError(err);
  }
  const namesrvs = await probeNamesrvs(ctx, list);
  const heartbeats: ClusterResponse['heartbeats'] = [];
  for (const b of list?.brokers ?? []) {
    for (const n of list!.namesrvs.filter((x) => x.ok)) heartbeats.push({ brokerName: b.brokerName, brokerAddr: b.brokerAddr, namesrvAddr: n.namesrvAddr, listed: b.namesrvs.includes(n.namesrvAddr) });
  }
  const out: ClusterResponse = { cluster: ctx.cluster.name, clusterList: list, namesrvs, heartbeats };
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
  const mastersWithoutLiveSlave = [...new Set(brokers.filter((b) => b.brokerId === 0).map((b) => b.brokerName))]
    .filter((name) => !alive.some((b) => b.brokerName === name && b.brokerId !== 0)).sort();

  const slavesBehind: OverviewResponse['health']['slavesBehind'] = [];
  const runtime = new Map((snap?.brokers ?? []).filter((b) => b.runtime).map((b) => [b.brokerAddr, b.runtime!]));
  for (const s of brokers.filter((b) => b.brokerId !== 0)) {
    const master = brokers.find((b) => b.brokerName === s.brokerName && b.brokerId === 0);
    const m = master && firstNumber(runtime.get(master.brokerAddr)?.commitLogMaxOffset);
    const sl = firstNumber(runtime.get(s.brokerAddr)?.commitLogMaxOffset);
    if (m !== undefined && sl !== undefined && m - sl > SLAVE_BEHIND_BYTES) slavesBehind.push({ brokerName: s.brokerName, brokerAddr: s.brokerAddr, behindBytes: m - sl });
  }

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
      mastersWithoutLiveSlave,
      slavesBehind,
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
