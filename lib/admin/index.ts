// The admin room's public surface: AdminClient and the plain result types the CLI and the console read.
export { AdminClient } from './client.ts';
export { AdminCore, DEFAULT_TIMEOUT_MS, type AdminClientOptions, type BrokerTarget, type FanoutResult } from './core.ts';
export * from './errors.ts';
export { mapBounded, withDeadline, DEFAULT_CONCURRENCY, type Settled } from './fanout.ts';
export type { BrokerGroup, ClusterView, QueueData, TopicRoute } from './route.ts';
export type { ClusterBroker, ClusterListOptions, ClusterListResult } from './cluster.ts';
export type { BrokerKVResult, BrokerSelector, WriteResult } from './broker.ts';
export type { TopicEntry, TopicKind, TopicListResult, TopicBrokerMapResult, TopicPlacement, QueueStatus, TopicStatusResult } from './topics.ts';
export type { TopicConfigInput, TopicWriteResult, DeleteTopicResult, NamesrvWriteResult } from './topic-config.ts';
export type { GroupSummary, GroupSettings, GroupListResult, QueueProgress, GroupProgressResult, QueueAssignmentResult } from './groups.ts';
export type { ClientConnection, Subscription, ConsumerConnectionResult, ProducerConnectionResult, ConsumerRunningInfoResult, RunningQueue } from './connections.ts';
export type { SubGroupInput, DeleteSubGroupResult } from './group-config.ts';
export type { ResetQueue, ResetOffsetResult, QueueOffsetReset, ResetQueuesResult } from './offsets.ts';
export type { MessageView, QueryResult } from './messages.ts';
export type { SendTestMessageInput, SendTestMessageResult } from './send.ts';
export { parseResetPoint, parseRocketDate, formatTime, type ResetPoint } from './time.ts';
export { classifyTopic } from './topics.ts';
export { isSystemGroup, brokerConsumeStats, brokerSubscriptionGroups, type Asked } from './groups.ts';
