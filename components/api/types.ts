// Answer shapes of the console API, as the server declares them (lib/console/api-types.ts, lib/admin result types).

export type {
  AuditEntry, AuditResponse, ClusterResponse, ClustersResponse, CollectorStatus, GroupDetailResponse, GroupFlag, GroupListItem,
  GroupListResponse, HealthResponse, HistoryResponse, MeResponse, MessageConsumersResponse, MessagesResponse, NamesrvProbe, ProvidersResponse,
  OverviewResponse, Page, Point, RebalanceEvent, ResetApplyResponse, CloneOffsetPreview, TopicEditPlan, TopicEditResult, CloneOffsetApplyResponse, SkipBacklogPreview, SkipBacklogApplyResponse, OffsetChange, ResetPreviewQueue, ResetPreviewResponse, Role, SavedCluster,
  TopicConsumer, TopicDetailResponse, TopicListItem, TopicListResponse, Trend, GroupConsumption, V5StatusResponse, ConsumeModePreview,
} from '@/lib/console/api-types.ts';

export type {
  BrokerFailure, BrokerKVResult, ClientConnection, ClusterBroker, GroupSummary, ConsumerConnectionResult, DeleteSubGroupResult, DeleteTopicResult,
  MessageView, ResetOffsetResult, ResetQueuesResult, SendTestMessageResult, TopicBrokerMapResult, TopicPlacement, TopicWriteResult,
  WriteResult, Section, BrokerV5Status, TimerStatus, ControllerStatusResult, ReplicaGroupStatus, ProxyEntry, ProxyClient, ProxyClientsResult, ProxyListResult,
} from '@/lib/admin/index.ts';

export type { DlqListResponse, DlqGroupRow } from '@/lib/console/dlq-view.ts';
export type { DlqPage, DlqMessage, ResendResult, DirectResult, MessageTrace, TraceAttempt, TraceKeyHit } from '@/lib/admin/index.ts';
