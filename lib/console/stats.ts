// Per-broker reads the collector and the reset preview need beyond AdminClient's merged answers: one broker's topic
// stats, every group's per-queue offsets on a broker, a group's online members, and the offset for a store time.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MixAll } from '../protocol/constants.ts';
import {
  GetConsumeStatsRequestHeader, GetConsumerConnectionListRequestHeader, GetTopicStatsInfoRequestHeader,
  PullMessageRequestHeader, SearchOffsetRequestHeader, SearchOffsetResponseHeader, decodeHeader,
} from '../protocol/headers.ts';
import { decodeMessages } from '../protocol/message.ts';
import {
  decodeConsumeStats, decodeConsumerConnection, decodeTopicStatsTable,
  type ConsumeStats, type TopicStatsTable,
} from '../protocol/bodies/index.ts';
import { brokerConsumeStats, brokerSubscriptionGroups, mapBounded, type AdminCore, type BrokerTarget } from '../admin/index.ts';
import { describe as describeError, hasCodeOf as hasCode } from './errors.ts';

/** GET_TOPIC_STATS_INFO of one topic on one broker. */
export async function brokerTopicStats(core: AdminCore, t: BrokerTarget, topic: string): Promise<TopicStatsTable> {
  const res = await core.call(t.brokerAddr, RequestCode.GET_TOPIC_STATS_INFO, { topic }, { spec: GetTopicStatsInfoRequestHeader });
  return decodeTopicStatsTable(res.body);
}

export interface BrokerGroupStats {
  /** Groups with a subscription config on the broker. */
  configured: string[];
  /** group -> ConsumeStats per topic (or one for all topics on the fallback path) */
  stats: Map<string, ConsumeStats[]>;
  /** Groups whose stats could not be read (fallback path), with why. */
  failed: Array<{ group: string; error: string }>;
}

/**
 * Every group's per-queue offsets on one broker: GET_ALL_SUBSCRIPTIONGROUP_CONFIG and GET_BROKER_CONSUME_STATS;
 * a broker without the latter is asked GET_CONSUME_STATS per group (bounded).
 */
export async function brokerGroupStats(core: AdminCore, t: BrokerTarget, concurrency = core.concurrency): Promise<BrokerGroupStats> {
  // shared with list requests asking the same broker at the same moment (one call, one decode)
  const [subRes, statsRes] = await Promise.allSettled([brokerSubscriptionGroups(core, t.brokerAddr), brokerConsumeStats(core, t.brokerAddr)]);
  if (subRes.status === 'rejected') throw subRes.reason;
  const configured = [...subRes.value.value.subscriptionGroupTable.keys()];
  const out: BrokerGroupStats = { configured, stats: new Map(), failed: [] };
  if (statsRes.status === 'fulfilled') {
    for (const entry of statsRes.value.value.consumeStatsList) {
      for (const [group, list] of entry) out.stats.set(group, [...(out.stats.get(group) ?? []), ...list]);
    }
    return out;
  }
  if (!hasCode(statsRes.reason, ResponseCode.REQUEST_CODE_NOT_SUPPORTED)) throw statsRes.reason;
  const settled = await mapBounded(configured, async (group) => decodeConsumeStats((await core.call(t.brokerAddr, RequestCode.GET_CONSUME_STATS,
    { consumerGroup: group }, { spec: GetConsumeStatsRequestHeader, timeoutMs: core.timeoutMs * 3 })).body), { limit: concurrency });
  settled.forEach((s, i) => {
    const group = configured[i]!;
    if (s.ok) {
      if (s.value.offsetTable.length) out.stats.set(group, [s.value]);
    } else out.failed.push({ group, error: describeError(s.error) });
  });
  return out;
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
export async function groupMembers(core: AdminCore, targets: BrokerTarget[], group: string): Promise<GroupMembers | undefined> {
  let asked = false;
  for (const t of targets) {
    try {
      const res = await core.call(t.brokerAddr, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }, { spec: GetConsumerConnectionListRequestHeader });
      asked = true;
      const cc = decodeConsumerConnection(res.body);
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

/** SEARCH_OFFSET_BY_TIMESTAMP: the first offset of a queue stored at or after `timestamp`. */
export async function searchOffset(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, timestamp: number): Promise<number> {
  const res = await core.call(t.brokerAddr, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
    { topic, queueId, timestamp, bname: t.brokerName || undefined }, { spec: SearchOffsetRequestHeader });
  return decodeHeader(SearchOffsetResponseHeader, res.extFields).offset;
}

/** PullSysFlag.FLAG_SUBSCRIPTION: the subscription travels with the request (the tools group has none registered). */
const FLAG_SUBSCRIPTION = 0x4;

/**
 * Store time of the message at `offset` of a queue (one PULL_MESSAGE as the tools group, as rocketmq-exporter
 * does for a group's position); undefined when the queue has no message there.
 */
export async function storeTimeAt(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, offset: number): Promise<number | undefined> {
  const res = await core.call(t.brokerAddr, RequestCode.PULL_MESSAGE, {
    consumerGroup: MixAll.TOOLS_CONSUMER_GROUP, topic, queueId, queueOffset: offset, maxMsgNums: 1, sysFlag: FLAG_SUBSCRIPTION,
    commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG', bname: t.brokerName || undefined,
  }, { spec: PullMessageRequestHeader, okCodes: [ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_OFFSET_MOVED] });
  if (res.code !== ResponseCode.SUCCESS || !res.body?.length) return undefined;
  return decodeMessages(res.body)[0]?.storeTimestamp;
}
