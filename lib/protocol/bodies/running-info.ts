// GET_CONSUMER_RUNNING_INFO (307) answer: a consumer's properties, queues it holds, subscriptions and rates.
import { fjDouble, type FJValue } from '../fastjson.ts';
import {
  Fields, decodeWith, encodeWith, readString, writeMqEntries, writeStringMap, identity, compareMessageQueue,
  type BodyInput, type MessageQueueEntries,
} from './read.ts';
import { readSubscriptionData, writeSubscriptionData, compareSubscriptionData, type SubscriptionData } from './consumer.ts';

/** State of one queue inside a push consumer (ProcessQueue snapshot). "droped" is RocketMQ's spelling. */
export interface ProcessQueueInfo {
  commitOffset: number;
  cachedMsgMinOffset: number;
  cachedMsgMaxOffset: number;
  cachedMsgCount: number;
  cachedMsgSizeInMiB: number;
  transactionMsgMinOffset: number;
  transactionMsgMaxOffset: number;
  transactionMsgCount: number;
  locked: boolean;
  tryUnlockTimes: number;
  lastLockTimestamp: number;
  droped: boolean;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;
}

const PQ_NUMBER_FIELDS = [
  'commitOffset', 'cachedMsgMinOffset', 'cachedMsgMaxOffset', 'cachedMsgCount', 'cachedMsgSizeInMiB',
  'transactionMsgMinOffset', 'transactionMsgMaxOffset', 'transactionMsgCount', 'tryUnlockTimes',
  'lastLockTimestamp', 'lastPullTimestamp', 'lastConsumeTimestamp',
] as const;

function readProcessQueueInfo(v: FJValue, path: string): ProcessQueueInfo {
  const f = Fields.of(v, path);
  const out = { locked: f.bool('locked'), droped: f.bool('droped') } as ProcessQueueInfo;
  for (const k of PQ_NUMBER_FIELDS) out[k] = f.num(k);
  return out;
}

/** Consumption rates of one topic in a consumer (all doubles except consumeFailedMsgs). */
export interface ConsumeStatus {
  pullRT: number;
  pullTPS: number;
  consumeRT: number;
  consumeOKTPS: number;
  consumeFailedTPS: number;
  consumeFailedMsgs: number;
}

function readConsumeStatus(v: FJValue, path: string): ConsumeStatus {
  const f = Fields.of(v, path);
  return {
    pullRT: f.num('pullRT'),
    pullTPS: f.num('pullTPS'),
    consumeRT: f.num('consumeRT'),
    consumeOKTPS: f.num('consumeOKTPS'),
    consumeFailedTPS: f.num('consumeFailedTPS'),
    consumeFailedMsgs: f.num('consumeFailedMsgs'),
  };
}

const writeConsumeStatus = (s: ConsumeStatus): Record<string, unknown> => ({
  pullRT: fjDouble(s.pullRT),
  pullTPS: fjDouble(s.pullTPS),
  consumeRT: fjDouble(s.consumeRT),
  consumeOKTPS: fjDouble(s.consumeOKTPS),
  consumeFailedTPS: fjDouble(s.consumeFailedTPS),
  consumeFailedMsgs: s.consumeFailedMsgs,
});

export interface ConsumerRunningInfo {
  /** consumer settings as strings (PROP_CONSUME_TYPE, PROP_CLIENT_VERSION, consumeThreadMin, ...) */
  properties: Map<string, string>;
  subscriptionSet: SubscriptionData[];
  mqTable: MessageQueueEntries<ProcessQueueInfo>;
  /** topic -> rates */
  statusTable: Map<string, ConsumeStatus>;
  /** thread dump text when the request asked for jstackEnable */
  jstack?: string;
  /** 5.x only */
  userConsumerInfo?: Map<string, string>;
}

export function readConsumerRunningInfo(v: FJValue, path: string): ConsumerRunningInfo {
  const f = Fields.of(v, path);
  const out: ConsumerRunningInfo = {
    properties: f.stringMap('properties', readString),
    subscriptionSet: f.list('subscriptionSet', readSubscriptionData),
    mqTable: f.mqMap('mqTable', readProcessQueueInfo),
    statusTable: f.stringMap('statusTable', readConsumeStatus),
  };
  const jstack = f.str('jstack');
  if (jstack !== undefined) out.jstack = jstack;
  if (f.has('userConsumerInfo')) out.userConsumerInfo = f.stringMap('userConsumerInfo', readString);
  return out;
}

const byKey = <V>(m: Map<string, V>): Map<string, V> => new Map([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));

/**
 * mqTable and statusTable are TreeMaps and subscriptionSet a TreeSet on the Java side, so they are written sorted;
 * properties (a Hashtable) keep the given order.
 */
export function writeConsumerRunningInfo(r: ConsumerRunningInfo): Record<string, unknown> {
  return {
    jstack: r.jstack,
    mqTable: writeMqEntries([...r.mqTable].sort((a, b) => compareMessageQueue(a[0], b[0])), (p) => ({ ...p })),
    properties: writeStringMap(r.properties, identity),
    statusTable: writeStringMap(byKey(r.statusTable), writeConsumeStatus),
    subscriptionSet: [...r.subscriptionSet].sort(compareSubscriptionData).map(writeSubscriptionData),
    userConsumerInfo: r.userConsumerInfo ? writeStringMap(byKey(r.userConsumerInfo), identity) : undefined,
  };
}

export const decodeConsumerRunningInfo = (body: BodyInput | undefined): ConsumerRunningInfo =>
  decodeWith(body, 'ConsumerRunningInfo', readConsumerRunningInfo);
export const encodeConsumerRunningInfo = (r: ConsumerRunningInfo): Buffer => encodeWith(writeConsumerRunningInfo(r));

/** Properties a RocketDeck (Node) consumer adds to its running info: its event-loop delay in ms (lib/client/event-loop.ts). */
export const PROP_EVENT_LOOP_DELAY = {
  mean: 'PROP_EVENT_LOOP_DELAY_MEAN_MS', p99: 'PROP_EVENT_LOOP_DELAY_P99_MS', max: 'PROP_EVENT_LOOP_DELAY_MAX_MS', window: 'PROP_EVENT_LOOP_DELAY_WINDOW_MS',
} as const;
