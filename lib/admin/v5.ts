// Apache RocketMQ 5.x reads: each broker's version with its timer store, replication and request-mode sections (a
// section a broker's version cannot answer says so instead of failing), the controller group and each broker group's
// master, epoch and in-sync set, and how a group consumes (push, pull or POP).

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { mqVersionName } from '../protocol/constants.ts';
import {
  decodeBrokerReplicasInfo, decodeHaStatusView, decodeKVTable, decodeTimerCheckpoint, type HaStatusView, type ReplicaIdentity,
  type TimerCheckpoint,
} from '../protocol/bodies/index.ts';
import { decodeMessageRequestModeSerializeWrapper } from '../protocol/bodies/pop.ts';
import { Fields, parseBody } from '../protocol/bodies/read.ts';
import { describeError, hasCode, type BrokerFailure } from './errors.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { cmp, getClusterInfo, memberTargets, readTargets } from './route.ts';
import { fetchBrokerConfig } from './broker.ts';

/**
 * One part of an answer that a broker may not have: `unsupported` when it answered REQUEST_CODE_NOT_SUPPORTED (its
 * version has no such request), `error` for any other failure.
 */
export type Section<T> = { state: 'ok'; value: T } | { state: 'unsupported'; reason: string } | { state: 'error'; error: string };

export const notOnThisVersion = (versionDesc?: string | null): string =>
  `not available on this version${versionDesc ? ` (${versionDesc})` : ''}`;

export async function section<T>(fn: () => Promise<T>, versionDesc?: string | null): Promise<Section<T>> {
  try {
    return { state: 'ok', value: await fn() };
  } catch (err) {
    if (hasCode(err, ResponseCode.REQUEST_CODE_NOT_SUPPORTED)) return { state: 'unsupported', reason: notOnThisVersion(versionDesc) };
    return { state: 'error', error: describeError(err) };
  }
}

/** Major version of an MQVersion name (`V5_3_3` -> 5); null when it is not one. */
export function majorOf(versionDesc: string | null | undefined): number | null {
  const m = /^V(\d+)_/.exec(versionDesc ?? '');
  return m ? Number(m[1]) : null;
}

export interface TimerStatus {
  /** Timer messages waiting, summed over user topics (GET_TIMER_METRICS). */
  pending: number;
  /** Timers the broker keeps for itself (5.x counts POP's revive-log checkpoints as timers). */
  pendingSystem: number;
  perTopic: Record<string, number>;
  checkpoint: TimerCheckpoint | null;
  /** From the runtime info (5.x keys): how far behind the due times delivery is, in ms. */
  readBehindMs: number | null;
  /** Timer messages stored but not read into the timer wheel yet. */
  offsetBehind: number | null;
  /** Due but not delivered yet. */
  congestNum: number | null;
  enqueueTps: number | null;
  dequeueTps: number | null;
}

export interface RequestModeEntry {
  topic: string;
  group: string;
  mode: string;
  popShareQueueNum: number;
}

export interface BrokerV5Status extends BrokerTarget {
  /** MQVersion name from the broker's runtime info (`V5_3_3`, `V4_9_8`). */
  version: string | null;
  /** The version ordinal the broker's answer frames carry. */
  versionOrdinal: number | null;
  major: number | null;
  timer: Section<TimerStatus>;
  ha: Section<HaStatusView>;
  requestModes: Section<RequestModeEntry[]>;
}

const numOrNull = (v: string | undefined): number | null => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

/** Sections of one broker; each failing alone. */
export async function brokerV5StatusOf(core: AdminCore, t: BrokerTarget): Promise<BrokerV5Status> {
  const rt = await core.call(t.brokerAddr, RequestCode.GET_BROKER_RUNTIME_INFO);
  const kv = decodeKVTable(rt.body).table;
  const version = kv.get('brokerVersionDesc') ?? (rt.version ? mqVersionName(rt.version) : null);
  const [timer, ha, requestModes] = await Promise.all([
    section(async (): Promise<TimerStatus> => {
      const [metrics, cp] = await Promise.all([
        core.call(t.brokerAddr, RequestCode.GET_TIMER_METRICS),
        core.call(t.brokerAddr, RequestCode.GET_TIMER_CHECK_POINT).catch((err: unknown) => {
          if (hasCode(err, ResponseCode.REQUEST_CODE_NOT_SUPPORTED)) throw err;
          return undefined;
        }),
      ]);
      const counts = metrics.body?.length
        ? Fields.of(parseBody(metrics.body, 'TimerMetricsSerializeWrapper'), 'TimerMetricsSerializeWrapper').stringMap('timingCount', (v, p) => Fields.of(v, p).num('count'))
        : new Map<string, number>();
      const perTopic: Record<string, number> = {};
      let pending = 0;
      let pendingSystem = 0;
      for (const [topic, n] of counts) {
        if (topic.startsWith('rmq_sys_')) pendingSystem += n;
        else {
          perTopic[topic] = n;
          pending += n;
        }
      }
      return {
        pending, pendingSystem, perTopic, checkpoint: cp?.body?.length ? decodeTimerCheckpoint(cp.body) : null,
        readBehindMs: numOrNull(kv.get('timerReadBehind')), offsetBehind: numOrNull(kv.get('timerOffsetBehind')),
        congestNum: numOrNull(kv.get('timerCongestNum')), enqueueTps: numOrNull(kv.get('timerEnqueueTps')), dequeueTps: numOrNull(kv.get('timerDequeueTps')),
      };
    }, version),
    section(async () => decodeHaStatusView((await core.call(t.brokerAddr, RequestCode.GET_BROKER_HA_STATUS)).body), version),
    section(async () => {
      const res = await core.call(t.brokerAddr, RequestCode.GET_ALL_MESSAGE_REQUEST_MODE);
      const table = res.body?.length ? decodeMessageRequestModeSerializeWrapper(res.body) : new Map();
      return [...table].flatMap(([topic, groups]) => [...groups].map(([group, b]) => ({ topic, group, mode: b.mode, popShareQueueNum: b.popShareQueueNum })));
    }, version),
  ]);
  return { ...t, version, versionOrdinal: rt.version ?? null, major: majorOf(version), timer, ha, requestModes };
}

/** Every broker group's master: version and 5.x sections (one broker failing leaves the others). */
export async function brokerV5Status(core: AdminCore): Promise<{ brokers: BrokerV5Status[]; errors: BrokerFailure[] }> {
  const { targets, warnings } = await readTargets(core);
  const fan = await core.fanout(targets, (t) => brokerV5StatusOf(core, t));
  return { brokers: fan.results.map((r) => r.value).sort((a, b) => cmp(a.brokerName, b.brokerName)), errors: [...fan.errors, ...warnings] };
}

// ---- controller mode ----

export interface ControllerMeta {
  group: string;
  controllerLeaderId: string;
  controllerLeaderAddress: string;
  isLeader: boolean;
  peers: string;
}

export interface ReplicaGroupStatus {
  brokerName: string;
  masterBrokerId: number;
  masterAddress: string;
  masterEpoch: number;
  syncStateSetEpoch: number;
  inSync: ReplicaIdentity[];
  notInSync: ReplicaIdentity[];
  /** The in-sync set holds the master alone while the group has other replicas: a master failure now loses data. */
  shrunkToMaster: boolean;
}

export interface ControllerStatusResult {
  /** Some broker runs with enableControllerMode=true. */
  controllerMode: boolean;
  controllerAddrs: string[];
  controllers: Array<{ addr: string; meta: Section<ControllerMeta> }>;
  groups: ReplicaGroupStatus[];
  /** Why the groups could not be read (no controller answered, no leader). */
  groupsError?: string;
  errors: BrokerFailure[];
}

/** `shrunkToMaster` for one group: the in-sync set is the master alone and other replicas exist. */
export function isShrunkToMaster(r: { masterBrokerId: number; inSync: ReplicaIdentity[]; notInSync: ReplicaIdentity[] }): boolean {
  return r.inSync.length === 1 && r.inSync[0]!.brokerId === r.masterBrokerId && r.notInSync.length > 0;
}

export function controllerMetaOf(ext: Record<string, string> | undefined): ControllerMeta {
  const e = ext ?? {};
  return {
    group: e.group ?? '', controllerLeaderId: e.controllerLeaderId ?? '', controllerLeaderAddress: e.controllerLeaderAddress ?? '',
    isLeader: e.isLeader === 'true', peers: e.peers ?? '',
  };
}

/**
 * The controller group (CONTROLLER_GET_METADATA_INFO on each controller) and, from its leader, each broker group's
 * master, epoch and in-sync set (CONTROLLER_GET_SYNC_STATE_DATA). Controllers come from `controllerAddrs` or from the
 * brokers' own config (`controllerAddr` of brokers with `enableControllerMode=true`).
 */
export async function controllerStatus(core: AdminCore, controllerAddrs: string[] = []): Promise<ControllerStatusResult> {
  const view = await getClusterInfo(core);
  const all = view.brokers.flatMap(memberTargets);
  const fan = await core.fanout(all, (t) => fetchBrokerConfig(core, t.brokerAddr));
  let controllerMode = false;
  const addrs = new Set(controllerAddrs);
  for (const { value } of fan.results) {
    if (value.enableControllerMode !== 'true') continue;
    controllerMode = true;
    for (const a of (value.controllerAddr ?? '').split(/[;,]/)) if (a.trim()) addrs.add(a.trim());
  }
  const controllerList = [...addrs].sort(cmp);
  const controllers = await Promise.all(controllerList.map(async (addr) => ({
    addr, meta: await section(async () => controllerMetaOf((await core.call(addr, RequestCode.CONTROLLER_GET_METADATA_INFO)).extFields)),
  })));
  const out: ControllerStatusResult = { controllerMode, controllerAddrs: controllerList, controllers, groups: [], errors: fan.errors };
  if (!controllerList.length) return out;
  const leader = controllers.map((c) => (c.meta.state === 'ok' ? c.meta.value.controllerLeaderAddress : '')).find((a) => a);
  if (!leader) {
    out.groupsError = controllers.every((c) => c.meta.state !== 'ok') ? 'no controller answered' : 'the controllers have no leader';
    return out;
  }
  const names = view.brokers.map((b) => b.brokerName).sort(cmp);
  try {
    const res = await core.call(leader, RequestCode.CONTROLLER_GET_SYNC_STATE_DATA, undefined, { body: Buffer.from(JSON.stringify(names)) });
    for (const [brokerName, r] of decodeBrokerReplicasInfo(res.body)) {
      const g = { brokerName, masterBrokerId: r.masterBrokerId, masterAddress: r.masterAddress, masterEpoch: r.masterEpoch, syncStateSetEpoch: r.syncStateSetEpoch, inSync: r.inSyncReplicas, notInSync: r.notInSyncReplicas };
      out.groups.push({ ...g, shrunkToMaster: isShrunkToMaster(g) });
    }
    out.groups.sort((a, b) => cmp(a.brokerName, b.brokerName));
  } catch (err) {
    out.groupsError = `${leader}: ${describeError(err)}`;
  }
  return out;
}

// ---- how a group consumes ----

export type ConsumptionMode = 'PUSH' | 'PULL' | 'POP' | 'UNKNOWN';

export interface ConsumptionModeInput {
  /** ConsumerConnection.consumeType of the online members (brokers' view), if any. */
  consumeType?: string;
  /** The group's GET_ALL_MESSAGE_REQUEST_MODE entries. */
  requestModes?: ReadonlyArray<{ mode: string }>;
  /** Messages popped and not acked yet (RocketDeck brokers' popInflight). */
  popInflight?: number;
  /** Members reached through a proxy (gRPC clients): 5.x SDKs always receive by POP. */
  viaProxy?: boolean;
}

/** Push, pull or POP, and why. */
export function consumptionModeOf(i: ConsumptionModeInput): { mode: ConsumptionMode; reason: string } {
  if (i.requestModes?.some((m) => m.mode === 'POP')) return { mode: 'POP', reason: 'message request mode POP is set (SET_MESSAGE_REQUEST_MODE)' };
  if ((i.popInflight ?? 0) > 0) return { mode: 'POP', reason: 'messages popped and not acked' };
  if (i.viaProxy) return { mode: 'POP', reason: 'members connect through a 5.x proxy (gRPC clients receive by POP)' };
  if (i.consumeType === 'CONSUME_PASSIVELY') return { mode: 'PUSH', reason: 'members register as push consumers (CONSUME_PASSIVELY)' };
  if (i.consumeType === 'CONSUME_ACTIVELY') return { mode: 'PULL', reason: 'members register as pull consumers (CONSUME_ACTIVELY)' };
  if (i.consumeType === 'CONSUME_POP') return { mode: 'POP', reason: 'members register as POP consumers' };
  return { mode: 'UNKNOWN', reason: 'no member online and no POP setting' };
}

/**
 * The group's (no group: every group's) message request modes (GET_ALL_MESSAGE_REQUEST_MODE on every master): `unsupported` when every master
 * answered REQUEST_CODE_NOT_SUPPORTED (4.x), else what the masters that answered have set for it.
 */
export async function groupRequestModes(core: AdminCore, group?: string): Promise<Section<Array<RequestModeEntry & { brokerName: string }>>> {
  const { targets } = await readTargets(core);
  const fan = await core.fanout(targets, async (t) => {
    const res = await core.call(t.brokerAddr, RequestCode.GET_ALL_MESSAGE_REQUEST_MODE, undefined, { okCodes: [ResponseCode.REQUEST_CODE_NOT_SUPPORTED] });
    if (res.code !== ResponseCode.SUCCESS) return undefined;
    const table = res.body?.length ? decodeMessageRequestModeSerializeWrapper(res.body) : new Map();
    // every group's when no group is given (one request per master either way: the group list reads them all)
    return [...table].flatMap(([topic, groups]) => [...groups].filter(([g]) => group === undefined || g === group)
      .map(([g, b]) => ({ brokerName: t.brokerName, topic, group: g, mode: b.mode, popShareQueueNum: b.popShareQueueNum })));
  });
  const answered = fan.results.filter((r) => r.value !== undefined);
  if (answered.length === 0) {
    if (fan.errors.length) return { state: 'error', error: fan.errors.map((e) => `${e.brokerName}: ${e.error}`).join('; ') };
    return { state: 'unsupported', reason: notOnThisVersion() };
  }
  return { state: 'ok', value: answered.flatMap((r) => r.value!).sort((a, b) => cmp(a.topic, b.topic) || cmp(a.brokerName, b.brokerName)) };
}
