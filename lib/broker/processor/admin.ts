// Registers the admin request families (topics, groups, stats, broker config, offsets and consumer control).

import { handleGetSubscriptionGroupConfig, handleGetTopicConfig } from './admin-config-query.ts';
import { RequestCode as C, RocketDeckRequestCode } from '../../protocol/codes.ts';
import { handleGetAllProducerInfo, handleGetTopicProducers } from './admin-producers.ts';
import { handleCleanExpiredConsumeQueue, handleCleanUnusedTopic, handleDeleteExpiredCommitLog, handleQueryConsumeQueue } from './admin-store.ts';
import { handleGetBrokerConfig, handleGetBrokerRuntimeInfo, handleUpdateBrokerConfig } from './admin-broker.ts';
import { handleConsumeMessageDirectly, handleGetConsumerRunningInfo, handleResetOffset } from './admin-consumer.ts';
import {
  handleDeleteSubscriptionGroup,
  handleGetAllConsumerOffset,
  handleGetAllDelayOffset,
  handleGetAllSubscriptionGroupConfig,
  handleGetConsumerConnectionList,
  handleGetProducerConnectionList,
  handleQueryTopicConsumeByWho,
  handleUpdateAndCreateSubscriptionGroup,
} from './admin-group.ts';
import { handleGetBrokerConsumeStats, handleGetConsumeStats, handleViewBrokerStatsData } from './admin-stats.ts';
import {
  handleDeleteTopic,
  handleGetAllTopicConfig,
  handleGetSystemTopicListFromBroker,
  handleGetTopicStatsInfo,
  handleUpdateAndCreateTopic,
} from './admin-topic.ts';
import type { BrokerHandler } from '../context.ts';

export type Register = (code: number, handler: BrokerHandler) => void;

export function registerAdminProcessors(on: Register): void {
  on(C.UPDATE_AND_CREATE_TOPIC, handleUpdateAndCreateTopic);
  on(C.DELETE_TOPIC_IN_BROKER, handleDeleteTopic);
  on(C.GET_ALL_TOPIC_CONFIG, handleGetAllTopicConfig);
  on(C.GET_TOPIC_CONFIG, handleGetTopicConfig);
  on(C.GET_SUBSCRIPTIONGROUP_CONFIG, handleGetSubscriptionGroupConfig);
  on(C.GET_TOPIC_STATS_INFO, handleGetTopicStatsInfo);
  on(C.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, handleGetSystemTopicListFromBroker);
  on(C.UPDATE_BROKER_CONFIG, handleUpdateBrokerConfig);
  on(C.GET_BROKER_CONFIG, handleGetBrokerConfig);
  on(C.GET_BROKER_RUNTIME_INFO, handleGetBrokerRuntimeInfo);
  on(C.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, handleUpdateAndCreateSubscriptionGroup);
  on(C.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, handleGetAllSubscriptionGroupConfig);
  on(C.DELETE_SUBSCRIPTIONGROUP, handleDeleteSubscriptionGroup);
  on(C.GET_CONSUMER_CONNECTION_LIST, handleGetConsumerConnectionList);
  on(RocketDeckRequestCode.GET_TOPIC_PRODUCERS, handleGetTopicProducers);
  on(C.GET_PRODUCER_CONNECTION_LIST, handleGetProducerConnectionList);
  on(C.GET_ALL_PRODUCER_INFO, handleGetAllProducerInfo);
  on(C.GET_CONSUME_STATS, handleGetConsumeStats);
  on(C.GET_BROKER_CONSUME_STATS, handleGetBrokerConsumeStats);
  on(C.VIEW_BROKER_STATS_DATA, handleViewBrokerStatsData);
  on(C.QUERY_TOPIC_CONSUME_BY_WHO, handleQueryTopicConsumeByWho);
  on(C.GET_ALL_CONSUMER_OFFSET, handleGetAllConsumerOffset);
  on(C.GET_ALL_DELAY_OFFSET, handleGetAllDelayOffset);
  on(C.INVOKE_BROKER_TO_RESET_OFFSET, handleResetOffset);
  on(C.GET_CONSUMER_RUNNING_INFO, handleGetConsumerRunningInfo);
  on(C.CONSUME_MESSAGE_DIRECTLY, handleConsumeMessageDirectly);
  on(C.DELETE_EXPIRED_COMMITLOG, handleDeleteExpiredCommitLog);
  on(C.CLEAN_UNUSED_TOPIC, handleCleanUnusedTopic);
  on(C.CLEAN_EXPIRED_CONSUMEQUEUE, handleCleanExpiredConsumeQueue);
  on(C.QUERY_CONSUME_QUEUE, handleQueryConsumeQueue);
}
