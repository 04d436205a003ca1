// Messages as a producer takes them: plain objects or protocol Messages, the checks RocketMQ's Validators make,
// batches, and the queue selectors for ordered sends.

import { isNotAllowedSendTopic, isRetryTopic, validateTopic } from '../protocol/codes.ts';
import type { MessageQueue } from '../protocol/bodies/read.ts';
import { createMessage, getDelayTimeLevel, isWaitStoreMsgOK, javaStringHashCode, type Message } from '../protocol/message.ts';
import { MessageConst, SYSTEM_PROPERTY_KEYS } from '../protocol/message-const.ts';
import { MessageValidationError } from './errors.ts';

/** A message as plain data; `createMessage` from the protocol room gives the same result. */
export interface MessageInit {
  topic: string;
  body: Buffer | string;
  tags?: string;
  /** One key or several (stored space-separated in KEYS; the broker indexes each). */
  keys?: string | string[];
  /** User properties. Names RocketMQ reserves (TAGS, KEYS, DELAY, ...) are refused. */
  properties?: Record<string, string>;
  /** 1..18 on a default broker: 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h. */
  delayTimeLevel?: number;
  flag?: number;
  /** WAIT property: the broker answers only after the message is stored (default true). */
  waitStoreMsgOK?: boolean;
}

export type SendableMessage = Message | MessageInit;

function isProtocolMessage(m: SendableMessage): m is Message {
  const x = m as Partial<Message> & Partial<MessageInit>;
  return (
    Buffer.isBuffer(x.body) && typeof x.flag === 'number' && typeof x.properties === 'object' && x.properties !== null &&
    x.tags === undefined && x.keys === undefined && x.delayTimeLevel === undefined && x.waitStoreMsgOK === undefined
  );
}

/** The protocol Message for `m` (the same object when it already is one). */
export function toMessage(m: SendableMessage): Message {
  if (isProtocolMessage(m)) return m;
  const init = m as MessageInit;
  for (const key of Object.keys(init.properties ?? {})) {
    if (SYSTEM_PROPERTY_KEYS.has(key)) throw new MessageValidationError(`user property "${key}" is reserved by RocketMQ`);
  }
  const msg = createMessage(init.topic, init.body, {
    tags: init.tags,
    keys: init.keys,
    flag: init.flag,
    waitStoreMsgOK: init.waitStoreMsgOK,
    properties: init.properties,
  });
  if (init.delayTimeLevel !== undefined) {
    if (!Number.isInteger(init.delayTimeLevel) || init.delayTimeLevel < 0) {
      throw new MessageValidationError(`delayTimeLevel must be a non-negative integer, got ${init.delayTimeLevel}`);
    }
    if (init.delayTimeLevel > 0) msg.properties[MessageConst.PROPERTY_DELAY_TIME_LEVEL] = String(init.delayTimeLevel);
  }
  return msg;
}

/** Validators.checkMessage: a valid topic that clients may send to, and a body of 1..maxMessageSize bytes. */
export function checkMessage(msg: Message, maxMessageSize: number): void {
  const bad = validateTopic(msg.topic);
  if (bad) throw new MessageValidationError(bad);
  if (isNotAllowedSendTopic(msg.topic)) throw new MessageValidationError(`Sending message to topic[${msg.topic}] is forbidden.`);
  if (!msg.body || msg.body.length === 0) throw new MessageValidationError('the message body is empty');
  if (msg.body.length > maxMessageSize) {
    throw new MessageValidationError(`the message body size ${msg.body.length} is over the limit of ${maxMessageSize} bytes`);
  }
}

/** MessageBatch.generateFromList: one topic, one WAIT setting, no delayed messages and no retry topics. */
export function checkBatch(msgs: readonly Message[]): void {
  if (msgs.length === 0) throw new MessageValidationError('a batch needs at least one message');
  const first = msgs[0]!;
  for (const m of msgs) {
    if (getDelayTimeLevel(m) > 0) throw new MessageValidationError('TimeDelayLevel is not supported for batching');
    if (isRetryTopic(m.topic)) throw new MessageValidationError('Retry Group is not supported for batching');
    if (m.topic !== first.topic) throw new MessageValidationError('The topic of the messages in one batch should be the same');
    if (isWaitStoreMsgOK(m) !== isWaitStoreMsgOK(first)) throw new MessageValidationError('The waitStoreMsgOK of the messages in one batch should the same');
  }
}

/** Picks the queue for an ordered send; `arg` is what the caller passed along (typically the sharding key). */
export type MessageQueueSelector = (mqs: readonly MessageQueue[], msg: Message, arg: unknown) => MessageQueue;

/** Java's hashCode of a selector argument: String.hashCode for strings, the value for ints, Long.hashCode otherwise. */
export function javaHashOf(arg: unknown): number {
  if (typeof arg === 'string') return javaStringHashCode(arg);
  if (typeof arg === 'number' && Number.isInteger(arg)) {
    if (arg >= -(2 ** 31) && arg < 2 ** 31) return arg;
    const b = BigInt.asUintN(64, BigInt(arg));
    return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
  }
  if (typeof arg === 'bigint') {
    const b = BigInt.asUintN(64, arg);
    return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
  }
  return javaStringHashCode(String(arg));
}

/** SelectMessageQueueByHash: |hash(arg) % queues|, so one key always lands on one queue. */
export const selectMessageQueueByHash: MessageQueueSelector = (mqs, _msg, arg) => {
  let value = javaHashOf(arg) % mqs.length;
  if (value < 0) value = Math.abs(value);
  return mqs[value]!;
};

export const selectMessageQueueByRandom: MessageQueueSelector = (mqs) => mqs[Math.floor(Math.random() * mqs.length)]!;
