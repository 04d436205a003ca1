// Data shapes of the nameserver's route registry (RocketMQ's RouteInfoManager tables and their views).

/** A broker's topic-config version (DataVersion): equal when both timestamp and counter are. */
export interface DataVersion {
  timestamp: number;
  counter: number;
}

/** The part of a broker's TopicConfig the nameserver keeps. */
export interface TopicConfigLike {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

/** One broker group's queues of a topic (QueueData on the wire). */
import type { QueueData } from '../protocol/bodies/route.ts';

export type { QueueData };

/** A broker group: its cluster and brokerId -> address (0 = master), in Java HashMap order. */
export interface BrokerData {
  cluster: string;
  brokerName: string;
  brokerAddrs: Map<number, string>;
}

/** GET_ROUTEINFO_BY_TOPIC's TopicRouteData; maps are in the order Java would iterate them. */
export interface TopicRouteView {
  orderTopicConf?: string;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  filterServerTable: Map<string, string[]>;
}

/** GET_BROKER_CLUSTER_INFO's ClusterInfo. */
export interface ClusterInfoView {
  brokerAddrTable: Map<string, BrokerData>;
  clusterAddrTable: Map<string, string[]>;
}

/** A TopicList body: topic names (Java HashSet order) and, for the system list, one broker address. */
export interface TopicListView {
  topicList: string[];
  brokerAddr?: string;
}

/**
 * The connection a broker registered over. The registry only compares it by identity and may close it
 * (an expired broker's connection is closed, as RocketMQ does).
 */
export interface BrokerConnection {
  readonly id: string | number;
  readonly remoteAddr?: string;
  close?(reason: string): void;
}

export interface RegisterBrokerInput {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  /** Absent when the request had no body: RocketMQ then records DataVersion {0, 0} and no topics. */
  topicConfigWrapper?: {
    dataVersion: DataVersion;
    topicConfigTable: Iterable<TopicConfigLike>;
  };
  /** undefined: leave the filter-server table alone; [] removes the broker's entry. */
  filterServerList?: string[];
  connection?: BrokerConnection;
}

/** What a slave learns from registering: its master's address and HA address (both absent for a master). */
export interface RegisterBrokerResult {
  masterAddr?: string;
  haServerAddr?: string;
}

/** A row of the live-broker table. */
export interface BrokerLiveInfo {
  brokerAddr: string;
  lastUpdateTimestamp: number;
  dataVersion: DataVersion;
  connection?: BrokerConnection;
  haServerAddr: string;
}

/** Why a broker left the tables; every removal is logged with one of these. */
export type BrokerRemovalReason = 'unregistered' | 'expired' | 'connection-closed';

export interface BrokerRemoval {
  brokerAddr: string;
  reason: BrokerRemovalReason;
  brokerName?: string;
  brokerId?: number;
  /** The broker group disappeared with this broker (it was its last address). */
  brokerNameRemoved: boolean;
  /** Topics that lost their last queue data and left the topic table. */
  topicsRemoved: number;
}
