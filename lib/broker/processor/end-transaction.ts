// END_TRANSACTION (37): commits a half message to its real topic or rolls it back; either way an op record in
// RMQ_SYS_TRANS_OP_HALF_TOPIC marks the half message as resolved (RocketMQ's EndTransactionProcessor). Half
// messages left unresolved are checked back with their producer by ../transaction/transaction-check.ts; the producer's answer
// comes back here with fromTransactionCheck=true and names the copy the check stored.

import { ResponseCode } from '../../protocol/codes.ts';
import { TopicValidator } from '../../protocol/constants.ts';
import { EndTransactionRequestHeader } from '../../protocol/headers/message.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { MessageConst, MessageSysFlag } from '../../protocol/message-const.ts';
import { messageProperties2String } from '../../protocol/message-properties.ts';
import type { MessageExt } from '../../protocol/message.ts';
import { tagsHashCode } from '../../protocol/message.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { BrokerContext } from '../context.ts';
import { ensureTopic, putInternal } from '../put-message.ts';
import { REMOVE_TAG, rejectsLateEndTransaction, transactionCheckSettings } from '../transaction/transaction-check-rules.ts';

export async function handleEndTransaction(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand | undefined> {
  const h = decodeHeader(EndTransactionRequestHeader, req.extFields);
  if (ctx.config().store.brokerRole === 'SLAVE') {
    return createResponse(req, ResponseCode.SLAVE_NOT_AVAILABLE, "Can't commit or rollback on a slave broker");
  }
  const type = h.commitOrRollback;
  const commit = type === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
  if (!commit && type !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) {
    // UNKNOW (TRANSACTION_NOT_TYPE): nothing to do and no answer; the check service asks again later.
    if (type === MessageSysFlag.TRANSACTION_NOT_TYPE) {
      ctx.log.info('transaction_state_unknown', { producerGroup: h.producerGroup, msgId: h.msgId, fromTransactionCheck: h.fromTransactionCheck, remoteAddr: conn.remoteAddr, remark: req.remark });
    }
    return undefined;
  }
  if (h.fromTransactionCheck) {
    ctx.log.info('transaction_check_answered', { producerGroup: h.producerGroup, msgId: h.msgId, commit, remoteAddr: conn.remoteAddr, remark: req.remark });
  }
  const half = await ctx.store.lookMessageByOffset(h.commitLogOffset);
  if (!half) return createResponse(req, ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
  if (rejectsLateEndTransaction(half, h.fromTransactionCheck, transactionCheckSettings(ctx.config()).transactionTimeOut, Date.now())) {
    ctx.log.warn('transaction_end_rejected_after_immunity', { producerGroup: h.producerGroup, msgId: h.msgId, commitLogOffset: h.commitLogOffset, commit });
    return createResponse(req, ResponseCode.ILLEGAL_OPERATION, undefined);
  }
  const problem = checkPrepareMessage(half, h);
  if (problem) return createResponse(req, ResponseCode.SYSTEM_ERROR, problem);
  if (commit) {
    const r = await putInternal(ctx, finalMessage(half, type));
    if (!r.appendResult) return createResponse(req, ResponseCode.SYSTEM_ERROR, `commit of transaction message failed: ${r.status}`);
  }
  await markResolved(ctx, half);
  ctx.log.debug('transaction_ended', { producerGroup: h.producerGroup, msgId: h.msgId, commit, fromTransactionCheck: h.fromTransactionCheck, remoteAddr: conn.remoteAddr });
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
