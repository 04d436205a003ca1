// Topic admin: UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21),
// GET_TOPIC_STATS_INFO (202), GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305).

import { ResponseCode } from '../../protocol/codes.ts';
import { PermName, validateTopic } from '../../protocol/constants.ts';
import { encodeTopicList } from '../../protocol/bodies/route.ts';
import { encodeTopicStatsTable, type TopicOffset } from '../../protocol/bodies/stats.ts';
import { encodeTopicConfigSerializeWrapper } from '../../protocol/bodies/topic.ts';
import type { MessageQueue } from '../../protocol/bodies/read.ts';
import { CreateTopicRequestHeader, DeleteTopicRequestHeader, GetTopicStatsInfoRequestHeader } from '../../protocol/headers/admin.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import { ok, okWithHeader, type BrokerContext } from '../context.ts';
import { newTopicConfig } from '../topic/topic-config-manager.ts';
import { parseTopicAttributes } from './admin-config-query.ts';

/** Admin writes are refused on a slave (validateSlave). */
export function slaveRefusal(ctx: BrokerContext, req: RemotingCommand): RemotingCommand | undefined {
  if (ctx.config().store.brokerRole !== 'SLAVE') return undefined;
  return createResponse(req, ResponseCode.SYSTEM_ERROR, "Can't modify topic or subscription group from slave broker, please execute it from master broker.");
}

/** 4.9.8 answers these admin writes with code 0 but the remark its response template started with. */
export const NOT_SET_REMARK = 'not set any response code';

function topicProblem(ctx: BrokerContext, req: RemotingCommand, topic: string): RemotingCommand | undefined {
  const invalid = validateTopic(topic);
  if (invalid) return createResponse(req, ResponseCode.SYSTEM_ERROR, invalid);
  if (ctx.topics.isSystemTopic(topic)) return createResponse(req, ResponseCode.SYSTEM_ERROR, `The topic[${topic}] is conflict with system topic.`);
  return undefined;
}

export async function handleUpdateAndCreateTopic(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand> {
  const refused = slaveRefusal(ctx, req);
  if (refused) return refused;
  const h = decodeHeader(CreateTopicRequestHeader, req.extFields);
  const problem = topicProblem(ctx, req, h.topic);
  if (problem) return problem;
  if (!PermName.isValid(h.perm)) return createResponse(req, ResponseCode.INVALID_PARAMETER, `perm ${h.perm} is not a valid topic permission (0..7)`);
  if (h.readQueueNums < 0 || h.writeQueueNums < 0) {
    return createResponse(req, ResponseCode.INVALID_PARAMETER, `queue counts must not be negative (read ${h.readQueueNums}, write ${h.writeQueueNums})`);
  }
  const tc = newTopicConfig(h.topic, {
    readQueueNums: h.readQueueNums,
    writeQueueNums: h.writeQueueNums,
    perm: h.perm,
    topicFilterType: h.topicFilterType === 'MULTI_TAG' ? 'MULTI_TAG' : 'SINGLE_TAG',
    topicSysFlag: h.topicSysFlag ?? 0,
    order: h.order,
    attributes: parseTopicAttributes(h.attributes),
  });
  ctx.log.info('update_and_create_topic', { topic: h.topic, remoteAddr: conn.remoteAddr });
  ctx.topics.updateTopicConfig(tc);
  // As RocketMQ (registerIncrementBrokerData before the answer): once mqadmin updateTopic returns, the route is
  // on the nameservers, so a following updateTopicPerm, topicRoute or first send finds the topic.
  await ctx.registerIncrementBrokerData(tc);
  return createResponse(req, ResponseCode.SUCCESS, NOT_SET_REMARK);
}

export function handleDeleteTopic(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const refused = slaveRefusal(ctx, req);
  if (refused) return refused;
  const h = decodeHeader(DeleteTopicRequestHeader, req.extFields);
  const problem = topicProblem(ctx, req, h.topic);
  if (problem) return problem;
  ctx.log.info('delete_topic', { topic: h.topic, remoteAddr: conn.remoteAddr });
  if (ctx.topics.deleteTopicConfig(h.topic)) {
    ctx.store.deleteTopics([h.topic]);
    ctx.stats.items.removeTopic(h.topic);
    ctx.offsets.removeTopic(h.topic);
    ctx.registerBrokerAll();
  }
  return ok(req);
}

export function handleGetAllTopicConfig(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const body = encodeTopicConfigSerializeWrapper(ctx.topics.buildSerializeWrapper());
  return okWithHeader(req, {}, body);
}

export async function handleGetTopicStatsInfo(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(GetTopicStatsInfoRequestHeader, req.extFields);
  const tc = ctx.topics.selectTopicConfig(h.topic);
  if (!tc) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist`);
  const brokerName = ctx.config().brokerName;
  const offsetTable: Array<[MessageQueue, TopicOffset]> = [];
  for (let i = 0; i < tc.writeQueueNums; i++) {
    const min = Math.max(0, ctx.store.getMinOffsetInQueue(h.topic, i));
    const max = Math.max(0, ctx.store.getMaxOffsetInQueue(h.topic, i));
    const lastUpdateTimestamp = max > 0 ? Math.max(0, await ctx.store.getMessageStoreTimeStamp(h.topic, i, max - 1)) : 0;
    offsetTable.push([{ topic: h.topic, brokerName, queueId: i }, { minOffset: min, maxOffset: max, lastUpdateTimestamp }]);
  }
  return ok(req, encodeTopicStatsTable({ offsetTable }));
}

export function handleGetSystemTopicListFromBroker(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const topics = [...ctx.topics.topics()].map((t) => t.topicName).filter((t) => ctx.topics.isSystemTopic(t));
  return ok(req, encodeTopicList({ topicList: topics }));
}
