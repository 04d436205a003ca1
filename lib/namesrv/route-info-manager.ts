// The nameserver's route registry: cluster, broker, topic-queue, live-broker and filter-server tables.
//
// Behaviour follows RocketMQ 4.9.x's RouteInfoManager: only a master's registration writes topic queue
// data, a group stays (with its slaves' addresses) until its last address goes, and a topic disappears
// when no broker group serves it. Tables are JavaHashMaps with RocketMQ's initial capacities so the
// answers list entries in the order a Java nameserver writes them. Single-threaded JS needs no locks.

import { createLogger, type Logger } from '../common/log.ts';
import { JavaHashMap, JavaHashSet } from './java-hash.ts';
import type {
  BrokerConnection,
  BrokerData,
  BrokerLiveInfo,
  BrokerRemoval,
  BrokerRemovalReason,
  ClusterInfoView,
  DataVersion,
  QueueData,
  RegisterBrokerInput,
  RegisterBrokerResult,
  TopicConfigLike,
  TopicListView,
  TopicRouteView,
} from './route-types.ts';

/** RocketMQ's BROKER_CHANNEL_EXPIRED_TIME: two minutes without a registration and a broker is dropped. */
export const DEFAULT_BROKER_CHANNEL_EXPIRED_TIME = 120_000;

const MASTER_ID = 0;
const PERM_READ = 4;
const PERM_WRITE = 2;

interface BrokerGroup {
  cluster: string;
  brokerName: string;
  brokerAddrs: JavaHashMap<number, string>;
}

export interface RouteInfoManagerOptions {
  /** Milliseconds after the last registration at which scanNotActiveBroker drops a broker. */
  brokerChannelExpiredTime?: number;
  logger?: Logger;
  now?: () => number;
}

export const sameDataVersion = (a: DataVersion, b: DataVersion): boolean =>
  a.timestamp === b.timestamp && a.counter === b.counter;

export class RouteInfoManager {
  /** Mutable: UPDATE_NAMESRV_CONFIG may change it at runtime. */
  brokerChannelExpiredTime: number;
  private readonly log: Logger;
  private readonly now: () => number;

  private readonly topicQueueTable = new JavaHashMap<string, JavaHashMap<string, QueueData>>(1024);
  private readonly brokerAddrTable = new JavaHashMap<string, BrokerGroup>(128);
  private readonly clusterAddrTable = new JavaHashMap<string, JavaHashSet<string>>(32);
  private readonly brokerLiveTable = new JavaHashMap<string, BrokerLiveInfo>(256);
  private readonly filterServerTable = new JavaHashMap<string, string[]>(256);
  /** Bumped whenever something a route answer shows changes, so encoded routes can be cached. */
  private version = 0;

  constructor(opts: RouteInfoManagerOptions = {}) {
    this.brokerChannelExpiredTime = opts.brokerChannelExpiredTime ?? DEFAULT_BROKER_CHANNEL_EXPIRED_TIME;
    this.log = opts.logger ?? createLogger('namesrv.route');
    this.now = opts.now ?? Date.now;
  }

  /** Changes whenever any topic's route could read differently. */
  get routeVersion(): number {
    return this.version;
  }

  registerBroker(input: RegisterBrokerInput): RegisterBrokerResult {
    const { clusterName, brokerAddr, brokerName, brokerId, haServerAddr } = input;
    const wrapper = input.topicConfigWrapper ?? { dataVersion: { timestamp: 0, counter: 0 }, topicConfigTable: [] };

    let names = this.clusterAddrTable.get(clusterName);
    if (!names) this.clusterAddrTable.set(clusterName, (names = new JavaHashSet<string>()));
    names.add(brokerName);

    let registerFirst = false;
    let group = this.brokerAddrTable.get(brokerName);
    if (!group) {
      registerFirst = true;
      group = { cluster: clusterName, brokerName, brokerAddrs: new JavaHashMap<number, string>() };
      this.brokerAddrTable.set(brokerName, group);
    }
    // A slave promoted to master re-registers the same address under id 0: one address, one id.
    for (const [id, addr] of group.brokerAddrs.entries()) {
      if (addr === brokerAddr && id !== brokerId) group.brokerAddrs.delete(id);
    }
    const oldAddr = group.brokerAddrs.set(brokerId, brokerAddr);
    if (registerFirst || oldAddr !== brokerAddr) this.version++;
    if (brokerId === MASTER_ID && oldAddr !== brokerAddr) {
      this.log.info('master_address_changed', { clusterName, brokerName, from: oldAddr ?? null, to: brokerAddr });
    }
    registerFirst = registerFirst || oldAddr === undefined;

    if (brokerId === MASTER_ID && (registerFirst || this.isBrokerTopicConfigChanged(brokerAddr, wrapper.dataVersion))) {
      for (const tc of wrapper.topicConfigTable) this.createAndUpdateQueueData(brokerName, tc);
    }

    const prevLive = this.brokerLiveTable.set(brokerAddr, {
      brokerAddr,
      lastUpdateTimestamp: this.now(),
      dataVersion: { timestamp: wrapper.dataVersion.timestamp, counter: wrapper.dataVersion.counter },
      connection: input.connection,
      haServerAddr,
    });
    if (!prevLive) {
      const remoteAddr = input.connection?.remoteAddr;
      this.log.info('broker_registered', { clusterName, brokerName, brokerId, brokerAddr, haServerAddr, remoteAddr });
    }

    if (input.filterServerList !== undefined) {
      const prevList = this.filterServerTable.get(brokerAddr);
      if (input.filterServerList.length === 0) this.filterServerTable.delete(brokerAddr);
      else this.filterServerTable.set(brokerAddr, [...input.filterServerList]);
      if ((prevList ?? []).join(';') !== input.filterServerList.join(';')) this.version++;
    }

    const result: RegisterBrokerResult = {};
    if (brokerId !== MASTER_ID) {
      const masterAddr = group.brokerAddrs.get(MASTER_ID);
      const masterLive = masterAddr !== undefined ? this.brokerLiveTable.get(masterAddr) : undefined;
      if (masterAddr !== undefined && masterLive) {
        result.masterAddr = masterAddr;
        result.haServerAddr = masterLive.haServerAddr;
      }
    }
    return result;
  }

  private createAndUpdateQueueData(brokerName: string, tc: TopicConfigLike): void {
    const qd: QueueData = {
      brokerName,
      readQueueNums: tc.readQueueNums,
      writeQueueNums: tc.writeQueueNums,
      perm: tc.perm,
      topicSysFlag: tc.topicSysFlag,
    };
    this.version++;
    let byBroker = this.topicQueueTable.get(tc.topicName);
    if (!byBroker) {
      byBroker = new JavaHashMap<string, QueueData>();
      this.topicQueueTable.set(tc.topicName, byBroker);
      this.log.debug('topic_registered', { topic: tc.topicName, ...qd });
    }
    byBroker.set(brokerName, qd);
  }

  isBrokerTopicConfigChanged(brokerAddr: string, dataVersion: DataVersion): boolean {
    const prev = this.queryBrokerTopicConfig(brokerAddr);
    return prev === undefined || !sameDataVersion(prev, dataVersion);
  }

  queryBrokerTopicConfig(brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(brokerAddr)?.dataVersion;
  }

  updateBrokerInfoUpdateTimestamp(brokerAddr: string, timestamp = this.now()): void {
    const live = this.brokerLiveTable.get(brokerAddr);
    if (live) live.lastUpdateTimestamp = timestamp;
  }

  /** UNREGISTER_BROKER: the broker leaves by name and id (a clean shutdown). */
  unregisterBroker(clusterName: string, brokerAddr: string, brokerName: string, brokerId: number): BrokerRemoval {
    this.version++;
    const wasLive = this.brokerLiveTable.delete(brokerAddr) !== undefined;
    this.filterServerTable.delete(brokerAddr);
    let brokerNameRemoved = false;
    let topicsRemoved = 0;
    const group = this.brokerAddrTable.get(brokerName);
    if (group) {
      group.brokerAddrs.delete(brokerId);
      if (group.brokerAddrs.size === 0) {
        this.brokerAddrTable.delete(brokerName);
        brokerNameRemoved = true;
      }
    }
    if (brokerNameRemoved) {
      const names = this.clusterAddrTable.get(clusterName);
      if (names) {
        names.delete(brokerName);
        if (names.size === 0) this.clusterAddrTable.delete(clusterName);
      }
      topicsRemoved = this.removeTopicsOfBrokerName(brokerName);
    }
    const removal: BrokerRemoval = { brokerAddr, reason: 'unregistered', brokerName, brokerId, brokerNameRemoved, topicsRemoved };
    this.log.info('broker_removed', { ...removal, clusterName, wasLive });
    return removal;
  }

  /** Drops brokers whose last registration is older than brokerChannelExpiredTime; closes their connections. */
  scanNotActiveBroker(now = this.now()): BrokerRemoval[] {
    const removed: BrokerRemoval[] = [];
    for (const live of this.brokerLiveTable.values()) {
      if (live.lastUpdateTimestamp + this.brokerChannelExpiredTime >= now) continue;
      this.brokerLiveTable.delete(live.brokerAddr);
      const removal = this.removeBrokerAddr(live.brokerAddr, 'expired');
      const expiredAfterMs = this.brokerChannelExpiredTime;
      this.log.warn('broker_removed', { ...removal, lastUpdateTimestamp: live.lastUpdateTimestamp, expiredAfterMs });
      removed.push(removal);
      const conn = live.connection;
      if (conn && !this.liveOn(conn)) conn.close?.(`broker ${live.brokerAddr} expired`);
    }
    return removed;
  }

  /** A connection closed: every broker registered over it leaves at once (RocketMQ's onChannelDestroy). */
  onConnectionClosed(connection: BrokerConnection): BrokerRemoval[] {
    const removed: BrokerRemoval[] = [];
    for (const live of this.brokerLiveTable.values()) {
      if (live.connection !== connection && (live.connection === undefined || live.connection.id !== connection.id)) continue;
      this.brokerLiveTable.delete(live.brokerAddr);
      const removal = this.removeBrokerAddr(live.brokerAddr, 'connection-closed');
      this.log.info('broker_removed', { ...removal, remoteAddr: connection.remoteAddr });
      removed.push(removal);
    }
    return removed;
  }

  private liveOn(conn: BrokerConnection): boolean {
    return this.brokerLiveTable.values().some((l) => l.connection === conn);
  }

  /** Removes one address from the tables, and its group, cluster entry and topics once the group is empty. */
  private removeBrokerAddr(brokerAddr: string, reason: BrokerRemovalReason): BrokerRemoval {
    this.version++;
    this.filterServerTable.delete(brokerAddr);
    let brokerName: string | undefined;
    let brokerId: number | undefined;
    let brokerNameRemoved = false;
    for (const group of this.brokerAddrTable.values()) {
      for (const [id, addr] of group.brokerAddrs.entries()) {
        if (addr !== brokerAddr) continue;
        group.brokerAddrs.delete(id);
        brokerName = group.brokerName;
        brokerId = id;
        break;
      }
      if (brokerName === undefined) continue;
      if (group.brokerAddrs.size === 0) {
        this.brokerAddrTable.delete(group.brokerName);
        brokerNameRemoved = true;
      }
      break;
    }
    let topicsRemoved = 0;
    if (brokerName !== undefined && brokerNameRemoved) {
      for (const [cluster, names] of this.clusterAddrTable.entries()) {
        if (!names.delete(brokerName)) continue;
        if (names.size === 0) this.clusterAddrTable.delete(cluster);
        break;
      }
      topicsRemoved = this.removeTopicsOfBrokerName(brokerName);
    }
    return { brokerAddr, reason, brokerName, brokerId, brokerNameRemoved, topicsRemoved };
  }

  private removeTopicsOfBrokerName(brokerName: string): number {
    const empty: string[] = [];
    for (const [topic, byBroker] of this.topicQueueTable.entries()) {
      byBroker.delete(brokerName);
      if (byBroker.size === 0) empty.push(topic);
    }
    for (const topic of empty) this.topicQueueTable.delete(topic);
    return empty.length;
  }

  /** The route of `topic`, or undefined when no live broker group serves it. */
  pickupTopicRouteData(topic: string): TopicRouteView | undefined {
    const byBroker = this.topicQueueTable.get(topic);
    if (!byBroker) return undefined;
    const queueDatas = byBroker.values().map((qd) => ({ ...qd }));
    const brokerNames = new JavaHashSet<string>(16, byBroker.keys());
    const brokerDatas: BrokerData[] = [];
    const filterServers = new JavaHashMap<string, string[]>();
    for (const name of brokerNames) {
      const group = this.brokerAddrTable.get(name);
      if (!group) continue;
      const addrs = JavaHashMap.copyOf(group.brokerAddrs);
      brokerDatas.push({ cluster: group.cluster, brokerName: group.brokerName, brokerAddrs: addrs.toMap() });
      if (this.filterServerTable.size === 0) continue;
      for (const addr of addrs.values()) {
        const list = this.filterServerTable.get(addr);
        if (list) filterServers.set(addr, [...list]);
      }
    }
    if (brokerDatas.length === 0) return undefined;
    return { queueDatas, brokerDatas, filterServerTable: filterServers.toMap() };
  }

  getAllClusterInfo(): ClusterInfoView {
    const brokerAddrTable = new Map<string, BrokerData>();
    for (const [name, g] of this.brokerAddrTable.entries()) {
      brokerAddrTable.set(name, { cluster: g.cluster, brokerName: g.brokerName, brokerAddrs: g.brokerAddrs.toMap() });
    }
    const clusterAddrTable = new Map<string, string[]>();
    for (const [cluster, names] of this.clusterAddrTable.entries()) clusterAddrTable.set(cluster, [...names.values()]);
    return { brokerAddrTable, clusterAddrTable };
  }

  getAllTopicList(): TopicListView {
    return { topicList: [...new JavaHashSet<string>(16, this.topicQueueTable.keys())] };
  }

  /** Topics served by any broker group of `cluster` (empty for an unknown cluster). */
  getTopicsByCluster(cluster: string): TopicListView {
    const out = new JavaHashSet<string>();
    for (const name of this.clusterAddrTable.get(cluster) ?? []) {
      for (const [topic, byBroker] of this.topicQueueTable.entries()) if (byBroker.has(name)) out.add(topic);
    }
    return { topicList: [...out] };
  }

  /** Cluster and broker names (RocketMQ treats them as system topics) plus one broker address. */
  getSystemTopicList(): TopicListView {
    const out = new JavaHashSet<string>();
    for (const [cluster, names] of this.clusterAddrTable.entries()) {
      out.add(cluster);
      for (const n of names) out.add(n);
    }
    const view: TopicListView = { topicList: [...out] };
    for (const g of this.brokerAddrTable.values()) {
      const first = g.brokerAddrs.values()[0];
      if (first !== undefined) {
        view.brokerAddr = first;
        break;
      }
    }
    return view;
  }

  /** Topics whose first queue data's topicSysFlag passes `pick` (unit-topic lists). */
  topicsBySysFlag(pick: (topicSysFlag: number) => boolean): TopicListView {
    const out = new JavaHashSet<string>();
    for (const [topic, byBroker] of this.topicQueueTable.entries()) {
      const first = byBroker.values()[0];
      if (first && pick(first.topicSysFlag)) out.add(topic);
    }
    return { topicList: [...out] };
  }

  /** DELETE_TOPIC_IN_NAMESRV: everywhere, or only from the broker groups of `clusterName`. */
  deleteTopic(topic: string, clusterName?: string): void {
    this.version++;
    if (!clusterName) {
      if (this.topicQueueTable.delete(topic)) this.log.info('topic_deleted', { topic });
      return;
    }
    const names = this.clusterAddrTable.get(clusterName);
    const byBroker = this.topicQueueTable.get(topic);
    if (!names || names.size === 0 || !byBroker) return;
    for (const name of names) byBroker.delete(name);
    if (byBroker.size === 0) this.topicQueueTable.delete(topic);
    this.log.info('topic_deleted', { topic, clusterName, remainingBrokerNames: byBroker.size });
  }

  /** WIPE_WRITE_PERM_OF_BROKER: clears the write bit of every queue data of `brokerName`; returns the topic count. */
  wipeWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, (perm) => perm & ~PERM_WRITE);
  }

  /** ADD_WRITE_PERM_OF_BROKER: sets read+write on every queue data of `brokerName`; returns the topic count. */
  addWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, () => PERM_READ | PERM_WRITE);
  }

  private operateWritePerm(brokerName: string, next: (perm: number) => number): number {
    let count = 0;
    for (const byBroker of this.topicQueueTable.values()) {
      const qd = byBroker.get(brokerName);
      if (!qd) continue;
      qd.perm = next(qd.perm);
      count++;
      this.version++;
    }
    return count;
  }

  /** Snapshot of the live-broker table (Java order). */
  liveBrokers(): BrokerLiveInfo[] {
    return this.brokerLiveTable.values().map((l) => ({ ...l, dataVersion: { ...l.dataVersion } }));
  }

  /** Sizes of the tables, for logs and the bench. */
  stats(): { clusters: number; brokerNames: number; liveBrokers: number; topics: number } {
    return {
      clusters: this.clusterAddrTable.size,
      brokerNames: this.brokerAddrTable.size,
      liveBrokers: this.brokerLiveTable.size,
      topics: this.topicQueueTable.size,
    };
  }
}
