// Custom headers of nameserver requests: broker registration, routes, KV config, write permission.
// Generated from the Java header classes' fields (name, type, @CFNotNull); see spec.ts for the kinds.
import { defineHeader, TOPIC_FIELDS, type HeaderOf } from './spec.ts';

export const AddWritePermOfBrokerRequestHeader = defineHeader('AddWritePermOfBrokerRequestHeader', {
  brokerName: 'string!',
});
export type AddWritePermOfBrokerRequestHeader = HeaderOf<typeof AddWritePermOfBrokerRequestHeader>;

export const AddWritePermOfBrokerResponseHeader = defineHeader('AddWritePermOfBrokerResponseHeader', {
  addTopicCount: 'int!',
});
export type AddWritePermOfBrokerResponseHeader = HeaderOf<typeof AddWritePermOfBrokerResponseHeader>;

export const BrokerHeartbeatRequestHeader = defineHeader('BrokerHeartbeatRequestHeader', {
  clusterName: 'string!',
  brokerAddr: 'string!',
  brokerName: 'string!',
  brokerId: 'long',
  epoch: 'int',
  maxOffset: 'long',
  confirmOffset: 'long',
  heartbeatTimeoutMills: 'long',
  electionPriority: 'int',
});
export type BrokerHeartbeatRequestHeader = HeaderOf<typeof BrokerHeartbeatRequestHeader>;

export const DeleteKVConfigRequestHeader = defineHeader('DeleteKVConfigRequestHeader', {
  namespace: 'string!',
  key: 'string!',
});
export type DeleteKVConfigRequestHeader = HeaderOf<typeof DeleteKVConfigRequestHeader>;

export const DeleteTopicFromNamesrvRequestHeader = defineHeader('DeleteTopicFromNamesrvRequestHeader', {
  topic: 'string!',
  clusterName: 'string',
  ...TOPIC_FIELDS,
});
export type DeleteTopicFromNamesrvRequestHeader = HeaderOf<typeof DeleteTopicFromNamesrvRequestHeader>;

export const GetKVConfigRequestHeader = defineHeader('GetKVConfigRequestHeader', {
  namespace: 'string!',
  key: 'string!',
});
export type GetKVConfigRequestHeader = HeaderOf<typeof GetKVConfigRequestHeader>;

export const GetKVConfigResponseHeader = defineHeader('GetKVConfigResponseHeader', {
  value: 'string',
});
export type GetKVConfigResponseHeader = HeaderOf<typeof GetKVConfigResponseHeader>;

export const GetKVListByNamespaceRequestHeader = defineHeader('GetKVListByNamespaceRequestHeader', {
  namespace: 'string!',
});
export type GetKVListByNamespaceRequestHeader = HeaderOf<typeof GetKVListByNamespaceRequestHeader>;

export const GetRouteInfoRequestHeader = defineHeader('GetRouteInfoRequestHeader', {
  topic: 'string!',
  acceptStandardJsonOnly: 'boolean',
  ...TOPIC_FIELDS,
});
export type GetRouteInfoRequestHeader = HeaderOf<typeof GetRouteInfoRequestHeader>;

export const PutKVConfigRequestHeader = defineHeader('PutKVConfigRequestHeader', {
  namespace: 'string!',
  key: 'string!',
  value: 'string!',
});
export type PutKVConfigRequestHeader = HeaderOf<typeof PutKVConfigRequestHeader>;

export const QueryDataVersionRequestHeader = defineHeader('QueryDataVersionRequestHeader', {
  brokerName: 'string!',
  brokerAddr: 'string!',
  clusterName: 'string!',
  brokerId: 'long!',
});
export type QueryDataVersionRequestHeader = HeaderOf<typeof QueryDataVersionRequestHeader>;

export const QueryDataVersionResponseHeader = defineHeader('QueryDataVersionResponseHeader', {
  changed: 'boolean!',
});
export type QueryDataVersionResponseHeader = HeaderOf<typeof QueryDataVersionResponseHeader>;

export const RegisterBrokerRequestHeader = defineHeader('RegisterBrokerRequestHeader', {
  brokerName: 'string!',
  brokerAddr: 'string!',
  clusterName: 'string!',
  haServerAddr: 'string!',
  brokerId: 'long!',
  heartbeatTimeoutMillis: 'long',
  enableActingMaster: 'boolean',
  compressed: { kind: 'boolean', default: false },
  bodyCrc32: { kind: 'int', default: 0 },
});
export type RegisterBrokerRequestHeader = HeaderOf<typeof RegisterBrokerRequestHeader>;

export const RegisterBrokerResponseHeader = defineHeader('RegisterBrokerResponseHeader', {
  haServerAddr: 'string',
  masterAddr: 'string',
});
export type RegisterBrokerResponseHeader = HeaderOf<typeof RegisterBrokerResponseHeader>;

/** 4.9.x only (plain ACL / filter server, removed in 5.x). */
export const RegisterFilterServerRequestHeader = defineHeader('RegisterFilterServerRequestHeader', {
  filterServerAddr: 'string!',
});
export type RegisterFilterServerRequestHeader = HeaderOf<typeof RegisterFilterServerRequestHeader>;

/** 4.9.x only (plain ACL / filter server, removed in 5.x). */
export const RegisterFilterServerResponseHeader = defineHeader('RegisterFilterServerResponseHeader', {
  brokerName: 'string!',
  brokerId: 'long!',
});
export type RegisterFilterServerResponseHeader = HeaderOf<typeof RegisterFilterServerResponseHeader>;

/** 4.9.x only (plain ACL / filter server, removed in 5.x). */
export const RegisterMessageFilterClassRequestHeader = defineHeader('RegisterMessageFilterClassRequestHeader', {
  consumerGroup: 'string!',
  topic: 'string!',
  className: 'string!',
  classCRC: 'int!',
});
export type RegisterMessageFilterClassRequestHeader = HeaderOf<typeof RegisterMessageFilterClassRequestHeader>;

export const RegisterOrderTopicRequestHeader = defineHeader('RegisterOrderTopicRequestHeader', {
  topic: 'string!',
  orderTopicString: 'string!',
});
export type RegisterOrderTopicRequestHeader = HeaderOf<typeof RegisterOrderTopicRequestHeader>;

export const RegisterTopicRequestHeader = defineHeader('RegisterTopicRequestHeader', {
  topic: 'string!',
  ...TOPIC_FIELDS,
});
export type RegisterTopicRequestHeader = HeaderOf<typeof RegisterTopicRequestHeader>;

export const UnRegisterBrokerRequestHeader = defineHeader('UnRegisterBrokerRequestHeader', {
  brokerName: 'string!',
  brokerAddr: 'string!',
  clusterName: 'string!',
  brokerId: 'long!',
});
export type UnRegisterBrokerRequestHeader = HeaderOf<typeof UnRegisterBrokerRequestHeader>;

export const WipeWritePermOfBrokerRequestHeader = defineHeader('WipeWritePermOfBrokerRequestHeader', {
  brokerName: 'string!',
});
export type WipeWritePermOfBrokerRequestHeader = HeaderOf<typeof WipeWritePermOfBrokerRequestHeader>;

export const WipeWritePermOfBrokerResponseHeader = defineHeader('WipeWritePermOfBrokerResponseHeader', {
  wipeTopicCount: 'int!',
});
export type WipeWritePermOfBrokerResponseHeader = HeaderOf<typeof WipeWritePermOfBrokerResponseHeader>;
