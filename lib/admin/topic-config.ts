// Topic writes: create/update on a cluster's masters or chosen brokers (with order config), delete on brokers and nameservers.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MixAll, PermName, validateTopic } from '../protocol/constants.ts';
import {
  CreateTopicRequestHeader, DeleteTopicFromNamesrvRequestHeader, DeleteTopicRequestHeader, GetKVConfigRequestHeader,
  GetKVConfigResponseHeader, PutKVConfigRequestHeader, decodeHeader,
} from '../protocol/headers.ts';
import { AdminError, namesrvFailure, type NamesrvFailure } from './errors.ts';
import type { AdminCore } from './core.ts';
import { writeToBrokers, type BrokerSelector, type WriteResult } from './broker.ts';

/** Nameserver KV namespace of ordered topics' "brokerName:queueNums;..." config. */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

export interface TopicConfigInput {
  topic: string;
  /** mqadmin's defaults: 8 read and 8 write queues, perm 6 (RW), not ordered. */
  readQueueNums?: number;
  writeQueueNums?: number;
  perm?: number;
  order?: boolean;
  topicSysFlag?: number;
  /** 5.x attributes text, e.g. "+message.type=FIFO" */
  attributes?: string;
}

export interface NamesrvWriteResult {
  done: string[];
  errors: NamesrvFailure[];
}

export interface TopicWriteResult extends WriteResult {
  topic: string;
  /** For ordered topics: the ORDER_TOPIC_CONFIG value written to the nameservers. */
  orderConf?: string;
  namesrvs?: NamesrvWriteResult;
}

function checkTopicConfig(c: Required<Omit<TopicConfigInput, 'attributes'>>): void {
  const bad = validateTopic(c.topic);
  if (bad) throw new AdminError(bad);
  if (!PermName.isValid(c.perm)) throw new AdminError(`topicPermission value: ${c.perm} is invalid.`, ResponseCode.NO_PERMISSION);
  for (const [k, v] of [['readQueueNums', c.readQueueNums], ['writeQueueNums', c.writeQueueNums]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new AdminError(`${k} must be a positive integer, got ${v}`);
  }
}

/** PUT_KV_CONFIG to every nameserver, as the Java client's putKVConfigValue does. */
export async function putKVConfigEverywhere(core: AdminCore, namespace: string, key: string, value: string): Promise<NamesrvWriteResult> {
  const answers = await core.eachNamesrv((addr) => core.call(addr, RequestCode.PUT_KV_CONFIG, { namespace, key, value }, { spec: PutKVConfigRequestHeader }));
  return {
    done: answers.filter((a) => a.ok).map((a) => a.namesrvAddr),
    errors: answers.flatMap((a) => (a.ok ? [] : [namesrvFailure(a.namesrvAddr, a.error)])),
  };
}

/** "broker-a:8;broker-b:8": a broker's entry replaces its old one, the others stay (createOrUpdateOrderConf). */
export function mergeOrderConf(old: string | undefined, entries: string[]): string {
  const byBroker = new Map<string, string>();
  for (const item of (old ?? '').split(';')) if (item.includes(':')) byBroker.set(item.split(':')[0]!, item);
  for (const e of entries) byBroker.set(e.split(':')[0]!, e);
  return [...byBroker.values()].join(';');
}

/** updateTopic: UPDATE_AND_CREATE_TOPIC on each chosen broker (a cluster means its masters). */
export async function createOrUpdateTopic(core: AdminCore, sel: BrokerSelector, input: TopicConfigInput): Promise<TopicWriteResult> {
  const c = {
    topic: input.topic.trim(),
    readQueueNums: input.readQueueNums ?? 8,
    writeQueueNums: input.writeQueueNums ?? 8,
    perm: input.perm ?? PermName.PERM_READ | PermName.PERM_WRITE,
    order: input.order ?? false,
    topicSysFlag: input.topicSysFlag ?? 0,
  };
  checkTopicConfig(c);
  const header = {
    topic: c.topic,
    defaultTopic: MixAll.DEFAULT_TOPIC,
    readQueueNums: c.readQueueNums,
    writeQueueNums: c.writeQueueNums,
    perm: c.perm,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: c.topicSysFlag,
    order: c.order,
    attributes: input.attributes,
  };
  const written = await writeToBrokers(core, { ...sel, withSlaves: false }, (t) =>
    core.call(t.brokerAddr, RequestCode.UPDATE_AND_CREATE_TOPIC, header, { spec: CreateTopicRequestHeader }));
  const out: TopicWriteResult = { topic: c.topic, ...written };
  if (c.order) {
    const entries = out.done.filter((t) => t.brokerName).map((t) => `${t.brokerName}:${c.writeQueueNums}`);
    let old: string | undefined;
    if (!sel.clusterName) {
      // one broker: keep the other brokers' entries
      try {
        const res = await core.callNamesrv(RequestCode.GET_KV_CONFIG, { namespace: NAMESPACE_ORDER_TOPIC_CONFIG, key: c.topic }, { spec: GetKVConfigRequestHeader });
        old = decodeHeader(GetKVConfigResponseHeader, res.extFields).value;
      } catch (err) {
        core.logger.info('order_conf_absent', { topic: c.topic, error: err });
      }
    }
    out.orderConf = mergeOrderConf(old, entries);
    if (out.orderConf) out.namesrvs = await putKVConfigEverywhere(core, NAMESPACE_ORDER_TOPIC_CONFIG, c.topic, out.orderConf);
  }
  return out;
}

export interface DeleteTopicResult extends WriteResult {
  topic: string;
  namesrvs: NamesrvWriteResult;
}

/**
 * deleteTopic: DELETE_TOPIC_IN_BROKER on the cluster's masters (slaves refuse topic changes and follow their master),
 * then DELETE_TOPIC_IN_NAMESRV on every nameserver.
 */
export async function deleteTopic(core: AdminCore, topic: string, clusterName: string): Promise<DeleteTopicResult> {
  const bad = validateTopic(topic);
  if (bad) throw new AdminError(bad);
  const written = await writeToBrokers(core, { clusterName }, (t) => core.call(t.brokerAddr, RequestCode.DELETE_TOPIC_IN_BROKER, { topic }, { spec: DeleteTopicRequestHeader }));
  const answers = await core.eachNamesrv((addr) =>
    core.call(addr, RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic, clusterName }, { spec: DeleteTopicFromNamesrvRequestHeader }));
  return {
    topic,
    ...written,
    namesrvs: {
      done: answers.filter((a) => a.ok).map((a) => a.namesrvAddr),
      errors: answers.flatMap((a) => (a.ok ? [] : [namesrvFailure(a.namesrvAddr, a.error)])),
    },
  };
}
