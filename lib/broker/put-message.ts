// The broker's side of storing a message: delay-level and transaction rewrites done before the store sees it
// (5.x's HookUtils / 4.9's CommitLog put), stats, and the PutMessageStatus -> response code mapping.

import { ResponseCode } from '../protocol/codes.ts';
import { PermName, TopicValidator } from '../protocol/constants.ts';
import { MessageConst, MessageSysFlag } from '../protocol/message-const.ts';
import { messageProperties2String } from '../protocol/message-properties.ts';
import type { SocketHost } from '../protocol/message-host.ts';
import { normalizeAddress } from '../protocol/message-host.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import type { MessageExtBrokerInner, PutMessageResult } from '../store/types.ts';
import type { BrokerContext } from './context.ts';

/** Random queue id like RocketMQ's `nextInt(99999999) % n`. */
export const randomQueueId = (n: number): number => (n > 0 ? Math.floor(Math.random() * 99_999_999) % n : 0);

const hostCache = new WeakMap<RemotingConnection, SocketHost>();

/** The client's socket address as a record's bornHost (IPv4-mapped addresses as plain IPv4, like Java sees them). */
export function bornHostOf(conn: RemotingConnection): SocketHost {
  let h = hostCache.get(conn);
  if (!h) {
    const i = conn.remoteAddr.lastIndexOf(':');
    h = { address: normalizeAddress(conn.remoteAddr.slice(0, i)), port: Number(conn.remoteAddr.slice(i + 1)) || 0 };
    hostCache.set(conn, h);
  }
  return h;
}

/**
 * A message with a delay level goes to SCHEDULE_TOPIC_XXXX, queue (level - 1), its real topic and queue kept in
 * REAL_TOPIC / REAL_QID; the schedule service brings it back when due. Levels above the highest are capped.
 */
export function applyDelayLevel(ctx: BrokerContext, msg: MessageExtBrokerInner): void {
  const tranType = MessageSysFlag.getTransactionValue(msg.sysFlag);
  if (tranType !== MessageSysFlag.TRANSACTION_NOT_TYPE && tranType !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) return;
  const text = msg.properties[MessageConst.PROPERTY_DELAY_TIME_LEVEL];
  if (!text) return;
  let level = parseInt(text, 10);
  if (!(level > 0)) return;
  const max = ctx.schedule.maxDelayLevel;
  if (level > max) {
    level = max;
    msg.properties[MessageConst.PROPERTY_DELAY_TIME_LEVEL] = String(level);
  }
  msg.properties[MessageConst.PROPERTY_REAL_TOPIC] = msg.topic;
  msg.properties[MessageConst.PROPERTY_REAL_QUEUE_ID] = String(msg.queueId);
  msg.topic = TopicValidator.RMQ_SYS_SCHEDULE_TOPIC;
  msg.queueId = level - 1;
  msg.propertiesString = propertiesForStore(msg.properties);
}

/**
 * A transactional half message waits in RMQ_SYS_TRANS_HALF_TOPIC queue 0 (RocketMQ's TransactionalMessageBridge):
 * real topic and queue in properties, sysFlag reset to a plain message so dispatch indexes it there.
 */
export function applyHalfMessage(msg: MessageExtBrokerInner): void {
  msg.properties[MessageConst.PROPERTY_REAL_TOPIC] = msg.topic;
  msg.properties[MessageConst.PROPERTY_REAL_QUEUE_ID] = String(msg.queueId);
  msg.sysFlag = MessageSysFlag.resetTransactionValue(msg.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE);
  msg.topic = TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC;
  msg.queueId = 0;
  msg.propertiesString = propertiesForStore(msg.properties);
}

/** Properties string to store: WAIT is left out (9 bytes saved per message, as RocketMQ does). */
export function propertiesForStore(props: Record<string, string>): string {
  // left out while writing, not deleted and put back: `delete` turns the object into a slow dictionary one
  return messageProperties2String(props, MessageConst.PROPERTY_WAIT_STORE_MSG_OK);
}

/** Creates a one-queue system topic on first use (transaction half/op topics), as RocketMQ does. */
export function ensureTopic(ctx: BrokerContext, topic: string): void {
  const r = ctx.topics.createTopicInSendMessageBackMethod(topic, 1, PermName.PERM_READ | PermName.PERM_WRITE, 0);
  if (r.created) ctx.registerIncrementBrokerData(r.topicConfig);
}

/** Stores a message the broker built itself (retry, DLQ, delay delivery, offset-moved events), counting it. */
export async function putInternal(ctx: BrokerContext, msg: MessageExtBrokerInner): Promise<PutMessageResult> {
  applyDelayLevel(ctx, msg);
  const start = Date.now();
  const r = await ctx.store.putMessage(msg);
  if (r.appendResult) ctx.stats.incPut(msg.topic, r.appendResult.msgNum, r.appendResult.wroteBytes, Date.now() - start);
  else ctx.stats.incPutFailed();
  return r;
}

export interface PutOutcome {
  code: number;
  remark?: string;
  /** The records are stored (true also for flush/replication timeouts). */
  sendOK: boolean;
}

/** PutMessageStatus -> response code and remark, as SendMessageProcessor.handlePutMessageResult maps them. */
export function mapPutStatus(ctx: BrokerContext, r: PutMessageResult): PutOutcome {
  switch (r.status) {
    case 'PUT_OK':
      return { code: ResponseCode.SUCCESS, sendOK: true };
    case 'FLUSH_DISK_TIMEOUT':
      return { code: ResponseCode.FLUSH_DISK_TIMEOUT, sendOK: true };
    case 'FLUSH_SLAVE_TIMEOUT':
      return { code: ResponseCode.FLUSH_SLAVE_TIMEOUT, sendOK: true };
    case 'SLAVE_NOT_AVAILABLE':
      return { code: ResponseCode.SLAVE_NOT_AVAILABLE, sendOK: true };
    case 'CREATE_MAPPED_FILE_FAILED':
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'create mapped file failed, server is busy or broken.', sendOK: false };
    case 'MESSAGE_ILLEGAL':
    case 'PROPERTIES_SIZE_EXCEEDED':
      return { code: ResponseCode.MESSAGE_ILLEGAL, remark: messageIllegalRemark(ctx), sendOK: false };
    case 'SERVICE_NOT_AVAILABLE':
      return {
        code: ResponseCode.SERVICE_NOT_AVAILABLE,
        remark: `service not available now. It may be caused by one of the following reasons: the broker's disk is full, messages are put to the slave, message store has been shut down, etc.${r.remark ? ` (${r.remark})` : ''}`,
        sendOK: false,
      };
    case 'OS_PAGE_CACHE_BUSY':
      return { code: ResponseCode.SYSTEM_BUSY, remark: '[PC_SYNCHRONIZED]broker busy, start flow control for a while', sendOK: false };
    case 'UNKNOWN_ERROR':
      return { code: ResponseCode.SYSTEM_ERROR, remark: r.remark ?? 'UNKNOWN_ERROR', sendOK: false };
    default:
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'UNKNOWN_ERROR DEFAULT', sendOK: false };
  }
}

export const messageIllegalRemark = (ctx: BrokerContext): string =>
  `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${ctx.config().store.maxMessageSize}B, msg properties length limit 32KB.`;
