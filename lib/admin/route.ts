// Cluster info and topic routes from the nameservers, as plain JSON, and the broker targets derived from them.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MixAll } from '../protocol/constants.ts';
import { GetRouteInfoRequestHeader } from '../protocol/headers.ts';
import { decodeClusterInfo, decodeTopicRouteData, type BrokerData, type ClusterInfo } from '../protocol/bodies/index.ts';
import { AdminError, describeError, type BrokerFailure } from './errors.ts';
import type { AdminCore, BrokerTarget } from './core.ts';

/** One broker group (brokerName) and its processes: brokerId -> address ("0" is the master). */
export interface BrokerGroup {
  clusterName: string;
  brokerName: string;
  brokerAddrs: Record<string, string>;
}

export interface ClusterView {
  /** clusterName -> brokerNames (sorted) */
  clusters: Record<string, string[]>;
  /** sorted by brokerName */
  brokers: BrokerGroup[];
}

import type { QueueData } from '../protocol/bodies/route.ts';

export type { QueueData };

export interface TopicRoute {
  topic: string;
  brokerDatas: BrokerGroup[];
  queueDatas: QueueData[];
  orderTopicConf?: string;
}

export function brokerGroupOf(bd: BrokerData): BrokerGroup {
  const addrs: Record<string, string> = {};
  for (const [id, addr] of [...bd.brokerAddrs].sort((a, b) => a[0] - b[0])) addrs[String(id)] = addr;
  return { clusterName: bd.cluster, brokerName: bd.brokerName, brokerAddrs: addrs };
}

export function clusterViewOf(info: ClusterInfo): ClusterView {
  const clusters: Record<string, string[]> = {};
  for (const [name, brokerNames] of [...info.clusterAddrTable].sort((a, b) => cmp(a[0], b[0]))) clusters[name] = [...brokerNames].sort();
  const brokers = [...info.brokerAddrTable.values()].map(brokerGroupOf).sort((a, b) => cmp(a.brokerName, b.brokerName));
  return { clusters, brokers };
}

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** brokerId/address pairs of a group in id order. */
export function groupMembers(g: BrokerGroup): Array<{ brokerId: number; addr: string }> {
  return Object.entries(g.brokerAddrs)
    .map(([id, addr]) => ({ brokerId: Number(id), addr }))
    .sort((a, b) => a.brokerId - b.brokerId);
}

export function masterAddr(g: BrokerGroup): string | undefined {
  return g.brokerAddrs[String(MixAll.MASTER_ID)];
}

/**
 * The process to read a group's data from: the master, else the lowest-id slave (RocketMQ's selectBrokerAddr picks
 * a random slave; the lowest id keeps answers repeatable).
 */
export function selectBrokerTarget(g: BrokerGroup): BrokerTarget | undefined {
  const m = groupMembers(g)[0];
  return m ? { clusterName: g.clusterName, brokerName: g.brokerName, brokerId: m.brokerId, brokerAddr: m.addr } : undefined;
}

/** Every readable queue of a topic's route with the process to read it from (selectBrokerTarget of its group). */
export function readQueueTargets(route: TopicRoute): Array<{ t: BrokerTarget; queueId: number }> {
  const queues: Array<{ t: BrokerTarget; queueId: number }> = [];
  for (const q of route.queueDatas) {
    const g = route.brokerDatas.find((b) => b.brokerName === q.brokerName);
    const t = g && selectBrokerTarget(g);
    if (t) for (let i = 0; i < q.readQueueNums; i++) queues.push({ t, queueId: i });
  }
  return queues;
}

export function memberTargets(g: BrokerGroup): BrokerTarget[] {
  return groupMembers(g).map((m) => ({ clusterName: g.clusterName, brokerName: g.brokerName, brokerId: m.brokerId, brokerAddr: m.addr }));
}

/**
 * GET_BROKER_CLUSTER_INFO from every nameserver, merged: a broker registered with only some nameservers is still one
 * of the cluster's brokers. Fails only when no nameserver answers.
 */
export async function getClusterInfo(core: AdminCore): Promise<ClusterView> {
  const answers = await core.eachNamesrv((addr) => getClusterInfoFrom(core, addr));
  const views = answers.flatMap((a) => (a.ok ? [a.value] : []));
  if (views.length === 0) {
    const why = answers.map((a) => `${a.namesrvAddr}: ${a.ok ? '' : describeError(a.error)}`).join('; ');
    throw new AdminError(`no nameserver answered GET_BROKER_CLUSTER_INFO (${why})`);
  }
  for (const a of answers) if (!a.ok) core.logger.warn('namesrv_unavailable', { namesrvAddr: a.namesrvAddr, error: a.error });
  return mergeViews(views);
}

/** Union of cluster views: clusters' broker names, and each group's brokerId -> address entries. */
export function mergeViews(views: ClusterView[]): ClusterView {
  const clusters = new Map<string, Set<string>>();
  const groups = new Map<string, BrokerGroup>();
  for (const v of views) {
    for (const [name, names] of Object.entries(v.clusters)) {
      const set = clusters.get(name) ?? new Set<string>();
      names.forEach((n) => set.add(n));
      clusters.set(name, set);
    }
    for (const g of v.brokers) {
      const have = groups.get(g.brokerName);
      groups.set(g.brokerName, have ? { ...have, brokerAddrs: { ...g.brokerAddrs, ...have.brokerAddrs } } : { ...g, brokerAddrs: { ...g.brokerAddrs } });
    }
  }
  const sortAddrs = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).sort((x, y) => Number(x[0]) - Number(y[0])));
  return {
    clusters: Object.fromEntries([...clusters].sort((a, b) => cmp(a[0], b[0])).map(([n, set]) => [n, [...set].sort(cmp)])),
    brokers: [...groups.values()].map((g) => ({ ...g, brokerAddrs: sortAddrs(g.brokerAddrs) })).sort((a, b) => cmp(a.brokerName, b.brokerName)),
  };
}

export async function getClusterInfoFrom(core: AdminCore, namesrvAddr: string): Promise<ClusterView> {
  const res = await core.call(namesrvAddr, RequestCode.GET_BROKER_CLUSTER_INFO);
  return clusterViewOf(decodeClusterInfo(res.body));
}

/** Broker groups of one cluster; an unknown cluster is an AdminError naming the known ones. */
export function groupsOfCluster(view: ClusterView, clusterName: string): BrokerGroup[] {
  const names = view.clusters[clusterName];
  if (!names) {
    const known = Object.keys(view.clusters);
    throw new AdminError(`cluster '${clusterName}' is not known to the nameserver (known: ${known.length ? known.join(', ') : 'none'})`);
  }
  return view.brokers.filter((b) => names.includes(b.brokerName));
}

/** Masters of a cluster (what mqadmin's fetchMasterAddrByClusterName returns). */
export async function masterTargetsOfCluster(core: AdminCore, clusterName: string): Promise<BrokerTarget[]> {
  const view = await getClusterInfo(core);
  return groupsOfCluster(view, clusterName).flatMap((g) => memberTargets(g).filter((t) => t.brokerId === MixAll.MASTER_ID));
}

/** Masters and slaves of a cluster. */
export async function allTargetsOfCluster(core: AdminCore, clusterName: string): Promise<BrokerTarget[]> {
  const view = await getClusterInfo(core);
  return groupsOfCluster(view, clusterName).flatMap(memberTargets);
}

/** Names broker addresses given by the user (-b): broker name and id from the cluster info when listed there. */
export async function targetsForAddrs(core: AdminCore, addrs: string[]): Promise<BrokerTarget[]> {
  let view: ClusterView | undefined;
  try {
    view = core.namesrvAddrs.length ? await getClusterInfo(core) : undefined;
  } catch (err) {
    // the address alone is enough to act; broker names are a courtesy
    core.logger.warn('cluster_info_unavailable', { error: err });
    view = undefined;
  }
  return addrs.map((addr) => {
    for (const g of view?.brokers ?? []) {
      for (const m of groupMembers(g)) {
        if (m.addr === addr) return { clusterName: g.clusterName, brokerName: g.brokerName, brokerId: m.brokerId, brokerAddr: addr };
      }
    }
    return { clusterName: '', brokerName: '', brokerId: -1, brokerAddr: addr };
  });
}

/** GET_ROUTEINFO_BY_TOPIC; a topic no nameserver knows is a ResponseCodeError with TOPIC_NOT_EXIST. */
export async function getTopicRoute(core: AdminCore, topic: string): Promise<TopicRoute> {
  const res = await core.callNamesrv(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }, { spec: GetRouteInfoRequestHeader });
  if (!res.body?.length) throw new AdminError(`the nameserver sent no route for topic '${topic}'`, ResponseCode.TOPIC_NOT_EXIST);
  const r = decodeTopicRouteData(res.body);
  const out: TopicRoute = {
    topic,
    brokerDatas: r.brokerDatas.map(brokerGroupOf).sort((a, b) => cmp(a.brokerName, b.brokerName)),
    queueDatas: r.queueDatas.map((q) => ({ ...q })).sort((a, b) => cmp(a.brokerName, b.brokerName)),
  };
  if (r.orderTopicConf) out.orderTopicConf = r.orderTopicConf;
  return out;
}

/** One reading target per broker group of the route (master first). */
export function routeTargets(route: TopicRoute): BrokerTarget[] {
  return route.brokerDatas.map(selectBrokerTarget).filter((t): t is BrokerTarget => t !== undefined);
}

/** Broker groups without a registered master: their data is read from a slave, or not at all. */
export function missingMasterWarnings(view: ClusterView): BrokerFailure[] {
  const out: BrokerFailure[] = [];
  for (const g of view.brokers) {
    if (masterAddr(g) !== undefined) continue;
    const slave = selectBrokerTarget(g);
    out.push({
      brokerName: g.brokerName,
      brokerAddr: slave?.brokerAddr ?? '',
      error: `no master (brokerId 0) registered${slave ? `; figures read from slave ${slave.brokerAddr} (brokerId ${slave.brokerId})` : ''}`,
    });
  }
  return out;
}

/** One reading target per broker group of the cluster view, with warnings for groups that lost their master. */
export async function readTargets(core: AdminCore): Promise<{ view: ClusterView; targets: BrokerTarget[]; warnings: BrokerFailure[] }> {
  const view = await getClusterInfo(core);
  return {
    view,
    targets: view.brokers.map(selectBrokerTarget).filter((t) => t !== undefined),
    warnings: missingMasterWarnings(view),
  };
}
