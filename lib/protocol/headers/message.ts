// Custom headers of message traffic: send, pull, query/view, send-back, transactions.
// Generated from the Java header classes' fields (name, type, @CFNotNull); see spec.ts for the kinds.
import { defineHeader, RPC_FIELDS, TOPIC_FIELDS, type HeaderOf } from './spec.ts';

export const CheckTransactionStateRequestHeader = defineHeader('CheckTransactionStateRequestHeader', {
  topic: 'string',
  tranStateTableOffset: 'long!',
  commitLogOffset: 'long!',
  msgId: 'string',
  transactionId: 'string',
  offsetMsgId: 'string',
  ...RPC_FIELDS,
});
export type CheckTransactionStateRequestHeader = HeaderOf<typeof CheckTransactionStateRequestHeader>;

export const CheckTransactionStateResponseHeader = defineHeader('CheckTransactionStateResponseHeader', {
  producerGroup: 'string!',
  tranStateTableOffset: 'long!',
  commitLogOffset: 'long!',
  commitOrRollback: 'int!',
});
export type CheckTransactionStateResponseHeader = HeaderOf<typeof CheckTransactionStateResponseHeader>;

export const ConsumerSendMsgBackRequestHeader = defineHeader('ConsumerSendMsgBackRequestHeader', {
  offset: 'long!',
  group: 'string!',
  delayLevel: 'int!',
  originMsgId: 'string',
  originTopic: 'string',
  unitMode: { kind: 'boolean', default: false },
  maxReconsumeTimes: 'int',
  ...RPC_FIELDS,
});
export type ConsumerSendMsgBackRequestHeader = HeaderOf<typeof ConsumerSendMsgBackRequestHeader>;

export const EndTransactionRequestHeader = defineHeader('EndTransactionRequestHeader', {
  topic: 'string',
  producerGroup: 'string!',
  tranStateTableOffset: 'long!',
  commitLogOffset: 'long!',
  commitOrRollback: 'int!',
  fromTransactionCheck: { kind: 'boolean', default: false },
  msgId: 'string!',
  transactionId: 'string',
  ...RPC_FIELDS,
});
export type EndTransactionRequestHeader = HeaderOf<typeof EndTransactionRequestHeader>;

export const EndTransactionResponseHeader = defineHeader('EndTransactionResponseHeader', {});
export type EndTransactionResponseHeader = HeaderOf<typeof EndTransactionResponseHeader>;

export const PullMessageRequestHeader = defineHeader('PullMessageRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  queueId: 'int!',
  queueOffset: 'long!',
  maxMsgNums: 'int!',
  sysFlag: 'int!',
  commitOffset: 'long!',
  suspendTimeoutMillis: 'long!',
  subscription: 'string',
  subVersion: 'long!',
  expressionType: 'string',
  maxMsgBytes: 'int',
  requestSource: 'int',
  proxyFrowardClientId: 'string',
  ...TOPIC_FIELDS,
});
export type PullMessageRequestHeader = HeaderOf<typeof PullMessageRequestHeader>;

export const PullMessageResponseHeader = defineHeader('PullMessageResponseHeader', {
  suggestWhichBrokerId: 'long!',
  nextBeginOffset: 'long!',
  minOffset: 'long!',
  maxOffset: 'long!',
  offsetDelta: 'long',
  topicSysFlag: 'int',
  groupSysFlag: 'int',
  forbiddenType: 'int',
});
export type PullMessageResponseHeader = HeaderOf<typeof PullMessageResponseHeader>;

export const QueryMessageRequestHeader = defineHeader('QueryMessageRequestHeader', {
  topic: 'string!',
  key: 'string!',
  maxNum: 'int!',
  beginTimestamp: 'bigint!',
  endTimestamp: 'bigint!',
  ...TOPIC_FIELDS,
});
export type QueryMessageRequestHeader = HeaderOf<typeof QueryMessageRequestHeader>;

export const QueryMessageResponseHeader = defineHeader('QueryMessageResponseHeader', {
  indexLastUpdateTimestamp: 'long!',
  indexLastUpdatePhyoffset: 'long!',
});
export type QueryMessageResponseHeader = HeaderOf<typeof QueryMessageResponseHeader>;

export const RecallMessageRequestHeader = defineHeader('RecallMessageRequestHeader', {
  producerGroup: 'string',
  topic: 'string!',
  recallHandle: 'string!',
  ...TOPIC_FIELDS,
});
export type RecallMessageRequestHeader = HeaderOf<typeof RecallMessageRequestHeader>;

export const RecallMessageResponseHeader = defineHeader('RecallMessageResponseHeader', {
  msgId: 'string!',
});
export type RecallMessageResponseHeader = HeaderOf<typeof RecallMessageResponseHeader>;

export const ReplyMessageRequestHeader = defineHeader('ReplyMessageRequestHeader', {
  producerGroup: 'string!',
  topic: 'string!',
  defaultTopic: 'string!',
  defaultTopicQueueNums: 'int!',
  queueId: 'int!',
  sysFlag: 'int!',
  bornTimestamp: 'long!',
  flag: 'int!',
  properties: 'string',
  reconsumeTimes: 'int',
  unitMode: { kind: 'boolean', default: false },
  bornHost: 'string!',
  storeHost: 'string!',
  storeTimestamp: 'long!',
  ...TOPIC_FIELDS,
});
export type ReplyMessageRequestHeader = HeaderOf<typeof ReplyMessageRequestHeader>;

export const ResumeCheckHalfMessageRequestHeader = defineHeader('ResumeCheckHalfMessageRequestHeader', {
  topic: 'string',
  msgId: 'string',
});
export type ResumeCheckHalfMessageRequestHeader = HeaderOf<typeof ResumeCheckHalfMessageRequestHeader>;

export const SendMessageRequestHeader = defineHeader('SendMessageRequestHeader', {
  producerGroup: 'string!',
  topic: 'string!',
  defaultTopic: 'string!',
  defaultTopicQueueNums: 'int!',
  queueId: 'int!',
  sysFlag: 'int!',
  bornTimestamp: 'long!',
  flag: 'int!',
  properties: 'string',
  reconsumeTimes: 'int',
  unitMode: 'boolean',
  batch: 'boolean',
  maxReconsumeTimes: 'int',
  ...TOPIC_FIELDS,
});
export type SendMessageRequestHeader = HeaderOf<typeof SendMessageRequestHeader>;

export const SendMessageRequestHeaderV2 = defineHeader('SendMessageRequestHeaderV2', {
  a: 'string!',
  b: 'string!',
  c: 'string!',
  d: 'int!',
  e: 'int!',
  f: 'int!',
  g: 'long!',
  h: 'int!',
  i: 'string',
  j: 'int',
  k: 'boolean',
  l: 'int',
  m: 'boolean',
  n: 'string',
  ...TOPIC_FIELDS,
});
export type SendMessageRequestHeaderV2 = HeaderOf<typeof SendMessageRequestHeaderV2>;

export const SendMessageResponseHeader = defineHeader('SendMessageResponseHeader', {
  msgId: 'string!',
  queueId: 'int!',
  queueOffset: 'long!',
  transactionId: 'string',
  batchUniqId: 'string',
  recallHandle: 'string',
});
export type SendMessageResponseHeader = HeaderOf<typeof SendMessageResponseHeader>;

export const ViewMessageRequestHeader = defineHeader('ViewMessageRequestHeader', {
  topic: 'string',
  offset: 'long!',
});
export type ViewMessageRequestHeader = HeaderOf<typeof ViewMessageRequestHeader>;

export const ViewMessageResponseHeader = defineHeader('ViewMessageResponseHeader', {});
export type ViewMessageResponseHeader = HeaderOf<typeof ViewMessageResponseHeader>;

/**
 * SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE / SEND_REPLY_MESSAGE_V2 carry SendMessageRequestHeader with one-letter
 * field names to keep the header short:
 *   a producerGroup  b topic  c defaultTopic  d defaultTopicQueueNums  e queueId  f sysFlag  g bornTimestamp
 *   h flag  i properties  j reconsumeTimes  k unitMode  l maxReconsumeTimes  m batch  n brokerName (V1: bname)
 */
export function sendHeaderV2ToV1(v2: SendMessageRequestHeaderV2): SendMessageRequestHeader {
  return dropUndefined({
    producerGroup: v2.a,
    topic: v2.b,
    defaultTopic: v2.c,
    defaultTopicQueueNums: v2.d,
    queueId: v2.e,
    sysFlag: v2.f,
    bornTimestamp: v2.g,
    flag: v2.h,
    properties: v2.i,
    reconsumeTimes: v2.j,
    unitMode: v2.k,
    maxReconsumeTimes: v2.l,
    batch: v2.m,
    bname: v2.n,
  }) as SendMessageRequestHeader;
}

export function sendHeaderV1ToV2(v1: SendMessageRequestHeader): SendMessageRequestHeaderV2 {
  return dropUndefined({
    a: v1.producerGroup,
    b: v1.topic,
    c: v1.defaultTopic,
    d: v1.defaultTopicQueueNums,
    e: v1.queueId,
    f: v1.sysFlag,
    g: v1.bornTimestamp,
    h: v1.flag,
    i: v1.properties,
    j: v1.reconsumeTimes,
    k: v1.unitMode,
    l: v1.maxReconsumeTimes,
    m: v1.batch,
    n: v1.bname,
  }) as SendMessageRequestHeaderV2;
}

/** A copy without the undefined values (copied, not deleted: `delete` turns a header into a slow dictionary object). */
function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}
