// Where a consumer starts on a queue (RebalancePushImpl.computePullFromWhere): the committed offset when there is
// one, else the first, last or timestamp-matched offset as consumeFromWhere says.

import { MixAll } from '../protocol/codes.ts';
import type { ConsumeFromWhere } from '../protocol/bodies/consumer.ts';
import type { MessageQueue } from '../protocol/bodies/read.ts';
import type { ClientInstance } from './client-instance.ts';
import { MQClientError } from './errors.ts';
import { OFFSET_NOT_FOUND, type OffsetStore } from './offset-store.ts';
import { parseConsumeTimestamp } from './push-consumer-options.ts';

async function masterAddr(inst: ClientInstance, mq: MessageQueue): Promise<string> {
  let found = inst.routes.findBrokerAddressInSubscribe(mq.brokerName, MixAll.MASTER_ID, true);
  if (!found) {
    await inst.updateTopicRouteInfoFromNameServer(mq.topic).catch(() => false);
    found = inst.routes.findBrokerAddressInSubscribe(mq.brokerName, MixAll.MASTER_ID, true);
  }
  if (!found) throw new MQClientError(`The broker[${mq.brokerName}] not exist`);
  return found.brokerAddr;
}

export async function maxOffset(inst: ClientInstance, mq: MessageQueue): Promise<number> {
  return inst.api.getMaxOffset(await masterAddr(inst, mq), mq, inst.config.mqClientApiTimeout);
}

export async function minOffset(inst: ClientInstance, mq: MessageQueue): Promise<number> {
  return inst.api.getMinOffset(await masterAddr(inst, mq), mq, inst.config.mqClientApiTimeout);
}

export async function searchOffset(inst: ClientInstance, mq: MessageQueue, timestamp: number): Promise<number> {
  return inst.api.searchOffset(await masterAddr(inst, mq), mq, timestamp, inst.config.mqClientApiTimeout);
}

/**
 * The committed offset, or for a queue the group never committed on: 0 for FIRST (the broker corrects a too-small
 * offset with OFFSET_ILLEGAL), the queue's max offset for LAST/MIN/MAX (0 for retry topics), the offset of
 * `consumeTimestamp` for TIMESTAMP. Throws when the committed offset could not be read.
 */
export async function computePullFromWhere(
  inst: ClientInstance,
  store: OffsetStore,
  mq: MessageQueue,
  consumeFromWhere: ConsumeFromWhere,
  consumeTimestamp: string,
): Promise<number> {
  const last = await store.readOffset(mq, 'STORE');
  if (last >= 0) return last;
  if (last !== OFFSET_NOT_FOUND) throw new MQClientError(`cannot read the committed offset of ${mq.topic}:${mq.brokerName}:${mq.queueId}`);
  const retry = mq.topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX);
  switch (consumeFromWhere) {
    case 'CONSUME_FROM_FIRST_OFFSET':
      return 0;
    case 'CONSUME_FROM_TIMESTAMP':
      return retry ? maxOffset(inst, mq) : searchOffset(inst, mq, parseConsumeTimestamp(consumeTimestamp));
    default:
      return retry ? 0 : maxOffset(inst, mq);
  }
}
