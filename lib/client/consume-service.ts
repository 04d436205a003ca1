// What push consumers hand their listener, what the listener may answer, and what both consume services share.

import { MixAll, getRetryTopic } from '../protocol/codes.ts';
import type { MessageModel } from '../protocol/bodies/consumer.ts';
import type { MessageQueue } from '../protocol/bodies/read.ts';
import { MessageConst } from '../protocol/message-const.ts';
import type { Logger } from '../common/log.ts';
import type { OffsetStore } from './offset-store.ts';
import type { ConsumedMessage } from './pull-api.ts';
import type { ProcessQueue } from './process-queue.ts';
import type { ConsumerStats } from './stats.ts';
import type { TraceDispatcher } from './trace-dispatcher.ts';
import { subAfterContext, subBeforeContext } from './trace-hooks.ts';

/** Concurrently: CONSUME_SUCCESS / RECONSUME_LATER. Orderly: SUCCESS / SUSPEND_CURRENT_QUEUE_A_MOMENT. */
export type ConsumeStatus = 'CONSUME_SUCCESS' | 'RECONSUME_LATER' | 'SUCCESS' | 'SUSPEND_CURRENT_QUEUE_A_MOMENT';

/** Passed to every listener call; a listener may set the fields that steer what happens after a failure. */
export interface ConsumeContext {
  messageQueue: MessageQueue;
  /** True for an orderly consumer. */
  orderly: boolean;
  /**
   * Concurrently: delay level of the retry when this call fails: 0 lets the broker pick (3 + reconsumeTimes),
   * -1 sends the message straight to the DLQ, n > 0 uses level n.
   */
  delayLevelWhenNextConsume: number;
  /** Concurrently, batches: index of the last message consumed successfully when returning CONSUME_SUCCESS. */
  ackIndex: number;
  /** Orderly: how long the queue pauses after a failure, ms. */
  suspendCurrentQueueTimeMillis: number;
}

/** Returning nothing means success; throwing means "consume it again later" (RECONSUME_LATER / SUSPEND). */
export type MessageListener = (msg: ConsumedMessage, ctx: ConsumeContext) => Promise<ConsumeStatus | void> | ConsumeStatus | void;
export type BatchMessageListener = (msgs: ConsumedMessage[], ctx: ConsumeContext) => Promise<ConsumeStatus | void> | ConsumeStatus | void;

export type Listener = { kind: 'single'; fn: MessageListener } | { kind: 'batch'; fn: BatchMessageListener };

/** ConsumeMessageDirectlyResult.consumeResult (CMResult). */
export type CMResult = 'CR_SUCCESS' | 'CR_LATER' | 'CR_ROLLBACK' | 'CR_COMMIT' | 'CR_THROW_EXCEPTION' | 'CR_RETURN_NULL';

export interface ConsumeMessageDirectlyResult {
  order: boolean;
  autoCommit: boolean;
  consumeResult: CMResult;
  remark: string;
  spentTimeMills: number;
}

/** The push consumer as its consume services see it. */
export interface ConsumeHost {
  readonly group: string;
  readonly messageModel: MessageModel;
  readonly logger: Logger;
  readonly stats: ConsumerStats;
  readonly offsetStore: OffsetStore;
  readonly listener: Listener;
  readonly consumeMessageBatchMaxSize: number;
  readonly suspendCurrentQueueTimeMillis: number;
  /** Concurrency of listener calls (consumeThreadMin; Java's pool never grows past its core size). */
  readonly consumeThreadMin: number;
  /** Set when enableMsgTrace: consume calls are traced. */
  readonly traceDispatcher?: TraceDispatcher;
  /** maxReconsumeTimes as configured (-1 = the mode's default). */
  readonly maxReconsumeTimes: number;
  /** CONSUMER_SEND_MSG_BACK to the message's broker, falling back to re-sending it to the retry topic. */
  sendMessageBack(msg: ConsumedMessage, delayLevel: number, brokerName: string): Promise<void>;
  /** Re-sends `msg` to %RETRY%group through the inner producer, counting one more reconsume. */
  sendMessageBackAsNormalMessage(msg: ConsumedMessage, maxReconsumeTimes: number): Promise<void>;
  /** Orderly consumers lock queues on the broker. */
  lockQueue(mq: MessageQueue): Promise<boolean>;
  isRunning(): boolean;
}

export interface ConsumeMessageService {
  start(): void;
  /** Stops taking new work and waits up to `awaitTerminationMillis` for running listener calls. */
  shutdown(awaitTerminationMillis: number): Promise<void>;
  submitConsumeRequest(msgs: ConsumedMessage[], pq: ProcessQueue, mq: MessageQueue, dispatchToConsume: boolean): void;
  consumeMessageDirectly(msg: ConsumedMessage, brokerName: string | undefined): Promise<ConsumeMessageDirectlyResult>;
  /** Listener calls in flight. */
  readonly activeCount: number;
}

/** resetRetryAndNamespace: a message pulled from %RETRY%group shows its original topic again. */
export function resetRetryTopic(msgs: readonly ConsumedMessage[], group: string): void {
  const retryTopic = getRetryTopic(group);
  for (const m of msgs) {
    const original = m.properties[MessageConst.PROPERTY_RETRY_TOPIC];
    if (original !== undefined && m.topic === retryTopic) m.topic = original;
  }
}

export function setConsumeStartTime(msgs: readonly ConsumedMessage[]): void {
  const now = String(Date.now());
  for (const m of msgs) m.properties[MessageConst.PROPERTY_CONSUME_START_TIMESTAMP] = now;
}

/**
 * Calls the listener; resolves with its status (undefined when it returned nothing) or rejects with its error. A
 * per-message listener always gets batches of one (the push consumer sets consumeMessageBatchMaxSize to 1 for it).
 */
export async function callListener(listener: Listener, msgs: ConsumedMessage[], ctx: ConsumeContext): Promise<ConsumeStatus | undefined> {
  const status = listener.kind === 'single' ? await listener.fn(msgs[0]!, ctx) : await listener.fn(msgs, ctx);
  return status ?? undefined;
}

/** callListener with the SubBefore/SubAfter trace records of Apache's ConsumeMessageTraceHookImpl when tracing is on. */
export async function callListenerTraced(host: ConsumeHost, msgs: ConsumedMessage[], ctx: ConsumeContext): Promise<ConsumeStatus | undefined> {
  const trace = host.traceDispatcher;
  const before = trace ? subBeforeContext(host.group, msgs) : undefined;
  if (!trace || !before) return callListener(host.listener, msgs, ctx);
  trace.append(before);
  let status: ConsumeStatus | undefined;
  try {
    status = await callListener(host.listener, msgs, ctx);
  } catch (err) {
    trace.append(subAfterContext(before, msgs.length, false, 'EXCEPTION'));
    throw err;
  }
  const failed = status === 'RECONSUME_LATER' || status === 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
  trace.append(subAfterContext(before, msgs.length, !failed, failed ? 'FAILED' : 'SUCCESS'));
  return status;
}

/** The DLQ threshold a consumer applies: the configured value, else 16 (concurrently) or unlimited (orderly). */
export function effectiveMaxReconsumeTimes(configured: number, orderly: boolean): number {
  if (configured !== -1) return configured;
  return orderly ? 0x7fffffff : 16;
}

export const isRetryTopicOf = (topic: string): boolean => topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX);
