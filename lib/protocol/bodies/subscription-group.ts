// Subscription group bodies: SubscriptionGroupConfig (200 request) and SubscriptionGroupWrapper (201 answer).
import type { FJValue } from '../fastjson.ts';
import { readDataVersion, writeDataVersion, type DataVersion } from './topic.ts';
import {
  Fields, decodeWith, encodeWith, readString, readNumber, readStringMap, writeStringMap, identity, type BodyInput,
} from './read.ts';

export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
  /** 5.x only */
  consumeMessageOrderly?: boolean;
  /** 5.x only */
  groupSysFlag?: number;
  /** 5.x only */
  consumeTimeoutMinute?: number;
  /** 5.x only */
  attributes?: Map<string, string>;
  /** 5.x only; kept as read (retry policy object) so it can be written back */
  groupRetryPolicy?: FJValue;
  /** 5.x only; kept as read */
  subscriptionDataSet?: FJValue;
}

/** Java SubscriptionGroupConfig field initialisers (an auto-created group gets these). */
export const SUBSCRIPTION_GROUP_DEFAULTS = {
  consumeEnable: true,
  consumeFromMinEnable: true,
  consumeBroadcastEnable: true,
  retryQueueNums: 1,
  retryMaxTimes: 16,
  brokerId: 0,
  whichBrokerWhenConsumeSlowly: 1,
  notifyConsumerIdsChangedEnable: true,
} as const;

export function readSubscriptionGroupConfig(v: FJValue, path: string): SubscriptionGroupConfig {
  const f = Fields.of(v, path);
  const d = SUBSCRIPTION_GROUP_DEFAULTS;
  const out: SubscriptionGroupConfig = {
    groupName: f.strOr('groupName', ''),
    consumeEnable: f.bool('consumeEnable', d.consumeEnable),
    consumeFromMinEnable: f.bool('consumeFromMinEnable', d.consumeFromMinEnable),
    consumeBroadcastEnable: f.bool('consumeBroadcastEnable', d.consumeBroadcastEnable),
    retryQueueNums: f.num('retryQueueNums', d.retryQueueNums),
    retryMaxTimes: f.num('retryMaxTimes', d.retryMaxTimes),
    brokerId: f.num('brokerId', d.brokerId),
    whichBrokerWhenConsumeSlowly: f.num('whichBrokerWhenConsumeSlowly', d.whichBrokerWhenConsumeSlowly),
    notifyConsumerIdsChangedEnable: f.bool('notifyConsumerIdsChangedEnable', d.notifyConsumerIdsChangedEnable),
  };
  const orderly = f.optBool('consumeMessageOrderly');
  if (orderly !== undefined) out.consumeMessageOrderly = orderly;
  const sysFlag = f.optNum('groupSysFlag');
  if (sysFlag !== undefined) out.groupSysFlag = sysFlag;
  const timeout = f.optNum('consumeTimeoutMinute');
  if (timeout !== undefined) out.consumeTimeoutMinute = timeout;
  if (f.has('attributes')) out.attributes = f.stringMap('attributes', readString);
  if (f.has('groupRetryPolicy')) out.groupRetryPolicy = f.raw('groupRetryPolicy');
  if (f.has('subscriptionDataSet')) out.subscriptionDataSet = f.raw('subscriptionDataSet');
  return out;
}

export const writeSubscriptionGroupConfig = (c: SubscriptionGroupConfig): Record<string, unknown> => ({
  ...c,
  attributes: c.attributes ? writeStringMap(c.attributes, identity) : undefined,
});

export const decodeSubscriptionGroupConfig = (body: BodyInput | undefined): SubscriptionGroupConfig =>
  decodeWith(body, 'SubscriptionGroupConfig', readSubscriptionGroupConfig);
export const encodeSubscriptionGroupConfig = (c: SubscriptionGroupConfig): Buffer =>
  encodeWith(writeSubscriptionGroupConfig(c));

/** GET_ALL_SUBSCRIPTIONGROUP_CONFIG answer (and subscriptionGroup.json). */
export interface SubscriptionGroupWrapper {
  subscriptionGroupTable: Map<string, SubscriptionGroupConfig>;
  dataVersion: DataVersion;
  /** 5.x only: group -> topic -> forbidden flags */
  forbiddenTable?: Map<string, Map<string, number>>;
}

export function readSubscriptionGroupWrapper(v: FJValue, path: string): SubscriptionGroupWrapper {
  const f = Fields.of(v, path);
  const out: SubscriptionGroupWrapper = {
    subscriptionGroupTable: f.stringMap('subscriptionGroupTable', readSubscriptionGroupConfig),
    dataVersion: f.bean('dataVersion', readDataVersion) ?? { timestamp: 0, counter: 0 },
  };
  if (f.has('forbiddenTable')) {
    out.forbiddenTable = f.stringMap('forbiddenTable', (x, p) => readStringMap(x, p, readNumber));
  }
  return out;
}

export const writeSubscriptionGroupWrapper = (w: SubscriptionGroupWrapper): Record<string, unknown> => ({
  dataVersion: writeDataVersion(w.dataVersion),
  forbiddenTable: w.forbiddenTable
    ? new Map([...w.forbiddenTable].map(([g, m]) => [g, new Map(m)]))
    : undefined,
  subscriptionGroupTable: writeStringMap(w.subscriptionGroupTable, writeSubscriptionGroupConfig),
});

export const decodeSubscriptionGroupWrapper = (body: BodyInput | undefined): SubscriptionGroupWrapper =>
  decodeWith(body, 'SubscriptionGroupWrapper', readSubscriptionGroupWrapper);
export const encodeSubscriptionGroupWrapper = (w: SubscriptionGroupWrapper): Buffer =>
  encodeWith(writeSubscriptionGroupWrapper(w));
