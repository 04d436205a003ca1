// Custom headers of the 5.x POP consumption requests (pop, ack, change invisible time, notification).
// Generated from the Java header classes' fields (name, type, @CFNotNull); see spec.ts for the kinds.
import { defineHeader, TOPIC_FIELDS, type HeaderOf } from './spec.ts';

export const AckMessageRequestHeader = defineHeader('AckMessageRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  queueId: 'int!',
  extraInfo: 'string!',
  offset: 'long!',
  ...TOPIC_FIELDS,
});
export type AckMessageRequestHeader = HeaderOf<typeof AckMessageRequestHeader>;

export const ChangeInvisibleTimeRequestHeader = defineHeader('ChangeInvisibleTimeRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  queueId: 'int!',
  extraInfo: 'string!',
  offset: 'long!',
  invisibleTime: 'long!',
  ...TOPIC_FIELDS,
});
export type ChangeInvisibleTimeRequestHeader = HeaderOf<typeof ChangeInvisibleTimeRequestHeader>;

export const ChangeInvisibleTimeResponseHeader = defineHeader('ChangeInvisibleTimeResponseHeader', {
  popTime: 'long!',
  invisibleTime: 'long!',
  reviveQid: 'int!',
});
export type ChangeInvisibleTimeResponseHeader = HeaderOf<typeof ChangeInvisibleTimeResponseHeader>;

export const NotificationRequestHeader = defineHeader('NotificationRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  queueId: 'int!',
  pollTime: 'long!',
  bornTime: 'long!',
  order: { kind: 'boolean', default: false },
  attemptId: 'string',
  ...TOPIC_FIELDS,
});
export type NotificationRequestHeader = HeaderOf<typeof NotificationRequestHeader>;

export const NotificationResponseHeader = defineHeader('NotificationResponseHeader', {
  hasMsg: 'boolean!',
  pollingFull: { kind: 'boolean', default: false },
});
export type NotificationResponseHeader = HeaderOf<typeof NotificationResponseHeader>;

export const PeekMessageRequestHeader = defineHeader('PeekMessageRequestHeader', {
  topic: 'string!',
  queueId: 'int!',
  maxMsgNums: 'int!',
  consumerGroup: 'string!',
  ...TOPIC_FIELDS,
});
export type PeekMessageRequestHeader = HeaderOf<typeof PeekMessageRequestHeader>;

export const PollingInfoRequestHeader = defineHeader('PollingInfoRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  queueId: 'int!',
  ...TOPIC_FIELDS,
});
export type PollingInfoRequestHeader = HeaderOf<typeof PollingInfoRequestHeader>;

export const PollingInfoResponseHeader = defineHeader('PollingInfoResponseHeader', {
  pollingNum: 'int!',
});
export type PollingInfoResponseHeader = HeaderOf<typeof PollingInfoResponseHeader>;

export const PopMessageRequestHeader = defineHeader('PopMessageRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  queueId: 'int!',
  maxMsgNums: 'int!',
  invisibleTime: 'long!',
  pollTime: 'long!',
  bornTime: 'long!',
  initMode: 'int!',
  expType: 'string',
  exp: 'string',
  order: { kind: 'boolean', default: false },
  attemptId: 'string',
  ...TOPIC_FIELDS,
});
export type PopMessageRequestHeader = HeaderOf<typeof PopMessageRequestHeader>;

export const PopMessageResponseHeader = defineHeader('PopMessageResponseHeader', {
  popTime: 'long!',
  invisibleTime: 'long!',
  reviveQid: 'int!',
  restNum: 'long!',
  startOffsetInfo: 'string',
  msgOffsetInfo: 'string',
  orderCountInfo: 'string',
});
export type PopMessageResponseHeader = HeaderOf<typeof PopMessageResponseHeader>;
