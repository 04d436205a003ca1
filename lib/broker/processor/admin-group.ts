// Consumer group admin: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201),
// DELETE_SUBSCRIPTIONGROUP (207), GET_CONSUMER_CONNECTION_LIST (203), GET_PRODUCER_CONNECTION_LIST (204),
// QUERY_TOPIC_CONSUME_BY_WHO (300), GET_ALL_CONSUMER_OFFSET (43), GET_ALL_DELAY_OFFSET (45).

import { ResponseCode } from '../../protocol/codes.ts';
import { validateGroup } from '../../protocol/constants.ts';
import { encodeConsumerConnection, encodeProducerConnection, type Connection } from '../../protocol/bodies/consumer.ts';
import { encodeConsumerOffsetSerializeWrapper, encodeDelayOffsetSerializeWrapper } from '../../protocol/bodies/offsets.ts';
import { encodeGroupList } from '../../protocol/bodies/stats.ts';
import { decodeSubscriptionGroupConfig, encodeSubscriptionGroupWrapper } from '../../protocol/bodies/subscription-group.ts';
import {
  DeleteSubscriptionGroupRequestHeader,
  GetConsumerConnectionListRequestHeader,
  GetProducerConnectionListRequestHeader,
  QueryTopicConsumeByWhoRequestHeader,
} from '../../protocol/headers/admin.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import { slaveRefusal } from './admin-topic.ts';
import { clientAddrOf, type ClientChannelInfo } from '../client/consumer-manager.ts';
import { ok, type BrokerContext } from '../context.ts';

export function handleUpdateAndCreateSubscriptionGroup(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const refused = slaveRefusal(ctx, req);
  if (refused) return refused;
  const config = decodeSubscriptionGroupConfig(req.body);
  const invalid = validateGroup(config.groupName);
  if (invalid) return createResponse(req, ResponseCode.INVALID_PARAMETER, invalid);
  ctx.log.info('update_and_create_subscription_group', { group: config.groupName, remoteAddr: conn.remoteAddr });
  ctx.groups.updateSubscriptionGroupConfig(config);
  return ok(req);
}

export function handleGetAllSubscriptionGroupConfig(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  return ok(req, encodeSubscriptionGroupWrapper(ctx.groups.wrapper()));
}

export function handleDeleteSubscriptionGroup(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): RemotingCommand {
  const refused = slaveRefusal(ctx, req);
  if (refused) return refused;
  const h = decodeHeader(DeleteSubscriptionGroupRequestHeader, req.extFields);
  ctx.log.info('delete_subscription_group', { group: h.groupName, remoteAddr: conn.remoteAddr });
  ctx.groups.deleteSubscriptionGroupConfig(h.groupName);
  // 4.9.x calls the flag removeOffset, 5.x cleanOffset.
  if (h.removeOffset || h.cleanOffset) ctx.offsets.removeGroup(h.groupName);
  return ok(req);
}

const connectionOf = (info: ClientChannelInfo): Connection => ({
  clientId: info.clientId,
  clientAddr: clientAddrOf(info),
  language: info.language,
  version: info.version,
  ...(info.remote ? { protocolType: info.remote.protocolType, clientVersion: info.remote.clientVersion } : {}),
});

export function handleGetConsumerConnectionList(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(GetConsumerConnectionListRequestHeader, req.extFields);
  const g = ctx.consumers.getConsumerGroupInfo(h.consumerGroup);
  if (!g) return createResponse(req, ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${h.consumerGroup}] not online`);
  return ok(req, encodeConsumerConnection({
    connectionSet: [...g.channels.values()].map(connectionOf),
    subscriptionTable: new Map(g.subscriptionTable),
    consumeType: g.consumeType,
    messageModel: g.messageModel,
    consumeFromWhere: g.consumeFromWhere,
  }));
}

export function handleGetProducerConnectionList(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(GetProducerConnectionListRequestHeader, req.extFields);
  const conns = ctx.producers.getConnections(h.producerGroup);
  if (conns.length === 0) return createResponse(req, ResponseCode.SYSTEM_ERROR, `the producer group[${h.producerGroup}] not exist`);
  return ok(req, encodeProducerConnection({ connectionSet: conns.map(connectionOf) }));
}

export function handleQueryTopicConsumeByWho(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(QueryTopicConsumeByWhoRequestHeader, req.extFields);
  const groups = ctx.consumers.queryTopicConsumeByWho(h.topic);
  for (const g of ctx.offsets.whichGroupByTopic(h.topic)) groups.add(g);
  return ok(req, encodeGroupList({ groupList: [...groups] }));
}

export function handleGetAllConsumerOffset(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  return ok(req, encodeConsumerOffsetSerializeWrapper({ offsetTable: new Map(ctx.offsets.entries()) }));
}

export function handleGetAllDelayOffset(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  return ok(req, encodeDelayOffsetSerializeWrapper({ offsetTable: ctx.schedule.offsetTable() }));
}
