// SimpleConsumer: the 5.x consumption model over remoting POP (the shape of Apache RocketMQ 5.x's Java
// SimpleConsumer): subscribe, receive(maxMessageNum, invisibleDuration) pops from all queues of a broker,
// ack(view) and changeInvisibleDuration(view, ms) use the message's receipt (the POP_CK extra info).
import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { encodeBatchAckMessageRequestBody } from '../protocol/bodies/pop.ts';
import { MessageConst } from '../protocol/message-const.ts';
import type { MessageExt } from '../protocol/message.ts';
import { buildExtraInfo, parseExtraInfo } from '../protocol/pop-extra-info.ts';
import { createRequest } from '../remoting/command.ts';
import { ResponseCodeError } from '../remoting/errors.ts';
import { ClientInstance } from './client-instance.ts';
import { decodePopAnswer } from './pop-answer.ts';
import { pickClientOptions, resolveClientConfig, type ClientOptions } from './client-config.ts';
import { ClientConfigError, ClientStateError, NoRouteError } from './errors.ts';
import type { MessageQueue } from '../protocol/bodies/read.ts';
import type { SubscriptionData } from '../protocol/bodies/consumer.ts';
import { buildSubscriptionData, type SubscriptionExpression } from './subscription.ts';

export interface SimpleConsumerOptions extends ClientOptions {
  consumerGroup: string;
  /** topic -> tag expression ("*" or "a || b") or a MessageSelector (`bySql(...)`). */
  subscriptions?: Record<string, SubscriptionExpression>;
  /** Long polling time of a receive that finds nothing, ms (awaitDuration; default 20 s). */
  awaitDuration?: number;
  /** Pop orderly: a queue's messages in order, the queue held by one consumer until they are acked. */
  orderly?: boolean;
  /** ConsumeInitMode for queues the group never consumed: "MIN" (from the start, default) or "MAX" (from the end). */
  initMode?: 'MIN' | 'MAX';
}

/** A received message (5.x MessageView) with its receipt handle. */
export interface MessageView {
  messageId: string;
  topic: string;
  body: Buffer;
  tag?: string;
  keys: string[];
  properties: Record<string, string>;
  /** 1 on first delivery, +1 for each redelivery. */
  deliveryAttempt: number;
  bornTimestamp: number;
  brokerName: string;
  queueId: number;
  queueOffset: number;
  /** The POP receipt (extra info); changes with changeInvisibleDuration. */
  receiptHandle: string;
  /** The stored message. */
  ext: MessageExt;
}

export class SimpleConsumer {
  readonly consumerGroup: string;
  /** topic -> its subscription (a TAG one for a plain expression) */
  private readonly subs = new Map<string, SubscriptionData>();
  private readonly routes = new Map<string, MessageQueue[]>();
  private readonly instance: ClientInstance;
  private readonly awaitDuration: number;
  private readonly orderly: boolean;
  private readonly initMode: number;
  private rr = 0;
  private state: 'created' | 'running' | 'closed' = 'created';

  constructor(opts: SimpleConsumerOptions) {
    if (!opts.consumerGroup) throw new ClientConfigError('consumerGroup', 'option "consumerGroup" is required');
    this.consumerGroup = opts.consumerGroup;
    for (const [t, e] of Object.entries(opts.subscriptions ?? {})) this.subs.set(t, buildSubscriptionData(t, e));
    this.awaitDuration = opts.awaitDuration ?? 20_000;
    this.orderly = opts.orderly ?? false;
    this.initMode = opts.initMode === 'MAX' ? 1 : 0;
    this.instance = ClientInstance.acquire(resolveClientConfig(pickClientOptions(opts)));
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new ClientStateError(`simple consumer ${this.consumerGroup} was already started`);
    const self = this;
    this.instance.registerConsumer({
      group: this.consumerGroup, messageModel: 'CLUSTERING', consumeType: 'CONSUME_POP', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      subscriptions: (): SubscriptionData[] => [...self.subs.values()],
      isSubscribeTopicNeedUpdate: (topic) => !self.routes.has(topic),
      updateTopicSubscribeInfo: (topic, mqs) => void self.routes.set(topic, mqs),
      doRebalance: async () => {},
      persistConsumerOffset: async () => {},
      handleBrokerRequest: async () => undefined,
    });
    this.instance.start();
    this.state = 'running';
    for (const t of this.subs.keys()) await this.refreshRoute(t);
    await this.instance.sendHeartbeatToAllBrokers().catch(() => undefined);
  }

  /** `expression`: "*", tags joined by "||", or a MessageSelector (`bySql(...)`: the broker filters the POPs). */
  async subscribe(topic: string, expression: SubscriptionExpression = '*'): Promise<void> {
    this.subs.set(topic, buildSubscriptionData(topic, expression));
    if (this.state === 'running') await this.refreshRoute(topic);
  }

  unsubscribe(topic: string): void {
    this.subs.delete(topic);
  }

  private async refreshRoute(topic: string): Promise<void> {
    await this.instance.updateTopicRouteInfoFromNameServer(topic);
    if (!this.routes.has(topic)) throw new NoRouteError(topic, `no route for topic ${topic}`);
  }

  private brokerAddr(brokerName: string): string {
    const r = this.instance.routes.findBrokerAddressInSubscribe(brokerName, 0, true);
    if (!r) throw new NoRouteError('', `no master address for broker ${brokerName}`);
    return r.brokerAddr;
  }

  /**
   * Pops up to `maxMessageNum` (1-32) messages, waiting up to awaitDuration when there are none; each stays
   * invisible to other consumers of the group for `invisibleDurationMs` unless acked.
   */
  async receive(maxMessageNum: number, invisibleDurationMs: number): Promise<MessageView[]> {
    if (this.state !== 'running') throw new ClientStateError(`simple consumer ${this.consumerGroup} is not running`);
    if (maxMessageNum < 1 || maxMessageNum > 32) throw new ClientConfigError('maxMessageNum', 'maxMessageNum must be 1-32');
    const topics = [...this.subs.keys()];
    if (topics.length === 0) throw new ClientStateError('no subscription');
    const topic = topics[this.rr % topics.length]!;
    if (!this.routes.has(topic)) await this.refreshRoute(topic);
    const brokers = [...new Set(this.routes.get(topic)!.map((q) => q.brokerName))].sort();
    const brokerName = brokers[this.rr++ % brokers.length]!;
    const addr = this.brokerAddr(brokerName);
    const now = Date.now();
    const req = createRequest(RequestCode.POP_MESSAGE, {
      consumerGroup: this.consumerGroup, topic, queueId: -1, maxMsgNums: maxMessageNum, invisibleTime: invisibleDurationMs,
      pollTime: this.awaitDuration, bornTime: now, initMode: this.initMode,
      expType: this.subs.get(topic)?.expressionType ?? 'TAG', exp: this.subs.get(topic)?.subString ?? '*',
      order: this.orderly,
    });
    const res = await this.instance.remoting.invoke(addr, req, this.awaitDuration + 5_000);
    return decodePopAnswer(res, addr, brokerName, this.orderly).map(({ ext: m, extraInfo: handle, deliveryAttempt }) => {
      const tags = m.properties[MessageConst.PROPERTY_TAGS];
      return {
        messageId: m.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? m.msgId,
        topic, body: m.body, tag: tags, keys: (m.properties[MessageConst.PROPERTY_KEYS] ?? '').split(' ').filter(Boolean),
        properties: m.properties, deliveryAttempt, bornTimestamp: m.bornTimestamp, brokerName,
        queueId: m.queueId, queueOffset: m.queueOffset, receiptHandle: handle, ext: m,
      };
    });
  }

  /** Acknowledges a message: it is not delivered again. */
  async ack(view: MessageView): Promise<void> {
    const extra = parseExtraInfo(view.receiptHandle);
    const addr = this.brokerAddr(extra.brokerName);
    const res = await this.instance.remoting.invoke(addr, createRequest(RequestCode.ACK_MESSAGE, {
      consumerGroup: this.consumerGroup, topic: view.topic, queueId: extra.queueId, extraInfo: view.receiptHandle,
      offset: extra.queueOffset ?? view.queueOffset,
    }), this.instance.config.mqClientApiTimeout);
    if (res.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(addr, res.code, res.remark, RequestCode.ACK_MESSAGE);
  }

  /** Acknowledges several messages of one broker in one BATCH_ACK_MESSAGE per receipt batch. */
  async ackBatch(views: MessageView[]): Promise<void> {
    const byBroker = new Map<string, Map<string, { extra: ReturnType<typeof parseExtraInfo>; topic: string; bits: number[] }>>();
    for (const v of views) {
      const e = parseExtraInfo(v.receiptHandle);
      let b = byBroker.get(e.brokerName);
      if (!b) byBroker.set(e.brokerName, (b = new Map()));
      const k = `${e.retry}@${e.queueId}@${e.ckQueueOffset}@${e.popTime}@${e.reviveQid}`;
      let a = b.get(k);
      if (!a) b.set(k, (a = { extra: e, topic: v.topic, bits: [] }));
      a.bits.push((e.queueOffset ?? v.queueOffset) - e.ckQueueOffset);
    }
    for (const [brokerName, acks] of byBroker) {
      const addr = this.brokerAddr(brokerName);
      const body = encodeBatchAckMessageRequestBody({
        brokerName,
        acks: [...acks.values()].map((a) => ({
          consumerGroup: this.consumerGroup, topic: a.topic, retry: a.extra.retry, startOffset: a.extra.ckQueueOffset,
          queueId: a.extra.queueId, reviveQueueId: a.extra.reviveQid, popTime: a.extra.popTime, invisibleTime: a.extra.invisibleTime,
          bitSet: a.bits,
        })),
      });
      const res = await this.instance.remoting.invoke(addr, createRequest(RequestCode.BATCH_ACK_MESSAGE, undefined, { body }), this.instance.config.mqClientApiTimeout);
      if (res.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(addr, res.code, res.remark, RequestCode.BATCH_ACK_MESSAGE);
    }
  }

  /** Makes a message visible again after `invisibleDurationMs` (0 = now); updates the view's receipt handle. */
  async changeInvisibleDuration(view: MessageView, invisibleDurationMs: number): Promise<void> {
    const extra = parseExtraInfo(view.receiptHandle);
    const addr = this.brokerAddr(extra.brokerName);
    const offset = extra.queueOffset ?? view.queueOffset;
    const res = await this.instance.remoting.invoke(addr, createRequest(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, {
      consumerGroup: this.consumerGroup, topic: view.topic, queueId: extra.queueId, extraInfo: view.receiptHandle, offset,
      invisibleTime: invisibleDurationMs,
    }), this.instance.config.mqClientApiTimeout);
    if (res.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(addr, res.code, res.remark, RequestCode.CHANGE_MESSAGE_INVISIBLETIME);
    const popTime = Number(res.extFields?.popTime);
    const reviveQid = Number(res.extFields?.reviveQid);
    // As the Java client: the new receipt names the message's own offset as its checkpoint offset.
    view.receiptHandle = buildExtraInfo({
      ckQueueOffset: offset, popTime, invisibleTime: invisibleDurationMs, reviveQid,
      topic: extra.retry === '0' ? view.topic : extra.retry === '2' ? `%RETRY%${this.consumerGroup}+${view.topic}` : `%RETRY%${this.consumerGroup}_${view.topic}`,
      brokerName: extra.brokerName, queueId: extra.queueId, queueOffset: offset,
    });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasRunning = this.state === 'running';
    this.state = 'closed';
    if (wasRunning) await this.instance.unregisterConsumer(this.consumerGroup).catch(() => undefined);
    await this.instance.release();
  }
}
