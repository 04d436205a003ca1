// The endpoint's way to the brokers: remoting requests (routes, send, POP, ack, change invisible time,
// send-back to the DLQ, END_TRANSACTION, recall) through one ClientInstance, the same in local and cluster mode.
import { MixAll, RequestCode, ResponseCode } from '../protocol/codes.ts';
import { decodeTopicConfig } from '../protocol/bodies/topic.ts';
import { decodeSubscriptionGroupConfig } from '../protocol/bodies/subscription-group.ts';
import type { TopicRouteData } from '../protocol/bodies/route.ts';
import { SendMessageResponseHeader, sendHeaderV1ToV2, type SendMessageRequestHeader } from '../protocol/headers/message.ts';
import { decodeHeader, encodeHeader } from '../protocol/headers/spec.ts';
import { MessageConst, MessageSysFlag } from '../protocol/message-const.ts';
import type { MessageExt } from '../protocol/message.ts';
import { javaHashMapOrder, messageProperties2String } from '../protocol/message-properties.ts';
import { buildExtraInfo, parseExtraInfo } from '../protocol/pop-extra-info.ts';
import { PermName } from '../protocol/constants.ts';
import { createRequest, type RemotingCommand } from '../remoting/command.ts';
import { RemotingConnectError, RemotingSendError, RemotingTimeoutError, ResponseCodeError } from '../remoting/errors.ts';
import { ClientInstance } from '../client/client-instance.ts';
import { resolveClientConfig } from '../client/client-config.ts';
import { MQClientError, NoRouteError } from '../client/errors.ts';
import { decodePopAnswer } from '../client/pop-answer.ts';
import type { Logger } from '../common/log.ts';
import { GrpcStatusError, type V2Code } from './errors.ts';
import { encodeTransactionId, type RemotingDraft, type TransactionRef } from './convert.ts';

export interface BackendOptions {
  namesrvAddr: string | string[];
  logger: Logger;
  /** Timeout of a remoting request to a broker, ms. */
  timeoutMs?: number;
}

export interface SendOutcome { code: V2Code; message: string; messageId: string; transactionId: string; offset: number; recallHandle: string }

export interface GroupSettings { orderly: boolean; retryMaxTimes: number }

export interface PoppedMessage { ext: MessageExt; extraInfo: string; deliveryAttempt: number; topic: string }

const CACHE_MS = 3_000;

/** A broker answer as the 5.x proxy turns it into a v2 code. */
export function codeOfResponse(code: number): V2Code {
  switch (code) {
    case ResponseCode.TOPIC_NOT_EXIST: return 'TOPIC_NOT_FOUND';
    case ResponseCode.MESSAGE_ILLEGAL: return 'MESSAGE_BODY_TOO_LARGE';
    case ResponseCode.NO_PERMISSION: return 'FORBIDDEN';
    case ResponseCode.SYSTEM_BUSY: return 'TOO_MANY_REQUESTS';
    case ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST: return 'CONSUMER_GROUP_NOT_FOUND';
    case ResponseCode.FLUSH_DISK_TIMEOUT: return 'MASTER_PERSISTENCE_TIMEOUT';
    case ResponseCode.FLUSH_SLAVE_TIMEOUT: return 'SLAVE_PERSISTENCE_TIMEOUT';
    case ResponseCode.SLAVE_NOT_AVAILABLE: return 'HA_NOT_AVAILABLE';
    default: return 'INTERNAL_SERVER_ERROR';
  }
}

/** Any failure -> the status the client gets. */
export function statusOfError(err: unknown): { code: V2Code; message: string } {
  if (err instanceof GrpcStatusError) return { code: err.code, message: err.message };
  if (err instanceof ResponseCodeError) return { code: codeOfResponse(err.code), message: err.remark ?? err.message };
  if (err instanceof NoRouteError) return { code: 'TOPIC_NOT_FOUND', message: err.message };
  if (err instanceof RemotingTimeoutError) return { code: 'PROXY_TIMEOUT', message: err.message };
  if (err instanceof RemotingConnectError || err instanceof RemotingSendError) return { code: 'INTERNAL_SERVER_ERROR', message: err.message };
  return { code: 'INTERNAL_SERVER_ERROR', message: err instanceof Error ? err.message : String(err) };
}

export class RemotingBackend {
  readonly instance: ClientInstance;
  readonly timeoutMs: number;
  private readonly log: Logger;
  private readonly topicTypes = new Map<string, { at: number; type: Promise<Map<string, string> | undefined> }>();
  private readonly groupConfigs = new Map<string, { at: number; config: Promise<GroupSettings> }>();
  private rr = 0;

  constructor(opts: BackendOptions) {
    this.log = opts.logger;
    this.timeoutMs = opts.timeoutMs ?? 3_000;
    const config = resolveClientConfig({
      namesrvAddr: opts.namesrvAddr, instanceName: `GRPC_PROXY_${process.pid}_${Date.now()}`, logger: opts.logger.child('proxy-client'),
      mqClientApiTimeout: this.timeoutMs, heartbeatBrokerInterval: 10_000,
    });
    this.instance = ClientInstance.acquire(config);
    // Inside a broker (local mode) requests to it skip the socket; to other processes nothing changes.
    this.instance.remoting.dispatchInProcess = true;
    this.instance.start();
  }

  async close(): Promise<void> {
    await this.instance.release();
  }

  /**
   * The topic's route: fetched from a nameserver on first use, then the cached copy, which the client instance
   * refreshes every pollNameServerInterval (30 s) as the 5.x proxy's route cache does (TOPIC_NOT_FOUND when none knows it).
   */
  async route(topic: string): Promise<TopicRouteData> {
    const cached = this.instance.routes.topicRouteTable.get(topic);
    if (cached) return cached;
    try {
      await this.instance.routes.update(topic);
    } catch (err) {
      if (err instanceof NoRouteError) throw new GrpcStatusError('TOPIC_NOT_FOUND', `topic ${topic} not found`);
      throw err;
    }
    const r = this.instance.routes.topicRouteTable.get(topic);
    if (!r) throw new GrpcStatusError('TOPIC_NOT_FOUND', `topic ${topic} not found`);
    return r;
  }

  masterAddr(brokerName: string): string {
    const addr = this.instance.routes.findBrokerAddressInPublish(brokerName);
    if (!addr) throw new GrpcStatusError('NOT_FOUND', `broker ${brokerName} has no master`);
    return addr;
  }

  /** A readable node of the broker (master first). */
  readAddr(brokerName: string): string {
    const r = this.instance.routes.findBrokerAddressInSubscribe(brokerName, MixAll.MASTER_ID, false);
    if (!r) throw new GrpcStatusError('NOT_FOUND', `broker ${brokerName} is unknown`);
    return r.brokerAddr;
  }

  /** The topic's attributes (GET_TOPIC_CONFIG to one of its masters), cached a few seconds. */
  async topicAttributes(topic: string): Promise<Map<string, string> | undefined> {
    const hit = this.topicTypes.get(topic);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.type;
    const type = (async () => {
      const route = await this.route(topic);
      for (const bd of route.brokerDatas) {
        const addr = bd.brokerAddrs.get(MixAll.MASTER_ID);
        if (!addr) continue;
        const res = await this.instance.remoting.invoke(addr, createRequest(RequestCode.GET_TOPIC_CONFIG, { topic, lo: false }), this.timeoutMs);
        if (res.code === ResponseCode.SUCCESS && res.body) return decodeTopicConfig(res.body).attributes;
        // A broker without GET_TOPIC_CONFIG (4.x) answers REQUEST_CODE_NOT_SUPPORTED: the topic counts as NORMAL.
        if (res.code === ResponseCode.REQUEST_CODE_NOT_SUPPORTED) return undefined;
      }
      return undefined;
    })();
    this.topicTypes.set(topic, { at: Date.now(), type });
    type.catch(() => this.topicTypes.delete(topic));
    return type;
  }

  /** The group's orderly flag and retry count (GET_SUBSCRIPTIONGROUP_CONFIG), cached a few seconds; defaults when unknown. */
  async groupSettings(group: string, brokerName: string): Promise<GroupSettings> {
    const key = `${group}\u0000${brokerName}`;
    const hit = this.groupConfigs.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.config;
    const config = (async (): Promise<GroupSettings> => {
      const res = await this.instance.remoting.invoke(this.masterAddr(brokerName), createRequest(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group }), this.timeoutMs);
      if (res.code !== ResponseCode.SUCCESS || !res.body) return { orderly: false, retryMaxTimes: 16 };
      const c = decodeSubscriptionGroupConfig(res.body);
      return { orderly: c.consumeMessageOrderly === true, retryMaxTimes: c.retryMaxTimes ?? 16 };
    })();
    this.groupConfigs.set(key, { at: Date.now(), config });
    config.catch(() => this.groupConfigs.delete(key));
    return config;
  }

  /**
   * Sends one message as SEND_MESSAGE_V2 to a writable queue: by message group hash for FIFO (one group, one
   * queue), round robin otherwise (SendMessageQueueSelector of the 5.x proxy).
   */
  async send(d: RemotingDraft): Promise<SendOutcome> {
    const route = await this.route(d.topic);
    const queues: Array<{ brokerName: string; queueId: number }> = [];
    for (const q of [...route.queueDatas].sort((a, b) => a.brokerName.localeCompare(b.brokerName))) {
      if (!PermName.isWriteable(q.perm)) continue;
      if (!this.instance.routes.findBrokerAddressInPublish(q.brokerName)) continue;
      for (let i = 0; i < q.writeQueueNums; i++) queues.push({ brokerName: q.brokerName, queueId: i });
    }
    if (queues.length === 0) throw new GrpcStatusError('FORBIDDEN', `topic ${d.topic} has no writable queue`);
    const group = d.properties[MessageConst.PROPERTY_SHARDING_KEY];
    const mq = group !== undefined ? queues[hashCode(group) % queues.length]! : queues[this.rr++ % queues.length]!;
    const addr = this.masterAddr(mq.brokerName);
    let sysFlag = 0;
    if (d.type === 'TRANSACTION') sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
    const header: SendMessageRequestHeader = {
      producerGroup: d.properties[MessageConst.PROPERTY_PRODUCER_GROUP] ?? d.topic,
      topic: d.topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: mq.queueId, sysFlag, bornTimestamp: Date.now(), flag: 0,
      properties: messageProperties2String(javaHashMapOrder({ ...d.properties })), reconsumeTimes: 0, unitMode: false, batch: false,
      bname: mq.brokerName,
    };
    const req = createRequest(RequestCode.SEND_MESSAGE_V2, encodeHeader(sendHeaderV1ToV2(header)), { body: d.body });
    const res = await this.instance.remoting.invoke(addr, req, this.timeoutMs);
    const messageId = d.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX]!;
    if (res.code !== ResponseCode.SUCCESS && res.code !== ResponseCode.FLUSH_DISK_TIMEOUT && res.code !== ResponseCode.FLUSH_SLAVE_TIMEOUT
      && res.code !== ResponseCode.SLAVE_NOT_AVAILABLE) {
      throw new ResponseCodeError(addr, res.code, res.remark, RequestCode.SEND_MESSAGE_V2);
    }
    const h = decodeHeader(SendMessageResponseHeader, res.extFields);
    let transactionId = '';
    if (d.type === 'TRANSACTION') {
      transactionId = encodeTransactionId({
        brokerName: mq.brokerName, commitLogOffset: commitLogOffsetOf(h.msgId), tranStateTableOffset: h.queueOffset,
        brokerTransactionId: h.transactionId ?? messageId, offsetMsgId: h.msgId,
      });
    }
    return {
      code: res.code === ResponseCode.SUCCESS ? 'OK' : codeOfResponse(res.code), message: res.remark ?? 'OK', messageId, transactionId,
      offset: h.queueOffset, recallHandle: h.recallHandle ?? '',
    };
  }

  /** POP_MESSAGE from all queues (queueId -1) of one broker, long polling up to pollTimeMs. */
  async pop(p: { group: string; topic: string; brokerName: string; batchSize: number; invisibleMs: number; pollTimeMs: number; expType: string; exp: string; orderly: boolean }): Promise<PoppedMessage[]> {
    const addr = this.readAddr(p.brokerName);
    const now = Date.now();
    const req = createRequest(RequestCode.POP_MESSAGE, {
      consumerGroup: p.group, topic: p.topic, queueId: -1, maxMsgNums: p.batchSize, invisibleTime: p.invisibleMs, pollTime: p.pollTimeMs,
      bornTime: now, initMode: 0, expType: p.expType, exp: p.exp, order: p.orderly,
    });
    const res = await this.instance.remoting.invoke(addr, req, p.pollTimeMs + this.timeoutMs);
    try {
      return decodePopAnswer(res, addr, p.brokerName, p.orderly).map((r) => ({ ...r, topic: p.topic }));
    } catch (err) {
      if (err instanceof MQClientError) throw new GrpcStatusError('INTERNAL_SERVER_ERROR', err.message);
      throw err;
    }
  }

  async ack(group: string, topic: string, extraInfo: string): Promise<void> {
    const e = parseExtraInfo(extraInfo);
    const addr = this.masterAddr(e.brokerName);
    const res = await this.instance.remoting.invoke(addr, createRequest(RequestCode.ACK_MESSAGE, {
      consumerGroup: group, topic, queueId: e.queueId, extraInfo, offset: e.queueOffset ?? e.ckQueueOffset,
    }), this.timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(addr, res.code, res.remark, RequestCode.ACK_MESSAGE);
  }

  /** CHANGE_MESSAGE_INVISIBLETIME; returns the new extra info (the old one is spent). */
  async changeInvisible(group: string, topic: string, extraInfo: string, invisibleMs: number): Promise<string> {
    const e = parseExtraInfo(extraInfo);
    const addr = this.masterAddr(e.brokerName);
    const offset = e.queueOffset ?? e.ckQueueOffset;
    const res = await this.instance.remoting.invoke(addr, createRequest(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, {
      consumerGroup: group, topic, queueId: e.queueId, extraInfo, offset, invisibleTime: invisibleMs,
    }), this.timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(addr, res.code, res.remark, RequestCode.CHANGE_MESSAGE_INVISIBLETIME);
    const retryTopic = e.retry === '0' ? topic : e.retry === '2' ? `%RETRY%${group}+${topic}` : `%RETRY%${group}_${topic}`;
    return buildExtraInfo({
      ckQueueOffset: offset, popTime: Number(res.extFields?.popTime), invisibleTime: invisibleMs, reviveQid: Number(res.extFields?.reviveQid),
      topic: retryTopic, brokerName: e.brokerName, queueId: e.queueId, queueOffset: offset,
    });
  }

  /** CONSUMER_SEND_MSG_BACK with delay level -1 (straight to %DLQ%group), then the ack, as the 5.x proxy does. */
  async forwardToDeadLetterQueue(group: string, topic: string, extraInfo: string, commitLogOffset: number, messageId: string, maxAttempts: number): Promise<void> {
    const e = parseExtraInfo(extraInfo);
    const addr = this.masterAddr(e.brokerName);
    const res = await this.instance.remoting.invoke(addr, createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
      group, offset: commitLogOffset, delayLevel: -1, originMsgId: messageId, originTopic: topic, unitMode: false,
      maxReconsumeTimes: maxAttempts, bname: e.brokerName,
    }), this.timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(addr, res.code, res.remark, RequestCode.CONSUMER_SEND_MSG_BACK);
    await this.ack(group, topic, extraInfo);
  }

  /** END_TRANSACTION (oneway, as every 5.x client path sends it) to the half message's broker. */
  async endTransaction(topic: string, messageId: string, ref: TransactionRef, commit: boolean, fromCheck: boolean): Promise<void> {
    await this.route(topic).catch(() => undefined);
    const addr = this.masterAddr(ref.brokerName);
    await this.instance.remoting.invokeOneway(addr, createRequest(RequestCode.END_TRANSACTION, {
      producerGroup: topic, tranStateTableOffset: ref.tranStateTableOffset, commitLogOffset: ref.commitLogOffset,
      commitOrRollback: commit ? MessageSysFlag.TRANSACTION_COMMIT_TYPE : MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
      fromTransactionCheck: fromCheck, msgId: messageId, transactionId: ref.brokerTransactionId, bname: ref.brokerName,
    }));
  }

  /** RECALL_MESSAGE (5.x, code 370) to the brokers of the topic until one knows the handle. */
  async recall(topic: string, recallHandle: string): Promise<string> {
    const route = await this.route(topic);
    let last: RemotingCommand | undefined;
    let lastAddr = '';
    for (const bd of route.brokerDatas) {
      const addr = bd.brokerAddrs.get(MixAll.MASTER_ID);
      if (!addr) continue;
      const res = await this.instance.remoting.invoke(addr, createRequest(RequestCode.RECALL_MESSAGE, { topic, recallHandle, bname: bd.brokerName }), this.timeoutMs);
      if (res.code === ResponseCode.SUCCESS) return res.extFields?.msgId ?? '';
      last = res;
      lastAddr = addr;
    }
    if (!last) throw new GrpcStatusError('NOT_FOUND', `topic ${topic} has no master broker`);
    throw new ResponseCodeError(lastAddr, last.code, last.remark, RequestCode.RECALL_MESSAGE);
  }
}

/** Java's String.hashCode, non-negative. */
function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

/** The commit log offset in an offset message id (store host + 8-byte offset, hex). */
function commitLogOffsetOf(offsetMsgId: string): number {
  return Number(BigInt(`0x${offsetMsgId.slice(-16)}`));
}
