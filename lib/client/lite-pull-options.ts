// LitePullConsumer options (DefaultLitePullConsumer fields), their RocketMQ defaults and validation.

import type { ConsumeFromWhere, MessageModel } from '../protocol/bodies/consumer.ts';
import { resolveAllocateStrategy, type AllocateMessageQueueStrategy, type AllocateStrategyName } from './allocate.ts';
import { boolOption, checkOptionKeys, CLIENT_OPTION_KEYS, enumOption, intOption, stringOption, type ClientOptions } from './client-config.ts';
import { ClientConfigError } from './errors.ts';
import { CONSUME_FROM_WHERE, formatConsumeTimestamp } from './push-consumer-options.ts';

export interface LitePullConsumerOptions extends ClientOptions {
  group: string;
  messageModel?: MessageModel;
  consumeFromWhere?: ConsumeFromWhere;
  /** yyyyMMddHHmmss for CONSUME_FROM_TIMESTAMP; default half an hour ago. */
  consumeTimestamp?: string;
  allocateMessageQueueStrategy?: AllocateMessageQueueStrategy | AllocateStrategyName;
  /** Commit consumed offsets from poll() every autoCommitIntervalMillis (default true). */
  autoCommit?: boolean;
  autoCommitIntervalMillis?: number;
  /** Messages asked for per pull (and at most returned by one poll). */
  pullBatchSize?: number;
  /** Pulling pauses while this many messages wait for poll() across all queues. */
  pullThresholdForAll?: number;
  pullThresholdForQueue?: number;
  /** MiB of cached bodies per queue. */
  pullThresholdSizeForQueue?: number;
  /** Pulling of a queue pauses while its cached offsets span more than this. */
  consumeMaxSpan?: number;
  /** Default timeout of poll(), ms. */
  pollTimeoutMillis?: number;
  brokerSuspendMaxTimeMillis?: number;
  consumerTimeoutMillisWhenSuspend?: number;
  /** Rebalance period in subscribe mode, ms. */
  rebalanceInterval?: number;
  /** Broadcasting offsets directory (default ~/.rocketmq_offsets). */
  offsetStoreDir?: string;
  /** Record a trace of every pull that found messages (Java's DefaultLitePullConsumer enableMsgTrace). */
  enableMsgTrace?: boolean;
  /** Trace topic (customizedTraceTopic); default RMQ_SYS_TRACE_TOPIC. */
  customizedTraceTopic?: string;
}

export interface ResolvedLitePullOptions {
  group: string;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  consumeTimestamp: string;
  strategy: AllocateMessageQueueStrategy;
  autoCommit: boolean;
  autoCommitIntervalMillis: number;
  pullBatchSize: number;
  pullThresholdForAll: number;
  pullThresholdForQueue: number;
  pullThresholdSizeForQueue: number;
  consumeMaxSpan: number;
  pollTimeoutMillis: number;
  brokerSuspendMaxTimeMillis: number;
  consumerTimeoutMillisWhenSuspend: number;
  rebalanceInterval: number;
  offsetStoreDir?: string;
  enableMsgTrace: boolean;
  customizedTraceTopic?: string;
}

const KEYS = [
  ...CLIENT_OPTION_KEYS, 'group', 'messageModel', 'consumeFromWhere', 'consumeTimestamp', 'allocateMessageQueueStrategy', 'autoCommit',
  'autoCommitIntervalMillis', 'pullBatchSize', 'pullThresholdForAll', 'pullThresholdForQueue', 'pullThresholdSizeForQueue', 'consumeMaxSpan',
  'pollTimeoutMillis', 'brokerSuspendMaxTimeMillis', 'consumerTimeoutMillisWhenSuspend', 'rebalanceInterval', 'offsetStoreDir',
  'enableMsgTrace', 'customizedTraceTopic',
];

export function resolveLitePullOptions(options: LitePullConsumerOptions): ResolvedLitePullOptions {
  checkOptionKeys(options, KEYS, 'LitePullConsumer');
  const o = options as unknown as Record<string, unknown>;
  const group = stringOption(o, 'group');
  if (!group) throw new ClientConfigError('group', 'LitePullConsumer: option "group" is required');
  const r: ResolvedLitePullOptions = {
    group,
    messageModel: enumOption(o, 'messageModel', ['CLUSTERING', 'BROADCASTING'] as const, 'CLUSTERING'),
    consumeFromWhere: enumOption(o, 'consumeFromWhere', CONSUME_FROM_WHERE, 'CONSUME_FROM_LAST_OFFSET'),
    consumeTimestamp: stringOption(o, 'consumeTimestamp') ?? formatConsumeTimestamp(Date.now() - 30 * 60_000),
    strategy: resolveAllocateStrategy(options.allocateMessageQueueStrategy),
    autoCommit: boolOption(o, 'autoCommit', true),
    autoCommitIntervalMillis: intOption(o, 'autoCommitIntervalMillis', 5000, 1000),
    pullBatchSize: intOption(o, 'pullBatchSize', 10, 1, 1024),
    pullThresholdForAll: intOption(o, 'pullThresholdForAll', 10_000, 1),
    pullThresholdForQueue: intOption(o, 'pullThresholdForQueue', 1000, 1, 65535),
    pullThresholdSizeForQueue: intOption(o, 'pullThresholdSizeForQueue', 100, 1, 1024),
    consumeMaxSpan: intOption(o, 'consumeMaxSpan', 2000, 1, 65535),
    pollTimeoutMillis: intOption(o, 'pollTimeoutMillis', 5000, 0),
    brokerSuspendMaxTimeMillis: intOption(o, 'brokerSuspendMaxTimeMillis', 20_000, 0),
    consumerTimeoutMillisWhenSuspend: intOption(o, 'consumerTimeoutMillisWhenSuspend', 30_000, 1),
    rebalanceInterval: intOption(o, 'rebalanceInterval', 20_000, 10),
    offsetStoreDir: stringOption(o, 'offsetStoreDir'),
    enableMsgTrace: boolOption(o, 'enableMsgTrace', false),
    customizedTraceTopic: stringOption(o, 'customizedTraceTopic'),
  };
  if (r.consumerTimeoutMillisWhenSuspend <= r.brokerSuspendMaxTimeMillis) {
    throw new ClientConfigError('consumerTimeoutMillisWhenSuspend', 'option "consumerTimeoutMillisWhenSuspend" must exceed brokerSuspendMaxTimeMillis');
  }
  return r;
}
