// Broker runtime figures and configuration: GET_BROKER_RUNTIME_INFO (28), GET_BROKER_CONFIG (26), UPDATE_BROKER_CONFIG (25).

import { MixAll, RequestCode, ResponseCode } from '../protocol/codes.ts';
import { PermName } from '../protocol/constants.ts';
import { decodeKVTable, decodeProperties, encodeProperties } from '../protocol/bodies/index.ts';
import { AdminError, type BrokerFailure } from './errors.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { allTargetsOfCluster, cmp, getClusterInfo, groupsOfCluster, masterTargetsOfCluster, memberTargets, targetsForAddrs } from './route.ts';

/** The runtime KV table of one broker (putTps, brokerVersionDesc, msgPutTotalTodayNow, ...), keys sorted. */
export async function fetchRuntimeInfo(core: AdminCore, brokerAddr: string): Promise<Record<string, string>> {
  const res = await core.call(brokerAddr, RequestCode.GET_BROKER_RUNTIME_INFO);
  const table = decodeKVTable(res.body).table;
  return Object.fromEntries([...table].sort((a, b) => cmp(a[0], b[0])));
}

/** A broker's configuration (Java properties text), in the order the broker wrote it. */
export async function fetchBrokerConfig(core: AdminCore, brokerAddr: string): Promise<Record<string, string>> {
  const res = await core.call(brokerAddr, RequestCode.GET_BROKER_CONFIG);
  return Object.fromEntries(decodeProperties(res.body));
}

/** Who to ask: explicit addresses, or a cluster's masters (and slaves when `withSlaves`). */
export interface BrokerSelector {
  brokerAddrs?: string[];
  clusterName?: string;
  withSlaves?: boolean;
}

export async function resolveTargets(core: AdminCore, sel: BrokerSelector): Promise<BrokerTarget[]> {
  if (sel.brokerAddrs?.length) return targetsForAddrs(core, sel.brokerAddrs);
  if (sel.clusterName) {
    return sel.withSlaves ? allTargetsOfCluster(core, sel.clusterName) : masterTargetsOfCluster(core, sel.clusterName);
  }
  throw new AdminError('name the brokers: a broker address (-b) or a cluster (-c)');
}

/**
 * Where a write goes: like resolveTargets, and for a cluster's masters also the broker groups of the cluster that have
 * no master registered (it is down), as failures: such a group cannot take the write, which must not look done there.
 */
async function resolveWriteTargets(core: AdminCore, sel: BrokerSelector): Promise<{ targets: BrokerTarget[]; missing: BrokerFailure[] }> {
  if (sel.brokerAddrs?.length || !sel.clusterName || sel.withSlaves) return { targets: await resolveTargets(core, sel), missing: [] };
  const targets: BrokerTarget[] = [];
  const missing: BrokerFailure[] = [];
  for (const g of groupsOfCluster(await getClusterInfo(core), sel.clusterName)) {
    const members = memberTargets(g);
    const masters = members.filter((t) => t.brokerId === MixAll.MASTER_ID);
    if (masters.length > 0) targets.push(...masters);
    else missing.push({ brokerName: g.brokerName, brokerAddr: '', error: `no master (brokerId 0) registered to take the change${members.length ? `; only ${members.map((m) => `${m.brokerAddr} (brokerId ${m.brokerId})`).join(', ')}` : ''}` });
  }
  return { targets, missing };
}

/** Sends a change to the brokers `sel` names (see resolveWriteTargets): which took it, and which did not or could not. */
export async function writeToBrokers(core: AdminCore, sel: BrokerSelector, send: (t: BrokerTarget) => Promise<unknown>): Promise<WriteResult> {
  const { targets, missing } = await resolveWriteTargets(core, sel);
  // a change is waited for as long as its requests may take: one cut short at a page's deadline may still be applied
  const fan = await core.fanout(targets, send, { deadlineMs: 0 });
  return { done: fan.results.map((r) => r.target), errors: [...missing, ...fan.errors] };
}

export interface BrokerKVResult {
  brokers: Array<BrokerTarget & { table: Record<string, string> }>;
  errors: BrokerFailure[];
}

/** brokerStatus: runtime figures of the chosen brokers (a cluster means masters and slaves, as mqadmin does). */
export async function brokerStatus(core: AdminCore, sel: BrokerSelector): Promise<BrokerKVResult> {
  const targets = await resolveTargets(core, { ...sel, withSlaves: sel.withSlaves ?? true });
  const fan = await core.fanout(targets, (t) => fetchRuntimeInfo(core, t.brokerAddr));
  return { brokers: fan.results.map((r) => ({ ...r.target, table: r.value })), errors: fan.errors };
}

/** getBrokerConfig: configuration of the chosen brokers (a cluster means masters and slaves). */
export async function getBrokerConfig(core: AdminCore, sel: BrokerSelector): Promise<BrokerKVResult> {
  const targets = await resolveTargets(core, { ...sel, withSlaves: sel.withSlaves ?? true });
  const fan = await core.fanout(targets, (t) => fetchBrokerConfig(core, t.brokerAddr));
  return { brokers: fan.results.map((r) => ({ ...r.target, table: r.value })), errors: fan.errors };
}

export interface WriteResult {
  /** Brokers (or nameservers) that took the change. */
  done: BrokerTarget[];
  errors: BrokerFailure[];
}

/** updateBrokerConfig: sends `key=value` lines; a cluster means its masters unless `withSlaves`. */
export async function updateBrokerConfig(core: AdminCore, sel: BrokerSelector, props: Record<string, string>): Promise<WriteResult> {
  const entries = Object.entries(props);
  if (entries.length === 0) throw new AdminError('no configuration key to update');
  const perm = props.brokerPermission;
  if (perm !== undefined && !PermName.isValid(Number(perm))) {
    throw new AdminError(`brokerPermission value: ${perm} is invalid.`, ResponseCode.NO_PERMISSION);
  }
  const body = encodeProperties(new Map(entries));
  return writeToBrokers(core, sel, (t) => core.call(t.brokerAddr, RequestCode.UPDATE_BROKER_CONFIG, undefined, { body }));
}
