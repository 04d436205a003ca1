// Answer shapes of the console API (docs: notes/CONSOLE_API.md); lib/admin result types are reused as the server sends them.

import type {
  BrokerKVResult, ClusterListResult, ConsumerConnectionResult, DeleteSubGroupResult, DeleteTopicResult, GroupProgressResult,
  GroupSummary, MessageView, QueueAssignmentResult, ResetOffsetResult, ResetQueuesResult, SendTestMessageResult, TopicBrokerMapResult,
  TopicEntry, TopicRoute, TopicStatusResult, TopicWriteResult, WriteResult, BrokerFailure, ClientConnection,
} from '@/lib/admin/index.ts';

export type {
  BrokerKVResult, ClusterListResult, ConsumerConnectionResult, DeleteSubGroupResult, DeleteTopicResult, GroupProgressResult,
  GroupSummary, MessageView, QueueAssignmentResult, ResetOffsetResult, ResetQueuesResult, SendTestMessageResult, TopicBrokerMapResult,
  TopicEntry, TopicRoute, TopicStatusResult, TopicWriteResult, WriteResult, BrokerFailure, ClientConnection,
};

export type Role = 'viewer' | 'operator';

export interface Me {
  username: string | null;
  role: Role | null;
}

export interface SavedCluster {
  name: string;
  namesrvAddr: string;
}

export interface ClustersAnswer {
  clusters: SavedCluster[];
  current: string;
}

export interface Health {
  status: string;
  namesrvAddr: string[];
  uptimeSeconds: number;
}

export interface NamesrvStatus {
  addr: string;
  reachable: boolean;
  latencyMs?: number;
  brokerCount?: number;
  error?: string;
}

/** When one nameserver last heard from one broker process. */
export interface Heartbeat {
  namesrvAddr: string;
  brokerAddr: string;
  brokerName?: string;
  lastUpdateTimestamp: number;
  /** Milliseconds since, by the server's clock. */
  ageMs?: number;
}

/** Replication state of a broker group's slave, as the server works it out. */
export interface SlaveHealth {
  brokerAddr: string;
  connected: boolean;
  lagBytes?: number;
  lagMs?: number;
  error?: string;
}

export interface ClusterAnswer {
  clusterList: ClusterListResult;
  namesrvs: NamesrvStatus[];
  heartbeats?: Heartbeat[];
  /** Per broker address: runtime and config figures the console adds (flush mode, disk, offsets...). */
  brokerDetails?: Record<string, BrokerDetail>;
  replication?: SlaveHealth[];
}

export interface BrokerDetail {
  flushDiskType?: string;
  brokerRole?: string;
  commitLogMaxOffset?: number;
  commitLogDiskRatio?: number;
  diskUsedRatio?: number;
  masterAddr?: string;
  slaveFallBehindBytes?: number;
  slaveFallBehindMs?: number;
  slaveConnected?: boolean;
  [key: string]: unknown;
}

export interface TopicTps {
  name: string;
  tps: number;
}

export interface GroupLag {
  name: string;
  lag: number;
  lagSeconds?: number;
  trend?: Trend;
}

export type Trend = 'growing' | 'shrinking' | 'steady';

export interface OverviewHealth {
  namesrvs: { reachable: number; total: number };
  brokers: { alive: number; total: number };
  mastersWithoutLiveSlave: string[];
  slavesBehind: string[];
  groupsWithGrowingLag: string[];
}

export interface OverviewAnswer {
  health: OverviewHealth;
  tps: { put: number; get: number };
  topTopics: TopicTps[];
  topGroups: GroupLag[];
  errors?: BrokerFailure[];
}

export interface Point {
  ts: number;
  value: number;
}

export interface HistoryAnswer {
  points: Point[];
}

export interface TopicRow extends TopicEntry {
  queues?: number;
  readQueueNums?: number;
  writeQueueNums?: number;
  brokerNames?: string[];
  tps?: number;
  producers?: number;
  groups?: number | string[];
  perm?: number;
  error?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  errors?: BrokerFailure[];
}

export interface TopicConsumer {
  group: string;
  lag?: number;
  diffTotal?: number;
  lagSeconds?: number;
  consumeTps?: number;
  online?: boolean;
  count?: number;
  error?: string;
}

export interface TopicDetailAnswer {
  route: TopicRoute;
  status: TopicStatusResult;
  consumers: TopicConsumer[] | { groups: TopicConsumer[]; errors?: BrokerFailure[] };
  producers?: ClientConnection[] | { connections: ClientConnection[]; groups?: string[]; error?: string } | null;
  errors?: BrokerFailure[];
}

export interface GroupFlag {
  reason: string;
  kind?: string;
}

export interface GroupRow extends GroupSummary {
  lagMessages: number;
  lagSeconds: number;
  tps: number;
  trend: Trend;
  sparkline: number[];
  flags: GroupFlag[];
}

export interface RebalanceEvent {
  ts: number;
  [key: string]: unknown;
}

export interface GroupDetailAnswer {
  progress: GroupProgressResult;
  assignment: QueueAssignmentResult;
  connection: ConsumerConnectionResult | null;
  connectionError?: string;
  drainEstimateSeconds: number | null;
  rebalanceHistory: RebalanceEvent[];
  flags: GroupFlag[];
}

export interface MessagesAnswer {
  messages: MessageView[];
  errors?: BrokerFailure[];
}

export interface MessageConsumer {
  group: string;
  consumed?: boolean;
  status?: string;
  error?: string;
}

export interface AuditEntry {
  id: number;
  ts: number;
  username: string;
  action: string;
  target: string;
  params: unknown;
  ok: boolean;
  result: unknown;
}

export interface ResetPreviewQueue {
  brokerName: string;
  queueId: number;
  topic?: string;
  oldOffset: number;
  newOffset: number;
  brokerOffset?: number;
}

export interface ResetPreviewAnswer {
  preview: true;
  queues: ResetPreviewQueue[];
  online?: boolean;
  errors?: BrokerFailure[];
}

export type ResetApplyAnswer = (ResetOffsetResult | ResetQueuesResult) & { preview?: false };
