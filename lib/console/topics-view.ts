// Topics for the pages: the searchable, sortable list (placements from each broker's topic config, TPS from the
// collector) and one topic's route, queue status and consuming groups with their lag on it.

import {
  mapBounded, type AdminClient, type ProducerConnectionResult, type TopicBrokerMapResult, type TopicKind, type TopicProducersResult,
} from '../admin/index.ts';
import { createLogger } from '../common/log.ts';
import type { GroupStat } from './collect.ts';
import { describe as describeError } from './errors.ts';
import type { ProducerLookup, TopicConsumer, TopicDetailResponse, TopicListItem, TopicListResponse, TopicProducerGroup } from './api-types.ts';
import type { RequestContext } from './context.ts';
import { lagSecondsOf, positionTimes } from './groups-view.ts';
import { bad } from './http.ts';
import { matches, pageQuery, sortAndPage } from './paging.ts';
import { attributesOf, messageTypeOf } from './topic-attributes.ts';

const KINDS: readonly TopicKind[] = ['NORMAL', 'RETRY', 'DLQ', 'SYSTEM', 'LMQ'];
const inflight = new WeakMap<AdminClient, Promise<TopicBrokerMapResult>>();

function sharedTopicMap(admin: AdminClient): Promise<TopicBrokerMapResult> {
  let p = inflight.get(admin);
  if (!p) {
    p = admin.topicBrokerMap().finally(() => inflight.delete(admin));
    inflight.set(admin, p);
  }
  return p;
}

const log = createLogger('console');

/**
 * Producer connections per topic from every master (one GET_TOPIC_PRODUCERS each, shared by concurrent requests);
 * null when they cannot be asked: the pages then show "n/a" and never fail for it.
 */
async function topicProducersOf(admin: AdminClient, topic?: string): Promise<TopicProducersResult | null> {
  try {
    return await admin.shared(`topicProducers ${topic ?? ''}`, () => admin.topicProducers(topic === undefined ? {} : { topic }));
  } catch (err) {
    log.warn('topic_producers_failed', { topic, error: err });
    return null;
  }
}

/** topic -> producer groups sending to it; undefined when no broker can tell (Apache RocketMQ). */
function producerGroupsPerTopic(r: TopicProducersResult | null): Map<string, Set<string>> | undefined {
  if (!r?.supported) return undefined;
  const out = new Map<string, Set<string>>();
  for (const p of r.producers) {
    const set = out.get(p.topic) ?? new Set<string>();
    set.add(p.producerGroup);
    out.set(p.topic, set);
  }
  return out;
}

export async function topicListPage(ctx: RequestContext, url: URL): Promise<TopicListResponse> {
  const q = pageQuery(url, ['name', 'tps', 'queues']);
  const includeSystem = url.searchParams.get('system') === '1';
  const kindParam = url.searchParams.get('kind');
  let kinds: Set<string> | undefined;
  if (kindParam) {
    kinds = new Set(kindParam.split(',').map((k) => k.trim().toUpperCase()).filter(Boolean));
    for (const k of kinds) if (!KINDS.includes(k as TopicKind)) throw bad('kind', `must be among ${KINDS.join(', ')}`);
  }
  const [map, producerRows] = await Promise.all([sharedTopicMap(ctx.admin), topicProducersOf(ctx.admin)]);
  const producing = producerGroupsPerTopic(producerRows);
  const snap = ctx.collector.latest(ctx.cluster.name);
  const consuming = snap ? consumingGroups(snap.groups.values()) : undefined;
  const rows: TopicListItem[] = map.topics
    .filter((t) => (kinds ? kinds.has(t.kind) : includeSystem || !t.system) && matches(q, t.topic))
    .map((t) => {
      const s = snap?.topics.get(t.topic);
      return {
        ...t,
        readQueueNums: t.brokers.reduce((n, b) => n + b.readQueueNums, 0),
        writeQueueNums: t.brokers.reduce((n, b) => n + b.writeQueueNums, 0),
        tps: s?.tps ?? null,
        messages: s ? s.messages : null,
        consumerGroups: consuming ? (consuming.get(t.topic)?.size ?? 0) : null,
        producers: producing ? (producing.get(t.topic)?.size ?? 0) : null,
        messageType: messageTypeOf(t.brokers),
      };
    });
  const page = sortAndPage(rows, q, (r, key) => (key === 'tps' ? r.tps : key === 'queues' ? r.writeQueueNums : r.topic), (r) => r.topic);
  return { items: page.items, total: page.total, page: q.page, pageSize: q.pageSize, errors: map.errors };
}

/** topic -> groups holding offsets on it or subscribing to it, from the collector's group data. */
export function consumingGroups(groups: Iterable<GroupStat>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (topic: string, group: string) => {
    const set = out.get(topic) ?? new Set<string>();
    set.add(group);
    out.set(topic, set);
  };
  for (const g of groups) {
    for (const t of g.perTopic) add(t.topic, g.group);
    for (const t of g.members?.topics ?? []) add(t, g.group);
  }
  return out;
}

/** Connections of one producer group; null and the brokers' answers when none is connected or none could be asked. */
async function producersOf(admin: AdminClient, group: string, topic: string): Promise<{ producers: ProducerConnectionResult | null; producersError?: string }> {
  try {
    return { producers: await admin.producerConnection(group, topic) };
  } catch (err) {
    return { producers: null, producersError: describeError(err) };
  }
}

export async function topicDetail(ctx: RequestContext, topic: string, producerGroup?: string): Promise<TopicDetailResponse> {
  const { admin } = ctx;
  const route = await admin.topicRoute(topic);
  const [status, who, producers, producerRows, timers, map] = await Promise.all([
    admin.topicStatus(topic),
    admin.topicConsumers(topic),
    producerGroup ? producersOf(admin, producerGroup, topic) : undefined,
    topicProducersOf(admin, topic),
    admin.timerMetrics().catch(() => undefined),
    sharedTopicMap(admin).catch(() => undefined),
  ]);
  const placements = map?.topics.find((t) => t.topic === topic)?.brokers ?? [];
  const newest = new Map(status.queues.map((q) => [`${topic} ${q.brokerName} ${q.queueId}`, q.lastUpdateTimestamp]));
  const snap = ctx.collector.latest(ctx.cluster.name);
  const settled = await mapBounded(who.groups, async (g) => {
    const progress = await admin.consumerProgress(g, { topic });
    return { progress, positions: await positionTimes(admin, progress.queues) };
  }, { limit: 8 });
  const consumers: TopicConsumer[] = who.groups.map((group, i) => {
    const s = settled[i]!;
    const rates = snap?.groups.get(group)?.perTopic.filter((t) => t.topic === topic).map((t) => t.tps);
    const tps = rates?.length && rates.every((r) => r !== null) ? rates.reduce((a, b) => a! + b!, 0)! : s.ok ? s.value.progress.consumeTps : 0;
    if (!s.ok) return { group, lagMessages: 0, lagSeconds: null, tps, error: describeError(s.error) };
    return { group, lagMessages: s.value.progress.diffTotal, lagSeconds: lagSecondsOf(s.value.progress.queues, newest, s.value.positions), tps };
  });
  const lookup = producers && { ...producers, producers: producers.producers && withSendTps(producers.producers, producerRows) };
  return {
    topic, route, status, consumers, producerGroups: groupedProducers(producerRows), ...lookup,
    pendingTimers: timers?.supported ? (timers.pending[topic] ?? 0) : null,
    messageType: messageTypeOf(placements),
    attributes: attributesOf(placements),
    errors: [...status.errors, ...who.errors, ...(producerRows?.errors ?? [])],
  };
}

/**
 * A producer group's connections (GET_PRODUCER_CONNECTION_LIST) with each one's send TPS to this topic, summed over
 * the masters that saw it send (GET_TOPIC_PRODUCERS, matched by client address); null when no broker can tell.
 */
function withSendTps(pc: ProducerConnectionResult, rows: TopicProducersResult | null): ProducerLookup {
  const tps = new Map<string, number>();
  for (const r of rows?.supported ? rows.producers : []) {
    if (r.producerGroup === pc.group) tps.set(r.clientAddr, (tps.get(r.clientAddr) ?? 0) + r.sendTps);
  }
  return { ...pc, connections: pc.connections.map((c) => ({ ...c, sendTps: rows?.supported ? (tps.get(c.clientAddr) ?? 0) : null })) };
}

/** Connections per producer group (groups by name); null when no broker can tell. */
function groupedProducers(r: TopicProducersResult | null): TopicProducerGroup[] | null {
  if (!r?.supported) return null;
  const byGroup = new Map<string, TopicProducerGroup>();
  for (const c of r.producers) {
    let g = byGroup.get(c.producerGroup);
    if (!g) {
      g = { producerGroup: c.producerGroup, connections: [] };
      byGroup.set(c.producerGroup, g);
    }
    g.connections.push(c);
  }
  return [...byGroup.values()].sort((a, b) => (a.producerGroup < b.producerGroup ? -1 : a.producerGroup > b.producerGroup ? 1 : 0));
}
