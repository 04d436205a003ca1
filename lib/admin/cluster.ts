// clusterList: every nameserver's view of the brokers merged, each broker's role and runtime figures, gaps named.

import { MixAll } from '../protocol/constants.ts';
import { AdminError, namesrvFailure, type BrokerFailure, type NamesrvFailure } from './errors.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { cmp, getClusterInfoFrom, groupMembers, type ClusterView } from './route.ts';
import { fetchBrokerConfig, fetchRuntimeInfo } from './broker.ts';

export interface ClusterBroker {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  brokerAddr: string;
  /** By brokerId: 0 is the master. */
  role: 'MASTER' | 'SLAVE';
  /** Nameservers that list this broker process. */
  namesrvs: string[];
  /** brokerRole from the broker's config: SYNC_MASTER, ASYNC_MASTER or SLAVE. */
  brokerRole?: string;
  version?: string;
  inTps?: number;
  outTps?: number;
  msgPutTotalTodayNow?: number;
  msgGetTotalTodayNow?: number;
  bootTimestamp?: number;
  commitLogDiskRatio?: number;
  /** The whole runtime KV table (only with `keepRuntime`). */
  runtime?: Record<string, string>;
}

export interface ClusterListResult {
  namesrvs: Array<{ namesrvAddr: string; ok: boolean; brokers: number; error?: string }>;
  clusters: Array<{ clusterName: string; brokerNames: string[] }>;
  brokers: ClusterBroker[];
  /** The answer looks incomplete: a group without a master, a broker only some nameservers list. */
  warnings: BrokerFailure[];
  /** Brokers that could not be asked for their runtime figures. */
  errors: BrokerFailure[];
  namesrvErrors: NamesrvFailure[];
}

export interface ClusterListOptions {
  clusterName?: string;
  /** Ask every broker for its runtime figures and config role (default true). */
  runtime?: boolean;
  /** Keep each broker's whole runtime KV table in `runtime` (for readers of keys beyond the figures above). */
  keepRuntime?: boolean;
}

/** Merges per-nameserver cluster views: which nameservers list each broker address. */
export function mergeClusterViews(views: Array<{ namesrvAddr: string; view: ClusterView }>): {
  clusters: Map<string, Set<string>>;
  brokers: Map<string, { clusterName: string; brokerName: string; brokerId: number; brokerAddr: string; namesrvs: string[] }>;
} {
  const clusters = new Map<string, Set<string>>();
  const brokers = new Map<string, { clusterName: string; brokerName: string; brokerId: number; brokerAddr: string; namesrvs: string[] }>();
  for (const { namesrvAddr, view } of views) {
    for (const [name, brokerNames] of Object.entries(view.clusters)) {
      const set = clusters.get(name) ?? new Set<string>();
      brokerNames.forEach((b) => set.add(b));
      clusters.set(name, set);
    }
    for (const g of view.brokers) {
      for (const m of groupMembers(g)) {
        const key = `${g.brokerName}/${m.brokerId}/${m.addr}`;
        const entry = brokers.get(key) ?? { clusterName: g.clusterName, brokerName: g.brokerName, brokerId: m.brokerId, brokerAddr: m.addr, namesrvs: [] };
        entry.namesrvs.push(namesrvAddr);
        brokers.set(key, entry);
      }
    }
  }
  return { clusters, brokers };
}

/** First number of a "12.5 3.1 0.0" style runtime figure. */
export function firstNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : undefined;
}

export async function clusterList(core: AdminCore, opts: ClusterListOptions = {}): Promise<ClusterListResult> {
  const answers = await core.eachNamesrv((addr) => getClusterInfoFrom(core, addr));
  const namesrvErrors: NamesrvFailure[] = [];
  const views: Array<{ namesrvAddr: string; view: ClusterView }> = [];
  const namesrvs: ClusterListResult['namesrvs'] = [];
  for (const a of answers) {
    if (a.ok) {
      views.push({ namesrvAddr: a.namesrvAddr, view: a.value });
      namesrvs.push({ namesrvAddr: a.namesrvAddr, ok: true, brokers: a.value.brokers.reduce((n, g) => n + groupMembers(g).length, 0) });
    } else {
      const f = namesrvFailure(a.namesrvAddr, a.error);
      namesrvErrors.push(f);
      namesrvs.push({ namesrvAddr: a.namesrvAddr, ok: false, brokers: 0, error: f.error });
    }
  }
  if (views.length === 0) {
    throw new AdminError(`no nameserver answered: ${namesrvErrors.map((f) => `${f.namesrvAddr}: ${f.error}`).join('; ')}`);
  }
  const merged = mergeClusterViews(views);
  const wanted = opts.clusterName;
  if (wanted !== undefined && !merged.clusters.has(wanted)) {
    throw new AdminError(`cluster '${wanted}' is not known to the nameservers (known: ${[...merged.clusters.keys()].join(', ') || 'none'})`);
  }
  const clusterNames = [...merged.clusters.keys()].filter((c) => wanted === undefined || c === wanted).sort(cmp);
  const clusters = clusterNames.map((c) => ({ clusterName: c, brokerNames: [...merged.clusters.get(c)!].sort(cmp) }));
  const inScope = new Set(clusters.flatMap((c) => c.brokerNames));
  const brokers: ClusterBroker[] = [...merged.brokers.values()]
    .filter((b) => inScope.has(b.brokerName))
    .map((b) => ({ ...b, role: b.brokerId === MixAll.MASTER_ID ? 'MASTER' as const : 'SLAVE' as const, namesrvs: [...b.namesrvs].sort(cmp) }))
    .sort((a, b) => cmp(a.clusterName, b.clusterName) || cmp(a.brokerName, b.brokerName) || a.brokerId - b.brokerId);

  const warnings: BrokerFailure[] = [];
  const answered = views.map((v) => v.namesrvAddr);
  for (const name of [...inScope].sort(cmp)) {
    const members = brokers.filter((b) => b.brokerName === name);
    if (!members.some((b) => b.brokerId === MixAll.MASTER_ID)) {
      const slaves = members.map((b) => `${b.brokerAddr} (brokerId ${b.brokerId})`).join(', ');
      warnings.push({ brokerName: name, brokerAddr: '', error: `no master (brokerId 0) registered${slaves ? `; only ${slaves}` : ''}` });
    }
  }
  for (const b of brokers) {
    const missing = answered.filter((n) => !b.namesrvs.includes(n));
    if (missing.length) warnings.push({ brokerName: b.brokerName, brokerAddr: b.brokerAddr, error: `not listed by nameserver ${missing.join(', ')}` });
  }

  let errors: BrokerFailure[] = [];
  if (opts.runtime !== false) {
    const targets: BrokerTarget[] = brokers.map((b) => ({ clusterName: b.clusterName, brokerName: b.brokerName, brokerId: b.brokerId, brokerAddr: b.brokerAddr }));
    const fan = await core.fanout(targets, async (t) => {
      const [runtime, config] = await Promise.allSettled([fetchRuntimeInfo(core, t.brokerAddr), fetchBrokerConfig(core, t.brokerAddr)]);
      if (runtime.status === 'rejected') throw runtime.reason;
      return { runtime: runtime.value, config: config.status === 'fulfilled' ? config.value : undefined };
    }, { keep: 'clusterList' });
    errors = fan.errors;
    for (const { target, value } of fan.results) {
      const b = brokers.find((x) => x.brokerAddr === target.brokerAddr && x.brokerName === target.brokerName && x.brokerId === target.brokerId)!;
      const kv = value.runtime;
      b.version = kv.brokerVersionDesc;
      b.inTps = firstNumber(kv.putTps);
      b.outTps = firstNumber(kv.getTransferredTps ?? kv.getTransferedTps);
      b.msgPutTotalTodayNow = firstNumber(kv.msgPutTotalTodayNow);
      b.msgGetTotalTodayNow = firstNumber(kv.msgGetTotalTodayNow);
      b.bootTimestamp = firstNumber(kv.bootTimestamp);
      b.commitLogDiskRatio = firstNumber(kv.commitLogDiskRatio);
      if (value.config?.brokerRole) b.brokerRole = value.config.brokerRole;
      if (opts.keepRuntime) b.runtime = kv;
    }
  }
  return { namesrvs, clusters, brokers, warnings, errors, namesrvErrors };
}
