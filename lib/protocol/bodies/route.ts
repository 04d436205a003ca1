// Nameserver bodies: TopicRouteData (105), ClusterInfo (106), TopicList (206/224/...), KVTable (219, 28).
import type { FJValue, StringifyOptions } from '../fastjson.ts';
import { Fields, readStringList, decodeWith, encodeWith, readString, writeStringMap, identity, type BodyInput } from './read.ts';

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId -> address; id 0 is the master (MixAll.MASTER_ID). */
  brokerAddrs: Map<number, string>;
  /** 5.x only */
  zoneName?: string;
  /** 5.x only */
  enableActingMaster?: boolean;
}

export interface TopicRouteData {
  orderTopicConf?: string;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  /** broker address -> filter server addresses (always empty since filter servers were retired) */
  filterServerTable: Map<string, string[]>;
}

export function readQueueData(v: FJValue, path: string): QueueData {
  const f = Fields.of(v, path);
  return {
    brokerName: f.strOr('brokerName', ''),
    readQueueNums: f.num('readQueueNums'),
    writeQueueNums: f.num('writeQueueNums'),
    perm: f.num('perm'),
    topicSysFlag: f.num('topicSysFlag'),
  };
}

export const writeQueueData = (q: QueueData): Record<string, unknown> => ({ ...q });

export function readBrokerData(v: FJValue, path: string): BrokerData {
  const f = Fields.of(v, path);
  const out: BrokerData = {
    cluster: f.strOr('cluster', ''),
    brokerName: f.strOr('brokerName', ''),
    brokerAddrs: f.numberMap('brokerAddrs', readString),
  };
  const zoneName = f.str('zoneName');
  if (zoneName !== undefined) out.zoneName = zoneName;
  const acting = f.optBool('enableActingMaster');
  if (acting !== undefined) out.enableActingMaster = acting;
  return out;
}

export function writeBrokerData(b: BrokerData): Record<string, unknown> {
  // a Java HashMap<Long,String> with small ids iterates in ascending id order
  const addrs = new Map([...b.brokerAddrs].sort((x, y) => x[0] - y[0]));
  return {
    brokerAddrs: addrs,
    brokerName: b.brokerName,
    cluster: b.cluster,
    zoneName: b.zoneName,
    enableActingMaster: b.enableActingMaster,
  };
}

export function readTopicRouteData(v: FJValue, path: string): TopicRouteData {
  const f = Fields.of(v, path);
  const out: TopicRouteData = {
    queueDatas: f.list('queueDatas', readQueueData),
    brokerDatas: f.list('brokerDatas', readBrokerData),
    filterServerTable: f.stringMap('filterServerTable', readStringList),
  };
  const conf = f.str('orderTopicConf');
  if (conf !== undefined) out.orderTopicConf = conf;
  return out;
}

export function writeTopicRouteData(r: TopicRouteData): Record<string, unknown> {
  return {
    brokerDatas: r.brokerDatas.map(writeBrokerData),
    filterServerTable: writeStringMap(r.filterServerTable, identity),
    orderTopicConf: r.orderTopicConf,
    queueDatas: r.queueDatas.map(writeQueueData),
  };
}

export const decodeTopicRouteData = (body: BodyInput | undefined): TopicRouteData =>
  decodeWith(body, 'TopicRouteData', readTopicRouteData);

/**
 * Namesrv 4.9.8 answers GET_ROUTEINFO_BY_TOPIC in standard JSON (BrowserCompatible, quoted keys, sorted maps)
 * when the request version >= V4_9_4 or acceptStandardJsonOnly is set, and in plain fastjson (`{0:"..."}`)
 * otherwise; pass `{ standard: true }` for the former.
 */
export const encodeTopicRouteData = (r: TopicRouteData, opts?: StringifyOptions): Buffer =>
  encodeWith(writeTopicRouteData(r), opts);

export interface ClusterInfo {
  /** brokerName -> BrokerData */
  brokerAddrTable: Map<string, BrokerData>;
  /** clusterName -> brokerNames */
  clusterAddrTable: Map<string, string[]>;
}

export function readClusterInfo(v: FJValue, path: string): ClusterInfo {
  const f = Fields.of(v, path);
  return {
    brokerAddrTable: f.stringMap('brokerAddrTable', readBrokerData),
    clusterAddrTable: f.stringMap('clusterAddrTable', readStringList),
  };
}

export const writeClusterInfo = (c: ClusterInfo): Record<string, unknown> => ({
  brokerAddrTable: writeStringMap(c.brokerAddrTable, writeBrokerData),
  clusterAddrTable: writeStringMap(c.clusterAddrTable, identity),
});

export const decodeClusterInfo = (body: BodyInput | undefined): ClusterInfo =>
  decodeWith(body, 'ClusterInfo', readClusterInfo);
export const encodeClusterInfo = (c: ClusterInfo, opts?: StringifyOptions): Buffer =>
  encodeWith(writeClusterInfo(c), opts);

export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export function readTopicList(v: FJValue, path: string): TopicList {
  const f = Fields.of(v, path);
  const out: TopicList = { topicList: f.list('topicList', readString) };
  const addr = f.str('brokerAddr');
  if (addr !== undefined) out.brokerAddr = addr;
  return out;
}

export const decodeTopicList = (body: BodyInput | undefined): TopicList => decodeWith(body, 'TopicList', readTopicList);
export const encodeTopicList = (t: TopicList): Buffer =>
  encodeWith({ topicList: t.topicList, brokerAddr: t.brokerAddr });

/** KVTable: the GET_KVLIST_BY_NAMESPACE answer and the broker runtime info (GET_BROKER_RUNTIME_INFO). */
export interface KVTable {
  table: Map<string, string>;
}

export function readKVTable(v: FJValue, path: string): KVTable {
  return { table: Fields.of(v, path).stringMap('table', readString) };
}

export const decodeKVTable = (body: BodyInput | undefined): KVTable => decodeWith(body, 'KVTable', readKVTable);
export const encodeKVTable = (t: KVTable): Buffer => encodeWith({ table: writeStringMap(t.table, identity) });
