// Store maintenance from mqadmin: DELETE_EXPIRED_COMMITLOG (329, deleteExpiredCommitLog), CLEAN_UNUSED_TOPIC
// (316, cleanUnusedTopic) and CLEAN_EXPIRED_CONSUMEQUEUE (306, cleanExpiredCQ). Each answers SUCCESS with no
// remark once the store was asked, as RocketMQ's AdminBrokerProcessor does.

import { isLmqTopic, TopicValidator } from '../protocol/constants.ts';
import type { RemotingCommand } from '../remoting/command.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import { ok, type BrokerContext } from './context.ts';

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

function dropTopics(ctx: BrokerContext, topics: string[]): void {
  if (topics.length === 0) return;
  ctx.store.deleteTopics(topics);
  for (const topic of topics) ctx.stats.items.removeTopic(topic);
}
