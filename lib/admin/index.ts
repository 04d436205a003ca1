// The admin room's public surface: AdminClient and the plain result types the CLI and the console read.
export { AdminClient } from './client.ts';
// The transport core (AdminCore and its generic call) stays inside lib/admin: every wire read is a method of AdminClient.
export { DEFAULT_TIMEOUT_MS, type AdminClientOptions, type BrokerTarget, type FanoutResult } from './core.ts';
export * from './errors.ts';
export { BrokerUnavailableError, type BreakerState, type BreakerClock } from './breaker.ts';
export { mapBounded, withDeadline, DeadlineError, DEFAULT_CONCURRENCY, type Settled } from './fanout.ts';
/** What the admin client throws when a peer fails (callers tell failures apart by these). */
export { RemotingError, RemotingConnectError, RemotingTimeoutError, ResponseCodeError } from '../remoting/errors.ts';
/** Naming rules and permission bits the pages check input against (RocketMQ's own). */
export { validateGroup, validateTopic, PermName } from '../protocol/constants.ts';
export type { ConsumeStats } from '../protocol/bodies/index.ts';
/** Running-info property names of a RocketDeck consumer's event-loop delay. */
export { PROP_EVENT_LOOP_DELAY } from '../protocol/bodies/running-info.ts';
export type { BrokerGroups } from './groups.ts';
export type { QueueOffsets, GroupMembers, BrokerLiveInfo, NamesrvProbeResult } from './broker-stats.ts';
export type { BrokerGroup, ClusterView, QueueData, TopicRoute } from './route.ts';
export type { ClusterBroker, ClusterListOptions, ClusterListResult } from './cluster.ts';
export type { BrokerKVResult, BrokerSelector, WriteResult } from './broker.ts';
export type { TopicEntry, TopicKind, TopicListResult, TopicBrokerMapResult, TopicPlacement, QueueStatus, TopicStatusResult } from './topics.ts';
export type { TopicConfigInput, TopicWriteResult, DeleteTopicResult, NamesrvWriteResult } from './topic-config.ts';
export type { GroupSummary, GroupSettings, GroupListResult, QueueProgress, GroupProgressResult, QueueAssignmentResult } from './groups.ts';
export type { ClientConnection, Subscription, ConsumerConnectionResult, ProducerConnectionResult, ConsumerRunningInfoResult, RunningQueue, ConsumeDirectlyResult } from './connections.ts';
export type { SubGroupInput, DeleteSubGroupResult } from './group-config.ts';
export type { TopicProducerConnection, TopicProducersResult } from './producers.ts';
export type { ResetQueue, ResetOffsetResult, QueueOffsetReset, ResetQueuesResult } from './offsets.ts';
export type { CloneOffsetResult, SkipBacklogResult } from './offset-ops.ts';
export type { MessageView, QueryResult } from './messages.ts';
export type { QueueMessage, QueuePullResult } from './pull-queue.ts';
export { PULL_BATCH } from './message-stream.ts';
export type { WritePermResult } from './write-perm.ts';
export type { PlainAccountInput, PlainAclView, PlainAclVersion } from './acl-v1.ts';
export type { UserInput, PolicyEntryInput } from './auth.ts';
export type { UserInfo, AclInfo, PolicyEntryInfo } from '../auth/model.ts';
export { ACTIONS as ACL_ACTIONS, parseResource as parseAclResource, isValidSourceIp } from '../auth/model.ts';
export type { DlqGroup, DlqListResult, DlqMessage, DlqPage, ResendResult, DirectResult } from './dlq.ts';
export { DLQ_PREFIX, dlqTopicOf, MAX_BROWSE_DEPTH } from './dlq.ts';
export { exportLines, identityTransform, csvRow, CSV_COLUMNS, EXPORT_FORMATS, type ExportFormat, type MessageTransform } from './dlq-export.ts';
export type { MessageTrace, TraceProduce, TraceAttempt, TraceConsumerGroup, TraceTransaction, TraceKeyHit } from './trace.ts';
export type { SendTestMessageInput, SendTestMessageResult } from './send.ts';
export type { PopGroupStatsResult, PopTopicStats } from './pop.ts';
export type { ReviveInflightResult, InflightQueue, ReviveReadStats } from './pop-inflight.ts';
export { parseResetPoint, parseRocketDate, formatTime, type ResetPoint } from './time.ts';
export { classifyTopic } from './topics.ts';
export { isSystemGroup, type Asked } from './groups.ts';
export type { SystemKind } from './system-kinds.ts';
export { consumptionModeOf, majorOf, notOnThisVersion, type Section, type BrokerV5Status, type TimerStatus, type RequestModeEntry, type ControllerStatusResult, type ControllerMeta, type ReplicaGroupStatus, type ConsumptionMode } from './v5.ts';
export type { ProxyEntry, ProxyClient, ProxyClientsResult, ProxyListResult } from './proxies.ts';
