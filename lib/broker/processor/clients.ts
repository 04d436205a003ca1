// Client requests: HEART_BEAT (34), UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38),
// LOCK_BATCH_MQ (41), UNLOCK_BATCH_MQ (42), CHECK_CLIENT_CONFIG (46); and the broker's
// NOTIFY_CONSUMER_IDS_CHANGED (40) to group members.

import { ResponseCode, RequestCode } from '../../protocol/codes.ts';
import { PermName, TopicSysFlag, getRetryTopic } from '../../protocol/constants.ts';
import {
  decodeHeartbeatData,
  decodeLockBatchRequestBody,
  decodeUnlockBatchRequestBody,
  encodeConsumerListByGroup,
  encodeLockBatchResponseBody,
  type ConsumeFromWhere,
  type ConsumeType,
  type MessageModel,
} from '../../protocol/bodies/consumer.ts';
import { Fields, parseBody } from '../../protocol/bodies/read.ts';
import { readSubscriptionData } from '../../protocol/bodies/consumer.ts';
import { GetConsumerListByGroupRequestHeader, UnregisterClientRequestHeader } from '../../protocol/headers/consumer.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { createRequest, createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { BrokerContext } from '../context.ts';
import { ok, okWithHeader } from '../context.ts';
import type { ClientChannelInfo } from '../client/consumer-manager.ts';
import { isTagType } from '../filter/filter.ts';
import { compileExpression } from '../filter/consumer-filter.ts';

function channelInfo(req: RemotingCommand, conn: RemotingConnection, clientId: string): ClientChannelInfo {
  return { conn, clientId, language: req.language, version: req.version, lastUpdateTimestamp: Date.now() };
}

export function handleHeartbeat(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const data = decodeHeartbeatData(req.body);
  for (const cd of data.consumerDataSet) {
    const sg = ctx.groups.findSubscriptionGroupConfig(cd.groupName);
    let notify = true;
    if (sg) {
      notify = sg.notifyConsumerIdsChangedEnable;
      const retry = ctx.topics.createTopicInSendMessageBackMethod(
        getRetryTopic(cd.groupName),
        sg.retryQueueNums,
        PermName.PERM_WRITE | PermName.PERM_READ,
        cd.unitMode ? TopicSysFlag.buildSysFlag(false, true) : 0,
      );
      if (retry.created) ctx.registerIncrementBrokerData(retry.topicConfig);
    }
    ctx.consumers.registerConsumer(
      cd.groupName,
      channelInfo(req, conn, data.clientID),
      cd.consumeType as ConsumeType,
      cd.messageModel as MessageModel,
      cd.consumeFromWhere as ConsumeFromWhere,
      cd.subscriptionDataSet,
      notify,
    );
    // RocketMQ's REGISTER event on every heartbeat: SQL92 subscriptions are compiled (a bad one is logged, not refused)
    ctx.filters.register(cd.groupName, cd.subscriptionDataSet);
  }
  for (const pd of data.producerDataSet) ctx.producers.registerProducer(pd.groupName, channelInfo(req, conn, data.clientID));
  return ok(req);
}

export function handleUnregisterClient(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const h = decodeHeader(UnregisterClientRequestHeader, req.extFields);
  if (h.producerGroup !== undefined) ctx.producers.unregisterProducer(h.producerGroup, conn);
  if (h.consumerGroup !== undefined) {
    const sg = ctx.groups.findSubscriptionGroupConfig(h.consumerGroup);
    ctx.consumers.unregisterConsumer(h.consumerGroup, conn, sg ? sg.notifyConsumerIdsChangedEnable : true);
  }
  return okWithHeader(req, {});
}

export function handleGetConsumerListByGroup(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const h = decodeHeader(GetConsumerListByGroupRequestHeader, req.extFields);
  const ids = ctx.consumers.getConsumerGroupInfo(h.consumerGroup)?.allClientIds() ?? [];
  if (ids.length > 0) return okWithHeader(req, {}, encodeConsumerListByGroup({ consumerIdList: ids }));
  ctx.log.debug('no_consumer_for_group', { group: h.consumerGroup, remoteAddr: conn.remoteAddr });
  const res = createResponse(req, ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${h.consumerGroup}`);
  res.extFields = {};
  return res;
}

export function handleLockBatchMQ(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const body = decodeLockBatchRequestBody(req.body);
  const locked = ctx.locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
  return ok(req, encodeLockBatchResponseBody({ lockOKMQSet: locked }));
}

export function handleUnlockBatchMQ(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const body = decodeUnlockBatchRequestBody(req.body);
  ctx.locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
  return ok(req);
}

/**
 * CHECK_CLIENT_CONFIG (a Java push consumer asks it at start for a non-TAG subscription): TAG is fine; SQL92 needs
 * enablePropertyFilter (else SYSTEM_ERROR) and an expression that compiles (else SUBSCRIPTION_PARSE_FAILED with
 * the reason, which the client's start() throws).
 */
export function handleCheckClientConfig(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  if (!req.body || req.body.length === 0) return ok(req);
  const f = Fields.of(parseBody(req.body, 'CheckClientRequestBody'), 'CheckClientRequestBody');
  const sub = f.bean('subscriptionData', readSubscriptionData);
  if (!sub || isTagType(sub.expressionType)) return ok(req);
  if (!ctx.config().enablePropertyFilter) {
    return createResponse(req, ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${sub.expressionType}`);
  }
  const compiled = compileExpression(sub.expressionType, sub.subString);
  if (!compiled.ok) {
    ctx.log.warn('check_client_config_parse_failed', { group: f.str('group'), clientId: f.str('clientId'), expression: sub.subString, error: compiled.message });
    return createResponse(req, ResponseCode.SUBSCRIPTION_PARSE_FAILED, `Invalid MessageSelector: ${compiled.message}`);
  }
  return ok(req);
}

/** NOTIFY_CONSUMER_IDS_CHANGED (oneway) to each member so it rebalances now rather than at its next 20 s round. */
export function notifyConsumerIdsChanged(ctx: BrokerContext, group: string, conns: RemotingConnection[]): void {
  if (!ctx.config().notifyConsumerIdsChangedEnable) return;
  for (const conn of conns) {
    if (conn.closed) continue;
    conn.invokeOneway(createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group })).catch((err: unknown) => {
      ctx.log.info('notify_consumer_ids_changed_failed', { group, remoteAddr: conn.remoteAddr, error: err });
    });
  }
}
