// Per-broker figures the console's collector and pages read beside the merged answers: one broker's queues of a
// topic, a group's online members, the store time at a queue offset, and each nameserver's latency and live table.
// Every read of a broker runs under the per-broker deadline (AdminCore.within).

import { RequestCode, ResponseCode, RocketDeckRequestCode } from '../protocol/codes.ts';
import { MixAll } from '../protocol/constants.ts';
import { GetConsumerConnectionListRequestHeader, GetTopicStatsInfoRequestHeader, PullMessageRequestHeader } from '../protocol/headers.ts';
import { decodeMessages } from '../protocol/message.ts';
import { decodeConsumerConnection, decodeTopicStatsTable } from '../protocol/bodies/index.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { describeError, hasCode } from './errors.ts';
import { getClusterInfoFrom } from './route.ts';

/** One queue of a topic on one broker. */
export interface QueueOffsets {
  queueId: number;
  minOffset: number;
  maxOffset: number;
  /** Store time of the newest message, 0 when empty. */
  lastUpdateTimestamp: number;
}

/** GET_TOPIC_STATS_INFO of one topic on one broker, queues by id. */
export async function brokerTopicQueues(core: AdminCore, t: BrokerTarget, topic: string, deadlineMs?: number): Promise<QueueOffsets[]> {
  return core.within(t, async () => {
    const res = await core.call(t.brokerAddr, RequestCode.GET_TOPIC_STATS_INFO, { topic }, { spec: GetTopicStatsInfoRequestHeader });
    return decodeTopicStatsTable(res.body).offsetTable
      .map(([mq, o]) => ({ queueId: mq.queueId, minOffset: o.minOffset, maxOffset: o.maxOffset, lastUpdateTimestamp: o.lastUpdateTimestamp }))
      .sort((a, b) => a.queueId - b.queueId);
  }, deadlineMs);
}

export interface GroupMembers {
  clientIds: string[];
  clientAddrs: string[];
  /** Topics the members subscribe to. */
  topics?: string[];
  messageModel?: string;
  consumeType?: string;
}

/**
 * Online members of a group from the first of `targets` that knows it (consumers heartbeat every broker they read
 * from). A group no broker knows online has no members; undefined when no broker could be asked.
 */
export async function groupMembers(core: AdminCore, targets: readonly BrokerTarget[], group: string, deadlineMs?: number): Promise<GroupMembers | undefined> {
  let asked = false;
  for (const t of targets) {
    try {
      const cc = await core.within(t, async () =>
        decodeConsumerConnection((await core.call(t.brokerAddr, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }, { spec: GetConsumerConnectionListRequestHeader })).body), deadlineMs);
      asked = true;
      if (cc.connectionSet.length === 0) continue;
      const conns = [...cc.connectionSet].sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
      const out: GroupMembers = { clientIds: conns.map((c) => c.clientId), clientAddrs: conns.map((c) => c.clientAddr), topics: [...cc.subscriptionTable.keys()].sort() };
      if (cc.messageModel) out.messageModel = cc.messageModel;
      if (cc.consumeType) out.consumeType = cc.consumeType;
      return out;
    } catch (err) {
      if (hasCode(err, ResponseCode.CONSUMER_NOT_ONLINE)) asked = true;
    }
  }
  return asked ? { clientIds: [], clientAddrs: [] } : undefined;
}

/** PullSysFlag.FLAG_SUBSCRIPTION: the subscription travels with the request (the tools group has none registered). */
const FLAG_SUBSCRIPTION = 0x4;

/**
 * Store time of the message at `offset` of a queue (one PULL_MESSAGE as the tools group, as rocketmq-exporter
 * does for a group's position); undefined when the queue has no message there.
 */
export async function storeTimeAt(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, offset: number, deadlineMs?: number): Promise<number | undefined> {
  return core.within(t, async () => {
    const res = await core.call(t.brokerAddr, RequestCode.PULL_MESSAGE, {
      consumerGroup: MixAll.TOOLS_CONSUMER_GROUP, topic, queueId, queueOffset: offset, maxMsgNums: 1, sysFlag: FLAG_SUBSCRIPTION,
      commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG', bname: t.brokerName || undefined,
    }, { spec: PullMessageRequestHeader, okCodes: [ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_OFFSET_MOVED] });
    if (res.code !== ResponseCode.SUCCESS || !res.body?.length) return undefined;
    return decodeMessages(res.body)[0]?.storeTimestamp;
  }, deadlineMs);
}

/** One row of a nameserver's live-broker table (GET_BROKER_LIVE_INFO, a RocketDeck extension). */
export interface BrokerLiveInfo {
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  clusterName: string;
  /** Epoch ms of the broker's last registration (its heartbeat) at this nameserver. */
  lastUpdateTimestamp: number;
}

/**
 * The live-broker table of one nameserver, or null when it does not know GET_BROKER_LIVE_INFO (Apache RocketMQ
 * answers REQUEST_CODE_NOT_SUPPORTED): then only "listed / not listed" can be told.
 */
export async function brokerLiveInfo(core: AdminCore, namesrvAddr: string): Promise<BrokerLiveInfo[] | null> {
  try {
    const res = await core.call(namesrvAddr, RocketDeckRequestCode.GET_BROKER_LIVE_INFO);
    const body: unknown = JSON.parse(res.body?.toString('utf8') ?? '{}');
    const brokers = (body as { brokers?: unknown }).brokers;
    return Array.isArray(brokers) ? (brokers as BrokerLiveInfo[]) : [];
  } catch (err) {
    if (hasCode(err, ResponseCode.REQUEST_CODE_NOT_SUPPORTED)) return null;
    throw err;
  }
}

/** How one nameserver answered GET_BROKER_CLUSTER_INFO, and its live table when it has one. */
export interface NamesrvProbeResult {
  namesrvAddr: string;
  reachable: boolean;
  latencyMs: number | null;
  /** null: the nameserver does not know GET_BROKER_LIVE_INFO, or could not be asked. */
  live: BrokerLiveInfo[] | null;
  error?: string;
}

/** Every nameserver asked at once: latency of its cluster info and (a nicety) its heartbeat table. */
export async function probeNamesrvs(core: AdminCore): Promise<NamesrvProbeResult[]> {
  const answers = await core.eachNamesrv(async (addr) => {
    const t0 = performance.now();
    await getClusterInfoFrom(core, addr);
    const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
    // heartbeat times are a nicety: a failure falls back to listed / not listed
    const live = await brokerLiveInfo(core, addr).catch(() => null);
    return { latencyMs, live };
  });
  return answers.map((a): NamesrvProbeResult => a.ok
    ? { namesrvAddr: a.namesrvAddr, reachable: true, latencyMs: a.value.latencyMs, live: a.value.live }
    : { namesrvAddr: a.namesrvAddr, reachable: false, latencyMs: null, live: null, error: describeError(a.error) });
}
