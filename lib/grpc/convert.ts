// Conversions between apache.rocketmq.v2 messages and remoting messages (GrpcConverter's facts), the receipt
// handle and transaction id formats this endpoint hands out, and the 5.x topic message type rules.
import { createHash } from 'node:crypto';
import { MessageConst, SYSTEM_PROPERTY_KEYS } from '../protocol/message-const.ts';
import type { MessageExt } from '../protocol/message.ts';
import { GrpcStatusError } from './errors.ts';

export type V2MessageType = 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION';

export interface Timestamp { seconds: number; nanos: number }
export interface Duration { seconds: number; nanos: number }

export const toTimestamp = (ms: number): Timestamp => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });
export const toDuration = (ms: number): Duration => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });
export const fromDuration = (d: Duration | null | undefined): number | undefined =>
  d ? Number(d.seconds) * 1000 + Math.floor(Number(d.nanos) / 1_000_000) : undefined;
export const fromTimestamp = fromDuration;

/** A decoded apache.rocketmq.v2.Message (proto-loader: camelCase, enums as names, longs as numbers). */
export interface V2Message {
  topic?: { name: string; resourceNamespace?: string } | null;
  userProperties?: Record<string, string>;
  systemProperties?: V2SystemProperties | null;
  body?: Buffer;
}

export interface V2SystemProperties {
  tag?: string | null;
  keys?: string[];
  messageId?: string;
  bodyDigest?: { type: string; checksum: string } | null;
  bodyEncoding?: string;
  messageType?: string;
  bornTimestamp?: Timestamp | null;
  bornHost?: string;
  storeTimestamp?: Timestamp | null;
  storeHost?: string;
  deliveryTimestamp?: Timestamp | null;
  receiptHandle?: string | null;
  queueId?: number;
  queueOffset?: number | null;
  invisibleDuration?: Duration | null;
  deliveryAttempt?: number | null;
  messageGroup?: string | null;
  traceContext?: string | null;
  orphanedTransactionRecoveryDuration?: Duration | null;
}

/** TopicMessageType.parseFromMessageProperty (5.x). */
export function messageTypeOfProperties(p: Record<string, string | undefined>): V2MessageType {
  if (p[MessageConst.PROPERTY_TRANSACTION_PREPARED] === 'true') return 'TRANSACTION';
  if (p[MessageConst.PROPERTY_DELAY_TIME_LEVEL] !== undefined || p[MessageConst.PROPERTY_TIMER_DELIVER_MS] !== undefined
    || p[MessageConst.PROPERTY_TIMER_DELAY_SEC] !== undefined || p[MessageConst.PROPERTY_TIMER_DELAY_MS] !== undefined) return 'DELAY';
  if (p[MessageConst.PROPERTY_SHARDING_KEY] !== undefined) return 'FIFO';
  return 'NORMAL';
}

/** A topic's `message.type` attribute (stored as "+message.type"); 5.x's default is NORMAL. */
export function topicMessageType(attributes: Map<string, string> | undefined): string {
  return attributes?.get('+message.type') ?? attributes?.get('message.type') ?? 'NORMAL';
}

/** DefaultTopicMessageTypeValidator: the message's type must be the topic's, unless the topic is MIXED. */
export function checkMessageType(topic: string, topicType: string, msgType: V2MessageType): void {
  if (topicType === 'MIXED') return;
  if (msgType !== topicType) {
    throw new GrpcStatusError('MESSAGE_PROPERTY_CONFLICT_WITH_TYPE',
      `TopicMessageType validate failed, the expected type is ${topicType}, but actual type is ${msgType} (topic ${topic})`);
  }
}

/** The accept_message_types of a topic's queues. */
export function acceptMessageTypes(topicType: string): V2MessageType[] {
  if (topicType === 'MIXED') return ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'];
  if (topicType === 'FIFO' || topicType === 'DELAY' || topicType === 'TRANSACTION') return [topicType];
  return ['NORMAL'];
}

export interface RemotingDraft {
  topic: string;
  body: Buffer;
  properties: Record<string, string>;
  type: V2MessageType;
}

const MAX_DELAY_MS = 3 * 24 * 3600 * 1000;

/** A v2 message to send -> remoting properties (5.x SendMessageActivity.buildMessage). */
export function fromV2Message(m: V2Message, maxBodySize: number, maxPropertiesSize = 16 * 1024): RemotingDraft {
  const topic = m.topic?.name ?? '';
  if (!topic) throw new GrpcStatusError('ILLEGAL_TOPIC', 'topic name cannot be empty');
  if (!/^[%|a-zA-Z0-9_-]{1,127}$/.test(topic)) throw new GrpcStatusError('ILLEGAL_TOPIC', `topic name ${topic} is illegal`);
  const sp = m.systemProperties ?? {};
  const body = m.body ?? Buffer.alloc(0);
  if (body.length === 0) throw new GrpcStatusError('MESSAGE_BODY_EMPTY', 'message body cannot be empty');
  if (body.length > maxBodySize) {
    throw new GrpcStatusError('MESSAGE_BODY_TOO_LARGE', `message body size ${body.length} exceeds the max ${maxBodySize}`);
  }
  const messageId = sp.messageId ?? '';
  if (!messageId) throw new GrpcStatusError('ILLEGAL_MESSAGE_ID', 'message id cannot be empty');
  const properties: Record<string, string> = {};
  let propSize = 0;
  for (const [k, v] of Object.entries(m.userProperties ?? {})) {
    if (SYSTEM_PROPERTY_KEYS.has(k)) throw new GrpcStatusError('ILLEGAL_MESSAGE_PROPERTY_KEY', `property key ${k} is reserved`);
    properties[k] = v;
    propSize += k.length + v.length;
  }
  if (propSize > maxPropertiesSize) {
    throw new GrpcStatusError('MESSAGE_PROPERTIES_TOO_LARGE', `message properties size ${propSize} exceeds the max ${maxPropertiesSize}`);
  }
  properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = messageId;
  if (sp.tag) {
    if (/[|\s]/.test(sp.tag)) throw new GrpcStatusError('ILLEGAL_MESSAGE_TAG', `tag ${sp.tag} must not contain "|" or whitespace`);
    properties[MessageConst.PROPERTY_TAGS] = sp.tag;
  }
  if (sp.keys?.length) properties[MessageConst.PROPERTY_KEYS] = sp.keys.join(' ');
  if (sp.messageGroup) properties[MessageConst.PROPERTY_SHARDING_KEY] = sp.messageGroup;
  if (sp.traceContext) properties[MessageConst.PROPERTY_TRACE_CONTEXT] = sp.traceContext;
  if (sp.bornHost) properties.__BORNHOST = sp.bornHost;
  const delivery = fromTimestamp(sp.deliveryTimestamp);
  if (delivery !== undefined) {
    if (delivery - Date.now() > MAX_DELAY_MS) {
      throw new GrpcStatusError('ILLEGAL_DELIVERY_TIME', `delivery time ${new Date(delivery).toISOString()} is beyond the max delay of 3 days`);
    }
    properties[MessageConst.PROPERTY_TIMER_DELIVER_MS] = String(delivery);
  }
  const declared = sp.messageType ?? 'NORMAL';
  if (declared === 'TRANSACTION') {
    properties[MessageConst.PROPERTY_TRANSACTION_PREPARED] = 'true';
    properties[MessageConst.PROPERTY_PRODUCER_GROUP] = topic;
    const orphan = fromDuration(sp.orphanedTransactionRecoveryDuration);
    if (orphan !== undefined && orphan > 0) properties[MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS] = String(Math.ceil(orphan / 1000));
  }
  return { topic, body, properties, type: messageTypeOfProperties(properties) };
}

/** A remoting message received through POP -> v2 message (GrpcConverter.buildMessage). */
export function toV2Message(m: MessageExt, topic: string, receiptHandle: string | undefined, invisibleMs: number | undefined, deliveryAttempt: number): V2Message {
  const p = m.properties;
  const userProperties: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) if (!SYSTEM_PROPERTY_KEYS.has(k) && !k.startsWith('__') && v !== undefined) userProperties[k] = v;
  const delivery = p[MessageConst.PROPERTY_TIMER_DELIVER_MS];
  const sp: V2SystemProperties = {
    tag: p[MessageConst.PROPERTY_TAGS] ?? null,
    keys: (p[MessageConst.PROPERTY_KEYS] ?? '').split(' ').filter(Boolean),
    messageId: p[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? m.msgId,
    bodyDigest: { type: 'MD5', checksum: createHash('md5').update(m.body).digest('hex').toUpperCase() },
    bodyEncoding: 'IDENTITY',
    messageType: messageTypeOfProperties(p),
    bornTimestamp: toTimestamp(m.bornTimestamp),
    bornHost: p.__BORNHOST ?? `${m.bornHost.address}:${m.bornHost.port}`,
    storeTimestamp: toTimestamp(m.storeTimestamp),
    storeHost: `${m.storeHost.address}:${m.storeHost.port}`,
    deliveryTimestamp: delivery ? toTimestamp(Number(delivery)) : null,
    receiptHandle: receiptHandle ?? null,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    invisibleDuration: invisibleMs === undefined ? null : toDuration(invisibleMs),
    deliveryAttempt,
    messageGroup: p[MessageConst.PROPERTY_SHARDING_KEY] ?? null,
    traceContext: p[MessageConst.PROPERTY_TRACE_CONTEXT] ?? null,
  };
  return { topic: { name: topic, resourceNamespace: '' }, userProperties, systemProperties: sp, body: m.body };
}

/** Receipt handle = POP extra info + "|" + commit log offset (the DLQ forward needs the latter); opaque to clients. */
export function encodeReceiptHandle(extraInfo: string, commitLogOffset: number): string {
  return `${extraInfo}|${commitLogOffset}`;
}

export function decodeReceiptHandle(handle: string): { extraInfo: string; commitLogOffset: number } {
  const i = handle.lastIndexOf('|');
  const commitLogOffset = i < 0 ? NaN : Number(handle.slice(i + 1));
  if (i <= 0 || !Number.isSafeInteger(commitLogOffset)) throw new GrpcStatusError('INVALID_RECEIPT_HANDLE', 'receipt handle is malformed');
  return { extraInfo: handle.slice(0, i), commitLogOffset };
}

/** What END_TRANSACTION needs, carried in the transaction id handed to the client (so the endpoint keeps no state). */
export interface TransactionRef {
  brokerName: string;
  commitLogOffset: number;
  tranStateTableOffset: number;
  brokerTransactionId: string;
  offsetMsgId: string;
}

export function encodeTransactionId(r: TransactionRef): string {
  return Buffer.from(JSON.stringify([r.brokerName, r.commitLogOffset, r.tranStateTableOffset, r.brokerTransactionId, r.offsetMsgId])).toString('base64url');
}

export function decodeTransactionId(id: string): TransactionRef {
  try {
    const a = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(a) && a.length === 5 && typeof a[0] === 'string' && Number.isSafeInteger(a[1]) && Number.isSafeInteger(a[2])) {
      return { brokerName: a[0], commitLogOffset: a[1], tranStateTableOffset: a[2], brokerTransactionId: String(a[3] ?? ''), offsetMsgId: String(a[4] ?? '') };
    }
  } catch { /* falls through to the error below */ }
  throw new GrpcStatusError('INVALID_TRANSACTION_ID', `transaction id ${id} is not one this endpoint issued`);
}
