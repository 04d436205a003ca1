// PushConsumer options (DefaultMQPushConsumer fields), their RocketMQ defaults and validation.

import type { ConsumeFromWhere, MessageModel } from '../protocol/bodies/consumer.ts';
import { resolveAllocateStrategy, type AllocateMessageQueueStrategy, type AllocateStrategyName } from './allocate.ts';
import { boolOption, checkOptionKeys, CLIENT_OPTION_KEYS, enumOption, intOption, stringOption, type ClientOptions } from './client-config.ts';
import { ClientConfigError } from './errors.ts';

export const CONSUME_FROM_WHERE: readonly ConsumeFromWhere[] = [
  'CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET', 'CONSUME_FROM_TIMESTAMP',
  'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST', 'CONSUME_FROM_MIN_OFFSET', 'CONSUME_FROM_MAX_OFFSET',
];

export interface PushConsumerOptions extends ClientOptions {
  /** Consumer group (consumerGroup). */
  group: string;
  /** CLUSTERING: each message to one member; BROADCASTING: to every member. */
  messageModel?: MessageModel;
  /** Where a queue without a committed offset starts. */
  consumeFromWhere?: ConsumeFromWhere;
  /** yyyyMMddHHmmss for CONSUME_FROM_TIMESTAMP; default half an hour ago. */
  consumeTimestamp?: string;
  /** Queue split among members: 'AVG' (default), 'AVG_BY_CIRCLE', 'CONSISTENT_HASH' or a strategy object. */
  allocateMessageQueueStrategy?: AllocateMessageQueueStrategy | AllocateStrategyName;
  /** One listener call at a time per queue, in order, under a broker lock (MessageListenerOrderly). */
  orderly?: boolean;
  /** Listener calls in flight at most. */
  consumeThreadMin?: number;
  /** Accepted for compatibility; like Java's pool, concurrency never exceeds consumeThreadMin. */
  consumeThreadMax?: number;
  /** Pulling of a queue pauses while its cached offsets span more than this (concurrent mode). */
  consumeConcurrentlyMaxSpan?: number;
  /** Pulling of a queue pauses while it caches more messages than this. */
  pullThresholdForQueue?: number;
  /** ... or more MiB of bodies than this. */
  pullThresholdSizeForQueue?: number;
  /** When set (not -1), pullThresholdForQueue becomes this divided by the queues held. */
  pullThresholdForTopic?: number;
  pullThresholdSizeForTopic?: number;
  /** Pause between two pulls of one queue, ms. */
  pullInterval?: number;
  /** Messages per call of a batch listener (1 for per-message listeners). */
  consumeMessageBatchMaxSize?: number;
  /** Messages asked for per pull. */
  pullBatchSize?: number;
  /** Send the subscription expression with every pull. */
  postSubscriptionWhenPull?: boolean;
  /** Failures before a message goes to the DLQ; -1 = 16 (concurrently) / unlimited (orderly). */
  maxReconsumeTimes?: number;
  /** Orderly: pause of a queue after a failed call, ms. */
  suspendCurrentQueueTimeMillis?: number;
  /** How long shutdown waits for running listener calls, ms. */
  awaitTerminationMillisWhenShutdown?: number;
  /** Rebalance period, ms (RocketMQ: 20 s; a member change also triggers one at once). */
  rebalanceInterval?: number;
  /** Longest the broker holds a pull open when there is nothing new, ms. */
  brokerSuspendMaxTimeMillis?: number;
  /** Client-side timeout of such a pull, ms; must exceed brokerSuspendMaxTimeMillis. */
  consumerTimeoutMillisWhenSuspend?: number;
  /** Wait before pulling again after a failed pull, ms. */
  pullTimeDelayMillsWhenException?: number;
  /** Record a trace of every consume call in the trace topic (Java's enableMsgTrace). */
  enableMsgTrace?: boolean;
  /** Trace topic (customizedTraceTopic); default RMQ_SYS_TRACE_TOPIC. */
  customizedTraceTopic?: string;
  /** Broadcasting offsets directory (default ~/.rocketmq_offsets). */
  offsetStoreDir?: string;
}

export interface ResolvedPushOptions {
  group: string;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  consumeTimestamp: string;
  strategy: AllocateMessageQueueStrategy;
  orderly: boolean;
  consumeThreadMin: number;
  consumeThreadMax: number;
  consumeConcurrentlyMaxSpan: number;
  pullThresholdForQueue: number;
  pullThresholdSizeForQueue: number;
  pullThresholdForTopic: number;
  pullThresholdSizeForTopic: number;
  pullInterval: number;
  consumeMessageBatchMaxSize: number;
  pullBatchSize: number;
  postSubscriptionWhenPull: boolean;
  maxReconsumeTimes: number;
  suspendCurrentQueueTimeMillis: number;
  awaitTerminationMillisWhenShutdown: number;
  rebalanceInterval: number;
  brokerSuspendMaxTimeMillis: number;
  consumerTimeoutMillisWhenSuspend: number;
  pullTimeDelayMillsWhenException: number;
  offsetStoreDir?: string;
  enableMsgTrace: boolean;
  customizedTraceTopic?: string;
}

const PUSH_OPTION_KEYS = [
  ...CLIENT_OPTION_KEYS, 'group', 'messageModel', 'consumeFromWhere', 'consumeTimestamp', 'allocateMessageQueueStrategy', 'orderly',
  'consumeThreadMin', 'consumeThreadMax', 'consumeConcurrentlyMaxSpan', 'pullThresholdForQueue', 'pullThresholdSizeForQueue',
  'pullThresholdForTopic', 'pullThresholdSizeForTopic', 'pullInterval', 'consumeMessageBatchMaxSize', 'pullBatchSize',
  'postSubscriptionWhenPull', 'maxReconsumeTimes', 'suspendCurrentQueueTimeMillis', 'awaitTerminationMillisWhenShutdown',
  'rebalanceInterval', 'brokerSuspendMaxTimeMillis', 'consumerTimeoutMillisWhenSuspend', 'pullTimeDelayMillsWhenException', 'offsetStoreDir',
  'enableMsgTrace', 'customizedTraceTopic',
];

export function resolvePushOptions(options: PushConsumerOptions): ResolvedPushOptions {
  checkOptionKeys(options, PUSH_OPTION_KEYS, 'PushConsumer');
  const o = options as unknown as Record<string, unknown>;
  const group = stringOption(o, 'group');
  if (!group) throw new ClientConfigError('group', 'PushConsumer: option "group" is required');
  const consumeTimestamp = stringOption(o, 'consumeTimestamp') ?? formatConsumeTimestamp(Date.now() - 30 * 60_000);
  if (!/^\d{14}$/.test(consumeTimestamp)) throw new ClientConfigError('consumeTimestamp', 'option "consumeTimestamp" must be yyyyMMddHHmmss');
  const r: ResolvedPushOptions = {
    group,
    messageModel: enumOption(o, 'messageModel', ['CLUSTERING', 'BROADCASTING'] as const, 'CLUSTERING'),
    consumeFromWhere: enumOption(o, 'consumeFromWhere', CONSUME_FROM_WHERE, 'CONSUME_FROM_LAST_OFFSET'),
    consumeTimestamp,
    strategy: resolveAllocateStrategy(options.allocateMessageQueueStrategy),
    orderly: boolOption(o, 'orderly', false),
    consumeThreadMin: intOption(o, 'consumeThreadMin', 20, 1, 1000),
    consumeThreadMax: intOption(o, 'consumeThreadMax', 20, 1, 1000),
    consumeConcurrentlyMaxSpan: intOption(o, 'consumeConcurrentlyMaxSpan', 2000, 1, 65535),
    pullThresholdForQueue: intOption(o, 'pullThresholdForQueue', 1000, 1, 65535),
    pullThresholdSizeForQueue: intOption(o, 'pullThresholdSizeForQueue', 100, 1, 1024),
    pullThresholdForTopic: intOption(o, 'pullThresholdForTopic', -1, -1, 6553500),
    pullThresholdSizeForTopic: intOption(o, 'pullThresholdSizeForTopic', -1, -1, 102400),
    pullInterval: intOption(o, 'pullInterval', 0, 0, 65535),
    consumeMessageBatchMaxSize: intOption(o, 'consumeMessageBatchMaxSize', 1, 1, 1024),
    pullBatchSize: intOption(o, 'pullBatchSize', 32, 1, 1024),
    postSubscriptionWhenPull: boolOption(o, 'postSubscriptionWhenPull', false),
    maxReconsumeTimes: intOption(o, 'maxReconsumeTimes', -1, -1),
    suspendCurrentQueueTimeMillis: intOption(o, 'suspendCurrentQueueTimeMillis', 1000, 10, 30_000),
    awaitTerminationMillisWhenShutdown: intOption(o, 'awaitTerminationMillisWhenShutdown', 0, 0),
    rebalanceInterval: intOption(o, 'rebalanceInterval', 20_000, 10),
    brokerSuspendMaxTimeMillis: intOption(o, 'brokerSuspendMaxTimeMillis', 15_000, 0),
    consumerTimeoutMillisWhenSuspend: intOption(o, 'consumerTimeoutMillisWhenSuspend', 30_000, 1),
    pullTimeDelayMillsWhenException: intOption(o, 'pullTimeDelayMillsWhenException', 1000, 0),
    offsetStoreDir: stringOption(o, 'offsetStoreDir'),
    enableMsgTrace: boolOption(o, 'enableMsgTrace', false),
    customizedTraceTopic: stringOption(o, 'customizedTraceTopic'),
  };
  if (r.consumerTimeoutMillisWhenSuspend <= r.brokerSuspendMaxTimeMillis) {
    throw new ClientConfigError('consumerTimeoutMillisWhenSuspend', 'option "consumerTimeoutMillisWhenSuspend" must exceed brokerSuspendMaxTimeMillis');
  }
  return r;
}

/** yyyyMMddHHmmss (local time, as UtilAll.parseDate reads it) -> epoch ms. */
export function parseConsumeTimestamp(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new ClientConfigError('consumeTimestamp', `bad consumeTimestamp "${text}" (want yyyyMMddHHmmss)`);
  return new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!).getTime();
}

/** epoch ms -> yyyyMMddHHmmss in local time (UtilAll.timeMillisToHumanString3). */
export function formatConsumeTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
