// AdminClient: the one object the CLI and the console use to ask a cluster about itself (plain JSON-able answers).

import { AdminCore, type AdminClientOptions } from './core.ts';
import * as broker from './broker.ts';
import * as cluster from './cluster.ts';
import * as connections from './connections.ts';
import * as groupConfig from './group-config.ts';
import * as groups from './groups.ts';
import * as messages from './messages.ts';
import * as offsets from './offsets.ts';
import * as pop from './pop.ts';
import * as producers from './producers.ts';
import * as route from './route.ts';
import * as send from './send.ts';
import * as topicConfig from './topic-config.ts';
import * as topics from './topics.ts';
import type { ResetPoint } from './time.ts';

/**
 * Typed admin client over the remoting protocol; works against RocketDeck and Apache RocketMQ 4.9/5.x clusters.
 * Fan-outs answer in part when some brokers fail, naming each failed broker in `errors`. Call close() when done.
 */
export class AdminClient extends AdminCore {
  constructor(opts: AdminClientOptions = {}) {
    super(opts);
  }

  // cluster and brokers
  clusterInfo(): Promise<route.ClusterView> { return route.getClusterInfo(this); }
  clusterList(opts?: cluster.ClusterListOptions): Promise<cluster.ClusterListResult> { return cluster.clusterList(this, opts); }
  brokerRuntimeInfo(brokerAddr: string): Promise<Record<string, string>> { return broker.fetchRuntimeInfo(this, brokerAddr); }
  brokerStatus(sel: broker.BrokerSelector): Promise<broker.BrokerKVResult> { return broker.brokerStatus(this, sel); }
  brokerConfig(sel: broker.BrokerSelector): Promise<broker.BrokerKVResult> { return broker.getBrokerConfig(this, sel); }
  updateBrokerConfig(sel: broker.BrokerSelector, props: Record<string, string>): Promise<broker.WriteResult> {
    return broker.updateBrokerConfig(this, sel, props);
  }

  // topics
  topicList(): Promise<topics.TopicListResult> { return topics.topicList(this); }
  topicBrokerMap(): Promise<topics.TopicBrokerMapResult> { return topics.topicBrokerMap(this); }
  topicRoute(topic: string): Promise<route.TopicRoute> { return route.getTopicRoute(this, topic); }
  topicStatus(topic: string): Promise<topics.TopicStatusResult> { return topics.topicStatus(this, topic); }
  topicConsumers(topic: string): ReturnType<typeof topics.topicConsumers> { return topics.topicConsumers(this, topic); }
  createOrUpdateTopic(sel: broker.BrokerSelector, cfg: topicConfig.TopicConfigInput): Promise<topicConfig.TopicWriteResult> {
    return topicConfig.createOrUpdateTopic(this, sel, cfg);
  }
  deleteTopic(topic: string, clusterName: string): Promise<topicConfig.DeleteTopicResult> { return topicConfig.deleteTopic(this, topic, clusterName); }

  // consumer groups
  groupList(opts?: { withConnections?: boolean; includeSystem?: boolean }): Promise<groups.GroupListResult> { return groups.groupList(this, opts); }
  consumerProgress(group: string, opts?: { topic?: string; withClients?: boolean }): Promise<groups.GroupProgressResult> {
    return groups.consumerProgress(this, group, opts);
  }
  queueAssignment(group: string): Promise<groups.QueueAssignmentResult> { return groups.queueAssignment(this, group); }
  consumerConnection(group: string, opts?: { brokerAddr?: string }): Promise<connections.ConsumerConnectionResult> {
    return connections.consumerConnection(this, group, opts);
  }
  consumerRunningInfo(group: string, clientId: string): Promise<connections.ConsumerRunningInfoResult> {
    return connections.consumerRunningInfo(this, group, clientId);
  }
  producerConnection(group: string, topic: string): Promise<connections.ProducerConnectionResult> {
    return connections.producerConnection(this, group, topic);
  }
  /** Producer connections per topic (RocketDeck brokers); `supported: false` against Apache RocketMQ. */
  topicProducers(opts?: { topic?: string }): Promise<producers.TopicProducersResult> { return producers.topicProducers(this, opts); }
  createOrUpdateSubGroup(sel: broker.BrokerSelector, input: groupConfig.SubGroupInput): ReturnType<typeof groupConfig.createOrUpdateSubGroup> {
    return groupConfig.createOrUpdateSubGroup(this, sel, input);
  }
  deleteSubGroup(sel: broker.BrokerSelector, groupName: string, opts?: { cleanOffset?: boolean }): Promise<groupConfig.DeleteSubGroupResult> {
    return groupConfig.deleteSubGroup(this, sel, groupName, opts);
  }
  /** setConsumeMode: a group consumes a topic by POP or PULL (5.x brokers; SET_MESSAGE_REQUEST_MODE). */
  setConsumeMode(sel: broker.BrokerSelector, input: pop.ConsumeModeInput): Promise<broker.WriteResult> { return pop.setConsumeMode(this, sel, input); }
  /** The consumption modes set on the chosen brokers (GET_ALL_MESSAGE_REQUEST_MODE). */
  messageRequestModes(sel: broker.BrokerSelector): Promise<pop.MessageRequestModesResult> { return pop.messageRequestModes(this, sel); }
  /** Timer messages waiting per topic (GET_TIMER_METRICS; 5.x and RocketDeck brokers). */
  timerMetrics(): Promise<pop.TimerMetricsResult> { return pop.timerMetrics(this); }

  // offsets
  resetOffsetByTime(opts: { group: string; topic: string; point: ResetPoint; force?: boolean }): Promise<offsets.ResetOffsetResult> {
    return offsets.resetOffsetByTime(this, opts);
  }
  resetQueueOffsets(opts: { group: string; topic: string; queues: offsets.QueueOffsetReset[]; point?: ResetPoint }): Promise<offsets.ResetQueuesResult> {
    return offsets.resetQueueOffsets(this, opts);
  }

  // messages
  viewMessage(msgId: string, opts?: { topic?: string }): Promise<messages.MessageView[]> { return messages.viewMessage(this, msgId, opts); }
  queryMessageByKey(opts: { topic: string; key: string; maxNum?: number; begin?: number; end?: number }): Promise<messages.QueryResult> {
    return messages.queryMessageByKey(this, opts);
  }
  queryMessageByTime(opts: { topic: string; begin: number; end: number; maxNum?: number }): Promise<messages.QueryResult> {
    return messages.queryMessageByTime(this, opts);
  }
  sendTestMessage(input: send.SendTestMessageInput): Promise<send.SendTestMessageResult> { return send.sendTestMessage(this, input); }
}
