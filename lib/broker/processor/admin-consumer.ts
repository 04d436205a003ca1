// Consumer control: INVOKE_BROKER_TO_RESET_OFFSET (222) tells online consumers their new offsets through
// RESET_CONSUMER_CLIENT_OFFSET (220) and moves the stored offsets of an offline group; GET_CONSUMER_RUNNING_INFO
// (307) and CONSUME_MESSAGE_DIRECTLY (309) are forwarded to the named client and its answer returned.

import { ResponseCode, RequestCode } from '../../protocol/codes.ts';
import { encodeResetOffsetBody } from '../../protocol/bodies/offsets.ts';
import type { MessageQueue } from '../../protocol/bodies/read.ts';
import { ConsumeMessageDirectlyResultRequestHeader, GetConsumerRunningInfoRequestHeader, ResetOffsetRequestHeader } from '../../protocol/headers/consumer.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { MessageDecodeError } from '../../protocol/message-errors.ts';
import { decodeMessageId } from '../../protocol/message-host.ts';
import { createRequest, createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import { RemotingTimeoutError } from '../../remoting/errors.ts';
import { NOT_SET_REMARK } from './admin-topic.ts';
import type { BrokerContext } from '../context.ts';

/** Broker2Client.callClient's timeout for requests forwarded to a client. */
const CALL_CLIENT_TIMEOUT_MS = 10_000;

export async function handleResetOffset(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand> {
  const h = decodeHeader(ResetOffsetRequestHeader, req.extFields);
  const c = ctx.config();
  ctx.log.info('reset_offset', { topic: h.topic, group: h.group, timestamp: h.timestamp, isForce: h.isForce, remoteAddr: conn.remoteAddr });
  const tc = ctx.topics.selectTopicConfig(h.topic);
  if (!tc) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `[reset-offset] reset offset failed, no topic in this broker. topic=${h.topic}`);
  const committed = ctx.offsets.queryOffsets(h.group, h.topic);
  if (!committed || committed.size === 0) {
    return createResponse(req, ResponseCode.SYSTEM_ERROR, `THe consumer group <${h.group}> not exist`);
  }
  const offsetTable: Array<[MessageQueue, number]> = [];
  for (let i = 0; i < tc.writeQueueNums; i++) {
    if (h.queueId >= 0 && i !== h.queueId) continue;
    const consumerOffset = committed.get(i) ?? 0;
    let target: number;
    if (h.queueId >= 0 && h.offset !== undefined && h.offset >= 0) target = h.offset;
    else if (h.timestamp === -1) target = ctx.store.getMaxOffsetInQueue(h.topic, i);
    else target = await ctx.store.getOffsetInQueueByTime(h.topic, i, h.timestamp);
    if (target < 0) target = 0;
    // Without force an offset only moves back (messages are re-consumed, never skipped).
    offsetTable.push([{ topic: h.topic, brokerName: c.brokerName, queueId: i }, h.isForce || target < consumerOffset ? target : consumerOffset]);
  }
  const body = encodeResetOffsetBody({ offsetTable });
  const group = ctx.consumers.getConsumerGroupInfo(h.group);
  if (group && group.channels.size > 0) {
    const notice = createRequest(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, { topic: h.topic, group: h.group, timestamp: h.timestamp, isForce: h.isForce }, { body });
    // Clients behind one gRPC endpoint share its connection: one notice per connection.
    const once = new Map([...group.channels.values()].map((i) => [i.conn, i]));
    for (const info of once.values()) {
      info.conn.invokeOneway(notice).catch((err: unknown) => {
        ctx.log.warn('reset_offset_notify_failed', { group: h.group, clientId: info.clientId, error: err });
      });
    }
  } else {
    // Nobody to tell: the stored offsets move, and the group starts there when it comes back.
    for (const [mq, offset] of offsetTable) ctx.offsets.commitOffset(conn.remoteAddr, h.group, h.topic, mq.queueId, offset);
    await ctx.offsets.persistIfDirty();
  }
  return createResponse(req, ResponseCode.SUCCESS, NOT_SET_REMARK, undefined, body);
}

async function callConsumer(ctx: BrokerContext, req: RemotingCommand, group: string, clientId: string): Promise<RemotingCommand> {
  const info = ctx.consumers.findChannel(group, clientId);
  if (!info) return createResponse(req, ResponseCode.SYSTEM_ERROR, `The Consumer <${group}> <${clientId}> not online`);
  const forward: RemotingCommand = { ...createRequest(req.code), extFields: req.extFields, body: req.body };
  try {
    const res = await info.conn.invoke(forward, CALL_CLIENT_TIMEOUT_MS);
    return { ...res, opaque: req.opaque };
  } catch (err) {
    if (err instanceof RemotingTimeoutError) {
      return createResponse(req, ResponseCode.CONSUME_MSG_TIMEOUT, `consumer <${group}> <${clientId}> Timeout: ${err.message}`);
    }
    return createResponse(req, ResponseCode.SYSTEM_ERROR, `invoke consumer <${group}> <${clientId}> Exception: ${(err as Error).message}`);
  }
}

export function handleGetConsumerRunningInfo(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(GetConsumerRunningInfoRequestHeader, req.extFields);
  return callConsumer(ctx, req, h.consumerGroup, h.clientId);
}

/** The stored message named by the offset msgId goes along as the body, and brokerName is set to this broker. */
export async function handleConsumeMessageDirectly(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(ConsumeMessageDirectlyResultRequestHeader, req.extFields);
  let body = req.body;
  if (h.msgId) {
    try {
      body = (await ctx.store.selectOneMessageByOffset(decodeMessageId(h.msgId).offset)) ?? body;
    } catch (err) {
      if (!(err instanceof MessageDecodeError)) throw err;
      ctx.log.info('consume_message_directly_bad_msg_id', { msgId: h.msgId });
    }
  }
  const forward = { ...req, extFields: { ...req.extFields, brokerName: ctx.config().brokerName }, body };
  return callConsumer(ctx, forward, h.consumerGroup, h.clientId ?? '');
}
