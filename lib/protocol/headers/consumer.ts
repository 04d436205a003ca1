// Custom headers of consumer/client traffic: offsets, consumer lists, client (un)registration, offset queries, reset.
// Generated from the Java header classes' fields (name, type, @CFNotNull); see spec.ts for the kinds.
import { defineHeader, RPC_FIELDS, TOPIC_FIELDS, type HeaderOf } from './spec.ts';

export const CloneGroupOffsetRequestHeader = defineHeader('CloneGroupOffsetRequestHeader', {
  srcGroup: 'string!',
  destGroup: 'string!',
  topic: 'string',
  offline: { kind: 'boolean', default: false },
  ...RPC_FIELDS,
});
export type CloneGroupOffsetRequestHeader = HeaderOf<typeof CloneGroupOffsetRequestHeader>;

export const ConsumeMessageDirectlyResultRequestHeader = defineHeader('ConsumeMessageDirectlyResultRequestHeader', {
  consumerGroup: 'string!',
  clientId: 'string',
  msgId: 'string',
  brokerName: 'string',
  topic: 'string',
  topicSysFlag: 'int',
  groupSysFlag: 'int',
  ...TOPIC_FIELDS,
});
export type ConsumeMessageDirectlyResultRequestHeader = HeaderOf<typeof ConsumeMessageDirectlyResultRequestHeader>;

export const GetConsumerListByGroupRequestHeader = defineHeader('GetConsumerListByGroupRequestHeader', {
  consumerGroup: 'string!',
  ...RPC_FIELDS,
});
export type GetConsumerListByGroupRequestHeader = HeaderOf<typeof GetConsumerListByGroupRequestHeader>;

export const GetConsumerListByGroupResponseHeader = defineHeader('GetConsumerListByGroupResponseHeader', {});
export type GetConsumerListByGroupResponseHeader = HeaderOf<typeof GetConsumerListByGroupResponseHeader>;

export const GetConsumerRunningInfoRequestHeader = defineHeader('GetConsumerRunningInfoRequestHeader', {
  consumerGroup: 'string!',
  clientId: 'string!',
  jstackEnable: { kind: 'boolean', default: false },
  ...RPC_FIELDS,
});
export type GetConsumerRunningInfoRequestHeader = HeaderOf<typeof GetConsumerRunningInfoRequestHeader>;

export const GetConsumerStatusRequestHeader = defineHeader('GetConsumerStatusRequestHeader', {
  topic: 'string!',
  group: 'string!',
  clientAddr: 'string',
  ...TOPIC_FIELDS,
});
export type GetConsumerStatusRequestHeader = HeaderOf<typeof GetConsumerStatusRequestHeader>;

export const GetEarliestMsgStoretimeRequestHeader = defineHeader('GetEarliestMsgStoretimeRequestHeader', {
  topic: 'string!',
  queueId: 'int!',
  ...TOPIC_FIELDS,
});
export type GetEarliestMsgStoretimeRequestHeader = HeaderOf<typeof GetEarliestMsgStoretimeRequestHeader>;

export const GetEarliestMsgStoretimeResponseHeader = defineHeader('GetEarliestMsgStoretimeResponseHeader', {
  timestamp: 'long!',
});
export type GetEarliestMsgStoretimeResponseHeader = HeaderOf<typeof GetEarliestMsgStoretimeResponseHeader>;

export const GetMaxOffsetRequestHeader = defineHeader('GetMaxOffsetRequestHeader', {
  topic: 'string!',
  queueId: 'int!',
  committed: { kind: 'boolean', default: true },
  ...TOPIC_FIELDS,
});
export type GetMaxOffsetRequestHeader = HeaderOf<typeof GetMaxOffsetRequestHeader>;

export const GetMaxOffsetResponseHeader = defineHeader('GetMaxOffsetResponseHeader', {
  offset: 'long!',
});
export type GetMaxOffsetResponseHeader = HeaderOf<typeof GetMaxOffsetResponseHeader>;

export const GetMinOffsetRequestHeader = defineHeader('GetMinOffsetRequestHeader', {
  topic: 'string!',
  queueId: 'int!',
  ...TOPIC_FIELDS,
});
export type GetMinOffsetRequestHeader = HeaderOf<typeof GetMinOffsetRequestHeader>;

export const GetMinOffsetResponseHeader = defineHeader('GetMinOffsetResponseHeader', {
  offset: 'long!',
});
export type GetMinOffsetResponseHeader = HeaderOf<typeof GetMinOffsetResponseHeader>;

export const HeartbeatRequestHeader = defineHeader('HeartbeatRequestHeader', {
  ...RPC_FIELDS,
});
export type HeartbeatRequestHeader = HeaderOf<typeof HeartbeatRequestHeader>;

export const InitConsumerOffsetRequestHeader = defineHeader('InitConsumerOffsetRequestHeader', {
  topic: 'string',
  initMode: { kind: 'int', default: 0 },
  ...TOPIC_FIELDS,
});
export type InitConsumerOffsetRequestHeader = HeaderOf<typeof InitConsumerOffsetRequestHeader>;

export const LockBatchMqRequestHeader = defineHeader('LockBatchMqRequestHeader', {
  ...RPC_FIELDS,
});
export type LockBatchMqRequestHeader = HeaderOf<typeof LockBatchMqRequestHeader>;

export const NotifyConsumerIdsChangedRequestHeader = defineHeader('NotifyConsumerIdsChangedRequestHeader', {
  consumerGroup: 'string!',
  ...RPC_FIELDS,
});
export type NotifyConsumerIdsChangedRequestHeader = HeaderOf<typeof NotifyConsumerIdsChangedRequestHeader>;

export const QueryConsumeTimeSpanRequestHeader = defineHeader('QueryConsumeTimeSpanRequestHeader', {
  topic: 'string!',
  group: 'string!',
  ...TOPIC_FIELDS,
});
export type QueryConsumeTimeSpanRequestHeader = HeaderOf<typeof QueryConsumeTimeSpanRequestHeader>;

export const QueryConsumerOffsetRequestHeader = defineHeader('QueryConsumerOffsetRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  queueId: 'int!',
  setZeroIfNotFound: 'boolean',
  ...TOPIC_FIELDS,
});
export type QueryConsumerOffsetRequestHeader = HeaderOf<typeof QueryConsumerOffsetRequestHeader>;

export const QueryConsumerOffsetResponseHeader = defineHeader('QueryConsumerOffsetResponseHeader', {
  offset: 'long!',
});
export type QueryConsumerOffsetResponseHeader = HeaderOf<typeof QueryConsumerOffsetResponseHeader>;

export const QueryCorrectionOffsetHeader = defineHeader('QueryCorrectionOffsetHeader', {
  filterGroups: 'string',
  compareGroup: 'string!',
  topic: 'string!',
  ...TOPIC_FIELDS,
});
export type QueryCorrectionOffsetHeader = HeaderOf<typeof QueryCorrectionOffsetHeader>;

export const ResetOffsetRequestHeader = defineHeader('ResetOffsetRequestHeader', {
  group: 'string!',
  topic: 'string!',
  queueId: { kind: 'int', default: -1 },
  offset: 'long',
  timestamp: 'long!',
  isForce: 'boolean!',
  ...TOPIC_FIELDS,
});
export type ResetOffsetRequestHeader = HeaderOf<typeof ResetOffsetRequestHeader>;

export const SearchOffsetRequestHeader = defineHeader('SearchOffsetRequestHeader', {
  topic: 'string!',
  queueId: 'int!',
  timestamp: 'long!',
  boundaryType: 'string',
  ...TOPIC_FIELDS,
});
export type SearchOffsetRequestHeader = HeaderOf<typeof SearchOffsetRequestHeader>;

export const SearchOffsetResponseHeader = defineHeader('SearchOffsetResponseHeader', {
  offset: 'long!',
});
export type SearchOffsetResponseHeader = HeaderOf<typeof SearchOffsetResponseHeader>;

export const UnlockBatchMqRequestHeader = defineHeader('UnlockBatchMqRequestHeader', {
  ...RPC_FIELDS,
});
export type UnlockBatchMqRequestHeader = HeaderOf<typeof UnlockBatchMqRequestHeader>;

export const UnregisterClientRequestHeader = defineHeader('UnregisterClientRequestHeader', {
  clientID: 'string!',
  producerGroup: 'string',
  consumerGroup: 'string',
  ...RPC_FIELDS,
});
export type UnregisterClientRequestHeader = HeaderOf<typeof UnregisterClientRequestHeader>;

export const UnregisterClientResponseHeader = defineHeader('UnregisterClientResponseHeader', {});
export type UnregisterClientResponseHeader = HeaderOf<typeof UnregisterClientResponseHeader>;

export const UpdateConsumerOffsetRequestHeader = defineHeader('UpdateConsumerOffsetRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  queueId: 'int!',
  commitOffset: 'long!',
  ...TOPIC_FIELDS,
});
export type UpdateConsumerOffsetRequestHeader = HeaderOf<typeof UpdateConsumerOffsetRequestHeader>;

export const UpdateConsumerOffsetResponseHeader = defineHeader('UpdateConsumerOffsetResponseHeader', {});
export type UpdateConsumerOffsetResponseHeader = HeaderOf<typeof UpdateConsumerOffsetResponseHeader>;
