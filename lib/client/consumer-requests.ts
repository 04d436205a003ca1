// A push consumer's answers to broker-initiated requests: GET_CONSUMER_RUNNING_INFO (307),
// RESET_CONSUMER_CLIENT_OFFSET (220) and CONSUME_MESSAGE_DIRECTLY (309).

import { mqVersionName, MQVersion, RequestCode, ResponseCode } from '../protocol/codes.ts';
import { encodeConsumerRunningInfo, PROP_EVENT_LOOP_DELAY, type ConsumerRunningInfo, type ProcessQueueInfo } from '../protocol/bodies/running-info.ts';
import { decodeResetOffsetBody } from '../protocol/bodies/offsets.ts';
import { encodeWith, mqKey, type MessageQueue, type MessageQueueEntries } from '../protocol/bodies/read.ts';
import { decodeHeader, ResetOffsetRequestHeader, ConsumeMessageDirectlyResultRequestHeader } from '../protocol/headers.ts';
import { decodeMessage } from '../protocol/message.ts';
import { createResponse, type RemotingCommand } from '../remoting/command.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import type { ClientInstance } from './client-instance.ts';
import type { ConsumeMessageService } from './consume-service.ts';
import type { OffsetStore } from './offset-store.ts';
import type { ProcessQueue } from './process-queue.ts';
import { toConsumedMessage } from './pull-api.ts';
import type { ResolvedPushOptions } from './push-consumer-options.ts';
import type { RebalanceImpl } from './rebalance.ts';
import type { ConsumerStats } from './stats.ts';
import { eventLoopDelay } from './event-loop.ts';


/** What the handlers read from a push consumer. */
export interface ConsumerInternals {
  consumer: {
    readonly group: string;
    readonly consumeType: string;
    readonly stats: ConsumerStats;
    readonly startTimestamp: number;
    suspend(): void;
    resume(): void;
  };
  instance: ClientInstance;
  rebalance: RebalanceImpl;
  offsetStore: OffsetStore;
  consumeService: ConsumeMessageService;
  opts: ResolvedPushOptions;
  removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean>;
}

/** How long a reset waits for listener calls on the reset queues to finish (Java sleeps 10 s unconditionally). */
const RESET_DRAIN_MAX_MS = 10_000;

export async function handleConsumerRequest(c: ConsumerInternals, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand | undefined> {
  switch (req.code) {
    case RequestCode.GET_CONSUMER_RUNNING_INFO:
      return createResponse(req, ResponseCode.SUCCESS, undefined, undefined, encodeConsumerRunningInfo(await consumerRunningInfo(c)));
    case RequestCode.RESET_CONSUMER_CLIENT_OFFSET: {
      const h = decodeHeader(ResetOffsetRequestHeader, req.extFields);
      const table = req.body && req.body.length > 0 ? decodeResetOffsetBody(req.body).offsetTable : [];
      c.instance.logger.info('reset_offset_from_broker', { broker: conn.remoteAddr, topic: h.topic, group: h.group, timestamp: h.timestamp, queues: table.length });
      await resetOffset(c, h.topic, table);
      return undefined;
    }
    case RequestCode.CONSUME_MESSAGE_DIRECTLY: {
      const h = decodeHeader(ConsumeMessageDirectlyResultRequestHeader, req.extFields);
      if (!req.body) return createResponse(req, ResponseCode.SYSTEM_ERROR, 'CONSUME_MESSAGE_DIRECTLY without a message body');
      const ext = decodeMessage(req.body);
      const brokerName = h.brokerName ?? '';
      const msg = toConsumedMessage(ext, { topic: ext.topic, brokerName, queueId: ext.queueId });
      const result = await c.consumeService.consumeMessageDirectly(msg, h.brokerName);
      return createResponse(req, ResponseCode.SUCCESS, undefined, undefined, encodeWith(result));
    }
    default:
      return createResponse(req, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, `request type ${req.code} not supported`);
  }
}

/** ConsumerRunningInfo with DefaultMQPushConsumer's field names as properties, like Java's object2Properties. */
export async function consumerRunningInfo(c: ConsumerInternals): Promise<ConsumerRunningInfo> {
  const o = c.opts;
  const properties = new Map<string, string>([
    ['consumerGroup', o.group],
    ['messageModel', o.messageModel],
    ['consumeFromWhere', o.consumeFromWhere],
    ['consumeTimestamp', o.consumeTimestamp],
    ['allocateMessageQueueStrategy', o.strategy.name],
    ['subscription', '{}'],
    ['consumeThreadMin', String(o.consumeThreadMin)],
    ['consumeThreadMax', String(o.consumeThreadMax)],
    ['adjustThreadPoolNumsThreshold', '100000'],
    ['consumeConcurrentlyMaxSpan', String(o.consumeConcurrentlyMaxSpan)],
    ['pullThresholdForQueue', String(o.pullThresholdForQueue)],
    ['pullThresholdSizeForQueue', String(o.pullThresholdSizeForQueue)],
    ['pullThresholdForTopic', String(o.pullThresholdForTopic)],
    ['pullThresholdSizeForTopic', String(o.pullThresholdSizeForTopic)],
    ['pullInterval', String(o.pullInterval)],
    ['consumeMessageBatchMaxSize', String(o.consumeMessageBatchMaxSize)],
    ['pullBatchSize', String(o.pullBatchSize)],
    ['postSubscriptionWhenPull', String(o.postSubscriptionWhenPull)],
    ['unitMode', 'false'],
    ['maxReconsumeTimes', String(o.maxReconsumeTimes)],
    ['suspendCurrentQueueTimeMillis', String(o.suspendCurrentQueueTimeMillis)],
    ['consumeTimeout', '15'],
    ['awaitTerminationMillisWhenShutdown', String(o.awaitTerminationMillisWhenShutdown)],
    ['PROP_CONSUMEORDERLY', String(o.orderly)],
    ['PROP_THREADPOOL_CORE_SIZE', String(o.consumeThreadMin)],
    ['PROP_CONSUMER_START_TIMESTAMP', String(c.consumer.startTimestamp)],
    ['PROP_NAMESERVER_ADDR', c.instance.config.namesrvAddr.map((a) => `${a};`).join('')],
    ['PROP_CONSUME_TYPE', c.consumer.consumeType],
    ['PROP_CLIENT_VERSION', mqVersionName(MQVersion.CURRENT_VERSION)],
  ]);
  const delay = eventLoopDelay();
  if (delay) {
    properties.set(PROP_EVENT_LOOP_DELAY.mean, String(delay.meanMs));
    properties.set(PROP_EVENT_LOOP_DELAY.p99, String(delay.p99Ms));
    properties.set(PROP_EVENT_LOOP_DELAY.max, String(delay.maxMs));
    properties.set(PROP_EVENT_LOOP_DELAY.window, String(delay.windowMs));
  }
  const mqTable: MessageQueueEntries<ProcessQueueInfo> = [];
  for (const { mq, pq } of c.rebalance.processQueueTable.values()) {
    mqTable.push([mq, pq.info(await c.offsetStore.readOffset(mq, 'MEMORY_FIRST_THEN_STORE'))]);
  }
  const subscriptionSet = [...c.rebalance.subscriptionInner.values()];
  const statusTable = new Map(subscriptionSet.map((s) => [s.topic, c.consumer.stats.consumeStatus(s.topic)]));
  return { properties, subscriptionSet, mqTable, statusTable };
}

/**
 * MQClientInstance.resetOffset: stop pulling, drop the cached messages of the reset queues, let running listener
 * calls finish, store the new offsets and give the queues up; the next rebalance takes them again from there.
 */
export async function resetOffset(c: ConsumerInternals, topic: string, table: MessageQueueEntries<number>): Promise<void> {
  const offsets = new Map(table.map(([mq, off]) => [mqKey(mq), off]));
  c.consumer.suspend();
  try {
    const affected = [...c.rebalance.processQueueTable.values()].filter((e) => e.mq.topic === topic && offsets.has(mqKey(e.mq)));
    for (const e of affected) {
      e.pq.dropped = true;
      e.pq.clear();
    }
    const deadline = Date.now() + RESET_DRAIN_MAX_MS;
    while (c.consumeService.activeCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const e of affected) {
      c.offsetStore.updateOffset(e.mq, offsets.get(mqKey(e.mq))!, false);
      if (await c.removeUnnecessaryMessageQueue(e.mq, e.pq)) c.rebalance.processQueueTable.delete(mqKey(e.mq));
    }
  } finally {
    c.consumer.resume();
  }
  c.instance.rebalanceImmediately();
}
