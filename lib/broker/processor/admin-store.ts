// Store maintenance and inspection from mqadmin: DELETE_EXPIRED_COMMITLOG (329, deleteExpiredCommitLog),
// CLEAN_UNUSED_TOPIC (316, cleanUnusedTopic) and CLEAN_EXPIRED_CONSUMEQUEUE (306, cleanExpiredCQ) answer SUCCESS
// with no remark once the store was asked, as RocketMQ's AdminBrokerProcessor does; QUERY_CONSUME_QUEUE (321,
// queryCq) shows raw consume queue entries.

import { ResponseCode } from '../../protocol/codes.ts';
import { isLmqTopic, TopicValidator } from '../../protocol/constants.ts';
import { encodeQueryConsumeQueueResponseBody, type QueryConsumeQueueResponseBody } from '../../protocol/bodies/consume-queue-data.ts';
import { QueryConsumeQueueRequestHeader } from '../../protocol/headers/admin.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import { ok, type BrokerContext } from '../context.ts';
import { isTagType } from '../filter/filter.ts';

/** Retention deletes expired commit log files in its next rounds whatever deleteWhen says. */
export function handleDeleteExpiredCommitLog(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  ctx.log.warn('delete_expired_commitlog', { remoteAddr: conn.remoteAddr });
  ctx.store.executeDeleteFilesManually();
  return ok(req);
}

/** Consume queues of topics the topic table no longer has (deleted elsewhere, or left by a crash) are dropped. */
export function handleCleanUnusedTopic(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const unused = ctx.store.getTopics().filter((topic) =>
    !ctx.topics.selectTopicConfig(topic)
    && topic !== TopicValidator.RMQ_SYS_SCHEDULE_TOPIC
    && topic !== TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC
    && !isLmqTopic(topic));
  ctx.log.warn('clean_unused_topic', { topics: unused, remoteAddr: conn.remoteAddr });
  dropTopics(ctx, unused);
  return ok(req);
}

/**
 * Topics whose every consume queue only points below the commit log's first offset (all their messages expired)
 * lose their consume queues; RocketMQ does this queue by queue, the store here drops whole topics, so a topic
 * with one live queue keeps them all. A queue that never had an entry counts as live ("created just now").
 */
export function handleCleanExpiredConsumeQueue(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const minPhyOffset = ctx.store.getMinPhyOffset();
  const expired: string[] = [];
  for (const topic of ctx.store.getTopics()) {
    if (topic === TopicValidator.RMQ_SYS_SCHEDULE_TOPIC) continue;
    const tc = ctx.topics.selectTopicConfig(topic);
    // queues the store may hold for the topic; without a config entry cleanUnusedTopic is the tool for it
    if (!tc) continue;
    const queueNums = Math.max(tc.readQueueNums, tc.writeQueueNums);
    let allExpired = queueNums > 0;
    for (let queueId = 0; queueId < queueNums && allExpired; queueId++) {
      const max = ctx.store.getMaxOffsetInQueue(topic, queueId);
      if (max <= 0) allExpired = false;
      else if (ctx.store.getMinOffsetInQueue(topic, queueId) < max) {
        const last = ctx.store.getCommitLogOffsetInQueue(topic, queueId, max - 1);
        allExpired = last >= 0 && last < minPhyOffset;
      }
    }
    if (allExpired) expired.push(topic);
  }
  ctx.log.warn('clean_expired_consume_queue', { minPhyOffset, topics: expired, remoteAddr: conn.remoteAddr });
  dropTopics(ctx, expired);
  return ok(req);
}

/**
 * Entries of one consume queue from `index` (at most `count`, not past the end of the file holding `index`), the
 * queue's min and max offsets, and the named group's subscription to the topic. A queue the store does not have is
 * a SYSTEM_ERROR; an index outside the queue is SUCCESS with a remark and no body (RocketMQ's answers).
 */
export function handleQueryConsumeQueue(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(QueryConsumeQueueRequestHeader, req.extFields);
  const topic = h.topic ?? '';
  const found = ctx.store.getConsumeQueueEntries(topic, h.queueId, h.index, h.count);
  if (!found) return createResponse(req, ResponseCode.SYSTEM_ERROR, `${h.queueId}@${topic} is not exist!`);
  const body: QueryConsumeQueueResponseBody = { queueData: [], maxQueueIndex: found.maxOffset, minQueueIndex: found.minOffset };
  if (h.consumerGroup !== undefined) {
    body.subscriptionData = ctx.consumers.findSubscriptionData(h.consumerGroup, topic);
    // A SQL92 group's ConsumerFilterData as JSON (fastjson writes a missing one as "null"); TAG groups have none.
    const fd = body.subscriptionData && !isTagType(body.subscriptionData.expressionType) ? ctx.filters.get(topic, h.consumerGroup) : undefined;
    body.filterData = !body.subscriptionData ? `${h.consumerGroup}@${topic} is not online!` : fd ? JSON.stringify({
      bornTime: fd.bornTime, clientVersion: fd.clientVersion, consumerGroup: fd.group, deadTime: 0, expression: fd.expression,
      expressionType: fd.expressionType, topic: fd.topic,
    }) : 'null';
  }
  if (found.entries.length === 0) return createResponse(req, ResponseCode.SUCCESS, `Index ${h.index} of ${h.queueId}@${topic} is not exist!`);
  body.queueData = found.entries.map((e) => ({ physicOffset: e.commitLogOffset, physicSize: e.size, tagsCode: e.tagsCode, eval: false }));
  return ok(req, encodeQueryConsumeQueueResponseBody(body));
}

function dropTopics(ctx: BrokerContext, topics: string[]): void {
  if (topics.length === 0) return;
  ctx.store.deleteTopics(topics);
  for (const topic of topics) ctx.stats.items.removeTopic(topic);
}
