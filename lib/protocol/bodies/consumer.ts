// Client bodies: HEART_BEAT (34) data, consumer/producer connections (203/204), consumer ids (38), LOCK/UNLOCK_BATCH_MQ (41/42).
import type { FJValue } from '../fastjson.ts';
import {
  Fields, decodeWith, encodeWith, readString, readNumber, readMessageQueue, writeMessageQueue, writeStringMap,
  type BodyInput, type MessageQueue,
} from './read.ts';

export type ConsumeType = 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY' | 'CONSUME_POP';
export type MessageModel = 'BROADCASTING' | 'CLUSTERING';
export type ConsumeFromWhere =
  | 'CONSUME_FROM_LAST_OFFSET'
  | 'CONSUME_FROM_FIRST_OFFSET'
  | 'CONSUME_FROM_TIMESTAMP'
  | 'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST'
  | 'CONSUME_FROM_MIN_OFFSET'
  | 'CONSUME_FROM_MAX_OFFSET';

/** A consumer's subscription to one topic. `subString` "*" (SubscriptionData.SUB_ALL) means every tag. */
export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  /** String.hashCode of each tag; the broker filters consume-queue entries by these */
  codeSet: number[];
  subVersion: number;
  /** "TAG" or "SQL92" */
  expressionType: string;
  classFilterMode: boolean;
}

export const SUB_ALL = '*';

export function readSubscriptionData(v: FJValue, path: string): SubscriptionData {
  const f = Fields.of(v, path);
  return {
    topic: f.strOr('topic', ''),
    subString: f.strOr('subString', ''),
    tagsSet: f.list('tagsSet', readString),
    codeSet: f.list('codeSet', readNumber),
    subVersion: f.num('subVersion'),
    expressionType: f.strOr('expressionType', 'TAG'),
    classFilterMode: f.bool('classFilterMode'),
  };
}

export const writeSubscriptionData = (s: SubscriptionData): Record<string, unknown> => ({ ...s });

/** SubscriptionData.compareTo: by topic, then subString (TreeSet order in ConsumerRunningInfo). */
export function compareSubscriptionData(a: SubscriptionData, b: SubscriptionData): number {
  const x = a.topic + '@' + a.subString;
  const y = b.topic + '@' + b.subString;
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface ProducerData {
  groupName: string;
}

export interface ConsumerData {
  groupName: string;
  consumeType: ConsumeType | string;
  messageModel: MessageModel | string;
  consumeFromWhere: ConsumeFromWhere | string;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
  /** 5.x only */
  heartbeatFingerprint?: number;
  /** 5.x only (Java field isWithoutSub, written as "withoutSub") */
  withoutSub?: boolean;
}

export function readConsumerData(v: FJValue, path: string): ConsumerData {
  const f = Fields.of(v, path);
  return {
    groupName: f.strOr('groupName', ''),
    consumeType: f.strOr('consumeType', ''),
    messageModel: f.strOr('messageModel', ''),
    consumeFromWhere: f.strOr('consumeFromWhere', ''),
    subscriptionDataSet: f.list('subscriptionDataSet', readSubscriptionData),
    unitMode: f.bool('unitMode'),
  };
}

export const writeConsumerData = (c: ConsumerData): Record<string, unknown> => ({
  ...c,
  subscriptionDataSet: c.subscriptionDataSet.map(writeSubscriptionData),
});

export function readHeartbeatData(v: FJValue, path: string): HeartbeatData {
  const f = Fields.of(v, path);
  const out: HeartbeatData = {
    clientID: f.strOr('clientID', ''),
    producerDataSet: f.list('producerDataSet', (x, p) => ({ groupName: Fields.of(x, p).strOr('groupName', '') })),
    consumerDataSet: f.list('consumerDataSet', readConsumerData),
  };
  const fp = f.optNum('heartbeatFingerprint');
  if (fp !== undefined) out.heartbeatFingerprint = fp;
  const ws = f.optBool('withoutSub');
  if (ws !== undefined) out.withoutSub = ws;
  return out;
}

export const writeHeartbeatData = (h: HeartbeatData): Record<string, unknown> => ({
  ...h,
  producerDataSet: h.producerDataSet.map((p) => ({ groupName: p.groupName })),
  consumerDataSet: h.consumerDataSet.map(writeConsumerData),
});

export const decodeHeartbeatData = (body: BodyInput | undefined): HeartbeatData =>
  decodeWith(body, 'HeartbeatData', readHeartbeatData);
export const encodeHeartbeatData = (h: HeartbeatData): Buffer => encodeWith(writeHeartbeatData(h));

/** CHECK_CLIENT_CONFIG (46) body: CheckClientRequestBody {clientId, group, subscriptionData}. */
export interface CheckClientRequestBody {
  clientId: string;
  group: string;
  subscriptionData: SubscriptionData;
}
export const encodeCheckClientRequestBody = (b: CheckClientRequestBody): Buffer =>
  encodeWith({ clientId: b.clientId, group: b.group, subscriptionData: writeSubscriptionData(b.subscriptionData) });

/** One client channel as the broker sees it. `language` is the LanguageCode name ("JAVA", ...). */
export interface Connection {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
}

export function readConnection(v: FJValue, path: string): Connection {
  const f = Fields.of(v, path);
  return {
    clientId: f.strOr('clientId', ''),
    clientAddr: f.strOr('clientAddr', ''),
    language: f.strOr('language', ''),
    version: f.num('version'),
  };
}

export const writeConnection = (c: Connection): Record<string, unknown> => ({ ...c });

export interface ConsumerConnection {
  connectionSet: Connection[];
  subscriptionTable: Map<string, SubscriptionData>;
  consumeType?: ConsumeType | string;
  messageModel?: MessageModel | string;
  consumeFromWhere?: ConsumeFromWhere | string;
}

export function readConsumerConnection(v: FJValue, path: string): ConsumerConnection {
  const f = Fields.of(v, path);
  return {
    connectionSet: f.list('connectionSet', readConnection),
    subscriptionTable: f.stringMap('subscriptionTable', readSubscriptionData),
    consumeType: f.str('consumeType'),
    messageModel: f.str('messageModel'),
    consumeFromWhere: f.str('consumeFromWhere'),
  };
}

export const writeConsumerConnection = (c: ConsumerConnection): Record<string, unknown> => ({
  ...c,
  connectionSet: c.connectionSet.map(writeConnection),
  subscriptionTable: writeStringMap(c.subscriptionTable, writeSubscriptionData),
});

export const decodeConsumerConnection = (body: BodyInput | undefined): ConsumerConnection =>
  decodeWith(body, 'ConsumerConnection', readConsumerConnection);
export const encodeConsumerConnection = (c: ConsumerConnection): Buffer => encodeWith(writeConsumerConnection(c));

export interface ProducerConnection {
  connectionSet: Connection[];
}

export const decodeProducerConnection = (body: BodyInput | undefined): ProducerConnection =>
  decodeWith(body, 'ProducerConnection', (v, p) => ({ connectionSet: Fields.of(v, p).list('connectionSet', readConnection) }));
export const encodeProducerConnection = (c: ProducerConnection): Buffer =>
  encodeWith({ connectionSet: c.connectionSet.map(writeConnection) });

/** GET_CONSUMER_LIST_BY_GROUP answer: client ids of the group's live consumers. */
export interface GetConsumerListByGroupResponseBody {
  consumerIdList: string[];
}

export const decodeConsumerListByGroup = (body: BodyInput | undefined): GetConsumerListByGroupResponseBody =>
  decodeWith(body, 'GetConsumerListByGroupResponseBody', (v, p) => ({
    consumerIdList: Fields.of(v, p).list('consumerIdList', readString),
  }));
export const encodeConsumerListByGroup = (b: GetConsumerListByGroupResponseBody): Buffer =>
  encodeWith({ consumerIdList: b.consumerIdList });

/** LOCK_BATCH_MQ / UNLOCK_BATCH_MQ request (orderly consumers lock their queues on the broker). */
export interface LockBatchRequestBody {
  consumerGroup: string;
  clientId: string;
  mqSet: MessageQueue[];
  /** 5.x only */
  onlyThisBroker?: boolean;
}

export type UnlockBatchRequestBody = LockBatchRequestBody;

export function readLockBatchRequestBody(v: FJValue, path: string): LockBatchRequestBody {
  const f = Fields.of(v, path);
  const out: LockBatchRequestBody = {
    consumerGroup: f.strOr('consumerGroup', ''),
    clientId: f.strOr('clientId', ''),
    mqSet: f.list('mqSet', readMessageQueue),
  };
  const only = f.optBool('onlyThisBroker');
  if (only !== undefined) out.onlyThisBroker = only;
  return out;
}

export const writeLockBatchRequestBody = (b: LockBatchRequestBody): Record<string, unknown> => ({
  ...b,
  mqSet: b.mqSet.map(writeMessageQueue),
});

export const decodeLockBatchRequestBody = (body: BodyInput | undefined): LockBatchRequestBody =>
  decodeWith(body, 'LockBatchRequestBody', readLockBatchRequestBody);
export const encodeLockBatchRequestBody = (b: LockBatchRequestBody): Buffer => encodeWith(writeLockBatchRequestBody(b));
export const decodeUnlockBatchRequestBody = (body: BodyInput | undefined): UnlockBatchRequestBody =>
  decodeWith(body, 'UnlockBatchRequestBody', readLockBatchRequestBody);
export const encodeUnlockBatchRequestBody = encodeLockBatchRequestBody;

export interface LockBatchResponseBody {
  lockOKMQSet: MessageQueue[];
}

export const decodeLockBatchResponseBody = (body: BodyInput | undefined): LockBatchResponseBody =>
  decodeWith(body, 'LockBatchResponseBody', (v, p) => ({ lockOKMQSet: Fields.of(v, p).list('lockOKMQSet', readMessageQueue) }));
export const encodeLockBatchResponseBody = (b: LockBatchResponseBody): Buffer =>
  encodeWith({ lockOKMQSet: b.lockOKMQSet.map(writeMessageQueue) });
