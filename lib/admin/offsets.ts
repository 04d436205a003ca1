// Consumer offset resets: online through INVOKE_BROKER_TO_RESET_OFFSET (the broker pushes the new offsets to the
// clients), offline by moving the stored offsets (UPDATE_CONSUMER_OFFSET) as mqadmin's fallback does, and single queues.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MQVersion } from '../protocol/constants.ts';
import {
  GetConsumeStatsRequestHeader, GetMaxOffsetRequestHeader, GetMaxOffsetResponseHeader, GetMinOffsetRequestHeader,
  GetMinOffsetResponseHeader, GetTopicStatsInfoRequestHeader, ResetOffsetRequestHeader, SearchOffsetRequestHeader,
  SearchOffsetResponseHeader, UpdateConsumerOffsetRequestHeader, decodeHeader,
} from '../protocol/headers.ts';
import { decodeConsumeStats, decodeResetOffsetBody, decodeTopicStatsTable } from '../protocol/bodies/index.ts';
import { AdminError, brokerFailure, hasCode, type BrokerFailure } from './errors.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { cmp, getTopicRoute, routeTargets } from './route.ts';
import { fetchRuntimeInfo } from './broker.ts';
import { resetPointTimestamp, type ResetPoint } from './time.ts';

export interface ResetQueue {
  topic: string;
  brokerName: string;
  queueId: number;
  /** The offset the group now starts from. */
  resetOffset: number;
  /** Offline path: the queue's max offset, the group's old offset and the offset found for the time. */
  brokerOffset?: number;
  consumerOffset?: number;
  timestampOffset?: number;
}

export interface ResetOffsetResult {
  group: string;
  topic: string;
  /** -1 latest, 0 earliest, else epoch ms */
  timestamp: number;
  /** Per broker group: 'online' when the broker pushed the offsets to the clients, 'offline' when stored offsets moved. */
  brokers: Array<{ brokerName: string; brokerAddr: string; mode: 'online' | 'offline' }>;
  queues: ResetQueue[];
  errors: BrokerFailure[];
}

const queueHeader = (t: BrokerTarget, topic: string, queueId: number) => ({ topic, queueId, bname: t.brokerName || undefined });

export async function maxOffset(core: AdminCore, t: BrokerTarget, topic: string, queueId: number): Promise<number> {
  const res = await core.call(t.brokerAddr, RequestCode.GET_MAX_OFFSET, queueHeader(t, topic, queueId), { spec: GetMaxOffsetRequestHeader });
  return decodeHeader(GetMaxOffsetResponseHeader, res.extFields).offset;
}

export async function minOffset(core: AdminCore, t: BrokerTarget, topic: string, queueId: number): Promise<number> {
  const res = await core.call(t.brokerAddr, RequestCode.GET_MIN_OFFSET, queueHeader(t, topic, queueId), { spec: GetMinOffsetRequestHeader });
  return decodeHeader(GetMinOffsetResponseHeader, res.extFields).offset;
}

export async function searchOffset(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, timestamp: number): Promise<number> {
  const res = await core.call(t.brokerAddr, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { ...queueHeader(t, topic, queueId), timestamp }, { spec: SearchOffsetRequestHeader });
  return decodeHeader(SearchOffsetResponseHeader, res.extFields).offset;
}

/** UPDATE_CONSUMER_OFFSET as a request with an answer (what mqadmin sends; consumers send it oneway). */
export async function updateConsumerOffset(core: AdminCore, t: BrokerTarget, group: string, topic: string, queueId: number, offset: number): Promise<void> {
  await core.call(t.brokerAddr, RequestCode.UPDATE_CONSUMER_OFFSET,
    { consumerGroup: group, ...queueHeader(t, topic, queueId), commitOffset: offset }, { spec: UpdateConsumerOffsetRequestHeader });
}

function offsetAt(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, point: ResetPoint): Promise<number> {
  if (point === 'latest') return maxOffset(core, t, topic, queueId);
  if (point === 'earliest') return minOffset(core, t, topic, queueId);
  return searchOffset(core, t, topic, queueId, point.timestamp);
}

/**
 * The offline reset of one broker group (resetOffsetByTimestampOld): the group's queues of the topic from
 * GET_CONSUME_STATS (or all the topic's queues when it never consumed there), each moved to the offset for the time.
 */
async function resetOffline(
  core: AdminCore, t: BrokerTarget, group: string, topic: string, point: ResetPoint, force: boolean, onlyIfNeverConsumed?: unknown,
): Promise<ResetQueue[]> {
  const stats = decodeConsumeStats((await core.call(t.brokerAddr, RequestCode.GET_CONSUME_STATS, { consumerGroup: group },
    { spec: GetConsumeStatsRequestHeader, timeoutMs: core.timeoutMs * 3 })).body);
  let queues = stats.offsetTable
    .filter(([mq]) => mq.topic === topic)
    .map(([mq, o]) => ({ brokerName: mq.brokerName || t.brokerName, queueId: mq.queueId, brokerOffset: o.brokerOffset, consumerOffset: o.consumerOffset }));
  if (queues.length > 0 && onlyIfNeverConsumed !== undefined) throw onlyIfNeverConsumed;
  if (queues.length === 0) {
    const ts = decodeTopicStatsTable((await core.call(t.brokerAddr, RequestCode.GET_TOPIC_STATS_INFO, { topic }, { spec: GetTopicStatsInfoRequestHeader })).body);
    queues = ts.offsetTable.map(([mq, o]) => ({ brokerName: mq.brokerName || t.brokerName, queueId: mq.queueId, brokerOffset: o.maxOffset, consumerOffset: o.minOffset }));
  }
  const out: ResetQueue[] = [];
  for (const q of queues) {
    const timestampOffset = await offsetAt(core, t, topic, q.queueId, point);
    let resetOffset = q.consumerOffset;
    if (force || timestampOffset <= q.consumerOffset) {
      resetOffset = timestampOffset;
      await updateConsumerOffset(core, t, group, topic, q.queueId, resetOffset);
    }
    out.push({ topic, brokerName: q.brokerName, queueId: q.queueId, resetOffset, brokerOffset: q.brokerOffset, consumerOffset: q.consumerOffset, timestampOffset });
  }
  return out;
}

/**
 * resetOffsetByTime: per broker group of the topic, INVOKE_BROKER_TO_RESET_OFFSET first; when the broker says the
 * group is not online (CONSUMER_NOT_ONLINE) its stored offsets are moved instead.
 */
export async function resetOffsetByTime(core: AdminCore, opts: { group: string; topic: string; point: ResetPoint; force?: boolean }): Promise<ResetOffsetResult> {
  const { group, topic, point } = opts;
  const force = opts.force ?? true;
  const timestamp = resetPointTimestamp(point);
  const route = await getTopicRoute(core, topic);
  const fan = await core.fanout(routeTargets(route), async (t) => {
    try {
      const res = await core.call(t.brokerAddr, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET,
        { topic, group, timestamp, isForce: force }, { spec: ResetOffsetRequestHeader });
      const table = res.body?.length ? decodeResetOffsetBody(res.body).offsetTable : [];
      return { mode: 'online' as const, queues: table.map(([mq, offset]) => ({ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, resetOffset: offset })) };
    } catch (err) {
      if (hasCode(err, ResponseCode.CONSUMER_NOT_ONLINE)) return { mode: 'offline' as const, queues: await resetOffline(core, t, group, topic, point, force) };
      // a 4.9.x broker refuses (SYSTEM_ERROR) when the group has no offset on the topic yet; mqadmin's offline path
      // then starts the group from the topic's queues, and so do we
      if (hasCode(err, ResponseCode.SYSTEM_ERROR)) return { mode: 'offline' as const, queues: await resetOffline(core, t, group, topic, point, force, err) };
      throw err;
    }
  }, { deadlineMs: 0 }); // a reset is a change: waited for as long as its requests may take
  return {
    group, topic, timestamp,
    brokers: fan.results.map((r) => ({ brokerName: r.target.brokerName, brokerAddr: r.target.brokerAddr, mode: r.value.mode })),
    queues: fan.results.flatMap((r) => r.value.queues).sort((a, b) => cmp(a.brokerName, b.brokerName) || a.queueId - b.queueId),
    errors: fan.errors,
  };
}

export interface QueueOffsetReset {
  brokerName: string;
  queueId: number;
  /** The target offset; absent: the offset found for `point`. */
  offset?: number;
}

export interface ResetQueuesResult {
  group: string;
  topic: string;
  queues: ResetQueue[];
  errors: BrokerFailure[];
  /** Online clients that could not be told (brokers before 5.0 cannot push one queue's offset). */
  warnings: BrokerFailure[];
}

/**
 * Sets chosen queues of a group to given offsets (resetOffsetByQueueId): the stored offset moves on the master,
 * then a 5.x broker is asked to push it to online clients.
 */
export async function resetQueueOffsets(core: AdminCore, opts: { group: string; topic: string; queues: QueueOffsetReset[]; point?: ResetPoint }): Promise<ResetQueuesResult> {
  const { group, topic } = opts;
  const route = await getTopicRoute(core, topic);
  const targets = new Map(routeTargets(route).map((t) => [t.brokerName, t]));
  const out: ResetQueuesResult = { group, topic, queues: [], errors: [], warnings: [] };
  const versions = new Map<string, number>();
  for (const q of opts.queues) {
    const t = targets.get(q.brokerName);
    if (!t) {
      out.errors.push({ brokerName: q.brokerName, brokerAddr: '', error: `broker '${q.brokerName}' is not on the route of topic '${topic}'` });
      continue;
    }
    try {
      const offset = q.offset ?? (await offsetAt(core, t, topic, q.queueId, opts.point ?? 'latest'));
      await updateConsumerOffset(core, t, group, topic, q.queueId, offset);
      out.queues.push({ topic, brokerName: q.brokerName, queueId: q.queueId, resetOffset: offset });
      if (!versions.has(t.brokerAddr)) versions.set(t.brokerAddr, Number((await fetchRuntimeInfo(core, t.brokerAddr)).brokerVersion ?? 0));
      if (versions.get(t.brokerAddr)! >= MQVersion.V5_0_0) {
        await core.call(t.brokerAddr, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET,
          { topic, group, timestamp: 0, isForce: true, queueId: q.queueId, offset }, { spec: ResetOffsetRequestHeader, okCodes: [ResponseCode.CONSUMER_NOT_ONLINE] });
      } else if (!out.warnings.some((w) => w.brokerAddr === t.brokerAddr)) {
        out.warnings.push({ brokerName: t.brokerName, brokerAddr: t.brokerAddr, error: 'stored offset moved; online clients are not told by brokers before 5.0 and may commit over it' });
      }
    } catch (err) {
      out.errors.push(brokerFailure(t.brokerName, t.brokerAddr, err));
    }
  }
  if (out.queues.length === 0 && out.errors.length > 0 && opts.queues.length > 0) {
    throw new AdminError(`no queue was reset: ${out.errors.map((e) => `${e.brokerName || e.brokerAddr}: ${e.error}`).join('; ')}`);
  }
  return out;
}
