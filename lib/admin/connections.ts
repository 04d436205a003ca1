// Who is connected: consumer connections (203), producer connections (204), consumer running info (307) and
// consuming one message directly (309), via a broker.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { getRetryTopic, mqVersionName } from '../protocol/constants.ts';
import {
  ConsumeMessageDirectlyResultRequestHeader, GetConsumerConnectionListRequestHeader, GetConsumerRunningInfoRequestHeader, GetProducerConnectionListRequestHeader,
} from '../protocol/headers.ts';
import {
  decodeConsumerConnection, decodeConsumerRunningInfo, decodeProducerConnection, type Connection, type SubscriptionData,
} from '../protocol/bodies/index.ts';
import { AdminError, describeError, hasCode } from './errors.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { cmp, getClusterInfo, getTopicRoute, routeTargets, selectBrokerTarget } from './route.ts';
import { viewMessage } from './messages.ts';

export interface ClientConnection {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
  /** e.g. "V4_9_8" */
  versionDesc: string;
  /**
   * How the client talks to the cluster: `grpc` for a 5.x SDK client behind a RocketDeck gRPC endpoint (the broker
   * says so), else `remoting` (Apache brokers do not tell: their local proxy's gRPC clients show as remoting).
   */
  protocol: 'grpc' | 'remoting';
  /** gRPC clients: Apache's ChannelProtocolType name ("grpc_v2") and the client's own version ("1.0.8"). */
  protocolType?: string;
  clientVersion?: string;
}

export interface Subscription {
  topic: string;
  subString: string;
  expressionType: string;
  tags: string[];
  subVersion: number;
}

export interface ConsumerConnectionResult {
  group: string;
  /** The broker that answered. */
  brokerAddr: string;
  connections: ClientConnection[];
  subscriptions: Subscription[];
  consumeType?: string;
  messageModel?: string;
  consumeFromWhere?: string;
}

export interface ProducerConnectionResult {
  group: string;
  topic: string;
  brokerAddr: string;
  connections: ClientConnection[];
}

const connectionOf = (c: Connection): ClientConnection => ({
  ...c, versionDesc: mqVersionName(c.version), protocol: c.protocolType?.startsWith('grpc') ? 'grpc' : 'remoting',
});

export const subscriptionOf = (s: SubscriptionData): Subscription => ({
  topic: s.topic, subString: s.subString, expressionType: s.expressionType, tags: s.tagsSet, subVersion: s.subVersion,
});

/**
 * Brokers that know a consumer group: those on its retry topic's route (every push consumer subscribes to it),
 * else every broker group of the cluster view.
 */
export async function groupTargets(core: AdminCore, group: string): Promise<BrokerTarget[]> {
  try {
    const targets = routeTargets(await getTopicRoute(core, getRetryTopic(group)));
    if (targets.length) return targets;
  } catch (err) {
    if (!hasCode(err, ResponseCode.TOPIC_NOT_EXIST)) throw err;
  }
  const view = await getClusterInfo(core);
  return view.brokers.map(selectBrokerTarget).filter((t) => t !== undefined);
}

/**
 * Asks `targets` one after another until one answers with a non-empty result; CONSUMER_NOT_ONLINE and transport
 * failures move on to the next broker. Throws AdminError naming every broker asked when none had an answer.
 */
async function firstAnswer<T>(
  targets: BrokerTarget[],
  what: string,
  ask: (t: BrokerTarget) => Promise<T | undefined>,
  code: number | undefined = ResponseCode.CONSUMER_NOT_ONLINE,
): Promise<{ target: BrokerTarget; value: T }> {
  const tried: string[] = [];
  for (const t of targets) {
    try {
      const value = await ask(t);
      if (value !== undefined) return { target: t, value };
      tried.push(`${t.brokerName || t.brokerAddr} (${t.brokerAddr}): none`);
    } catch (err) {
      tried.push(`${t.brokerName || t.brokerAddr} (${t.brokerAddr}): ${describeError(err)}`);
    }
  }
  throw new AdminError(`${what} (asked ${tried.length ? tried.join('; ') : 'no broker'})`, code);
}

/** consumerConnection: the group's clients, their subscriptions and consume mode. */
export async function consumerConnection(core: AdminCore, group: string, opts: { brokerAddr?: string } = {}): Promise<ConsumerConnectionResult> {
  const targets = opts.brokerAddr
    ? [{ clusterName: '', brokerName: '', brokerId: -1, brokerAddr: opts.brokerAddr }]
    : await groupTargets(core, group);
  const { target, value } = await firstAnswer(targets, `consumer group '${group}' is not online`, async (t) => {
    const res = await core.within(t, () => core.call(t.brokerAddr, RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }, { spec: GetConsumerConnectionListRequestHeader }));
    const cc = decodeConsumerConnection(res.body);
    return cc.connectionSet.length ? cc : undefined;
  });
  const out: ConsumerConnectionResult = {
    group,
    brokerAddr: target.brokerAddr,
    connections: value.connectionSet.map(connectionOf).sort((a, b) => cmp(a.clientId, b.clientId)),
    subscriptions: [...value.subscriptionTable.values()].map(subscriptionOf).sort((a, b) => cmp(a.topic, b.topic)),
  };
  if (value.consumeType) out.consumeType = value.consumeType;
  if (value.messageModel) out.messageModel = value.messageModel;
  if (value.consumeFromWhere) out.consumeFromWhere = value.consumeFromWhere;
  return out;
}

/** producerConnection: clients of a producer group, asked of the brokers on the topic's route. */
export async function producerConnection(core: AdminCore, group: string, topic: string): Promise<ProducerConnectionResult> {
  const targets = routeTargets(await getTopicRoute(core, topic));
  const { target, value } = await firstAnswer(targets, `producer group '${group}' has no connection`, async (t) => {
    const res = await core.within(t, () => core.call(t.brokerAddr, RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: group }, { spec: GetProducerConnectionListRequestHeader }));
    const pc = decodeProducerConnection(res.body);
    return pc.connectionSet.length ? pc : undefined;
  }, undefined);
  return {
    group, topic, brokerAddr: target.brokerAddr,
    connections: value.connectionSet.map(connectionOf).sort((a, b) => cmp(a.clientId, b.clientId)),
  };
}

export interface RunningQueue {
  topic: string;
  brokerName: string;
  queueId: number;
  commitOffset: number;
  cachedMsgCount: number;
  cachedMsgMinOffset: number;
  cachedMsgMaxOffset: number;
  locked: boolean;
  droped: boolean;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;
}

export interface ConsumerRunningInfoResult {
  group: string;
  clientId: string;
  properties: Record<string, string>;
  subscriptions: Subscription[];
  queues: RunningQueue[];
  /** topic -> rates */
  status: Array<{ topic: string; pullTPS: number; pullRT: number; consumeOKTPS: number; consumeFailedTPS: number; consumeRT: number; consumeFailedMsgs: number }>;
  /** The client's thread dump, when asked (`jstack`) and the client makes one (Java clients; ours do not). */
  jstack?: string;
}

/**
 * GET_CONSUMER_RUNNING_INFO: the broker forwards the question to the client and relays its answer. `jstack` sets the
 * header's jstackEnable: a Java client then adds its thread dump (slow on a busy JVM, so only when asked).
 */
export async function consumerRunningInfo(core: AdminCore, group: string, clientId: string, opts: { brokerAddr?: string; jstack?: boolean } = {}): Promise<ConsumerRunningInfoResult> {
  const targets = opts.brokerAddr
    ? [{ clusterName: '', brokerName: '', brokerId: -1, brokerAddr: opts.brokerAddr }]
    : await groupTargets(core, group);
  const { value } = await firstAnswer(targets, `no running info from client '${clientId}' of group '${group}'`, async (t) => {
    // not under the broker deadline: the broker waits on the client here, and a slow client must not hold the broker off
    const res = await core.call(t.brokerAddr, RequestCode.GET_CONSUMER_RUNNING_INFO,
      { consumerGroup: group, clientId, jstackEnable: opts.jstack === true }, { spec: GetConsumerRunningInfoRequestHeader, timeoutMs: core.timeoutMs * 2 });
    return res.body?.length ? decodeConsumerRunningInfo(res.body) : undefined;
  });
  const out: ConsumerRunningInfoResult = {
    group,
    clientId,
    properties: Object.fromEntries([...value.properties].sort((a, b) => cmp(a[0], b[0]))),
    subscriptions: value.subscriptionSet.map(subscriptionOf),
    queues: value.mqTable.map(([mq, p]) => ({
      topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId,
      commitOffset: p.commitOffset, cachedMsgCount: p.cachedMsgCount, cachedMsgMinOffset: p.cachedMsgMinOffset,
      cachedMsgMaxOffset: p.cachedMsgMaxOffset, locked: p.locked, droped: p.droped,
      lastPullTimestamp: p.lastPullTimestamp, lastConsumeTimestamp: p.lastConsumeTimestamp,
    })).sort((a, b) => cmp(a.topic, b.topic) || cmp(a.brokerName, b.brokerName) || a.queueId - b.queueId),
    status: [...value.statusTable].map(([topic, s]) => ({ topic, ...s })),
  };
  if (value.jstack !== undefined) out.jstack = value.jstack;
  return out;
}

/** ConsumeMessageDirectlyResult: how the client's listener handled one message handed to it. */
export interface ConsumeDirectlyResult {
  group: string;
  clientId: string;
  msgId: string;
  offsetMsgId: string;
  brokerAddr: string;
  order: boolean;
  autoCommit: boolean;
  /** CR_SUCCESS, CR_LATER, CR_ROLLBACK, CR_COMMIT, CR_THROW_EXCEPTION, CR_RETURN_NULL */
  consumeResult: string;
  remark: string;
  spentTimeMills: number;
}

/**
 * CONSUME_MESSAGE_DIRECTLY (mqadmin consumeMessage / the dashboard's "resend to client"): the broker that stored the
 * message reads it by its offset id and hands it to the named client, whose listener consumes it and says how it went.
 * `msgId` is a message id (the producer's) or an offset id; `topic` helps find a producer's id.
 */
export async function consumeMessageDirectly(core: AdminCore, group: string, clientId: string, msgId: string, opts: { topic?: string } = {}): Promise<ConsumeDirectlyResult> {
  const found = await viewMessage(core, msgId, opts.topic ? { topic: opts.topic } : {});
  const m = found[0];
  if (!m) throw new AdminError(`no message '${msgId}'${opts.topic ? ` in topic ${opts.topic}` : ''}`);
  const res = await core.call(m.storeHost, RequestCode.CONSUME_MESSAGE_DIRECTLY,
    { consumerGroup: group, clientId, msgId: m.offsetMsgId, topic: m.topic }, { spec: ConsumeMessageDirectlyResultRequestHeader, timeoutMs: core.timeoutMs * 3 });
  const v = JSON.parse((res.body ?? Buffer.alloc(0)).toString('utf8') || '{}') as Record<string, unknown>;
  return {
    group, clientId, msgId: m.msgId, offsetMsgId: m.offsetMsgId, brokerAddr: m.storeHost,
    order: v.order === true, autoCommit: v.autoCommit !== false, consumeResult: String(v.consumeResult ?? ''), remark: String(v.remark ?? ''),
    spentTimeMills: Number(v.spentTimeMills ?? 0),
  };
}
