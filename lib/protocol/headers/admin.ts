// Custom headers of broker admin requests: topics, subscription groups, stats, connections, broker config.
// Generated from the Java header classes' fields (name, type, @CFNotNull); see spec.ts for the kinds.
import { defineHeader, RPC_FIELDS, TOPIC_FIELDS, type HeaderOf } from './spec.ts';

export const AddBrokerRequestHeader = defineHeader('AddBrokerRequestHeader', {
  configPath: 'string',
});
export type AddBrokerRequestHeader = HeaderOf<typeof AddBrokerRequestHeader>;

export const CheckRocksdbCqWriteProgressRequestHeader = defineHeader('CheckRocksdbCqWriteProgressRequestHeader', {
  topic: 'string!',
  checkStoreTime: { kind: 'long', default: 0 },
});
export type CheckRocksdbCqWriteProgressRequestHeader = HeaderOf<typeof CheckRocksdbCqWriteProgressRequestHeader>;

/** 4.9.x only (plain ACL / filter server, removed in 5.x). */
export const CreateAccessConfigRequestHeader = defineHeader('CreateAccessConfigRequestHeader', {
  accessKey: 'string!',
  secretKey: 'string',
  whiteRemoteAddress: 'string',
  admin: { kind: 'boolean', default: false },
  defaultTopicPerm: 'string',
  defaultGroupPerm: 'string',
  topicPerms: 'string',
  groupPerms: 'string',
});
export type CreateAccessConfigRequestHeader = HeaderOf<typeof CreateAccessConfigRequestHeader>;

export const CreateTopicListRequestHeader = defineHeader('CreateTopicListRequestHeader', {
  ...RPC_FIELDS,
});
export type CreateTopicListRequestHeader = HeaderOf<typeof CreateTopicListRequestHeader>;

export const CreateTopicRequestHeader = defineHeader('CreateTopicRequestHeader', {
  topic: 'string!',
  defaultTopic: 'string!',
  readQueueNums: 'int!',
  writeQueueNums: 'int!',
  perm: 'int!',
  topicFilterType: 'string!',
  topicSysFlag: 'int',
  order: 'boolean!',
  attributes: 'string',
  force: { kind: 'boolean', default: false },
  ...TOPIC_FIELDS,
});
export type CreateTopicRequestHeader = HeaderOf<typeof CreateTopicRequestHeader>;

/** 4.9.x only (plain ACL / filter server, removed in 5.x). */
export const DeleteAccessConfigRequestHeader = defineHeader('DeleteAccessConfigRequestHeader', {
  accessKey: 'string!',
});
export type DeleteAccessConfigRequestHeader = HeaderOf<typeof DeleteAccessConfigRequestHeader>;

export const DeleteSubscriptionGroupRequestHeader = defineHeader('DeleteSubscriptionGroupRequestHeader', {
  groupName: 'string!',
  cleanOffset: { kind: 'boolean', default: false },
  removeOffset: { kind: 'boolean', default: false }, // 4.9.x name
  ...RPC_FIELDS,
});
export type DeleteSubscriptionGroupRequestHeader = HeaderOf<typeof DeleteSubscriptionGroupRequestHeader>;

export const DeleteTopicRequestHeader = defineHeader('DeleteTopicRequestHeader', {
  topic: 'string!',
  ...TOPIC_FIELDS,
});
export type DeleteTopicRequestHeader = HeaderOf<typeof DeleteTopicRequestHeader>;

export const ExchangeHAInfoRequestHeader = defineHeader('ExchangeHAInfoRequestHeader', {
  masterHaAddress: 'string',
  masterFlushOffset: 'long',
  masterAddress: 'string',
});
export type ExchangeHAInfoRequestHeader = HeaderOf<typeof ExchangeHAInfoRequestHeader>;

export const ExchangeHAInfoResponseHeader = defineHeader('ExchangeHAInfoResponseHeader', {
  masterHaAddress: 'string',
  masterFlushOffset: 'long',
  masterAddress: 'string',
});
export type ExchangeHAInfoResponseHeader = HeaderOf<typeof ExchangeHAInfoResponseHeader>;

export const ExportRocksDBConfigToJsonRequestHeader = defineHeader('ExportRocksDBConfigToJsonRequestHeader', {
  typeName: 'string',
  configType: 'string!',
});
export type ExportRocksDBConfigToJsonRequestHeader = HeaderOf<typeof ExportRocksDBConfigToJsonRequestHeader>;

export const GetAllProducerInfoRequestHeader = defineHeader('GetAllProducerInfoRequestHeader', {});
export type GetAllProducerInfoRequestHeader = HeaderOf<typeof GetAllProducerInfoRequestHeader>;

export const GetAllSubscriptionGroupRequestHeader = defineHeader('GetAllSubscriptionGroupRequestHeader', {
  // 5.x paged slave sync; @CFNotNull there, but 4.9.x slaves send no header at all
  groupSeq: 'int',
  dataVersion: 'string',
  maxGroupNum: 'int',
});
export type GetAllSubscriptionGroupRequestHeader = HeaderOf<typeof GetAllSubscriptionGroupRequestHeader>;

export const GetAllSubscriptionGroupResponseHeader = defineHeader('GetAllSubscriptionGroupResponseHeader', {
  // @CFNotNull in 5.x, absent from 4.9.x answers
  totalGroupNum: 'int',
});
export type GetAllSubscriptionGroupResponseHeader = HeaderOf<typeof GetAllSubscriptionGroupResponseHeader>;

export const GetAllTopicConfigRequestHeader = defineHeader('GetAllTopicConfigRequestHeader', {
  // 5.x paged slave sync; @CFNotNull there, but 4.9.x slaves send no header at all
  topicSeq: 'int',
  dataVersion: 'string',
  maxTopicNum: 'int',
});
export type GetAllTopicConfigRequestHeader = HeaderOf<typeof GetAllTopicConfigRequestHeader>;

export const GetAllTopicConfigResponseHeader = defineHeader('GetAllTopicConfigResponseHeader', {
  // @CFNotNull in 5.x, but 4.9.x brokers answer without it
  totalTopicNum: 'int',
});
export type GetAllTopicConfigResponseHeader = HeaderOf<typeof GetAllTopicConfigResponseHeader>;

/** 4.9.x only (plain ACL / filter server, removed in 5.x). */
export const GetBrokerAclConfigResponseHeader = defineHeader('GetBrokerAclConfigResponseHeader', {
  version: 'string!',
  allAclFileVersion: 'string',
  brokerName: 'string!',
  brokerAddr: 'string!',
  clusterName: 'string!',
});
export type GetBrokerAclConfigResponseHeader = HeaderOf<typeof GetBrokerAclConfigResponseHeader>;

export const GetBrokerConfigResponseHeader = defineHeader('GetBrokerConfigResponseHeader', {
  version: 'string!',
});
export type GetBrokerConfigResponseHeader = HeaderOf<typeof GetBrokerConfigResponseHeader>;

export const GetBrokerMemberGroupRequestHeader = defineHeader('GetBrokerMemberGroupRequestHeader', {
  clusterName: 'string!',
  brokerName: 'string!',
});
export type GetBrokerMemberGroupRequestHeader = HeaderOf<typeof GetBrokerMemberGroupRequestHeader>;

export const GetConsumeStatsInBrokerHeader = defineHeader('GetConsumeStatsInBrokerHeader', {
  isOrder: 'boolean!',
});
export type GetConsumeStatsInBrokerHeader = HeaderOf<typeof GetConsumeStatsInBrokerHeader>;

export const GetConsumeStatsRequestHeader = defineHeader('GetConsumeStatsRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string',
  topicList: 'string',
  ...TOPIC_FIELDS,
});
export type GetConsumeStatsRequestHeader = HeaderOf<typeof GetConsumeStatsRequestHeader>;

export const GetConsumerConnectionListRequestHeader = defineHeader('GetConsumerConnectionListRequestHeader', {
  consumerGroup: 'string!',
  ...RPC_FIELDS,
});
export type GetConsumerConnectionListRequestHeader = HeaderOf<typeof GetConsumerConnectionListRequestHeader>;

export const GetProducerConnectionListRequestHeader = defineHeader('GetProducerConnectionListRequestHeader', {
  producerGroup: 'string!',
  ...RPC_FIELDS,
});
export type GetProducerConnectionListRequestHeader = HeaderOf<typeof GetProducerConnectionListRequestHeader>;

export const GetSubscriptionGroupConfigRequestHeader = defineHeader('GetSubscriptionGroupConfigRequestHeader', {
  group: 'string!',
  ...RPC_FIELDS,
});
export type GetSubscriptionGroupConfigRequestHeader = HeaderOf<typeof GetSubscriptionGroupConfigRequestHeader>;

export const GetTopicConfigRequestHeader = defineHeader('GetTopicConfigRequestHeader', {
  topic: 'string!',
  ...TOPIC_FIELDS,
});
export type GetTopicConfigRequestHeader = HeaderOf<typeof GetTopicConfigRequestHeader>;

export const GetTopicStatsInfoRequestHeader = defineHeader('GetTopicStatsInfoRequestHeader', {
  topic: 'string!',
  ...TOPIC_FIELDS,
});
export type GetTopicStatsInfoRequestHeader = HeaderOf<typeof GetTopicStatsInfoRequestHeader>;

export const GetTopicsByClusterRequestHeader = defineHeader('GetTopicsByClusterRequestHeader', {
  cluster: 'string!',
});
export type GetTopicsByClusterRequestHeader = HeaderOf<typeof GetTopicsByClusterRequestHeader>;

export const NotifyBrokerRoleChangedRequestHeader = defineHeader('NotifyBrokerRoleChangedRequestHeader', {
  masterAddress: 'string',
  masterEpoch: 'int',
  syncStateSetEpoch: 'int',
  masterBrokerId: 'long',
});
export type NotifyBrokerRoleChangedRequestHeader = HeaderOf<typeof NotifyBrokerRoleChangedRequestHeader>;

export const NotifyMinBrokerIdChangeRequestHeader = defineHeader('NotifyMinBrokerIdChangeRequestHeader', {
  minBrokerId: 'long',
  brokerName: 'string',
  minBrokerAddr: 'string',
  offlineBrokerAddr: 'string',
  haBrokerAddr: 'string',
});
export type NotifyMinBrokerIdChangeRequestHeader = HeaderOf<typeof NotifyMinBrokerIdChangeRequestHeader>;

export const QueryConsumeQueueRequestHeader = defineHeader('QueryConsumeQueueRequestHeader', {
  topic: 'string',
  queueId: { kind: 'int', default: 0 },
  index: { kind: 'long', default: 0 },
  count: { kind: 'int', default: 0 },
  consumerGroup: 'string',
  ...TOPIC_FIELDS,
});
export type QueryConsumeQueueRequestHeader = HeaderOf<typeof QueryConsumeQueueRequestHeader>;

export const QuerySubscriptionByConsumerRequestHeader = defineHeader('QuerySubscriptionByConsumerRequestHeader', {
  group: 'string!',
  topic: 'string',
  ...TOPIC_FIELDS,
});
export type QuerySubscriptionByConsumerRequestHeader = HeaderOf<typeof QuerySubscriptionByConsumerRequestHeader>;

export const QueryTopicConsumeByWhoRequestHeader = defineHeader('QueryTopicConsumeByWhoRequestHeader', {
  topic: 'string!',
  ...TOPIC_FIELDS,
});
export type QueryTopicConsumeByWhoRequestHeader = HeaderOf<typeof QueryTopicConsumeByWhoRequestHeader>;

export const QueryTopicsByConsumerRequestHeader = defineHeader('QueryTopicsByConsumerRequestHeader', {
  group: 'string!',
  ...RPC_FIELDS,
});
export type QueryTopicsByConsumerRequestHeader = HeaderOf<typeof QueryTopicsByConsumerRequestHeader>;

export const RemoveBrokerRequestHeader = defineHeader('RemoveBrokerRequestHeader', {
  brokerName: 'string!',
  brokerClusterName: 'string!',
  brokerId: 'long!',
});
export type RemoveBrokerRequestHeader = HeaderOf<typeof RemoveBrokerRequestHeader>;

export const ResetMasterFlushOffsetHeader = defineHeader('ResetMasterFlushOffsetHeader', {
  masterFlushOffset: 'long!',
});
export type ResetMasterFlushOffsetHeader = HeaderOf<typeof ResetMasterFlushOffsetHeader>;

export const StatisticsMessagesRequestHeader = defineHeader('StatisticsMessagesRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  queueId: 'int!',
  fromTime: { kind: 'long', default: 0 },
  toTime: { kind: 'long', default: 0 },
  ...TOPIC_FIELDS,
});
export type StatisticsMessagesRequestHeader = HeaderOf<typeof StatisticsMessagesRequestHeader>;

/** 4.9.x only (plain ACL / filter server, removed in 5.x). */
export const UpdateGlobalWhiteAddrsConfigRequestHeader = defineHeader('UpdateGlobalWhiteAddrsConfigRequestHeader', {
  globalWhiteAddrs: 'string!',
  aclFileFullPath: 'string!',
});
export type UpdateGlobalWhiteAddrsConfigRequestHeader = HeaderOf<typeof UpdateGlobalWhiteAddrsConfigRequestHeader>;

export const UpdateGroupForbiddenRequestHeader = defineHeader('UpdateGroupForbiddenRequestHeader', {
  group: 'string!',
  topic: 'string!',
  readable: 'boolean',
  ...TOPIC_FIELDS,
});
export type UpdateGroupForbiddenRequestHeader = HeaderOf<typeof UpdateGroupForbiddenRequestHeader>;

export const ViewBrokerStatsDataRequestHeader = defineHeader('ViewBrokerStatsDataRequestHeader', {
  statsName: 'string!',
  statsKey: 'string!',
});
export type ViewBrokerStatsDataRequestHeader = HeaderOf<typeof ViewBrokerStatsDataRequestHeader>;
