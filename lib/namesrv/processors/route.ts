// Broker and route requests: REGISTER/UNREGISTER_BROKER, GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO,
// QUERY_DATA_VERSION and the write-permission switches.

import { crc32 } from 'node:zlib';
import { MQVersion, ResponseCode } from '../../protocol/codes.ts';
import { encodeClusterInfo, encodeDataVersion, encodeKVTable, encodeTopicRouteData } from '../../protocol/bodies/index.ts';
import {
  AddWritePermOfBrokerRequestHeader,
  decodeHeader,
  GetRouteInfoRequestHeader,
  QueryDataVersionRequestHeader,
  RegisterBrokerRequestHeader,
  UnRegisterBrokerRequestHeader,
  WipeWritePermOfBrokerRequestHeader,
} from '../../protocol/headers.ts';
import { createResponse } from '../../remoting/command.ts';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from '../kv-config.ts';
import { readDataVersion, readRegisterBody } from './register-body.ts';
import { ok, type NamesrvHandler } from './context.ts';

const FAQ_APPLY_TOPIC = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';

export const registerBroker: NamesrvHandler = (ctx, req, conn) => {
  const h = decodeHeader(RegisterBrokerRequestHeader, req.extFields);
  if (h.bodyCrc32 !== 0 && (crc32(req.body ?? Buffer.alloc(0)) & 0x7fffffff) !== h.bodyCrc32) {
    ctx.log.warn('register_broker_crc32_mismatch', { brokerAddr: h.brokerAddr, remoteAddr: conn.remoteAddr });
    return createResponse(req, ResponseCode.SYSTEM_ERROR, 'crc32 not match');
  }
  const body = req.body && req.body.length > 0 ? readRegisterBody(req.body, h.compressed, req.version) : undefined;
  const result = ctx.routes.registerBroker({
    clusterName: h.clusterName,
    brokerAddr: h.brokerAddr,
    brokerName: h.brokerName,
    brokerId: h.brokerId,
    haServerAddr: h.haServerAddr,
    topicConfigWrapper: body?.topicConfigSerializeWrapper,
    // No body counts as an empty filter-server list; a pre-3.0.11 wrapper carries none and leaves it alone.
    filterServerList: body ? body.filterServerList : [],
    connection: conn,
  });
  // RegisterBrokerResponseHeader: empty extFields for a master, {haServerAddr, masterAddr} for a slave.
  const header = { haServerAddr: result.haServerAddr, masterAddr: result.masterAddr };
  const orderTopics = ctx.kv.getKVListByNamespace(NAMESPACE_ORDER_TOPIC_CONFIG);
  return createResponse(req, ResponseCode.SUCCESS, undefined, header, orderTopics ? encodeKVTable({ table: orderTopics }) : undefined);
};

export const unregisterBroker: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(UnRegisterBrokerRequestHeader, req.extFields);
  ctx.routes.unregisterBroker(h.clusterName, h.brokerAddr, h.brokerName, h.brokerId);
  return ok(req);
};

export const getRouteInfoByTopic: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(GetRouteInfoRequestHeader, req.extFields);
  // Clients from 4.9.4 on (or asking for it) get standard JSON: quoted integer keys, sorted maps.
  const standard = req.version >= MQVersion.V4_9_4 || h.acceptStandardJsonOnly === true;
  const orderEnabled = ctx.config().orderMessageEnable;
  const stamp = `${ctx.routes.routeVersion}:${ctx.kv.version}:${orderEnabled}`;
  const key = (standard ? 'S' : 'F') + h.topic;
  const cached = ctx.routeBodies.get(stamp, key);
  if (cached) return ok(req, cached);
  const route = ctx.routes.pickupTopicRouteData(h.topic);
  if (!route) {
    return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${h.topic}${FAQ_APPLY_TOPIC}`);
  }
  if (orderEnabled) route.orderTopicConf = ctx.kv.getKVConfig(NAMESPACE_ORDER_TOPIC_CONFIG, h.topic);
  const body = encodeTopicRouteData(route, { standard });
  ctx.routeBodies.set(key, body);
  return ok(req, body);
};

export const getBrokerClusterInfo: NamesrvHandler = (ctx, req) =>
  ok(req, encodeClusterInfo(ctx.routes.getAllClusterInfo()));

export const queryDataVersion: NamesrvHandler = (ctx, req) => {
  const h = decodeHeader(QueryDataVersionRequestHeader, req.extFields);
  const dataVersion = readDataVersion(req.body);
  const changed = ctx.routes.isBrokerTopicConfigChanged(h.brokerAddr, dataVersion);
  if (!changed) ctx.routes.updateBrokerInfoUpdateTimestamp(h.brokerAddr);
  const ours = ctx.routes.queryBrokerTopicConfig(h.brokerAddr);
  const body = ours ? encodeDataVersion(ours) : undefined;
  return createResponse(req, ResponseCode.SUCCESS, undefined, { changed }, body);
};

export const wipeWritePermOfBroker: NamesrvHandler = (ctx, req, conn) => {
  const h = decodeHeader(WipeWritePermOfBrokerRequestHeader, req.extFields);
  const wipeTopicCount = ctx.routes.wipeWritePermOfBroker(h.brokerName);
  ctx.log.info('write_perm_wiped', { brokerName: h.brokerName, topics: wipeTopicCount, remoteAddr: conn.remoteAddr });
  return createResponse(req, ResponseCode.SUCCESS, undefined, { wipeTopicCount });
};

export const addWritePermOfBroker: NamesrvHandler = (ctx, req, conn) => {
  const h = decodeHeader(AddWritePermOfBrokerRequestHeader, req.extFields);
  const addTopicCount = ctx.routes.addWritePermOfBroker(h.brokerName);
  ctx.log.info('write_perm_added', { brokerName: h.brokerName, topics: addTopicCount, remoteAddr: conn.remoteAddr });
  return createResponse(req, ResponseCode.SUCCESS, undefined, { addTopicCount });
};
