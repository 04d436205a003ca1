// RocketMQ messages: the Message / MessageExt shapes, property accessors, and the entry point to message encoding.
//
// The encodings themselves live beside this file and are re-exported here:
//   message-codec.ts       stored/pulled record (CommitLog layout), decode, patching, body CRC and compression
//   message-batch.ts       SEND_BATCH_MESSAGE body (MessageDecoder.encodeMessages) and its store-side expansion
//   message-properties.ts  properties string, Java String.hashCode and HashMap order
//   message-host.ts        bornHost/storeHost bytes and the offset message id
//   message-uniq.ts        UNIQ_KEY (MessageClientIDSetter)

import { MessageConst } from './message-const.ts';
import type { MessageProperties } from './message-properties.ts';
import { javaStringHashCode } from './message-properties.ts';
import type { SocketHost } from './message-host.ts';

/** What a producer sends: topic, flag, properties (TAGS, KEYS, UNIQ_KEY, user keys...) and body. */
export interface Message {
  topic: string;
  flag: number;
  properties: MessageProperties;
  body: Buffer;
}

/** A message as stored by the broker and returned by PULL_MESSAGE / QUERY_MESSAGE / VIEW_MESSAGE_BY_ID. */
export interface MessageExt extends Message {
  queueId: number;
  /** TOTALSIZE of the stored record in bytes. */
  storeSize: number;
  queueOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: SocketHost;
  storeTimestamp: number;
  storeHost: SocketHost;
  /** Offset message id: storeHost + commitLogOffset (the client's offsetMsgId). */
  msgId: string;
  commitLogOffset: number;
  bodyCRC: number;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
}

export interface CreateMessageOptions {
  tags?: string;
  /** One key or several (joined with a space, MessageConst.KEY_SEPARATOR). */
  keys?: string | string[];
  flag?: number;
  /** WAIT property; Java's Message constructor always sets it, "true" by default. */
  waitStoreMsgOK?: boolean;
  /** User properties, added after TAGS, KEYS and WAIT. */
  properties?: MessageProperties;
}

/** A message as Java's `new Message(topic, tags, keys, flag, body, waitStoreMsgOK)` fills it. */
export function createMessage(topic: string, body: Buffer | string, opts: CreateMessageOptions = {}): Message {
  const msg: Message = {
    topic,
    flag: opts.flag ?? 0,
    properties: {},
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
  if (opts.tags) setTags(msg, opts.tags);
  if (opts.keys !== undefined && opts.keys.length > 0) setKeys(msg, opts.keys);
  msg.properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] = String(opts.waitStoreMsgOK ?? true);
  if (opts.properties) Object.assign(msg.properties, opts.properties);
  return msg;
}

export function getTags(msg: Message): string | undefined {
  return msg.properties[MessageConst.PROPERTY_TAGS];
}

export function setTags(msg: Message, tags: string): void {
  msg.properties[MessageConst.PROPERTY_TAGS] = tags;
}

/** The KEYS property as stored: several keys separated by a space. */
export function getKeys(msg: Message): string | undefined {
  return msg.properties[MessageConst.PROPERTY_KEYS];
}

/** The KEYS property split into keys (empty when absent). */
export function getKeyList(msg: Message): string[] {
  const keys = getKeys(msg);
  return keys ? keys.split(MessageConst.KEY_SEPARATOR).filter((k) => k.length > 0) : [];
}

export function setKeys(msg: Message, keys: string | string[]): void {
  msg.properties[MessageConst.PROPERTY_KEYS] = Array.isArray(keys) ? keys.join(MessageConst.KEY_SEPARATOR) : keys;
}

/** UNIQ_KEY property (client-side message id set by the producer). */
export function getUniqKey(msg: Message): string | undefined {
  return msg.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX];
}

/** The id a Java consumer shows as msgId (MessageClientExt.getMsgId): UNIQ_KEY when set, else the offset id. */
export function getClientMsgId(msg: MessageExt): string {
  return getUniqKey(msg) ?? msg.msgId;
}

/** DELAY property as a number, 0 when absent. */
export function getDelayTimeLevel(msg: Message): number {
  const v = msg.properties[MessageConst.PROPERTY_DELAY_TIME_LEVEL];
  return v ? parseInt(v, 10) || 0 : 0;
}

/** WAIT property; true unless it reads "false" (Message.isWaitStoreMsgOK). */
export function isWaitStoreMsgOK(msg: Message): boolean {
  return msg.properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] !== 'false';
}

/**
 * Tags hash code kept in the consume queue (MessageExtBrokerInner.tagsString2tagsCode): Java's String.hashCode of
 * the TAGS property, an int32.
 */
export function tagsHashCode(tags: string): number {
  return javaStringHashCode(tags);
}

export * from './message-errors.ts';
export * from './message-host.ts';
export * from './message-properties.ts';
export * from './message-codec.ts';
export * from './message-batch.ts';
export * from './message-uniq.ts';
