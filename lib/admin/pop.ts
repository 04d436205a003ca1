// 5.x consumption modes: setConsumeMode (SET_MESSAGE_REQUEST_MODE) switches a group to POP (or back to PULL) for a
// topic, as mqadmin setConsumeMode does; messageRequestModes (GET_ALL_MESSAGE_REQUEST_MODE) lists what is set.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { Fields, parseBody } from '../protocol/bodies/read.ts';
import { readTargets } from './route.ts';
import {
  decodeMessageRequestModeSerializeWrapper, encodeSetMessageRequestModeRequestBody, type MessageRequestMode,
} from '../protocol/bodies/pop.ts';
import { validateGroup, validateTopic } from '../protocol/constants.ts';
import { AdminError, type BrokerFailure } from './errors.ts';
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

/** GET_TIMER_METRICS from every broker group: timer messages waiting per topic (5.x and RocketDeck brokers). */
export async function timerMetrics(core: AdminCore): Promise<TimerMetricsResult> {
  const { targets } = await readTargets(core);
  const fan = await core.fanout(targets, async (t) => {
    const res = await core.call(t.brokerAddr, RequestCode.GET_TIMER_METRICS, undefined, { okCodes: [ResponseCode.REQUEST_CODE_NOT_SUPPORTED] });
    if (res.code !== ResponseCode.SUCCESS || !res.body?.length) return undefined;
    const counts = Fields.of(parseBody(res.body, 'TimerMetricsSerializeWrapper'), 'TimerMetricsSerializeWrapper')
      .stringMap('timingCount', (v, p) => Fields.of(v, p).num('count'));
    return counts;
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
