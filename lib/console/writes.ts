// Inputs of the console's changes: which brokers a topic or group write goes to, topic and subscription group
// settings checked field by field, and the reset-offset request with its preview.

import { PermName, type AdminClient, type BrokerSelector, type ResetPoint, type SubGroupInput, type TopicConfigInput } from '../admin/index.ts';
import type { ResetPreviewQueue, ResetPreviewResponse } from './api-types.ts';
import { bad, bool, checkGroup, checkTopic, int, parseTime, str, strList, type Body } from './http.ts';
import { readTarget } from './collect.ts';
import { mapBounded } from '../admin/index.ts';
import { describe as describeError } from './errors.ts';
import { attributesTextOf } from './topic-attributes.ts';

/** A RocketMQ cluster name given by the caller, or the only one the nameserver knows. */
export async function rocketCluster(admin: AdminClient, given: string | null | undefined, field: string): Promise<string> {
  const view = await admin.clusterInfo();
  const known = Object.keys(view.clusters);
  if (given) {
    if (!known.includes(given)) throw bad(field, `cluster '${given}' is not known to the nameserver (known: ${known.join(', ') || 'none'})`);
    return given;
  }
  if (known.length === 1) return known[0]!;
  throw bad(field, known.length ? `name the cluster: one of ${known.join(', ')}` : 'the nameserver knows no cluster');
}

/** `{ clusterName }` or `{ brokerNames }` of a write body -> the brokers it goes to (masters). */
export async function selectorOf(admin: AdminClient, body: Body): Promise<BrokerSelector> {
  const brokerNames = strList(body, 'brokerNames');
  if (brokerNames?.length) {
    const view = await admin.clusterInfo();
    const addrs = brokerNames.map((name) => {
      const g = view.brokers.find((b) => b.brokerName === name);
      const master = g?.brokerAddrs['0'];
      if (!master) throw bad('brokerNames', g ? `broker '${name}' has no master online` : `no broker named '${name}'`);
      return master;
    });
    return { brokerAddrs: addrs };
  }
  return { clusterName: await rocketCluster(admin, str(body, 'clusterName'), 'clusterName') };
}

const PERMS = [PermName.PERM_READ, PermName.PERM_WRITE, PermName.PERM_READ | PermName.PERM_WRITE];

export function topicConfigOf(body: Body): TopicConfigInput {
  const topic = checkTopic(body.topic, 'topic');
  const cfg: TopicConfigInput = { topic };
  const read = int(body, 'readQueueNums', { min: 1, max: 1024 });
  const write = int(body, 'writeQueueNums', { min: 1, max: 1024 });
  const perm = int(body, 'perm');
  if (perm !== undefined && !PERMS.includes(perm)) throw bad('perm', `must be ${PERMS.join(', ')} (4 read, 2 write, 6 both: RocketMQ PermName)`);
  const order = bool(body, 'order');
  if (read !== undefined) cfg.readQueueNums = read;
  if (write !== undefined) cfg.writeQueueNums = write;
  if (perm !== undefined) cfg.perm = perm;
  if (order !== undefined) cfg.order = order;
  const attributes = attributesTextOf(body);
  if (attributes) cfg.attributes = attributes;
  return cfg;
}

export function subGroupOf(body: Body): SubGroupInput {
  const input: SubGroupInput = { groupName: checkGroup(body.groupName, 'groupName') };
  for (const k of ['consumeEnable', 'consumeFromMinEnable', 'consumeBroadcastEnable', 'consumeMessageOrderly', 'notifyConsumerIdsChangedEnable'] as const) {
    const v = bool(body, k);
    if (v !== undefined) input[k] = v;
  }
  const limits = { retryQueueNums: [0, 64], retryMaxTimes: [-1, 1000], brokerId: [0, 1024], whichBrokerWhenConsumeSlowly: [0, 1024] } as const;
  for (const [k, [min, max]] of Object.entries(limits) as Array<[keyof typeof limits, readonly [number, number]]>) {
    const v = int(body, k, { min, max });
    if (v !== undefined) input[k] = v;
  }
  return input;
}

/** A consumption mode switch (5.x brokers): the topic, POP or PULL, and how many consumers' queues a POP one shares. */
export function consumeModeOf(body: Body): { topic: string; mode: 'POP' | 'PULL'; popShareQueueNum: number } {
  const topic = checkTopic(body.topic, 'topic');
  if (topic.startsWith('%RETRY%')) throw bad('topic', 'topic: a retry topic always consumes by PULL');
  const mode = str(body, 'mode', { required: true }).toUpperCase();
  if (mode !== 'POP' && mode !== 'PULL') throw bad('mode', `mode: '${body.mode}' is not POP or PULL`);
  return { topic, mode, popShareQueueNum: int(body, 'popShareQueueNum', { min: 0, max: 1024 }) ?? 0 };
}

export type ResetTo = 'earliest' | 'latest' | 'timestamp' | 'offsets';

export interface ResetRequest {
  topic: string;
  to: ResetTo;
  point?: ResetPoint;
  offsets?: Array<{ brokerName: string; queueId: number; offset: number }>;
  preview: boolean;
}

export function resetRequestOf(body: Body): ResetRequest {
  const topic = checkTopic(body.topic, 'topic');
  const to = str(body, 'to', { required: true });
  const preview = bool(body, 'preview') ?? false;
  if (to === 'earliest' || to === 'latest') return { topic, to, point: to, preview };
  if (to === 'timestamp') {
    if (body.timestamp === undefined || body.timestamp === null || body.timestamp === '') throw bad('timestamp', "is required when to is 'timestamp'");
    return { topic, to, point: { timestamp: parseTime(body.timestamp, 'timestamp') }, preview };
  }
  if (to === 'offsets') {
    const list = body.offsets;
    if (!Array.isArray(list) || list.length === 0) throw bad('offsets', "give [{brokerName, queueId, offset}] when to is 'offsets'");
    const offsets = list.map((o, i) => {
      const f = `offsets[${i}]`;
      if (o === null || typeof o !== 'object') throw bad(f, 'must be {brokerName, queueId, offset}');
      const e = o as Body;
      const brokerName = str(e, 'brokerName');
      if (!brokerName) throw bad(`${f}.brokerName`, 'is required');
      const queueId = int(e, 'queueId', { min: 0 });
      const offset = int(e, 'offset', { min: 0 });
      if (queueId === undefined) throw bad(`${f}.queueId`, 'is required');
      if (offset === undefined) throw bad(`${f}.offset`, 'is required');
      return { brokerName, queueId, offset };
    });
    return { topic, to, offsets, preview };
  }
  throw bad('to', "must be 'earliest', 'latest', 'timestamp' or 'offsets'");
}

/** What a reset would do, queue by queue, without changing anything. */
export async function resetPreview(admin: AdminClient, group: string, r: ResetRequest): Promise<ResetPreviewResponse> {
  const [route, status, progress] = await Promise.all([admin.topicRoute(r.topic), admin.topicStatus(r.topic), admin.consumerProgress(group, { topic: r.topic })]);
  const current = new Map(progress.queues.map((q) => [`${q.brokerName} ${q.queueId}`, q.consumerOffset]));
  const targets = new Map(route.brokerDatas.map((g) => [g.brokerName, readTarget(g)]));
  let queues = status.queues;
  if (r.offsets) {
    const wanted = new Map(r.offsets.map((o) => [`${o.brokerName} ${o.queueId}`, o.offset]));
    for (const key of wanted.keys()) {
      if (!queues.some((q) => `${q.brokerName} ${q.queueId}` === key)) throw bad('offsets', `topic ${r.topic} has no queue ${key.replace(' ', '/')}`);
    }
    queues = queues.filter((q) => wanted.has(`${q.brokerName} ${q.queueId}`));
  }
  const errors = [...status.errors, ...progress.errors];
  const settled = await mapBounded(queues, async (q): Promise<ResetPreviewQueue> => {
    const key = `${q.brokerName} ${q.queueId}`;
    let newOffset: number;
    if (r.offsets) newOffset = r.offsets.find((o) => `${o.brokerName} ${o.queueId}` === key)!.offset;
    else if (r.point === 'earliest') newOffset = q.minOffset;
    else if (r.point === 'latest') newOffset = q.maxOffset;
    else {
      const t = targets.get(q.brokerName);
      if (!t) throw new Error(`broker ${q.brokerName} is not on the route`);
      newOffset = await admin.searchOffset(t, r.topic, q.queueId, (r.point as { timestamp: number }).timestamp);
    }
    return { topic: r.topic, brokerName: q.brokerName, queueId: q.queueId, currentOffset: current.get(key) ?? -1, newOffset, minOffset: q.minOffset, maxOffset: q.maxOffset };
  }, { limit: 8 });
  const out: ResetPreviewQueue[] = [];
  settled.forEach((s, i) => {
    if (s.ok) out.push(s.value);
    else errors.push({ brokerName: queues[i]!.brokerName, brokerAddr: targets.get(queues[i]!.brokerName)?.brokerAddr ?? '', error: `queue ${queues[i]!.queueId}: ${describeError(s.error)}` });
  });
  return { preview: true, group, topic: r.topic, to: r.to, queues: out, errors };
}
