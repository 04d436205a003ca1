// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320): checks, topic auto-creation, retry/DLQ
// redirection of %RETRY% sends, delay and transaction rewrites, the store append, and the send result.

import { ResponseCode } from '../../protocol/codes.ts';
import {
  MixAll,
  PermName,
  TopicValidator,
  TopicSysFlag,
  getDLQTopic,
  isNotAllowedSendTopic,
  isRetryTopic,
  validateTopic,
} from '../../protocol/constants.ts';
import { SendMessageRequestHeader } from '../../protocol/headers/message.ts';
import { decodeHeader, defineHeader } from '../../protocol/headers/spec.ts';
import { MessageConst, MessageSysFlag } from '../../protocol/message-const.ts';
import { messageProperties2String, string2messageProperties } from '../../protocol/message-properties.ts';
import { RequestCode } from '../../protocol/codes.ts';
import { DEFAULT_LANGUAGE, DEFAULT_VERSION, FLAG_RESPONSE, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { MessageExtBatch, MessageExtBrokerInner, PutMessageResult } from '../../store/types.ts';
import type { TopicConfig } from '../../protocol/bodies/topic.ts';
import type { BrokerContext } from '../context.ts';
import {
  applyDelayLevel,
  applyHalfMessage,
  bornHostOf,
  ensureTopic,
  mapPutStatus,
  messageIllegalRemark,
  propertiesForStore,
  randomQueueId,
} from '../put-message.ts';
import { recallHandleOf } from '../timer/recall.ts';
import { TIMER_TOPIC } from '../timer/timer-service.ts';

type SendHeader = SendMessageRequestHeader;

const EMPTY = Buffer.alloc(0);

/**
 * The SendMessageRequestHeaderV2 fields this handler reads (one-letter names, see protocol/headers/message.ts); the
 * RPC fields it ignores (n, ns, nsd, bname, oway, lo) are not decoded per send.
 */
const SendV2Read = defineHeader('SendMessageRequestHeaderV2', {
  a: 'string!', b: 'string!', c: 'string!', d: 'int!', e: 'int!', f: 'int!', g: 'long!', h: 'int!',
  i: 'string', j: 'int', k: 'boolean', l: 'int', m: 'boolean',
});

/**
 * Decimal text of 1..maxDigits digits, with an optional '-' and no "-0", as a number; NaN for anything else (the
 * spec decoder then reads the field, accepting what Java's parse does and naming what it refuses).
 */
function plainInteger(text: string | undefined, maxDigits: number): number {
  if (typeof text !== 'string') return NaN;
  const len = text.length;
  const neg = len > 0 && text.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  if (i === len || len - i > maxDigits) return NaN;
  let n = 0;
  for (; i < len; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return neg ? (n === 0 ? NaN : -n) : n;
}

/** An optional int field: undefined when absent, NaN when not plain decimal text. */
function optionalInt(text: string | undefined): number | undefined {
  return text === undefined || text === null ? undefined : plainInteger(text, 9);
}

/** An optional boolean field as Boolean.parseBoolean reads it. */
function optionalBoolean(text: string | undefined): boolean | undefined {
  return text === undefined || text === null ? undefined : text === 'true' || (text !== 'false' && String(text).toLowerCase() === 'true');
}

/**
 * SEND_MESSAGE_V2's header as every client writes it (decimal fields of up to 9 digits, a timestamp of up to 15),
 * read straight into the V1 names in one pass; undefined for anything else, which the spec decoder then reads.
 */
function parseSendHeaderV2Plain(ext: Record<string, string> | undefined): SendHeader | undefined {
  if (!ext) return undefined;
  const a = ext.a, b = ext.b, c = ext.c;
  if (typeof a !== 'string' || typeof b !== 'string' || typeof c !== 'string') return undefined;
  const d = plainInteger(ext.d, 9), e = plainInteger(ext.e, 9), f = plainInteger(ext.f, 9), g = plainInteger(ext.g, 15), hh = plainInteger(ext.h, 9);
  const j = optionalInt(ext.j), l = optionalInt(ext.l);
  // NaN !== NaN: any field that is not plain decimal text
  if (d !== d || e !== e || f !== f || g !== g || hh !== hh || j !== j || l !== l) return undefined;
  const h: { -readonly [K in keyof SendHeader]: SendHeader[K] } = {
    producerGroup: a, topic: b, defaultTopic: c, defaultTopicQueueNums: d, queueId: e, sysFlag: f, bornTimestamp: g, flag: hh,
  };
  const i = ext.i;
  if (i !== undefined && i !== null) h.properties = i;
  if (j !== undefined) h.reconsumeTimes = j;
  const k = optionalBoolean(ext.k);
  if (k !== undefined) h.unitMode = k;
  if (l !== undefined) h.maxReconsumeTimes = l;
  const m = optionalBoolean(ext.m);
  if (m !== undefined) h.batch = m;
  return h;
}

export function parseSendHeader(req: RemotingCommand): SendHeader {
  if (req.code === RequestCode.SEND_MESSAGE) return decodeHeader(SendMessageRequestHeader, req.extFields);
  const plain = parseSendHeaderV2Plain(req.extFields);
  if (plain) return plain;
  const v = decodeHeader(SendV2Read, req.extFields);
  const h: { -readonly [K in keyof SendHeader]: SendHeader[K] } = {
    producerGroup: v.a, topic: v.b, defaultTopic: v.c, defaultTopicQueueNums: v.d, queueId: v.e, sysFlag: v.f, bornTimestamp: v.g, flag: v.h,
  };
  if (v.i !== undefined) h.properties = v.i;
  if (v.j !== undefined) h.reconsumeTimes = v.j;
  if (v.k !== undefined) h.unitMode = v.k;
  if (v.l !== undefined) h.maxReconsumeTimes = v.l;
  if (v.m !== undefined) h.batch = v.m;
  return h;
}

/**
 * Every send answer carries MSG_REGION and TRACE_ON (preSend adds them before any check). Built as the wire's
 * string fields at once: no header object copied per answer.
 */
function response(ctx: BrokerContext, req: RemotingCommand, code: number, remark?: string, header?: Record<string, string>): RemotingCommand {
  const c = ctx.config();
  const extFields: Record<string, string> = header ?? {};
  extFields[MessageConst.PROPERTY_MSG_REGION] = c.regionId;
  extFields[MessageConst.PROPERTY_TRACE_SWITCH] = c.traceOn ? 'true' : 'false';
  return { code, language: DEFAULT_LANGUAGE, version: DEFAULT_VERSION, opaque: req.opaque, flag: FLAG_RESPONSE, remark, extFields, serializeType: req.serializeType };
}

/** The last topic name found valid and allowed (both depend on the name alone): producers send to a topic again and again. */
let lastValidTopic = '';

/** msgCheck: permission, topic name, auto-creation, queue id range. Returns the topic or an error answer. */
function msgCheck(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection, h: SendHeader): TopicConfig | RemotingCommand {
  const c = ctx.config();
  if (!PermName.isWriteable(c.brokerPermission)) {
    return response(ctx, req, ResponseCode.NO_PERMISSION, `the broker[${c.brokerIP1}] sending message is forbidden`);
  }
  if (h.topic !== lastValidTopic) {
    const invalid = validateTopic(h.topic);
    if (invalid) return response(ctx, req, ResponseCode.INVALID_PARAMETER, invalid);
    if (isNotAllowedSendTopic(h.topic)) {
      return response(ctx, req, ResponseCode.NO_PERMISSION, `Sending message to topic[${h.topic}] is forbidden.`);
    }
    lastValidTopic = h.topic;
  }
  let tc = ctx.topics.selectTopicConfig(h.topic);
  if (!tc) {
    let topicSysFlag = 0;
    if (h.unitMode) topicSysFlag = isRetryTopic(h.topic) ? TopicSysFlag.buildSysFlag(false, true) : TopicSysFlag.buildSysFlag(true, false);
    let created = ctx.topics.createTopicInSendMessageMethod(h.topic, h.defaultTopic, conn.remoteAddr, h.defaultTopicQueueNums, topicSysFlag);
    if (!created.topicConfig && isRetryTopic(h.topic)) {
      created = ctx.topics.createTopicInSendMessageBackMethod(h.topic, 1, PermName.PERM_WRITE | PermName.PERM_READ, topicSysFlag);
    }
    if (created.created) ctx.registerIncrementBrokerData(created.topicConfig!);
    tc = created.topicConfig;
    if (!tc) {
      return response(ctx, req, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
    }
  }
  if (!PermName.isWriteable(tc.perm)) {
    return response(ctx, req, ResponseCode.NO_PERMISSION, `the topic[${h.topic}] sending message is forbidden`);
  }
  if (h.queueId >= Math.max(tc.writeQueueNums, tc.readQueueNums)) {
    return response(ctx, req, ResponseCode.INVALID_PARAMETER,
      `request queueId[${h.queueId}] is illegal, topic:[${h.topic}] writeQueueNums:[${tc.writeQueueNums}] readQueueNums:[${tc.readQueueNums}] Producer: ${conn.remoteAddr}`);
  }
  return tc;
}

export async function handleSendMessage(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand> {
  const h = parseSendHeader(req);
  const c = ctx.config();
  if (c.startAcceptSendRequestTimeStamp > Date.now()) {
    return response(ctx, req, ResponseCode.SYSTEM_ERROR, `broker unable to service, until ${new Date(c.startAcceptSendRequestTimeStamp).toISOString()}`);
  }
  if (c.store.brokerRole === 'SLAVE') {
    // RocketMQ's store refuses it after msgCheck (SERVICE_NOT_AVAILABLE); refusing first keeps a slave from
    // auto-creating the topic.
    const out = mapPutStatus(ctx, { status: 'SERVICE_NOT_AVAILABLE', remark: `broker ${c.brokerName} (brokerId ${c.brokerId}) is a SLAVE; send to its master` });
    return response(ctx, req, out.code, out.remark);
  }
  const checked = msgCheck(ctx, req, conn, h);
  if (!('topicName' in checked)) return checked;
  const body = req.body ?? EMPTY;
  if (body.length > c.store.maxMessageSize) return response(ctx, req, ResponseCode.MESSAGE_ILLEGAL, messageIllegalRemark(ctx));
  const res = await (h.batch ? sendBatch(ctx, req, conn, h, checked, body) : sendOne(ctx, req, conn, h, checked, body));
  if (STORED.has(res.code)) {
    ctx.topicProducers.record(conn, { producerGroup: h.producerGroup, topic: h.topic, language: req.language, version: req.version },
      ctx.producers.clientIdOf(h.producerGroup, conn));
  }
  return res;
}

/** Answers of a send whose message was stored (a flush or slave timeout still stored it). */
const STORED: ReadonlySet<number> = new Set([
  ResponseCode.SUCCESS, ResponseCode.FLUSH_DISK_TIMEOUT, ResponseCode.FLUSH_SLAVE_TIMEOUT, ResponseCode.SLAVE_NOT_AVAILABLE,
]);

async function sendOne(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection, h: SendHeader, tc: TopicConfig, body: Buffer): Promise<RemotingCommand> {
  const c = ctx.config();
  const props = string2messageProperties(h.properties);
  let topic = h.topic;
  const queueIdInt = h.queueId < 0 ? randomQueueId(tc.writeQueueNums) : h.queueId;
  let queueId = queueIdInt;
  const reconsumeTimes = h.reconsumeTimes ?? 0;
  if (isRetryTopic(topic)) {
    // A consumer re-sending to its retry topic: past maxReconsumeTimes the message goes to the DLQ instead.
    const group = topic.slice(MixAll.RETRY_GROUP_TOPIC_PREFIX.length);
    const sg = ctx.groups.findSubscriptionGroupConfig(group);
    if (!sg) return response(ctx, req, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${group}`);
    const max = h.maxReconsumeTimes ?? sg.retryMaxTimes;
    if (reconsumeTimes >= max) {
      topic = getDLQTopic(group);
      queueId = 0;
      const dlq = ctx.topics.createTopicInSendMessageBackMethod(topic, 1, PermName.PERM_WRITE | PermName.PERM_READ, 0);
      if (dlq.created) ctx.registerIncrementBrokerData(dlq.topicConfig);
      delete props[MessageConst.PROPERTY_DELAY_TIME_LEVEL];
    }
  }
  let sysFlag = h.sysFlag;
  if (tc.topicFilterType === 'MULTI_TAG') sysFlag |= MessageSysFlag.MULTI_TAGS_FLAG;
  props[MessageConst.PROPERTY_CLUSTER] = c.brokerClusterName;
  const msg: MessageExtBrokerInner = {
    topic,
    queueId,
    flag: h.flag,
    body,
    properties: props,
    propertiesString: propertiesForStore(props),
    sysFlag,
    bornTimestamp: h.bornTimestamp,
    bornHost: bornHostOf(conn),
    storeHost: ctx.storeHost(),
    reconsumeTimes,
  };
  const transaction = props[MessageConst.PROPERTY_TRANSACTION_PREPARED] === 'true'
    && !(reconsumeTimes > 0 && parseInt(props[MessageConst.PROPERTY_DELAY_TIME_LEVEL] ?? '0', 10) > 0);
  if (transaction) {
    if (c.rejectTransactionMessage) {
      return response(ctx, req, ResponseCode.NO_PERMISSION, `the broker[${c.brokerIP1}] sending transaction message is forbidden`);
    }
    applyHalfMessage(msg);
    ensureTopic(ctx, TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC);
  } else {
    applyDelayLevel(ctx, msg);
    // 5.x timer properties (lib/broker/timer); a delay level takes precedence, as in 5.x.
    if (msg.topic === topic && ctx.timer) {
      const refused = ctx.timer.transform(msg);
      if (refused) return response(ctx, req, refused.code, refused.remark);
    }
  }
  const start = Date.now();
  const r = await ctx.store.putMessage(msg);
  const recallHandle = msg.topic === TIMER_TOPIC ? recallHandleOf(ctx, msg) : undefined;
  return answerPut(ctx, req, r, msg.topic, queueIdInt, start, props[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX], recallHandle);
}

async function sendBatch(ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection, h: SendHeader, tc: TopicConfig, body: Buffer): Promise<RemotingCommand> {
  const c = ctx.config();
  if (Buffer.byteLength(h.topic) > 127) return response(ctx, req, ResponseCode.MESSAGE_ILLEGAL, `message topic length too long ${h.topic.length}`);
  if (isRetryTopic(h.topic)) return response(ctx, req, ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${h.topic}`);
  const queueId = h.queueId < 0 ? randomQueueId(tc.writeQueueNums) : h.queueId;
  let sysFlag = h.sysFlag;
  if (tc.topicFilterType === 'MULTI_TAG') sysFlag |= MessageSysFlag.MULTI_TAGS_FLAG;
  const props = string2messageProperties(h.properties);
  props[MessageConst.PROPERTY_CLUSTER] = c.brokerClusterName;
  const batch: MessageExtBatch = {
    topic: h.topic,
    queueId,
    body,
    sysFlag,
    bornTimestamp: h.bornTimestamp,
    bornHost: bornHostOf(conn),
    storeHost: ctx.storeHost(),
    reconsumeTimes: h.reconsumeTimes ?? 0,
    propertiesString: messageProperties2String(props),
  };
  const start = Date.now();
  const r = await ctx.store.putMessages(batch);
  return answerPut(ctx, req, r, h.topic, queueId, start, undefined);
}

function answerPut(ctx: BrokerContext, req: RemotingCommand, r: PutMessageResult, storedTopic: string, queueId: number, start: number, uniqKey: string | undefined, recallHandle?: string): RemotingCommand {
  const out = mapPutStatus(ctx, r);
  const a = r.appendResult;
  if (!out.sendOK || !a) {
    ctx.stats.incPutFailed();
    return response(ctx, req, out.code, out.remark ?? r.remark);
  }
  ctx.stats.incPut(storedTopic, a.msgNum, a.wroteBytes, Date.now() - start);
  const header: Record<string, string> = { msgId: a.msgId, queueId: String(queueId), queueOffset: String(a.logicsOffset) };
  // 5.x answers the client's UNIQ_KEY as the transaction id (4.9.8 leaves it out).
  if (uniqKey) header.transactionId = uniqKey;
  if (recallHandle) header.recallHandle = recallHandle;
  return response(ctx, req, out.code, undefined, header);
}
