// AdminClient: the one object the CLI and the console use to ask a cluster about itself (plain JSON-able answers).

import * as aclV1 from './acl-v1.ts';
import * as auth from './auth.ts';
import { AdminCore, type AdminClientOptions, type BrokerTarget, type FanoutResult } from './core.ts';
import type { BreakerState } from './breaker.ts';
import * as broker from './broker.ts';
import * as brokerStats from './broker-stats.ts';
import * as cluster from './cluster.ts';
import * as connections from './connections.ts';
import * as dlq from './dlq.ts';
import * as groupConfig from './group-config.ts';
import * as groups from './groups.ts';
import * as messages from './messages.ts';
import * as offsets from './offsets.ts';
import * as offsetOps from './offset-ops.ts';
import * as pop from './pop.ts';
import * as popInflight from './pop-inflight.ts';
import * as producers from './producers.ts';
import * as proxies from './proxies.ts';
import * as pullQueue from './pull-queue.ts';
import * as route from './route.ts';
import * as send from './send.ts';
import * as topicConfig from './topic-config.ts';
import * as topics from './topics.ts';
import * as trace from './trace.ts';
import * as v5 from './v5.ts';
import * as writePerm from './write-perm.ts';
import type { ResetPoint } from './time.ts';

/** How long a per-broker read waits for its broker (default: the client's deadlineMs). */
export interface Wait {
  deadlineMs?: number;
}

/**
 * Typed admin client over the remoting protocol; works against RocketDeck and Apache RocketMQ 4.9/5.x clusters.
 * Fan-outs answer in part when some brokers fail, naming each failed broker in `errors`; a broker that missed its
 * deadline is not waited on until it answers a background probe. Every wire request is one of the methods below
 * (the transport core stays inside lib/admin). Call close() when done.
 */
export class AdminClient {
  private readonly core: AdminCore;

  constructor(opts: AdminClientOptions = {}) {
    this.core = new AdminCore(opts);
  }

  get namesrvAddrs(): readonly string[] { return this.core.namesrvAddrs; }
  get timeoutMs(): number { return this.core.timeoutMs; }
  /** How long a read waits for one broker before answering without it. */
  get deadlineMs(): number { return this.core.deadlineMs; }
  get concurrency(): number { return this.core.concurrency; }
  close(): Promise<void> { return this.core.close(); }
  /** Concurrent identical reads share one promise (see AdminCore.shared). */
  shared<T>(key: string, fn: () => Promise<T>): Promise<T> { return this.core.shared(key, fn); }
  /** What the breaker knows of an address: held off since when, last answer. */
  peerState(addr: string): BreakerState | undefined { return this.core.breaker.state(addr); }
  // access control (ACL 2.0 users and policies of one broker)
  createUser(brokerAddr: string, u: auth.UserInput): Promise<void> { return auth.createUser(this.core, brokerAddr, u); }
  updateUser(brokerAddr: string, u: auth.UserInput): Promise<void> { return auth.updateUser(this.core, brokerAddr, u); }
  deleteUser(brokerAddr: string, username: string): Promise<void> { return auth.deleteUser(this.core, brokerAddr, username); }
  getUser(brokerAddr: string, username: string): ReturnType<typeof auth.getUser> { return auth.getUser(this.core, brokerAddr, username); }
  listUsers(brokerAddr: string, filter?: string): ReturnType<typeof auth.listUsers> { return auth.listUsers(this.core, brokerAddr, filter); }
  putAcl(brokerAddr: string, subject: string, entries: auth.PolicyEntryInput[], update = false): Promise<void> {
    return auth.putAcl(this.core, brokerAddr, subject, entries, update);
  }
  deleteAcl(brokerAddr: string, subject: string, resource?: string): Promise<void> { return auth.deleteAcl(this.core, brokerAddr, subject, resource); }
  getAcl(brokerAddr: string, subject: string): ReturnType<typeof auth.getAcl> { return auth.getAcl(this.core, brokerAddr, subject); }
  listAcls(brokerAddr: string, subjectFilter?: string, resourceFilter?: string): ReturnType<typeof auth.listAcls> {
    return auth.listAcls(this.core, brokerAddr, subjectFilter, resourceFilter);
  }
  // access control of a 4.9 broker (ACL 1.0, plain_acl.yml)
  updatePlainAccount(brokerAddr: string, a: aclV1.PlainAccountInput): Promise<void> { return aclV1.updatePlainAccount(this.core, brokerAddr, a); }
  deletePlainAccount(brokerAddr: string, accessKey: string): Promise<void> { return aclV1.deletePlainAccount(this.core, brokerAddr, accessKey); }
  updateGlobalWhiteAddrs(brokerAddr: string, addrs: string[]): Promise<void> { return aclV1.updateGlobalWhiteAddrs(this.core, brokerAddr, addrs); }
  /** The accounts (GET_BROKER_CLUSTER_ACL_CONFIG): RocketDeck and 4.7-4.8 brokers; 4.9.8 answers REQUEST_CODE_NOT_SUPPORTED. */
  plainAclConfig(brokerAddr: string): Promise<aclV1.PlainAclView> { return aclV1.getPlainAclConfig(this.core, brokerAddr); }
  /** The ACL file's data version (GET_BROKER_CLUSTER_ACL_INFO), which every 4.9 broker answers with ACL on. */
  plainAclVersion(brokerAddr: string): Promise<aclV1.PlainAclVersion> { return aclV1.getPlainAclVersion(this.core, brokerAddr); }

  // cluster and brokers
  clusterInfo(): Promise<route.ClusterView> { return route.getClusterInfo(this.core); }
  clusterList(opts?: cluster.ClusterListOptions): Promise<cluster.ClusterListResult> { return cluster.clusterList(this.core, opts); }
  brokerRuntimeInfo(brokerAddr: string): Promise<Record<string, string>> { return broker.fetchRuntimeInfo(this.core, brokerAddr); }
  /** The brokers a selector names: explicit addresses, or a cluster's masters (and slaves when `withSlaves`). */
  resolveTargets(sel: broker.BrokerSelector): Promise<BrokerTarget[]> { return broker.resolveTargets(this.core, sel); }
  brokerStatus(sel: broker.BrokerSelector): Promise<broker.BrokerKVResult> { return broker.brokerStatus(this.core, sel); }
  brokerConfig(sel: broker.BrokerSelector): Promise<broker.BrokerKVResult> { return broker.getBrokerConfig(this.core, sel); }
  updateBrokerConfig(sel: broker.BrokerSelector, props: Record<string, string>): Promise<broker.WriteResult> {
    return broker.updateBrokerConfig(this.core, sel, props);
  }

  /** Runtime figures of each target, under the per-broker deadline (or `deadlineMs`); failures named. */
  brokersRuntimeInfo(targets: readonly BrokerTarget[], opts: Wait = {}): Promise<FanoutResult<Record<string, string>>> {
    return this.core.fanout(targets, (t) => broker.fetchRuntimeInfo(this.core, t.brokerAddr), opts);
  }
  /** Every nameserver's latency and live-broker table. */
  namesrvProbes(): Promise<brokerStats.NamesrvProbeResult[]> { return brokerStats.probeNamesrvs(this.core); }
  /** Topic names in one broker's topic config (GET_ALL_TOPIC_CONFIG). */
  brokerTopicNames(brokerAddr: string): Promise<string[]> { return topics.brokerTopicNames(this.core, brokerAddr); }

  // per-broker figures (the console's collector)
  /** Each target's subscription groups and per-queue offsets of every group; failures named. */
  brokerGroups(targets: readonly BrokerTarget[], opts: Wait = {}): Promise<FanoutResult<groups.BrokerGroups>> {
    return this.core.fanout(targets, (t) => groups.readBrokerGroups(this.core, t), opts);
  }
  brokerTopicQueues(t: BrokerTarget, topic: string, opts: Wait = {}): Promise<brokerStats.QueueOffsets[]> {
    return brokerStats.brokerTopicQueues(this.core, t, topic, opts.deadlineMs);
  }
  groupMembers(targets: readonly BrokerTarget[], group: string, opts: Wait = {}): Promise<brokerStats.GroupMembers | undefined> {
    return brokerStats.groupMembers(this.core, targets, group, opts.deadlineMs);
  }
  storeTimeAt(t: BrokerTarget, topic: string, queueId: number, offset: number, opts: Wait = {}): Promise<number | undefined> {
    return brokerStats.storeTimeAt(this.core, t, topic, queueId, offset, opts.deadlineMs);
  }
  /** SEARCH_OFFSET_BY_TIMESTAMP: the first offset of a queue stored at or after `timestamp`. */
  searchOffset(t: BrokerTarget, topic: string, queueId: number, timestamp: number): Promise<number> {
    return this.core.within(t, () => offsets.searchOffset(this.core, t, topic, queueId, timestamp));
  }

  // topics
  topicList(): Promise<topics.TopicListResult> { return topics.topicList(this.core); }
  topicBrokerMap(): Promise<topics.TopicBrokerMapResult> { return topics.topicBrokerMap(this.core); }
  topicRoute(topic: string): Promise<route.TopicRoute> { return route.getTopicRoute(this.core, topic); }
  topicStatus(topic: string): Promise<topics.TopicStatusResult> { return topics.topicStatus(this.core, topic); }
  topicConsumers(topic: string): ReturnType<typeof topics.topicConsumers> { return topics.topicConsumers(this.core, topic); }
  createOrUpdateTopic(sel: broker.BrokerSelector, cfg: topicConfig.TopicConfigInput): Promise<topicConfig.TopicWriteResult> {
    return topicConfig.createOrUpdateTopic(this.core, sel, cfg);
  }
  deleteTopic(topic: string, clusterName: string): Promise<topicConfig.DeleteTopicResult> { return topicConfig.deleteTopic(this.core, topic, clusterName); }

  // draining a broker group (write permission on the nameservers' routes)
  wipeWritePerm(brokerName: string): Promise<writePerm.WritePermResult> { return writePerm.wipeWritePerm(this.core, brokerName); }
  addWritePerm(brokerName: string): Promise<writePerm.WritePermResult> { return writePerm.addWritePerm(this.core, brokerName); }

  // consumer groups
  groupList(opts?: { withConnections?: boolean; includeSystem?: boolean }): Promise<groups.GroupListResult> { return groups.groupList(this.core, opts); }
  consumerProgress(group: string, opts?: { topic?: string; withClients?: boolean }): Promise<groups.GroupProgressResult> {
    return groups.consumerProgress(this.core, group, opts);
  }
  queueAssignment(group: string): Promise<groups.QueueAssignmentResult> { return groups.queueAssignment(this.core, group); }
  consumerConnection(group: string, opts?: { brokerAddr?: string }): Promise<connections.ConsumerConnectionResult> {
    return connections.consumerConnection(this.core, group, opts);
  }
  consumeMessageDirectly(group: string, clientId: string, msgId: string, opts?: { topic?: string }): Promise<connections.ConsumeDirectlyResult> {
    return connections.consumeMessageDirectly(this.core, group, clientId, msgId, opts);
  }
  consumerRunningInfo(group: string, clientId: string, opts?: { jstack?: boolean }): Promise<connections.ConsumerRunningInfoResult> {
    return connections.consumerRunningInfo(this.core, group, clientId, opts);
  }
  producerConnection(group: string, topic: string): Promise<connections.ProducerConnectionResult> {
    return connections.producerConnection(this.core, group, topic);
  }
  /** Producer connections per topic (RocketDeck brokers); `supported: false` against Apache RocketMQ. */
  topicProducers(opts?: { topic?: string }): Promise<producers.TopicProducersResult> { return producers.topicProducers(this.core, opts); }
  createOrUpdateSubGroup(sel: broker.BrokerSelector, input: groupConfig.SubGroupInput): ReturnType<typeof groupConfig.createOrUpdateSubGroup> {
    return groupConfig.createOrUpdateSubGroup(this.core, sel, input);
  }
  deleteSubGroup(sel: broker.BrokerSelector, groupName: string, opts?: { cleanOffset?: boolean }): Promise<groupConfig.DeleteSubGroupResult> {
    return groupConfig.deleteSubGroup(this.core, sel, groupName, opts);
  }
  /** setConsumeMode: a group consumes a topic by POP or PULL (5.x brokers; SET_MESSAGE_REQUEST_MODE). */
  setConsumeMode(sel: broker.BrokerSelector, input: pop.ConsumeModeInput): Promise<broker.WriteResult> { return pop.setConsumeMode(this.core, sel, input); }
  /** The consumption modes set on the chosen brokers (GET_ALL_MESSAGE_REQUEST_MODE). */
  messageRequestModes(sel: broker.BrokerSelector): Promise<pop.MessageRequestModesResult> { return pop.messageRequestModes(this.core, sel); }
  /** Timer messages waiting per topic (GET_TIMER_METRICS; 5.x and RocketDeck brokers). */
  timerMetrics(): Promise<pop.TimerMetricsResult> { return pop.timerMetrics(this.core); }
  /** A POP group's receive/ack TPS per topic and the messages in its retry and dead-letter topics. */
  popGroupStats(group: string, topics: readonly string[]): Promise<pop.PopGroupStatsResult> { return pop.popGroupStats(this.core, group, topics); }
  /** A POP group's messages in flight on Apache 5.x brokers, derived from their revive log and timer wheel (bounded reads). */
  reviveInflight(group: string, opts?: popInflight.ReviveInflightOptions): Promise<popInflight.ReviveInflightResult> { return popInflight.reviveInflight(this.core, group, opts); }
  // 5.x: versions with timer, replication and request-mode sections per master; controllers; proxies and their clients
  brokerV5Status(): ReturnType<typeof v5.brokerV5Status> { return v5.brokerV5Status(this.core); }
  /** One group's 5.x message request modes; every group's without one (one request per master). */
  groupRequestModes(group?: string): ReturnType<typeof v5.groupRequestModes> { return v5.groupRequestModes(this.core, group); }
  controllerStatus(controllerAddrs?: string[]): Promise<v5.ControllerStatusResult> { return v5.controllerStatus(this.core, controllerAddrs); }
  proxyList(opts?: { proxyAddrs?: string[]; withClients?: boolean }): Promise<proxies.ProxyListResult> { return proxies.proxyList(this.core, opts); }
  proxyClients(proxyAddr: string, groups?: string[]): Promise<proxies.ProxyClientsResult> { return proxies.proxyClients(this.core, proxyAddr, groups); }

  // offsets
  resetOffsetByTime(opts: { group: string; topic: string; point: ResetPoint; force?: boolean }): Promise<offsets.ResetOffsetResult> {
    return offsets.resetOffsetByTime(this.core, opts);
  }
  resetQueueOffsets(opts: { group: string; topic: string; queues: offsets.QueueOffsetReset[]; point?: ResetPoint }): Promise<offsets.ResetQueuesResult> {
    return offsets.resetQueueOffsets(this.core, opts);
  }
  /** cloneGroupOffset: destGroup's offsets on the topic become srcGroup's (CLONE_GROUP_OFFSET on each master). */
  cloneGroupOffset(opts: { srcGroup: string; destGroup: string; topic: string; offline?: boolean }): Promise<offsetOps.CloneOffsetResult> {
    return offsetOps.cloneGroupOffset(this.core, opts);
  }
  /** skipAccumulatedMessage: the group's queues with a backlog move to their max offset (one topic or all). */
  skipBacklog(opts: { group: string; topic?: string }): Promise<offsetOps.SkipBacklogResult> { return offsetOps.skipBacklog(this.core, opts); }

  // messages
  viewMessage(msgId: string, opts?: { topic?: string }): Promise<messages.MessageView[]> { return messages.viewMessage(this.core, msgId, opts); }
  queryMessageByKey(opts: { topic: string; key: string; maxNum?: number; begin?: number; end?: number }): Promise<messages.QueryResult> {
    return messages.queryMessageByKey(this.core, opts);
  }
  queryMessageByTime(opts: { topic: string; begin: number; end: number; maxNum?: number }): Promise<messages.QueryResult> {
    return messages.queryMessageByTime(this.core, opts);
  }
  /** One queue read by offset as the tools consumer (nothing committed), under the per-broker deadline (the live tail). */
  pullQueue(t: BrokerTarget, topic: string, queueId: number, offset: number, opts?: { maxNums?: number; deadlineMs?: number }): Promise<pullQueue.QueuePullResult> {
    return pullQueue.pullQueue(this.core, t, topic, queueId, offset, opts);
  }
  sendTestMessage(input: send.SendTestMessageInput): Promise<send.SendTestMessageResult> { return send.sendTestMessage(this.core, input); }

  // dead-letter queues
  /** Every group with a %DLQ% topic: dead letters held and the newest one's store time. */
  dlqList(): Promise<dlq.DlqListResult> { return dlq.dlqList(this.core); }
  /** A page of a group's dead letters stored in [begin, end], newest first. */
  dlqBrowse(opts: { group: string; begin: number; end: number; page?: number; pageSize?: number }): Promise<dlq.DlqPage> { return dlq.dlqBrowse(this.core, opts); }
  dlqView(group: string, offsetMsgId: string): Promise<dlq.DlqMessage> { return dlq.dlqView(this.core, group, offsetMsgId); }
  /** Every dead letter of a time range (or of the chosen offset ids), read a batch at a time (for exports). */
  dlqStream(opts: { group: string; begin?: number; end?: number; offsetMsgIds?: readonly string[] }): AsyncGenerator<dlq.DlqMessage> { return dlq.dlqStream(this.core, opts); }
  /** Sends the chosen dead letters again to their original topic; one result per message. */
  dlqResend(group: string, offsetMsgIds: readonly string[]): Promise<dlq.ResendResult[]> { return dlq.dlqResend(this.core, group, offsetMsgIds); }
  /** Hands the chosen dead letters to one online client of the group (CONSUME_MESSAGE_DIRECTLY); one result per message. */
  dlqConsumeDirectly(group: string, clientId: string, offsetMsgIds: readonly string[]): Promise<dlq.DirectResult[]> {
    return dlq.dlqConsumeDirectly(this.core, group, clientId, offsetMsgIds);
  }

  // message trace
  /** A message's trace timeline from the trace topic (default RMQ_SYS_TRACE_TOPIC), keyed by its msgId. */
  queryTrace(msgId: string, opts?: { traceTopic?: string; topic?: string }): Promise<trace.MessageTrace> { return trace.queryTrace(this.core, msgId, opts); }
  /** Traced messages whose keys include `key`. */
  queryTraceByKey(key: string, opts?: { traceTopic?: string }): ReturnType<typeof trace.queryTraceByKey> { return trace.queryTraceByKey(this.core, key, opts); }
}
