// Consumer groups for the pages: the searchable, sortable list with live lag, and one group's detail (progress,
// members, queue holders, lag in time, trend, time to drain, rebalance history and flags).

import { AdminCode, consumptionModeOf, DeadlineError, mapBounded, withDeadline, type AdminClient, type RequestModeEntry, type Section, type GroupListResult, type GroupProgressResult, type QueueAssignmentResult, type ReviveInflightResult } from '../admin/index.ts';
import { describe as describeError, hasCodeOf as hasCode } from './errors.ts';
import type { GroupDetailResponse, GroupListItem, GroupListResponse } from './api-types.ts';
import { drainEstimate, groupFlags, trendOf, type GroupShape } from './analysis.ts';
import { readTarget, type GroupStat } from './collect.ts';
import type { RequestContext } from './context.ts';
import { HttpError } from './http.ts';
import { matches, pageQuery, sortAndPage } from './paging.ts';
import { assignmentOf, listRebalances, trackAssignment } from './rebalance.ts';
import { lagShapes, recentLag, seriesPoints } from './series.ts';
import { groupConsumption, proxyAddrsOf } from './v5-view.ts';
import { createLogger } from '../common/log.ts';

const log = createLogger('console.groups');

const inflight = new WeakMap<AdminClient, Promise<GroupListResult>>();

/** Concurrent list requests share one round of broker calls. */
function sharedGroupList(admin: AdminClient): Promise<GroupListResult> {
  let p = inflight.get(admin);
  if (!p) {
    p = admin.groupList({ includeSystem: true }).finally(() => inflight.delete(admin));
    inflight.set(admin, p);
  }
  return p;
}

/** Holdings per topic from the queues a group's members hold. */
function holdingsOf(queues: Array<{ topic: string; clientId: string }>): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const q of queues) {
    const m = out.get(q.topic) ?? new Map<string, number>();
    m.set(q.clientId, (m.get(q.clientId) ?? 0) + 1);
    out.set(q.topic, m);
  }
  return out;
}

function holdingsFromStored(queues: Record<string, string>): Map<string, Map<string, number>> {
  return holdingsOf(Object.entries(queues).map(([key, clientId]) => ({ topic: key.slice(0, key.indexOf(' ')), clientId })));
}

/**
 * `timings` gets how long the cluster and the shaping took and how old the lag is (`age`), ms, for a Server-Timing
 * header.
 */
export async function groupListPage(ctx: RequestContext, url: URL, now = Date.now(), timings: Record<string, number> = {}): Promise<GroupListResponse> {
  const q = pageQuery(url, ['name', 'lag', 'lagSeconds', 'tps']);
  const includeSystem = url.searchParams.get('system') === '1';
  const t0 = performance.now();
  // 5.x request modes: one GET_ALL_MESSAGE_REQUEST_MODE per master beside the list (4.x: none; a failure only hides them)
  const [list, modes] = await Promise.all([
    sharedGroupList(ctx.admin),
    ctx.admin.groupRequestModes().catch((err: unknown): Section<never[]> => ({ state: 'error', error: describeError(err) })),
  ]);
  const t1 = performance.now();
  timings.cluster = t1 - t0;
  const snap = ctx.collector.latest(ctx.cluster.name);
  const rows = list.groups
    .filter((g) => (includeSystem || !g.system) && matches(q, g.group))
    .map((g) => {
      const s: GroupStat | undefined = snap?.groups.get(g.group);
      const lagSeconds = g.diffTotal === 0 ? 0 : (s?.lagSeconds ?? null);
      return { g, s, lagSeconds, tps: s?.tps ?? g.consumeTps };
    });
  const page = sortAndPage(rows, q, (r, key) => {
    if (key === 'lag') return r.g.diffTotal;
    if (key === 'lagSeconds') return r.lagSeconds;
    if (key === 'tps') return r.tps;
    return r.g.group;
  }, (r) => r.g.group);
  const shapes = lagShapes(ctx.db, ctx.cluster.name, page.items.map((r) => ({ group: r.g.group, lag: r.g.diffTotal })), now);
  const items: GroupListItem[] = page.items.map(({ g, s, lagSeconds, tps }) => {
    const stored = ctx.collector.assignment(ctx.cluster.name, g.group);
    const shape: GroupShape = { lag: g.diffTotal };
    if (s?.members) shape.members = s.members.clientIds;
    const messageModel = g.messageModel ?? s?.members?.messageModel;
    const consumeType = g.consumeType ?? s?.members?.consumeType;
    if (messageModel) shape.messageModel = messageModel;
    if (s) {
      // queues of the subscribed topics as the brokers have them, else those the group has offsets on
      const queues = new Map(Object.entries(s.queuesPerTopic));
      for (const t of s.members?.topics ?? []) {
        const n = snap?.topics.get(t)?.brokers.reduce((sum, b) => sum + b.queues.length, 0);
        if (n) queues.set(t, n);
      }
      shape.queuesPerTopic = queues;
    }
    if (stored) shape.holdings = holdingsFromStored(stored.queues);
    if (s?.maxQueueLag) shape.maxQueueLag = s.maxQueueLag;
    const { sparkline, trend } = shapes.get(g.group)!;
    const item: GroupListItem = {
      ...g, lagMessages: g.diffTotal, lagSeconds, tps, trend, sparkline, flags: groupFlags(shape), members: s?.members ? s.members.clientIds.length : null,
    };
    // the list asks no member itself: the collector's last look tells how the group consumes
    if (messageModel) item.messageModel = messageModel;
    if (consumeType) item.consumeType = consumeType;
    return item;
  });
  const t2 = performance.now();
  await withConsumption(ctx, items, modes);
  timings.modes = performance.now() - t2;
  timings.shape = t2 - t1;
  if (list.asOf !== undefined) timings.age = Math.max(0, Date.now() - list.asOf);
  return { items, total: page.total, page: q.page, pageSize: q.pageSize, errors: list.errors, lagAsOf: list.asOf ?? null };
}

/** Page groups asked of each known proxy at most, and how long the proxies get (the list never waits longer). */
const PROXY_ASK_LIMIT = 50;
const PROXY_DEADLINE_MS = 1500;

/**
 * Each listed group's consumption mode as the detail decides it (consumptionModeOf), from what the list has: the
 * members' consume type at the collector's last look, the 5.x request modes (read once for all groups) and, for the
 * page's groups with no member on the brokers, the known proxies (ROCKETDECK_PROXY_ADDRS; bounded, under a deadline).
 */
export async function withConsumption(ctx: RequestContext, items: GroupListItem[], modes: Section<Array<RequestModeEntry & { brokerName: string }>>): Promise<void> {
  const byGroup = new Map<string, Array<RequestModeEntry & { brokerName: string }>>();
  if (modes.state === 'ok') for (const m of modes.value) byGroup.set(m.group, [...(byGroup.get(m.group) ?? []), m]);
  const proxies = proxyAddrsOf();
  const unseen = items.filter((g) => !g.system && !g.members && !g.consumeType).map((g) => g.group).slice(0, PROXY_ASK_LIMIT);
  const viaProxy = new Set<string>();
  if (proxies.length && unseen.length) {
    await Promise.all(proxies.map((addr) => withDeadline(ctx.admin.proxyClients(addr, unseen), PROXY_DEADLINE_MS,
      () => new DeadlineError(`proxy ${addr} did not answer within ${PROXY_DEADLINE_MS}ms`, addr, PROXY_DEADLINE_MS))
      // the list goes on without that proxy's members (their groups show UNKNOWN until it answers)
      .then((r) => { for (const c of r.clients) viaProxy.add(c.group); }, (err: unknown) => log.warn('group_list_proxy_failed', { proxyAddr: addr, error: err }))));
  }
  for (const g of items) {
    const requestModes = byGroup.get(g.group) ?? [];
    const { mode, reason } = consumptionModeOf({ consumeType: g.consumeType, requestModes, viaProxy: viaProxy.has(g.group) });
    g.consumptionMode = mode;
    g.consumptionReason = reason;
    const set = [...new Set(requestModes.map((m) => m.mode))];
    // the 5.x consume-mode setting: null where the brokers cannot tell (4.x) or nothing is set (PULL, 5.x's default)
    g.requestMode = modes.state !== 'ok' ? null : set.length === 0 ? 'PULL (default)' : set.length === 1 ? set[0]! : set.join(' / ');
  }
}

/** Server-Timing header value of named durations (ms). */
export const serverTiming = (t: Record<string, number>): string => Object.entries(t).map(([k, v]) => `${k};dur=${v.toFixed(1)}`).join(', ');

/** Newest message store time per "topic brokerName queueId" of the topics given. */
export async function newestTimes(admin: AdminClient, topics: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const settled = await mapBounded(topics, (t) => admin.topicStatus(t), { limit: 8 });
  settled.forEach((s, i) => {
    if (!s.ok) return;
    for (const q of s.value.queues) out.set(`${topics[i]} ${q.brokerName} ${q.queueId}`, q.lastUpdateTimestamp);
  });
  return out;
}

/**
 * Store times of the messages at the group's offset on lagging queues it never committed on (those have no
 * last-consumed time), by "topic brokerName queueId".
 */
export async function positionTimes(admin: AdminClient, queues: GroupProgressResult['queues']): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const wanted = queues.filter((q) => q.diff > 0 && q.lastTimestamp <= 0);
  if (wanted.length === 0) return out;
  const view = await admin.clusterInfo();
  const targets = new Map(view.brokers.map((g) => [g.brokerName, readTarget(g)]));
  const settled = await mapBounded(wanted, async (q) => {
    const t = targets.get(q.brokerName);
    return t ? admin.storeTimeAt(t, q.topic, q.queueId, Math.max(0, q.consumerOffset)) : undefined;
  }, { limit: 8 });
  settled.forEach((s, i) => {
    const q = wanted[i]!;
    if (s.ok && s.value !== undefined) out.set(`${q.topic} ${q.brokerName} ${q.queueId}`, s.value);
  });
  return out;
}

/** Worst queue's (newest store time - position store time) in seconds; 0 with no lag, null when no queue can tell. */
export function lagSecondsOf(queues: GroupProgressResult['queues'], newest: Map<string, number>, positions: Map<string, number> = new Map()): number | null {
  let worst: number | null = null;
  let lag = 0;
  for (const q of queues) {
    if (q.diff <= 0) continue;
    lag += q.diff;
    const key = `${q.topic} ${q.brokerName} ${q.queueId}`;
    const top = newest.get(key);
    const at = q.lastTimestamp > 0 ? q.lastTimestamp : positions.get(key);
    if (top && at) worst = Math.max(worst ?? 0, Math.max(0, top - at));
  }
  if (lag === 0) return 0;
  return worst === null ? null : Math.round(worst / 100) / 10;
}

/** The derived in-flight figures on the group's queues (0 where none is in flight), as RocketDeck brokers report them. */
export function withDerivedInflight(progress: GroupProgressResult, r: ReviveInflightResult): void {
  const by = new Map(r.queues.map((q) => [`${q.topic} ${q.brokerName} ${q.queueId}`, q.inflight]));
  for (const q of progress.queues) q.popInflight = by.get(`${q.topic} ${q.brokerName} ${q.queueId}`) ?? 0;
}

export async function groupDetail(ctx: RequestContext, group: string, now = Date.now()): Promise<GroupDetailResponse> {
  const { admin, db, cluster, collector } = ctx;
  const [progress, assignment, connection] = await Promise.all([
    admin.consumerProgress(group),
    admin.queueAssignment(group).catch((err: unknown): QueueAssignmentResult => ({ group, queues: [], clientErrors: [{ clientId: '', error: describeError(err) }] })),
    admin.consumerConnection(group).then((c) => ({ c, err: undefined }), (err: unknown) => ({ c: null, err })),
  ]);
  const s = collector.latest(cluster.name)?.groups.get(group);
  if (progress.queues.length === 0 && !connection.c && !s) {
    const all = await admin.groupList({ includeSystem: true });
    if (!all.groups.some((g) => g.group === group)) throw new HttpError(404, `group: no broker knows consumer group '${group}'`, 'group');
  }
  // POP figures (5.x stats items for receive/ack, the group's retry and dead-letter topics), read beside the rest
  const popTopics = [...new Set([...progress.queues.map((q) => q.topic), ...(connection.c?.subscriptions ?? []).map((x) => x.topic)])];
  const popStatsRead = admin.popGroupStats(group, popTopics).then((r) => ({ r, err: undefined }), (err: unknown) => ({ r: null, err }));
  const lagged = [...new Set(progress.queues.filter((q) => q.diff > 0).map((q) => q.topic))];
  const [newest, positions] = await Promise.all([newestTimes(admin, lagged), positionTimes(admin, progress.queues)]);
  const lagSeconds = lagSecondsOf(progress.queues, newest, positions);
  const offline = connection.err !== undefined && hasCode(connection.err, AdminCode.CONSUMER_NOT_ONLINE);
  const members = connection.c ? connection.c.connections.map((c) => c.clientId) : offline ? [] : undefined;
  // what this look saw goes into the rebalance history as well, so the page shows a change before the collector does
  if (members && assignment.clientErrors.length === 0) trackAssignment(db, cluster.name, group, assignmentOf(members, assignment.queues), now);

  const queuesPerTopic = new Map<string, number>();
  let maxQueueLag: GroupShape['maxQueueLag'];
  for (const q of progress.queues) {
    queuesPerTopic.set(q.topic, (queuesPerTopic.get(q.topic) ?? 0) + 1);
    if (q.diff > 0 && (!maxQueueLag || q.diff > maxQueueLag.diff)) maxQueueLag = { topic: q.topic, brokerName: q.brokerName, queueId: q.queueId, diff: q.diff, queues: progress.queues.length };
  }
  // a subscribed topic's queues come from its route: the group may hold no offset on some yet
  const subscribed = (connection.c?.subscriptions ?? []).map((x) => x.topic).filter((t) => !t.startsWith('%RETRY%'));
  const routes = await mapBounded(subscribed, (t) => admin.topicRoute(t), { limit: 8 });
  routes.forEach((r, i) => {
    if (r.ok) queuesPerTopic.set(subscribed[i]!, r.value.queueDatas.reduce((n, q) => n + q.readQueueNums, 0));
  });
  const shape: GroupShape = { lag: progress.diffTotal, queuesPerTopic };
  if (members) shape.members = members;
  const messageModel = connection.c?.messageModel ?? s?.members?.messageModel;
  if (messageModel) shape.messageModel = messageModel;
  if (assignment.clientErrors.length === 0) shape.holdings = holdingsOf(assignment.queues);
  if (maxQueueLag) shape.maxQueueLag = maxQueueLag;


  const [popStats, consumption] = await Promise.all([popStatsRead, groupConsumption(ctx, group, connection.c, progress)]);
  // Apache 5.x brokers report no POP in flight: derive it from their revive log (bounded, per-broker deadline)
  const derived = consumption.mode === 'POP' && !progress.queues.some((q) => q.popInflight !== undefined)
    ? await admin.reviveInflight(group).then((r) => ({ r, err: undefined }), (err: unknown) => ({ r: undefined, err }))
    : undefined;
  if (derived?.r) withDerivedInflight(progress, derived.r);
  const recent = recentLag(db, cluster.name, group, progress.diffTotal, now);
  const tps = s?.tps ?? progress.consumeTps;
  const out: GroupDetailResponse = {
    group,
    progress,
    assignment,
    connection: connection.c,
    lagMessages: progress.diffTotal,
    lagSeconds,
    tps,
    trend: trendOf(recent.values),
    drainEstimateSeconds: drainEstimate(progress.diffTotal, { consumeTps: s?.tps ?? null, inTps: s?.inTps ?? null }, recent),
    rebalanceHistory: listRebalances(db, cluster.name, group),
    flags: groupFlags(shape),
    lagHistory: seriesPoints(db, collector, cluster.name, 'group', group, 'lag', now - 3600_000, now, now),
    popStats: popStats.r,
    consumption,
  };
  if (popStats.err !== undefined) out.popStatsError = describeError(popStats.err);
  if (derived?.r) out.popInflight = derived.r;
  if (derived?.err !== undefined) out.popInflightError = describeError(derived.err);
  if (connection.err !== undefined) out.connectionError = describeError(connection.err);
  return out;
}
