// The broker room's public surface: the broker process, its config, the store port and the managers tests reuse.

export { BrokerController, startBroker, type BrokerOptions } from './broker.ts';
export type { BrokerContext } from './context.ts';
export type { BrokerStore, ArrivingListener } from './store-port.ts';
export { StoreAdapter } from './store-adapter.ts';
export { TopicConfigManager, newTopicConfig } from './topic-config-manager.ts';
export { SubscriptionGroupManager, newSubscriptionGroupConfig } from './subscription-group-manager.ts';
export { ConsumerOffsetManager } from './consumer-offset-manager.ts';
export { configPaths } from './config-file.ts';
export {
  BrokerConfigError,
  defaultBrokerConfig,
  loadBrokerConfig,
  parseDelayLevels,
  type BrokerConfig,
} from '../cluster/broker-config.ts';
