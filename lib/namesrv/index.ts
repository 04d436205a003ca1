// The namesrv room's public surface: the nameserver process, its registry, KV store and configuration.

export { NamesrvController, startNamesrv, type NamesrvOptions } from './namesrv.ts';
export { RouteInfoManager, DEFAULT_BROKER_CHANNEL_EXPIRED_TIME, sameDataVersion, type RouteInfoManagerOptions } from './route-info-manager.ts';
export * from './route-types.ts';
export { KVConfigManager, KVConfigFileError, NAMESPACE_ORDER_TOPIC_CONFIG } from './kv-config.ts';
export {
  applyProperties,
  configBlackList,
  defaultDataDir,
  defaultNamesrvConfig,
  formatNamesrvConfig,
  loadNamesrvConfigFile,
  NamesrvConfigError,
  type NamesrvConfig,
} from './config.ts';
export { NAMESRV_HANDLERS, registerNamesrvProcessors } from './processors/index.ts';
export { GET_KV_CONFIG_BY_VALUE, DELETE_KV_CONFIG_BY_VALUE } from './processors/kv.ts';
export { GET_BROKER_LIVE_INFO, type BrokerLiveInfoEntry } from './processors/live-info.ts';
export { JavaHashMap, JavaHashSet } from './java-hash.ts';
