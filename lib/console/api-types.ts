// JSON shapes of the console HTTP API (app/api/**): what the route handlers answer and the pages read.
// Types only; /work/notes/CONSOLE_API.md points here for the exact fields.

import type {
  BrokerFailure, CloneOffsetResult, SkipBacklogResult, ClusterListResult, ConsumerConnectionResult, GroupProgressResult,
  GroupSummary, MessageView, NamesrvFailure, PopGroupStatsResult, ProducerConnectionResult, ReviveInflightResult, ConsumptionMode, TopicProducerConnection,
  QueueAssignmentResult, ResetOffsetResult, ResetQueuesResult, TopicEntry, TopicPlacement, TopicRoute,
  TopicStatusResult,
} from '../admin/index.ts';
import type { AuditEntry } from './audit.ts';
import type { GroupConsumption } from './v5-view.ts';
export type { GroupConsumption, V5StatusResponse, ConsumeModePreview } from './v5-view.ts';
import type { BrokerHa, HaSlaveConnection, SlaveBehind } from './ha.ts';
import type { Role } from './auth.ts';
import type { Point } from './history.ts';

export type { AuditEntry, BrokerHa, HaSlaveConnection, Point, Role, SlaveBehind };

/** Every error answer (4xx/5xx). `field` names the bad input when there is one. */
export interface ApiError {
  error: string;
  field?: string;
}

export interface HealthResponse {
  status: 'ok';
  namesrvAddr: string[];
  uptimeSeconds: number;
  /** Saved cluster the request addressed (header x-rocketdeck-cluster, else the first saved). */
  cluster: string | null;
  collector: CollectorStatus;
}

export interface CollectorStatus {
  running: boolean;
  intervalMs: number;
  /** Last finished cycle of the addressed cluster, epoch ms; null before the first. */
  lastRunAt: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
}

export interface SavedCluster {
  name: string;
  namesrvAddr: string;
  /** Present when the console signs the cluster's requests: the access key and that a secret is stored (never the secret). */
  credentials?: { accessKey: string; secretKeySet: boolean };
}

export interface ClustersResponse {
  clusters: SavedCluster[];
  current: string | null;
}

export interface NamesrvProbe {
  addr: string;
  reachable: boolean;
  latencyMs: number | null;
  brokerCount: number;
  /** Whether this nameserver tells heartbeat times (RocketDeck's GET_BROKER_LIVE_INFO); false for Apache RocketMQ. */
  heartbeatTimes: boolean;
  error?: string;
}

export interface BrokerHeartbeat {
  brokerName: string;
  brokerAddr: string;
  namesrvAddr: string;
  /** The nameserver lists the broker (RocketMQ drops one 120 s after its last heartbeat). */
  listed: boolean;
  /** Epoch ms of the broker's last heartbeat (registration) at this nameserver, when the nameserver tells it. */
  lastUpdateTimestamp?: number;
}

export interface ClusterResponse {
  cluster: string;
  /** null when no nameserver answered (then `error` says why and every namesrv row carries its error). */
  clusterList: ClusterListResult | null;
  namesrvs: NamesrvProbe[];
  /**
   * Per broker process and answering nameserver: listed or not, and the last heartbeat time where the nameserver
   * answers GET_BROKER_LIVE_INFO (RocketDeck; Apache RocketMQ's protocol keeps no heartbeat time).
   */
  heartbeats: BrokerHeartbeat[];
  /** Replication per broker address, from its runtime info (absent for a broker that did not answer). */
  ha: Record<string, BrokerHa>;
  error?: string;
}

export interface OverviewResponse {
  cluster: string;
  health: {
    namesrvs: { total: number; reachable: number };
    brokers: { total: number; alive: number };
    /** Broker groups whose master has no slave answering, or reports no slave connected. */
    mastersWithoutLiveSlave: string[];
    /** Slaves more than 1 MiB behind their master, or not connected to it (lagMs/connected null when not reported). */
    slavesBehind: SlaveBehind[];
    groupsWithGrowingLag: Array<{ group: string; lagMessages: number }>;
  };
  /** Messages per second over the cluster's masters (broker runtime putTps / getTransferedTps). */
  tps: { put: number; get: number };
  topTopics: Array<{ topic: string; tps: number }>;
  topGroups: Array<{ group: string; lagMessages: number; lagSeconds: number | null; tps: number }>;
  errors: BrokerFailure[];
  warnings: BrokerFailure[];
  error?: string;
}

export interface Page<T> {
  items: T[];
  /** Items matching the search, over all pages. */
  total: number;
  page: number;
  pageSize: number;
  errors: BrokerFailure[];
}

export interface TopicListItem extends TopicEntry {
  brokers: TopicPlacement[];
  readQueueNums: number;
  writeQueueNums: number;
  /** Put messages per second from the collector's last two cycles; null before it has two. */
  tps: number | null;
  /** Messages stored (sum of max offsets) at the collector's last cycle; null when unknown. */
  messages: number | null;
  /** Groups with offsets on or a subscription to the topic at the collector's last cycle; null before its first. */
  consumerGroups: number | null;
  /**
   * Producer groups the masters saw sending to the topic lately (GET_TOPIC_PRODUCERS, a RocketDeck broker extension:
   * connections that closed or stayed silent for 5 minutes are not counted). null ("n/a") when no broker can tell:
   * Apache RocketMQ has no request naming a topic's producers (a heartbeat names only the group).
   */
  producers: number | null;
  /** 5.x `message.type` (NORMAL, FIFO, DELAY, TRANSACTION); null on 4.x brokers (no topic attributes). */
  messageType: string | null;
}

export type TopicListResponse = Page<TopicListItem>;

export interface TopicConsumer {
  group: string;
  lagMessages: number;
  lagSeconds: number | null;
  tps: number;
  error?: string;
}

/** A producer group's connections (GET_PRODUCER_CONNECTION_LIST), each with its send TPS to the topic. */
export interface ProducerLookup extends ProducerConnectionResult {
  connections: Array<ProducerConnectionResult['connections'][number] & {
    /** Sends per second to this topic over the last minute; null when the brokers cannot tell (Apache RocketMQ). */
    sendTps: number | null;
  }>;
}

export interface TopicProducerGroup {
  producerGroup: string;
  connections: TopicProducerConnection[];
}

export interface TopicDetailResponse {
  topic: string;
  route: TopicRoute;
  status: TopicStatusResult;
  consumers: TopicConsumer[];
  /**
   * Producer groups sending to the topic, each with its connections (client id, address, language, version, last
   * send), from GET_TOPIC_PRODUCERS; null when no broker can tell (Apache RocketMQ): then name a group instead.
   */
  producerGroups: TopicProducerGroup[] | null;
  /** Connections of the producer group named by `?producerGroup=` (absent without it; null when none is connected). */
  producers?: ProducerLookup | null;
  producersError?: string;
  /** Timer messages waiting to be delivered to the topic (GET_TIMER_METRICS); null when the brokers cannot tell (4.x). */
  pendingTimers: number | null;
  /** 5.x `message.type` and every attribute of the topic (first broker group with attributes); null on 4.x brokers. */
  messageType: string | null;
  attributes: Record<string, string> | null;
  errors: BrokerFailure[];
}

export type Trend = 'growing' | 'shrinking' | 'steady';

export interface GroupFlag {
  kind: 'idle-members' | 'uneven-shares' | 'offline-with-lag' | 'hot-queue';
  reason: string;
}

export interface GroupListItem extends GroupSummary {
  lagMessages: number;
  /** How far the group's position is behind the newest message, from store times; null when unknown. */
  lagSeconds: number | null;
  tps: number;
  trend: Trend;
  /** Lag over the last 30 minutes, oldest first (30 points). */
  sparkline: number[];
  flags: GroupFlag[];
  /** Online members at the collector's last look; null when not looked at yet. */
  members: number | null;
  /** Push, pull or POP as the group detail decides it, from what the list reads (lib/console/groups-view.ts). */
  consumptionMode?: ConsumptionMode;
  consumptionReason?: string;
  /** The 5.x consume-mode setting (GET_ALL_MESSAGE_REQUEST_MODE); null when the brokers cannot tell (4.x). */
  requestMode?: string | null;
}

export interface GroupListResponse extends Page<GroupListItem> {
  /**
   * Epoch ms when the brokers were asked for the lag shown (null when no broker answered). Lag is live: a request
   * shares a broker call already in flight (another page, the collector) but never reuses a finished one, so this is
   * at most one broker call old. The `Server-Timing` header's `age` says the same in ms.
   */
  lagAsOf: number | null;
}

export interface RebalanceEvent {
  id: number;
  ts: number;
  group: string;
  members: string[];
  joined: string[];
  left: string[];
  /** Queues whose owner changed. */
  moved: number;
  /** clientId -> queues held after the change */
  shares: Record<string, number>;
}

export interface GroupDetailResponse {
  group: string;
  progress: GroupProgressResult;
  assignment: QueueAssignmentResult;
  /** null when no member is online (connectionError then says so). */
  connection: ConsumerConnectionResult | null;
  connectionError?: string;
  lagMessages: number;
  lagSeconds: number | null;
  tps: number;
  trend: Trend;
  /** lag / (consume rate - produce rate) when the lag shrinks; null when it does not. */
  drainEstimateSeconds: number | null;
  rebalanceHistory: RebalanceEvent[];
  flags: GroupFlag[];
  /** Lag over the last hour. */
  lagHistory: Point[];
  /** Receive/ack TPS and retry/DLQ counts (POP groups); null when the brokers could not be asked. */
  popStats: PopGroupStatsResult | null;
  popStatsError?: string;
  /**
   * A POP group on Apache 5.x brokers (which report no in-flight count): messages popped and not acked, derived from
   * their revive log and timer wheel (lib/admin/pop-inflight.ts); `partial` when a read was capped (a lower bound).
   */
  popInflight?: ReviveInflightResult;
  popInflightError?: string;
  /** Push, pull or POP, the 5.x request modes set for it, and its members behind proxies (lib/console/v5-view.ts). */
  consumption: GroupConsumption;
}

export interface HistoryResponse {
  kind: string;
  name: string;
  metric: string;
  from: number;
  to: number;
  points: Point[];
}

export interface ResetPreviewQueue {
  topic: string;
  brokerName: string;
  queueId: number;
  /** The group's committed offset now (-1 when it has none). */
  currentOffset: number;
  newOffset: number;
  minOffset: number;
  maxOffset: number;
}

export interface ResetPreviewResponse {
  preview: true;
  group: string;
  topic: string;
  to: 'earliest' | 'latest' | 'timestamp' | 'offsets';
  queues: ResetPreviewQueue[];
  errors: BrokerFailure[];
}

export interface ResetApplyResponse {
  preview: false;
  group: string;
  topic: string;
  result: ResetOffsetResult | ResetQueuesResult;
}

export type { TopicEditPlan, TopicEditBroker, TopicEditResult } from './topic-edit.ts';

/** One queue of an offset operation's preview or outcome. */
export interface OffsetChange {
  topic: string;
  brokerName: string;
  queueId: number;
  /** The group's committed offset before (-1 when it has none). */
  oldOffset: number;
  newOffset: number;
  maxOffset: number;
}

export interface CloneOffsetPreview {
  preview: true;
  srcGroup: string;
  destGroup: string;
  topic: string;
  queues: OffsetChange[];
  errors: BrokerFailure[];
}

export interface CloneOffsetApplyResponse {
  preview: false;
  srcGroup: string;
  destGroup: string;
  topic: string;
  result: CloneOffsetResult;
  /** The destination group's offsets afterwards, with the old ones from just before. */
  queues: OffsetChange[];
}

export interface SkipBacklogPreview {
  preview: true;
  group: string;
  topic?: string;
  queues: OffsetChange[];
  /** Messages the group would not consume. */
  skipped: number;
  errors: BrokerFailure[];
}

export interface SkipBacklogApplyResponse {
  preview: false;
  group: string;
  result: SkipBacklogResult;
}

export interface MessagesResponse {
  messages: MessageView[];
  errors: BrokerFailure[];
}

export interface MessageConsumersResponse {
  msgId: string;
  topic: string;
  groups: Array<{ group: string; consumed: boolean; consumerOffset: number | null; error?: string }>;
  errors: BrokerFailure[];
}

export interface MeResponse {
  username: string | null;
  role: Role | null;
}

/** GET /api/auth/providers: the password form always; an OpenID Connect provider when ROCKETDECK_OIDC_ISSUER is set. */
export interface ProvidersResponse {
  password: true;
  oidc: { name: string; startUrl: string } | null;
}

export interface AuditResponse {
  entries: AuditEntry[];
}

export type { BrokerFailure, NamesrvFailure };
