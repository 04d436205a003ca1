// END_TRANSACTION (37): commits a half message to its real topic or rolls it back; either way an op record in
// RMQ_SYS_TRANS_OP_HALF_TOPIC marks the half message as resolved (RocketMQ's EndTransactionProcessor).
// Unresolved half messages are not checked back with producers by this broker.

import { ResponseCode } from '../protocol/codes.ts';
import { TopicValidator } from '../protocol/constants.ts';
import { EndTransactionRequestHeader } from '../protocol/headers/message.ts';
import { decodeHeader } from '../protocol/headers/spec.ts';
import { MessageConst, MessageSysFlag } from '../protocol/message-const.ts';
import { messageProperties2String } from '../protocol/message-properties.ts';
import type { MessageExt } from '../protocol/message.ts';
import { tagsHashCode } from '../protocol/message.ts';
import { createResponse, type RemotingCommand } from '../remoting/command.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import type { BrokerContext } from './context.ts';
import { ensureTopic, putInternal } from './put-message.ts';

/** Tag of op records that remove a half message (TransactionalMessageUtil.REMOVETAG). */
const REMOVE_TAG = 'd';

export async function handleEndTransaction(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand | undefined> {
  const h = decodeHeader(EndTransactionRequestHeader, req.extFields);
  if (ctx.config().store.brokerRole === 'SLAVE') {
    return createResponse(req, ResponseCode.SLAVE_NOT_AVAILABLE, "Can't commit or rollback on a slave broker");
  }
  const type = h.commitOrRollback;
  if (type !== MessageSysFlag.TRANSACTION_COMMIT_TYPE && type !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return undefined;
  const half = await ctx.store.lookMessageByOffset(h.commitLogOffset);
  if (!half) return createResponse(req, ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
  const problem = checkPrepareMessage(half, h);
  if (problem) return createResponse(req, ResponseCode.SYSTEM_ERROR, problem);
  if (type === MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
    const r = await putInternal(ctx, finalMessage(half, type));
    if (!r.appendResult) return createResponse(req, ResponseCode.SYSTEM_ERROR, `commit of transaction message failed: ${r.status}`);
  }
  await markResolved(ctx, half);
  ctx.log.debug('transaction_ended', { producerGroup: h.producerGroup, msgId: h.msgId, commit: type === MessageSysFlag.TRANSACTION_COMMIT_TYPE, remoteAddr: conn.remoteAddr });
  return createResponse(req, ResponseCode.SUCCESS);
}

function checkPrepareMessage(half: MessageExt, h: EndTransactionRequestHeader): string | undefined {
  const group = half.properties[MessageConst.PROPERTY_PRODUCER_GROUP];
  if (group !== undefined && group !== h.producerGroup) return 'The producer group wrong';
  if (half.queueOffset !== h.tranStateTableOffset) return 'The transaction state table offset wrong';
  if (half.commitLogOffset !== h.commitLogOffset) return 'The commit log offset wrong';
  return undefined;
}

/** The committed message: real topic and queue back, TRAN_MSG and the REAL_* markers gone, commit sysFlag. */
function finalMessage(half: MessageExt, type: number) {
  const props = { ...half.properties };
  const topic = props[MessageConst.PROPERTY_REAL_TOPIC] ?? half.topic;
  const queueId = parseInt(props[MessageConst.PROPERTY_REAL_QUEUE_ID] ?? '0', 10) || 0;
  delete props[MessageConst.PROPERTY_REAL_TOPIC];
  delete props[MessageConst.PROPERTY_REAL_QUEUE_ID];
  delete props[MessageConst.PROPERTY_TRANSACTION_PREPARED];
  props[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] = 'false';
  const tags = props[MessageConst.PROPERTY_TAGS];
  return {
    topic,
    queueId,
    flag: half.flag,
    body: half.body,
    properties: props,
    propertiesString: messageProperties2String(props),
    tagsCode: tags ? tagsHashCode(tags) : 0,
    sysFlag: MessageSysFlag.resetTransactionValue(half.sysFlag, type),
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    storeHost: half.storeHost,
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.commitLogOffset,
  };
}

async function markResolved(ctx: BrokerContext, half: MessageExt): Promise<void> {
  const host = ctx.storeHost();
  ensureTopic(ctx, TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC);
  const r = await putInternal(ctx, {
    topic: TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC,
    queueId: half.queueId,
    flag: 0,
    body: Buffer.from(String(half.queueOffset), 'utf8'),
    properties: { [MessageConst.PROPERTY_TAGS]: REMOVE_TAG },
    tagsCode: tagsHashCode(REMOVE_TAG),
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: host,
    storeHost: host,
    reconsumeTimes: 0,
  });
  if (!r.appendResult) ctx.log.warn('transaction_op_record_failed', { queueOffset: half.queueOffset, status: r.status });
}
