// Topic reads: topic list (system topics marked), topic-to-broker map, route, per-queue status, consumer groups.

import { RequestCode } from '../protocol/codes.ts';
import { isDLQTopic, isRetryTopic, isLmqTopic } from '../protocol/constants.ts';
import { systemTopicKind, type ClusterNames, type SystemKind } from './system-kinds.ts';
import { GetTopicStatsInfoRequestHeader, QueryTopicConsumeByWhoRequestHeader } from '../protocol/headers.ts';
import {
  decodeGroupList, decodeTopicConfigSerializeWrapper, decodeTopicList, decodeTopicStatsTable,
} from '../protocol/bodies/index.ts';
import type { BrokerFailure } from './errors.ts';
import type { AdminCore } from './core.ts';
import { cmp, getClusterInfo, getTopicRoute, routeTargets, selectBrokerTarget, type ClusterView, type TopicRoute } from './route.ts';

export type TopicKind = 'NORMAL' | 'RETRY' | 'DLQ' | 'SYSTEM' | 'LMQ';

export interface TopicEntry {
  topic: string;
  kind: TopicKind;
  /**
   * RocketMQ's system topics (5.3's TopicValidator, `rmq_sys_*`, the proxies' heartbeat syncer topic), cluster and broker
   * names (brokers register those as topics), and the retry and dead-letter topics of system groups.
   */
  system: boolean;
  /** What a system topic is for (timer wheel, revive log, transaction, trace, heartbeat sync, ...). */
  systemKind?: SystemKind;
}

export function classifyTopic(topic: string, names?: ClusterNames): TopicEntry {
  const systemKind = systemTopicKind(topic, names);
  const sys = systemKind ? { system: true, systemKind } : { system: false };
  if (isRetryTopic(topic)) return { topic, kind: 'RETRY', ...sys };
  if (isDLQTopic(topic)) return { topic, kind: 'DLQ', ...sys };
  if (isLmqTopic(topic)) return { topic, kind: 'LMQ', ...sys };
  return { topic, kind: systemKind ? 'SYSTEM' : 'NORMAL', ...sys };
}

/** Names brokers register as topics for themselves: cluster names (and so each cluster's reply topic) and broker names. */
export const systemNamesOf = (view: ClusterView): ClusterNames => ({
  clusters: Object.keys(view.clusters),
  brokers: view.brokers.map((b) => b.brokerName),
});

export interface TopicListResult {
  topics: TopicEntry[];
}

/** GET_ALL_TOPIC_LIST_FROM_NAMESERVER, sorted, each topic classified. */
export async function topicList(core: AdminCore): Promise<TopicListResult> {
  const [listRes, view] = await Promise.all([
    core.callNamesrv(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER),
    getClusterInfo(core).catch((err: unknown) => {
      core.logger.warn('cluster_info_unavailable', { error: err });
      return undefined;
    }),
  ]);
  const extra = view ? systemNamesOf(view) : undefined;
  const topics = [...new Set(decodeTopicList(listRes.body).topicList)].sort(cmp).map((t) => classifyTopic(t, extra));
  return { topics };
}

/** Where a topic lives on one broker group. */
export interface TopicPlacement {
  clusterName: string;
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  order: boolean;
  /** 5.x topic attributes (`message.type`, ...); absent from 4.x brokers. */
  attributes?: Record<string, string>;
}

export interface TopicBrokerMapResult {
  topics: Array<TopicEntry & { brokers: TopicPlacement[] }>;
  errors: BrokerFailure[];
}

/** Topic names in one broker's topic config (GET_ALL_TOPIC_CONFIG), sorted. */
export async function brokerTopicNames(core: AdminCore, brokerAddr: string): Promise<string[]> {
  return [...decodeTopicConfigSerializeWrapper((await core.call(brokerAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body).topicConfigTable.keys()].sort(cmp);
}

/**
 * Topic -> broker groups with queue counts and perm, from one GET_ALL_TOPIC_CONFIG per broker group instead of one
 * route lookup per topic.
 */
export async function topicBrokerMap(core: AdminCore): Promise<TopicBrokerMapResult> {
  const view = await getClusterInfo(core);
  const targets = view.brokers.map(selectBrokerTarget).filter((t) => t !== undefined);
  const fan = await core.fanout(targets, async (t) => decodeTopicConfigSerializeWrapper((await core.call(t.brokerAddr, RequestCode.GET_ALL_TOPIC_CONFIG)).body),
    { keep: 'topicBrokerMap' });
  const byTopic = new Map<string, TopicPlacement[]>();
  for (const { target, value } of fan.results) {
    for (const [name, c] of value.topicConfigTable) {
      const list = byTopic.get(name) ?? [];
      list.push({
        clusterName: target.clusterName, brokerName: target.brokerName,
        readQueueNums: c.readQueueNums, writeQueueNums: c.writeQueueNums, perm: c.perm, order: c.order,
        ...(c.attributes ? { attributes: Object.fromEntries(c.attributes) } : {}),
      });
      byTopic.set(name, list);
    }
  }
  const extra = systemNamesOf(view);
  const topics = [...byTopic].sort((a, b) => cmp(a[0], b[0])).map(([topic, brokers]) => ({
    ...classifyTopic(topic, extra),
    brokers: brokers.sort((a, b) => cmp(a.brokerName, b.brokerName)),
  }));
  return { topics, errors: fan.errors };
}

export async function topicRoute(core: AdminCore, topic: string): Promise<TopicRoute> {
  return getTopicRoute(core, topic);
}

export interface QueueStatus {
  brokerName: string;
  queueId: number;
  minOffset: number;
  maxOffset: number;
  /** Store time of the last message in the queue, 0 when empty. */
  lastUpdateTimestamp: number;
}

export interface TopicStatusResult {
  topic: string;
  queues: QueueStatus[];
  /** Messages in the queues now (sum of maxOffset - minOffset). */
  totalMessages: number;
  /** 5.x brokers only */
  topicPutTps?: number;
  errors: BrokerFailure[];
}

/** GET_TOPIC_STATS_INFO from each broker group on the topic's route. */
export async function topicStatus(core: AdminCore, topic: string): Promise<TopicStatusResult> {
  const route = await getTopicRoute(core, topic);
  const fan = await core.fanout(routeTargets(route), async (t) =>
    decodeTopicStatsTable((await core.call(t.brokerAddr, RequestCode.GET_TOPIC_STATS_INFO, { topic }, { spec: GetTopicStatsInfoRequestHeader })).body));
  const queues: QueueStatus[] = [];
  let tps: number | undefined;
  for (const { value } of fan.results) {
    for (const [mq, o] of value.offsetTable) {
      queues.push({ brokerName: mq.brokerName, queueId: mq.queueId, minOffset: o.minOffset, maxOffset: o.maxOffset, lastUpdateTimestamp: o.lastUpdateTimestamp });
    }
    if (value.topicPutTps !== undefined) tps = (tps ?? 0) + value.topicPutTps;
  }
  queues.sort((a, b) => cmp(a.brokerName, b.brokerName) || a.queueId - b.queueId);
  const out: TopicStatusResult = {
    topic, queues, totalMessages: queues.reduce((n, q) => n + Math.max(0, q.maxOffset - q.minOffset), 0), errors: fan.errors,
  };
  if (tps !== undefined) out.topicPutTps = tps;
  return out;
}

/** QUERY_TOPIC_CONSUME_BY_WHO on every broker group of the route: groups with offsets for the topic. */
export async function topicConsumers(core: AdminCore, topic: string): Promise<{ topic: string; groups: string[]; errors: BrokerFailure[] }> {
  const route = await getTopicRoute(core, topic);
  const fan = await core.fanout(routeTargets(route), async (t) =>
    decodeGroupList((await core.call(t.brokerAddr, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic }, { spec: QueryTopicConsumeByWhoRequestHeader })).body));
  const groups = [...new Set(fan.results.flatMap((r) => r.value.groupList))].sort(cmp);
  return { topic, groups, errors: fan.errors };
}
