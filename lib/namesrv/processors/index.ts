// The nameserver's request table: request code -> handler (unknown codes are answered by the transport).

import { RequestCode } from '../../protocol/codes.ts';
import type { RemotingServer } from '../../remoting/server.ts';
import { getNamesrvConfig, updateNamesrvConfig } from './config.ts';
import { GET_BROKER_LIVE_INFO, getBrokerLiveInfo } from './live-info.ts';
import { bind, type NamesrvContext, type NamesrvHandler } from './context.ts';
import {
  deleteKVConfig,
  deleteKVConfigByValue,
  DELETE_KV_CONFIG_BY_VALUE,
  getKVConfig,
  getKVConfigByValue,
  GET_KV_CONFIG_BY_VALUE,
  getKVListByNamespace,
  putKVConfig,
} from './kv.ts';
import {
  addWritePermOfBroker,
  getBrokerClusterInfo,
  getRouteInfoByTopic,
  queryDataVersion,
  registerBroker,
  unregisterBroker,
  wipeWritePermOfBroker,
} from './route.ts';
import {
  deleteTopicInNamesrv,
  getAllTopicListFromNameserver,
  getHasUnitSubTopicList,
  getHasUnitSubUnUnitTopicList,
  getSystemTopicListFromNs,
  getTopicsByCluster,
  getUnitTopicList,
} from './topics.ts';

export const NAMESRV_HANDLERS: ReadonlyArray<readonly [number, NamesrvHandler]> = [
  [RequestCode.PUT_KV_CONFIG, putKVConfig],
  [RequestCode.GET_KV_CONFIG, getKVConfig],
  [RequestCode.DELETE_KV_CONFIG, deleteKVConfig],
  [RequestCode.GET_KVLIST_BY_NAMESPACE, getKVListByNamespace],
  [GET_KV_CONFIG_BY_VALUE, getKVConfigByValue],
  [DELETE_KV_CONFIG_BY_VALUE, deleteKVConfigByValue],
  [RequestCode.QUERY_DATA_VERSION, queryDataVersion],
  [RequestCode.REGISTER_BROKER, registerBroker],
  [RequestCode.UNREGISTER_BROKER, unregisterBroker],
  [RequestCode.GET_ROUTEINFO_BY_TOPIC, getRouteInfoByTopic],
  [RequestCode.GET_BROKER_CLUSTER_INFO, getBrokerClusterInfo],
  [RequestCode.WIPE_WRITE_PERM_OF_BROKER, wipeWritePermOfBroker],
  [RequestCode.ADD_WRITE_PERM_OF_BROKER, addWritePermOfBroker],
  [RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, getAllTopicListFromNameserver],
  [RequestCode.DELETE_TOPIC_IN_NAMESRV, deleteTopicInNamesrv],
  [RequestCode.GET_TOPICS_BY_CLUSTER, getTopicsByCluster],
  [RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, getSystemTopicListFromNs],
  [RequestCode.GET_UNIT_TOPIC_LIST, getUnitTopicList],
  [RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, getHasUnitSubTopicList],
  [RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, getHasUnitSubUnUnitTopicList],
  [RequestCode.UPDATE_NAMESRV_CONFIG, updateNamesrvConfig],
  [RequestCode.GET_NAMESRV_CONFIG, getNamesrvConfig],
  // RocketDeck extension (RocketMQ answers REQUEST_CODE_NOT_SUPPORTED): the live-broker table with heartbeat times.
  [GET_BROKER_LIVE_INFO, getBrokerLiveInfo],
];

export function registerNamesrvProcessors(server: RemotingServer, ctx: NamesrvContext): void {
  for (const [code, handler] of NAMESRV_HANDLERS) server.registerProcessor(code, bind(ctx, handler));
}

export { RouteBodyCache, type NamesrvContext } from './context.ts';
