// The client's typed requests to nameservers and brokers (MQClientAPIImpl): one method per request code, exact
// wire headers and bodies, and a ResponseCodeError for any answer the caller cannot use.

import { responseError } from '../auth/refusal.ts';
import { isRetriableResponseCode, RequestCode, ResponseCode } from '../protocol/codes.ts';
import {
  decodeHeader, encodeHeader, sendHeaderV1ToV2, PullMessageResponseHeader, QueryConsumerOffsetResponseHeader,
  SendMessageResponseHeader, GetMaxOffsetResponseHeader, GetMinOffsetResponseHeader, SearchOffsetResponseHeader,
  PullMessageRequestHeader, type HeaderInputOf, type SendMessageRequestHeader,
} from '../protocol/headers.ts';
import { decodeTopicRouteData, type TopicRouteData } from '../protocol/bodies/route.ts';
import {
  decodeConsumerListByGroup, decodeLockBatchResponseBody, encodeCheckClientRequestBody, encodeHeartbeatData,
  encodeLockBatchRequestBody, type HeartbeatData, type LockBatchRequestBody, type SubscriptionData,
} from '../protocol/bodies/consumer.ts';
import type { MessageQueue } from '../protocol/bodies/read.ts';
import { decodeMessages, type MessageExt } from '../protocol/message.ts';
import { createRequest, type HeaderInput, type RemotingCommand } from '../remoting/command.ts';
import type { RemotingClient } from '../remoting/client.ts';
import { RemotingConnectError, RemotingSendError, RemotingTimeoutError, ResponseCodeError } from '../remoting/errors.ts';
import type { Logger } from '../common/log.ts';
import { NoRouteError, OffsetNotFoundError } from './errors.ts';

export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

/** What the broker said about one send. */
export interface SendResult {
  sendStatus: SendStatus;
  /** UNIQ_KEY of the message (for a batch, the ids joined with ","), what consumers see as msgId. */
  msgId: string;
  /** Store host + commit log offset id(s) the broker assigned. */
  offsetMsgId: string;
  messageQueue: MessageQueue;
  queueOffset: number;
  transactionId?: string;
  regionId: string;
  traceOn: boolean;
}

export type PullMessageHeaderInput = HeaderInputOf<typeof PullMessageRequestHeader>;

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export interface PullResult {
  pullStatus: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  suggestWhichBrokerId: number;
  offsetDelta?: number;
  /** Decoded messages when FOUND (not yet tag-filtered). */
  msgFoundList: MessageExt[];
}

const SEND_STATUS_BY_CODE = new Map<number, SendStatus>([
  [ResponseCode.SUCCESS, 'SEND_OK'],
  [ResponseCode.FLUSH_DISK_TIMEOUT, 'FLUSH_DISK_TIMEOUT'],
  [ResponseCode.FLUSH_SLAVE_TIMEOUT, 'FLUSH_SLAVE_TIMEOUT'],
  [ResponseCode.SLAVE_NOT_AVAILABLE, 'SLAVE_NOT_AVAILABLE'],
]);

const PULL_STATUS_BY_CODE = new Map<number, PullStatus>([
  [ResponseCode.SUCCESS, 'FOUND'],
  [ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG'],
  [ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG'],
  [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_ILLEGAL'],
]);

function fail(addr: string, req: RemotingCommand, res: RemotingCommand): never {
  throw responseError(addr, req, res);
}

/** Failures after which another nameserver is worth a try. */
const isTransportError = (err: unknown): boolean =>
  err instanceof RemotingConnectError || err instanceof RemotingTimeoutError || err instanceof RemotingSendError;

export interface SendMessageCall {
  addr: string;
  brokerName: string;
  header: SendMessageRequestHeader;
  body: Buffer;
  batch: boolean;
  timeoutMs: number;
  /** The client-side id(s) reported as msgId. */
  uniqMsgId: string;
}

export class MQClientAPI {
  private nsIndex: number;

  constructor(
    readonly remoting: RemotingClient,
    readonly namesrvAddrs: readonly string[],
    private readonly logger: Logger,
  ) {
    // Like Java, start at a random nameserver and stay with it until it fails.
    this.nsIndex = Math.floor(Math.random() * namesrvAddrs.length);
  }

  /** Sends to the current nameserver; on a transport failure moves on to the next one, trying each once. */
  async invokeNamesrv(req: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    let last: unknown;
    for (let i = 0; i < this.namesrvAddrs.length; i++) {
      const idx = (this.nsIndex + i) % this.namesrvAddrs.length;
      const addr = this.namesrvAddrs[idx]!;
      try {
        const res = await this.remoting.invoke(addr, { ...req }, timeoutMs);
        this.nsIndex = idx;
        return res;
      } catch (err) {
        if (!isTransportError(err)) throw err;
        last = err;
        this.logger.warn('namesrv_unreachable', { addr, code: req.code, error: err });
      }
    }
    throw last;
  }

  /** GET_ROUTEINFO_BY_TOPIC; throws NoRouteError when the nameserver answers TOPIC_NOT_EXIST. */
  async getTopicRouteInfoFromNameServer(topic: string, timeoutMs: number): Promise<TopicRouteData> {
    const req = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
    const res = await this.invokeNamesrv(req, timeoutMs);
    if (res.code === ResponseCode.TOPIC_NOT_EXIST) throw new NoRouteError(topic, `no route info of topic ${topic}: ${res.remark ?? 'TOPIC_NOT_EXIST'}`);
    if (res.code !== ResponseCode.SUCCESS || !res.body) fail('namesrv', req, res);
    return decodeTopicRouteData(res.body);
  }

  /** SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE, answered synchronously. */
  async sendMessage(call: SendMessageCall): Promise<SendResult> {
    const req = this.sendRequest(call);
    const res = await this.remoting.invoke(call.addr, req, call.timeoutMs);
    const sendStatus = SEND_STATUS_BY_CODE.get(res.code);
    if (!sendStatus) fail(call.addr, req, res);
    const h = decodeHeader(SendMessageResponseHeader, res.extFields);
    const ext = res.extFields ?? {};
    return {
      sendStatus,
      msgId: call.uniqMsgId,
      offsetMsgId: h.msgId,
      messageQueue: { topic: call.header.topic, brokerName: call.brokerName, queueId: h.queueId },
      queueOffset: h.queueOffset,
      transactionId: h.transactionId,
      regionId: ext.MSG_REGION || 'DefaultRegion',
      traceOn: ext.TRACE_ON !== 'false',
    };
  }

  sendMessageOneway(call: SendMessageCall): Promise<void> {
    return this.remoting.invokeOneway(call.addr, this.sendRequest(call));
  }

  private sendRequest(call: SendMessageCall): RemotingCommand {
    const v2 = sendHeaderV1ToV2(call.header);
    return createRequest(call.batch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2, encodeHeader(v2), { body: call.body });
  }

  /** PULL_MESSAGE; the broker may hold it up to suspendTimeoutMillis, so `timeoutMs` must be longer. */
  async pullMessage(addr: string, header: PullMessageHeaderInput, timeoutMs: number): Promise<PullResult> {
    const req = createRequest(RequestCode.PULL_MESSAGE, encodeHeader(header, PullMessageRequestHeader));
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    const pullStatus = PULL_STATUS_BY_CODE.get(res.code);
    if (!pullStatus) fail(addr, req, res);
    const h = decodeHeader(PullMessageResponseHeader, res.extFields);
    return {
      pullStatus,
      nextBeginOffset: h.nextBeginOffset,
      minOffset: h.minOffset,
      maxOffset: h.maxOffset,
      suggestWhichBrokerId: h.suggestWhichBrokerId,
      offsetDelta: h.offsetDelta,
      msgFoundList: pullStatus === 'FOUND' && res.body && res.body.length > 0 ? decodeMessages(res.body, { copyBody: false }) : [],
    };
  }

  /** QUERY_CONSUMER_OFFSET; OffsetNotFoundError when the broker has none (QUERY_NOT_FOUND). */
  async queryConsumerOffset(addr: string, h: { consumerGroup: string; topic: string; queueId: number; bname?: string }, timeoutMs: number): Promise<number> {
    const req = createRequest(RequestCode.QUERY_CONSUMER_OFFSET, h);
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code === ResponseCode.QUERY_NOT_FOUND) {
      throw new OffsetNotFoundError(`${addr} has no offset of ${h.consumerGroup} for ${h.topic}:${h.queueId}`);
    }
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
    return decodeHeader(QueryConsumerOffsetResponseHeader, res.extFields).offset;
  }

  /** UPDATE_CONSUMER_OFFSET; RemoteBrokerOffsetStore sends it oneway. */
  async updateConsumerOffset(
    addr: string,
    h: { consumerGroup: string; topic: string; queueId: number; commitOffset: number; bname?: string },
    oneway: boolean,
    timeoutMs: number,
  ): Promise<void> {
    const req = createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, h);
    if (oneway) return this.remoting.invokeOneway(addr, req);
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
  }

  async getConsumerIdListByGroup(addr: string, consumerGroup: string, timeoutMs: number): Promise<string[]> {
    const req = createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup });
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS || !res.body) fail(addr, req, res);
    return decodeConsumerListByGroup(res.body).consumerIdList;
  }

  /** HEART_BEAT; resolves with the broker's remoting version. */
  async sendHeartbeat(addr: string, data: HeartbeatData, timeoutMs: number): Promise<number> {
    const req = createRequest(RequestCode.HEART_BEAT, undefined, { body: encodeHeartbeatData(data) });
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
    return res.version;
  }

  /** CHECK_CLIENT_CONFIG: whether the broker takes this (non-TAG) subscription; a refusal throws ResponseCodeError. */
  async checkClientInBroker(addr: string, group: string, clientId: string, subscriptionData: SubscriptionData, timeoutMs: number): Promise<void> {
    const req = createRequest(RequestCode.CHECK_CLIENT_CONFIG, undefined, {
      body: encodeCheckClientRequestBody({ clientId, group, subscriptionData }),
    });
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
  }

  async unregisterClient(addr: string, h: { clientID: string; producerGroup?: string; consumerGroup?: string }, timeoutMs: number): Promise<void> {
    const req = createRequest(RequestCode.UNREGISTER_CLIENT, h);
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
  }

  /** CONSUMER_SEND_MSG_BACK: the broker re-stores the message in %RETRY%group (or the DLQ) with a delay. */
  async consumerSendMessageBack(
    addr: string,
    h: { group: string; offset: number; delayLevel: number; originMsgId: string; originTopic: string; maxReconsumeTimes: number; bname?: string },
    timeoutMs: number,
  ): Promise<void> {
    const header: HeaderInput = { ...h, unitMode: false };
    const req = createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, header);
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
  }

  /** LOCK_BATCH_MQ; resolves with the queues the broker locked for us. */
  async lockBatchMQ(addr: string, body: LockBatchRequestBody, timeoutMs: number): Promise<MessageQueue[]> {
    const req = createRequest(RequestCode.LOCK_BATCH_MQ, undefined, { body: encodeLockBatchRequestBody(body) });
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS || !res.body) fail(addr, req, res);
    return decodeLockBatchResponseBody(res.body).lockOKMQSet;
  }

  async unlockBatchMQ(addr: string, body: LockBatchRequestBody, timeoutMs: number, oneway: boolean): Promise<void> {
    const req = createRequest(RequestCode.UNLOCK_BATCH_MQ, undefined, { body: encodeLockBatchRequestBody(body) });
    if (oneway) return this.remoting.invokeOneway(addr, req);
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
  }

  async getMaxOffset(addr: string, mq: MessageQueue, timeoutMs: number): Promise<number> {
    const req = createRequest(RequestCode.GET_MAX_OFFSET, { topic: mq.topic, queueId: mq.queueId, bname: mq.brokerName });
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
    return decodeHeader(GetMaxOffsetResponseHeader, res.extFields).offset;
  }

  async getMinOffset(addr: string, mq: MessageQueue, timeoutMs: number): Promise<number> {
    const req = createRequest(RequestCode.GET_MIN_OFFSET, { topic: mq.topic, queueId: mq.queueId, bname: mq.brokerName });
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
    return decodeHeader(GetMinOffsetResponseHeader, res.extFields).offset;
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP: the first offset stored at or after `timestamp`. */
  async searchOffset(addr: string, mq: MessageQueue, timestamp: number, timeoutMs: number): Promise<number> {
    const req = createRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { topic: mq.topic, queueId: mq.queueId, timestamp, bname: mq.brokerName });
    const res = await this.remoting.invoke(addr, req, timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) fail(addr, req, res);
    return decodeHeader(SearchOffsetResponseHeader, res.extFields).offset;
  }
}
