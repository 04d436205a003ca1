// Offset requests: QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15), SEARCH_OFFSET_BY_TIMESTAMP (29),
// GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32), CLONE_GROUP_OFFSET (314).

import { ResponseCode } from '../../protocol/codes.ts';
import {
  CloneGroupOffsetRequestHeader,
  GetEarliestMsgStoretimeRequestHeader,
  GetMaxOffsetRequestHeader,
  GetMinOffsetRequestHeader,
  QueryConsumerOffsetRequestHeader,
  SearchOffsetRequestHeader,
  UpdateConsumerOffsetRequestHeader,
} from '../../protocol/headers/consumer.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { BoundaryType } from '../../store/types.ts';
import { okWithHeader, type BrokerContext } from '../context.ts';

export function handleQueryConsumerOffset(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(QueryConsumerOffsetRequestHeader, req.extFields);
  const offset = ctx.offsets.queryOffset(h.consumerGroup, h.topic, h.queueId);
  if (offset >= 0) return okWithHeader(req, { offset });
  // A group that never committed: offset 0 while the queue still starts at 0, so a first consumer reads from
  // the beginning (RocketMQ also requires the first message to be in memory; ours always is, as far as it knows).
  const minOffset = ctx.store.getMinOffsetInQueue(h.topic, h.queueId);
  if (minOffset <= 0 && h.setZeroIfNotFound !== false) return okWithHeader(req, { offset: 0 });
  const res = createResponse(req, ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
  res.extFields = {};
  return res;
}

export function handleUpdateConsumerOffset(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const h = decodeHeader(UpdateConsumerOffsetRequestHeader, req.extFields);
  ctx.offsets.commitOffset(conn.remoteAddr, h.consumerGroup, h.topic, h.queueId, h.commitOffset);
  return okWithHeader(req, {});
}

export function handleGetMaxOffset(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(GetMaxOffsetRequestHeader, req.extFields);
  return okWithHeader(req, { offset: ctx.store.getMaxOffsetInQueue(h.topic, h.queueId) });
}

export function handleGetMinOffset(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(GetMinOffsetRequestHeader, req.extFields);
  return okWithHeader(req, { offset: ctx.store.getMinOffsetInQueue(h.topic, h.queueId) });
}

export async function handleGetEarliestMsgStoretime(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(GetEarliestMsgStoretimeRequestHeader, req.extFields);
  return okWithHeader(req, { timestamp: await ctx.store.getEarliestMessageTime(h.topic, h.queueId) });
}

export async function handleSearchOffsetByTimestamp(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(SearchOffsetRequestHeader, req.extFields);
  const boundary: BoundaryType = h.boundaryType === 'UPPER' ? 'UPPER' : 'LOWER';
  return okWithHeader(req, { offset: await ctx.store.getOffsetInQueueByTime(h.topic, h.queueId, h.timestamp, boundary) });
}

/**
 * CLONE_GROUP_OFFSET (AdminBrokerProcessor.cloneGroupOffset): copies srcGroup's offsets to destGroup for the topic, or
 * for every topic srcGroup has offsets for when none is named. Unless `offline`, a topic the online srcGroup no
 * longer subscribes to is skipped. (RocketMQ's loop passes the header's topic instead of the loop's, so without a
 * topic it clones nothing; here each topic of the loop is cloned.)
 */
export function handleCloneGroupOffset(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(CloneGroupOffsetRequestHeader, req.extFields);
  const topics = h.topic ? [h.topic] : [...ctx.offsets.whichTopicByConsumer(h.srcGroup)];
  const online = !h.offline && (ctx.consumers.getConsumerGroupInfo(h.srcGroup)?.subscriptionTable.size ?? 0) > 0;
  for (const topic of topics) {
    if (!ctx.topics.selectTopicConfig(topic)) {
      ctx.log.warn('clone_offset_topic_missing', { topic, srcGroup: h.srcGroup, destGroup: h.destGroup });
      continue;
    }
    if (online && !ctx.consumers.findSubscriptionData(h.srcGroup, topic)) {
      ctx.log.warn('clone_offset_not_subscribed', { topic, srcGroup: h.srcGroup, destGroup: h.destGroup });
      continue;
    }
    ctx.offsets.cloneOffset(h.srcGroup, h.destGroup, topic);
  }
  return okWithHeader(req, {});
}
