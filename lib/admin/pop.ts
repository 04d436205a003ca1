// 5.x consumption modes: setConsumeMode (SET_MESSAGE_REQUEST_MODE) switches a group to POP (or back to PULL) for a
// topic, as mqadmin setConsumeMode does; messageRequestModes (GET_ALL_MESSAGE_REQUEST_MODE) lists what is set.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { Fields, parseBody } from '../protocol/bodies/read.ts';
import { readTargets } from './route.ts';
import { decodeBrokerStatsData, decodeTopicStatsTable } from '../protocol/bodies/index.ts';
import {
  decodeMessageRequestModeSerializeWrapper, encodeSetMessageRequestModeRequestBody, type MessageRequestMode,
} from '../protocol/bodies/pop.ts';
import { validateGroup, validateTopic } from '../protocol/constants.ts';
import { AdminError, type BrokerFailure } from './errors.ts';
import { ResponseCodeError } from '../remoting/errors.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { resolveTargets, writeToBrokers, type BrokerSelector, type WriteResult } from './broker.ts';

export interface ConsumeModeInput {
  topic: string;
  group: string;
  mode: MessageRequestMode | string;
  /** A POP consumer may also pop the queues of the N consumers after it (0: every consumer pops every queue). */
  popShareQueueNum?: number;
}

export async function setConsumeMode(core: AdminCore, sel: BrokerSelector, input: ConsumeModeInput): Promise<WriteResult> {
  const mode = String(input.mode).toUpperCase();
  if (mode !== 'POP' && mode !== 'PULL') throw new AdminError(`mode '${input.mode}' is not POP or PULL`);
  const badGroup = validateGroup(input.group);
  if (badGroup) throw new AdminError(badGroup);
  const badTopic = validateTopic(input.topic);
  if (badTopic) throw new AdminError(badTopic);
  if (input.topic.startsWith('%RETRY%')) throw new AdminError('a retry topic always consumes by PULL');
  const share = input.popShareQueueNum ?? 0;
  if (!Number.isInteger(share) || share < 0) throw new AdminError(`popShareQueueNum ${share} must be a whole number >= 0`);
  const body = encodeSetMessageRequestModeRequestBody({ topic: input.topic, consumerGroup: input.group, mode, popShareQueueNum: share });
  return writeToBrokers(core, { ...sel, withSlaves: false }, (t) => core.call(t.brokerAddr, RequestCode.SET_MESSAGE_REQUEST_MODE, undefined, { body }));
}

export interface MessageRequestModesResult {
  brokers: Array<BrokerTarget & { modes: Array<{ topic: string; group: string; mode: string; popShareQueueNum: number }> }>;
  errors: BrokerFailure[];
}

export async function messageRequestModes(core: AdminCore, sel: BrokerSelector): Promise<MessageRequestModesResult> {
  const targets = await resolveTargets(core, { ...sel, withSlaves: false });
  const fan = await core.fanout(targets, async (t) => {
    const res = await core.call(t.brokerAddr, RequestCode.GET_ALL_MESSAGE_REQUEST_MODE);
    const table = res.body?.length ? decodeMessageRequestModeSerializeWrapper(res.body) : new Map();
    return [...table].flatMap(([topic, groups]) => [...groups].map(([group, b]) => ({ topic, group, mode: b.mode, popShareQueueNum: b.popShareQueueNum })));
  });
  return { brokers: fan.results.map((r) => ({ ...r.target, modes: r.value })), errors: fan.errors };
}

export interface TimerMetricsResult {
  /** Pending timer messages per real topic, summed over the brokers that answered. */
  pending: Record<string, number>;
  /** False when no broker answers GET_TIMER_METRICS (4.x brokers). */
  supported: boolean;
  errors: BrokerFailure[];
}

/** A GET_TIMER_METRICS body: timer messages waiting per real topic. */
export function decodeTimerCounts(body: Buffer): Map<string, number> {
  return Fields.of(parseBody(body, 'TimerMetricsSerializeWrapper'), 'TimerMetricsSerializeWrapper')
    .stringMap('timingCount', (v, p) => Fields.of(v, p).num('count'));
}

/** GET_TIMER_METRICS from every broker group: timer messages waiting per topic (5.x and RocketDeck brokers). */
export async function timerMetrics(core: AdminCore): Promise<TimerMetricsResult> {
  const { targets } = await readTargets(core);
  const fan = await core.fanout(targets, async (t) => {
    const res = await core.call(t.brokerAddr, RequestCode.GET_TIMER_METRICS, undefined, { okCodes: [ResponseCode.REQUEST_CODE_NOT_SUPPORTED] });
    if (res.code !== ResponseCode.SUCCESS || !res.body?.length) return undefined;
    return decodeTimerCounts(res.body);
  });
  const pending: Record<string, number> = {};
  let supported = false;
  for (const r of fan.results) {
    if (!r.value) continue;
    supported = true;
    // 5.x counts its own revive-log checkpoints as timers; they are not messages anyone sent.
    for (const [topic, n] of r.value) if (!topic.startsWith('rmq_sys_')) pending[topic] = (pending[topic] ?? 0) + n;
  }
  return { pending, supported, errors: fan.errors };
}

/** Receive and ack figures of a POP group on one topic (minute window of the brokers' stats items, summed). */
export interface PopTopicStats {
  topic: string;
  /** Messages popped over the last minute (GROUP_GET_NUMS@topic@group) and their rate per second. */
  received: number;
  receiveTps: number;
  /** Messages acked over the last minute (GROUP_ACK_NUMS@topic@group) and their rate per second. */
  acked: number;
  ackTps: number;
}

export interface PopGroupStatsResult {
  group: string;
  topics: PopTopicStats[];
  receiveTps: number;
  ackTps: number;
  /** Messages stored in the group's retry topics (5.x `%RETRY%group_topic`, `%RETRY%group+topic`; 4.x `%RETRY%group`). */
  retryMessages: number;
  /** The retry topics that exist on some broker. */
  retryTopics: string[];
  /** Messages stored in `%DLQ%group`. */
  dlqMessages: number;
  errors: BrokerFailure[];
}

/** The retry topic names a group can have for a topic: 5.x POP (v1 and v2 naming), then the 4.x group-wide one. */
export function retryTopicNames(group: string, topics: readonly string[]): string[] {
  return [...new Set([...topics.flatMap((t) => [`%RETRY%${group}_${t}`, `%RETRY%${group}+${t}`]), `%RETRY%${group}`])];
}

/**
 * A POP group's receive/ack TPS per topic (VIEW_BROKER_STATS_DATA of 5.x's GROUP_GET_NUMS and GROUP_ACK_NUMS, so
 * Apache 5.x brokers answer it too) and the messages in its retry and dead-letter topics (GET_TOPIC_STATS_INFO),
 * from every broker group's master.
 */
export async function popGroupStats(core: AdminCore, group: string, topics: readonly string[]): Promise<PopGroupStatsResult> {
  const badGroup = validateGroup(group);
  if (badGroup) throw new AdminError(badGroup);
  const normal = [...new Set(topics.filter((t) => !t.startsWith('%RETRY%') && !t.startsWith('%DLQ%')))].sort();
  const { targets } = await readTargets(core);
  const statsItem = async (t: BrokerTarget, statsName: string, statsKey: string): Promise<{ sum: number; tps: number }> => {
    const res = await core.call(t.brokerAddr, RequestCode.VIEW_BROKER_STATS_DATA, { statsName, statsKey }, { okCodes: [ResponseCode.SYSTEM_ERROR] });
    // an item nothing counted yet (or a name a 4.x broker does not count): "The stats <name> <key> not exist"
    if (res.code !== ResponseCode.SUCCESS) {
      if (/not exist/.test(res.remark ?? '')) return { sum: 0, tps: 0 };
      throw new ResponseCodeError(t.brokerAddr, res.code, res.remark, RequestCode.VIEW_BROKER_STATS_DATA);
    }
    const m = decodeBrokerStatsData(res.body).statsMinute;
    return { sum: m.sum, tps: m.tps };
  };
  const storedIn = async (t: BrokerTarget, topic: string): Promise<number | undefined> => {
    const res = await core.call(t.brokerAddr, RequestCode.GET_TOPIC_STATS_INFO, { topic }, { okCodes: [ResponseCode.TOPIC_NOT_EXIST] });
    if (res.code !== ResponseCode.SUCCESS) return undefined;
    return decodeTopicStatsTable(res.body).offsetTable.reduce((n, [, o]) => n + Math.max(0, o.maxOffset - o.minOffset), 0);
  };
  const retryNames = retryTopicNames(group, normal);
  const fan = await core.fanout(targets, async (t) => {
    // every request to this broker at once: one round trip, not three, while a page or command waits
    const [perTopic, retry, dlq] = await Promise.all([
      Promise.all(normal.map(async (topic) => {
        const [get, ack] = await Promise.all([statsItem(t, 'GROUP_GET_NUMS', `${topic}@${group}`), statsItem(t, 'GROUP_ACK_NUMS', `${topic}@${group}`)]);
        return { topic, received: get.sum, receiveTps: get.tps, acked: ack.sum, ackTps: ack.tps };
      })),
      Promise.all(retryNames.map((r) => storedIn(t, r))),
      storedIn(t, `%DLQ%${group}`),
    ]);
    return { perTopic, retry, dlq };
  });
  const out: PopGroupStatsResult = { group, topics: [], receiveTps: 0, ackTps: 0, retryMessages: 0, retryTopics: [], dlqMessages: 0, errors: fan.errors };
  const byTopic = new Map(normal.map((topic) => [topic, { topic, received: 0, receiveTps: 0, acked: 0, ackTps: 0 }]));
  const retrySeen = new Set<string>();
  for (const { value } of fan.results) {
    for (const s of value.perTopic) {
      const acc = byTopic.get(s.topic)!;
      acc.received += s.received;
      acc.receiveTps += s.receiveTps;
      acc.acked += s.acked;
      acc.ackTps += s.ackTps;
    }
    value.retry.forEach((n, i) => {
      if (n === undefined) return;
      retrySeen.add(retryNames[i]!);
      out.retryMessages += n;
    });
    out.dlqMessages += value.dlq ?? 0;
  }
  out.topics = [...byTopic.values()];
  for (const s of out.topics) {
    out.receiveTps += s.receiveTps;
    out.ackTps += s.ackTps;
  }
  out.retryTopics = retryNames.filter((r) => retrySeen.has(r));
  return out;
}
