// The broker room's public surface: the broker process, its config, the store port and the managers tests reuse.
//
// Layout (one folder per concern, as apache/rocketmq's broker module has them):
//   broker.ts, context.ts     the process (BrokerController) and what its request handlers share
//   store-port.ts, store-adapter.ts, put-message.ts   the broker's view of lib/store and its side of storing a message
//   config/        broker.conf model (broker-config.ts, passive keys) and the JSON tables under <store>/config
//   processor/     request handlers by family: send, pull, query, send-back, end-transaction, offsets, clients,
//                  admin-* (topics, groups, stats, broker config, store, producers), request-table.ts (code -> handler)
//   topic/ subscription/ offset/   topic table, consumer group settings, committed consumer offsets
//   client/        online consumers and producers, orderly queue locks, producers seen per topic
//   longpolling/ filter/           held pulls, tag filtering of pulls
//   transaction/   transaction check-back (service and its pure rules)
//   schedule/      delayed delivery (delay levels, which retries use)
//   registration/  registration with the nameservers
//   stats/         traffic counters and store times for consume stats
//   ha/            master/slave roles, replication, slave sync of the config tables

export { BrokerController, startBroker, type BrokerOptions } from './broker.ts';
export type { BrokerContext } from './context.ts';
export type { BrokerStore, ArrivingListener } from './store-port.ts';
export { StoreAdapter } from './store-adapter.ts';
export { TopicConfigManager, newTopicConfig } from './topic/topic-config-manager.ts';
export { SubscriptionGroupManager, newSubscriptionGroupConfig } from './subscription/subscription-group-manager.ts';
export { ConsumerOffsetManager } from './offset/consumer-offset-manager.ts';
export { ConfigFileError, configPaths } from './config/config-file.ts';
export {
  BrokerConfigError,
  defaultBrokerConfig,
  loadBrokerConfig,
  parseDelayLevels,
  type BrokerConfig,
} from './config/broker-config.ts';
