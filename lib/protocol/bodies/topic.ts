// Topic configuration bodies: DataVersion, TopicConfig, TopicConfigSerializeWrapper (21, inside 103), RegisterBrokerBody (103).
import type { FJValue } from '../fastjson.ts';
import { PermName } from '../constants.ts';
import { Fields, decodeWith, encodeWith, readString, writeStringMap, identity, type BodyInput } from './read.ts';

/** Version stamp of a broker's topic/subscription tables; the nameserver compares it to skip unchanged registrations. */
export interface DataVersion {
  timestamp: number;
  counter: number;
  /** 5.x only */
  stateVersion?: number;
}

export function readDataVersion(v: FJValue, path: string): DataVersion {
  const f = Fields.of(v, path);
  const out: DataVersion = { timestamp: f.num('timestamp'), counter: f.num('counter') };
  const state = f.optNum('stateVersion');
  if (state !== undefined) out.stateVersion = state;
  return out;
}

export const writeDataVersion = (d: DataVersion): Record<string, unknown> => ({ ...d });

export const decodeDataVersion = (body: BodyInput | undefined): DataVersion =>
  decodeWith(body, 'DataVersion', readDataVersion);
export const encodeDataVersion = (d: DataVersion): Buffer => encodeWith(writeDataVersion(d));

export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType | string;
  topicSysFlag: number;
  order: boolean;
  /** 5.x only (e.g. "+message.type" -> "NORMAL") */
  attributes?: Map<string, string>;
}

/** Java TopicConfig field initialisers (16 queues, RW, SINGLE_TAG). */
export const TOPIC_CONFIG_DEFAULTS = {
  readQueueNums: 16,
  writeQueueNums: 16,
  perm: PermName.PERM_READ | PermName.PERM_WRITE,
  topicFilterType: 'SINGLE_TAG',
  topicSysFlag: 0,
  order: false,
} as const;

export function readTopicConfig(v: FJValue, path: string): TopicConfig {
  const f = Fields.of(v, path);
  const d = TOPIC_CONFIG_DEFAULTS;
  const out: TopicConfig = {
    topicName: f.strOr('topicName', ''),
    readQueueNums: f.num('readQueueNums', d.readQueueNums),
    writeQueueNums: f.num('writeQueueNums', d.writeQueueNums),
    perm: f.num('perm', d.perm),
    topicFilterType: f.strOr('topicFilterType', d.topicFilterType),
    topicSysFlag: f.num('topicSysFlag', d.topicSysFlag),
    order: f.bool('order', d.order),
  };
  if (f.has('attributes')) out.attributes = f.stringMap('attributes', readString);
  return out;
}

export const writeTopicConfig = (t: TopicConfig): Record<string, unknown> => ({
  ...t,
  attributes: t.attributes ? writeStringMap(t.attributes, identity) : undefined,
});

export const decodeTopicConfig = (body: BodyInput | undefined): TopicConfig =>
  decodeWith(body, 'TopicConfig', readTopicConfig);
export const encodeTopicConfig = (t: TopicConfig): Buffer => encodeWith(writeTopicConfig(t));

/** GET_ALL_TOPIC_CONFIG answer and the topic part of REGISTER_BROKER. */
export interface TopicConfigSerializeWrapper {
  topicConfigTable: Map<string, TopicConfig>;
  dataVersion: DataVersion;
}

export function readTopicConfigSerializeWrapper(v: FJValue, path: string): TopicConfigSerializeWrapper {
  const f = Fields.of(v, path);
  return {
    topicConfigTable: f.stringMap('topicConfigTable', readTopicConfig),
    dataVersion: f.bean('dataVersion', readDataVersion) ?? { timestamp: 0, counter: 0 },
  };
}

export const writeTopicConfigSerializeWrapper = (w: TopicConfigSerializeWrapper): Record<string, unknown> => ({
  dataVersion: writeDataVersion(w.dataVersion),
  topicConfigTable: writeStringMap(w.topicConfigTable, writeTopicConfig),
});

export const decodeTopicConfigSerializeWrapper = (body: BodyInput | undefined): TopicConfigSerializeWrapper =>
  decodeWith(body, 'TopicConfigSerializeWrapper', readTopicConfigSerializeWrapper);
export const encodeTopicConfigSerializeWrapper = (w: TopicConfigSerializeWrapper): Buffer =>
  encodeWith(writeTopicConfigSerializeWrapper(w));

/**
 * REGISTER_BROKER body when the header says compressed=false (what 4.9.8 brokers send by default).
 * The compressed=true form is a deflated binary layout, not JSON, and is not handled here.
 */
export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

export function readRegisterBrokerBody(v: FJValue, path: string): RegisterBrokerBody {
  const f = Fields.of(v, path);
  return {
    topicConfigSerializeWrapper: f.bean('topicConfigSerializeWrapper', readTopicConfigSerializeWrapper) ??
      { topicConfigTable: new Map(), dataVersion: { timestamp: 0, counter: 0 } },
    filterServerList: f.list('filterServerList', readString),
  };
}

export const writeRegisterBrokerBody = (b: RegisterBrokerBody): Record<string, unknown> => ({
  filterServerList: b.filterServerList,
  topicConfigSerializeWrapper: writeTopicConfigSerializeWrapper(b.topicConfigSerializeWrapper),
});

export const decodeRegisterBrokerBody = (body: BodyInput | undefined): RegisterBrokerBody =>
  decodeWith(body, 'RegisterBrokerBody', readRegisterBrokerBody);
export const encodeRegisterBrokerBody = (b: RegisterBrokerBody): Buffer => encodeWith(writeRegisterBrokerBody(b));
