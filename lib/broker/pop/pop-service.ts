// The broker's POP service: state + long polling, and the handlers of ACK_MESSAGE (200051), BATCH_ACK_MESSAGE
// (200151), CHANGE_MESSAGE_INVISIBLETIME (200053), NOTIFICATION (200054) and POLLING_INFO (200055).
import { ResponseCode } from '../../protocol/codes.ts';
import { decodeBatchAckMessageRequestBody } from '../../protocol/bodies/pop.ts';
import {
  AckMessageRequestHeader, ChangeInvisibleTimeRequestHeader, NotificationRequestHeader, PollingInfoRequestHeader,
} from '../../protocol/headers/pop.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { ExtraInfoError, POP_ORDER_REVIVE_QUEUE, parseExtraInfo, realTopic } from '../../protocol/pop-extra-info.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { BrokerContext } from '../context.ts';
import { processPop } from './pop-message.ts';
import { PopState } from './pop-state.ts';
import { PopPolling, type HeldPop } from './polling.ts';
import { popConfig } from './config.ts';

export class PopService {
  readonly state: PopState;
  readonly polling: PopPolling;
  /** group -> topic -> counters for the console (pops, acks, revived). */
  private readonly counters = new Map<string, Map<string, { popped: number; acked: number }>>();

  constructor(private readonly ctx: BrokerContext) {
    this.state = new PopState(ctx, (topic) => this.polling.notify(topic));
    this.polling = new PopPolling((held, expired) => this.rerun(held, expired));
  }

  async start(): Promise<void> {
    const r = await this.state.replay();
    this.ctx.log.info('pop_state_replayed', { topic: this.state.reviveTopic, checkPoints: r.checkPoints, acks: r.acks });
    this.state.start();
  }

  stop(): void {
    this.state.stop();
    this.polling.stop();
  }

  /** Messages reached a queue: wake pops held on that topic (or on the topic a retry topic retries). */
  onArriving(topic: string): void {
    this.polling.notify(this.state.retryToTopic.get(topic) ?? topic);
  }

  countPop(group: string, topic: string, n: number): void {
    this.counter(group, topic).popped += n;
  }

  private counter(group: string, topic: string): { popped: number; acked: number } {
    let g = this.counters.get(group);
    if (!g) this.counters.set(group, (g = new Map()));
    let c = g.get(topic);
    if (!c) g.set(topic, (c = { popped: 0, acked: 0 }));
    return c;
  }

  /** Popped, acked and in-flight counts of a group per topic. */
  groupStats(group: string): Array<{ topic: string; popped: number; acked: number; inflight: number }> {
    const inflight = this.state.inflightOf(group);
    const topics = new Set([...inflight.keys(), ...(this.counters.get(group)?.keys() ?? [])]);
    return [...topics].map((topic) => ({
      topic, popped: this.counters.get(group)?.get(topic)?.popped ?? 0, acked: this.counters.get(group)?.get(topic)?.acked ?? 0,
      inflight: inflight.get(topic) ?? 0,
    }));
  }

  private rerun(held: HeldPop, expired: boolean): void {
    const run = held.req.code === 200054 ? this.processNotification(held.req, held.conn, held.expireAt, expired)
      : processPop(this, this.ctx, held.req, held.conn, expired ? 0 : held.expireAt);
    run.then(
      (res) => {
        if (res && !held.conn.closed) held.conn.send(res);
      },
      (err: unknown) => {
        this.ctx.log.error('held_pop_failed', { remoteAddr: held.conn.remoteAddr, error: err });
        if (!held.conn.closed) held.conn.send(createResponse(held.req, ResponseCode.SYSTEM_ERROR, (err as Error).message));
      },
    );
  }

  handlePop = (ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand | undefined> =>
    processPop(this, ctx, req, conn);

  handleAck = async (_ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> => {
    const h = decodeHeader(AckMessageRequestHeader, req.extFields);
    const extra = receiptOf(h.extraInfo);
    if (typeof extra === 'string') return createResponse(req, ResponseCode.SYSTEM_ERROR, extra);
    const topic = realTopic(h.topic, h.consumerGroup, extra.retry);
    await this.ackOne(h.consumerGroup, topic, h.topic, h.queueId, extra.ckQueueOffset, extra.popTime, extra.reviveQid, [h.offset]);
    return createResponse(req, ResponseCode.SUCCESS);
  };

  handleBatchAck = async (_ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> => {
    const body = decodeBatchAckMessageRequestBody(req.body);
    for (const a of body.acks) {
      const topic = realTopic(a.topic, a.consumerGroup, a.retry);
      await this.ackOne(a.consumerGroup, topic, a.topic, a.queueId, a.startOffset, a.popTime, a.reviveQueueId, a.bitSet.map((b) => a.startOffset + b));
    }
    return createResponse(req, ResponseCode.SUCCESS);
  };

  private async ackOne(group: string, topic: string, normalTopic: string, queueId: number, startOffset: number, popTime: number, reviveQid: number, offsets: number[]): Promise<void> {
    if (reviveQid === POP_ORDER_REVIVE_QUEUE) {
      let unlocked = false;
      for (const o of offsets) unlocked = this.state.orderAck(topic, group, queueId, o) || unlocked;
      this.counter(group, normalTopic).acked += offsets.length;
      this.ctx.stats.incGroupAck(group, normalTopic, offsets.length);
      if (unlocked) this.polling.notify(normalTopic);
      return;
    }
    const ck = this.state.findCheckPoint(group, topic, queueId, startOffset, popTime);
    if (!ck) return; // already revived or acked: 5.x answers SUCCESS too
    const n = await this.state.ack(ck, offsets);
    this.counter(group, normalTopic).acked += n;
    if (n > 0) this.ctx.stats.incGroupAck(group, normalTopic, n);
  }

  handleChangeInvisibleTime = async (_ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> => {
    const h = decodeHeader(ChangeInvisibleTimeRequestHeader, req.extFields);
    const extra = receiptOf(h.extraInfo);
    if (typeof extra === 'string') return createResponse(req, ResponseCode.SYSTEM_ERROR, extra);
    const topic = realTopic(h.topic, h.consumerGroup, extra.retry);
    let now = Date.now();
    // A checkpoint is known by (group, topic, queue, start offset, pop time): a change in the same millisecond as the
    // pop of a one-message receipt must not reuse the old checkpoint's key.
    while (this.state.findCheckPoint(h.consumerGroup, topic, h.queueId, h.offset, now)) now++;
    if (extra.reviveQid === POP_ORDER_REVIVE_QUEUE) {
      this.state.orderChangeInvisible(topic, h.consumerGroup, h.queueId, h.offset, h.invisibleTime, now);
      return createResponse(req, ResponseCode.SUCCESS, undefined, { popTime: now, invisibleTime: h.invisibleTime, reviveQid: POP_ORDER_REVIVE_QUEUE });
    }
    // As 5.x: a new one-message checkpoint from now in the receipt's revive queue, then the old receipt is acked.
    const reviveQid = extra.reviveQid;
    await this.state.addCheckPoint({
      startOffset: h.offset, popTime: now, invisibleTime: h.invisibleTime, queueId: h.queueId, topic, group: h.consumerGroup,
      brokerName: this.ctx.config().brokerName, offsets: [h.offset],
    }, reviveQid);
    const old = this.state.findCheckPoint(h.consumerGroup, topic, h.queueId, extra.ckQueueOffset, extra.popTime);
    if (old) await this.state.ack(old, [h.offset]);
    return createResponse(req, ResponseCode.SUCCESS, undefined, { popTime: now, invisibleTime: h.invisibleTime, reviveQid });
  };

  handleNotification = (_ctx: BrokerContext, req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand | undefined> => {
    const h = decodeHeader(NotificationRequestHeader, req.extFields);
    return this.processNotification(req, conn, h.bornTime + h.pollTime, false);
  };

  /** NOTIFICATION: answers hasMsg=true as soon as the group could pop something from the topic (or its retry topic). */
  private async processNotification(req: RemotingCommand, conn: RemotingConnection, expireAt: number, expired: boolean): Promise<RemotingCommand | undefined> {
    const h = decodeHeader(NotificationRequestHeader, req.extFields);
    const tc = this.ctx.topics.selectTopicConfig(h.topic);
    if (!tc) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
    const has = this.hasMessage(h.topic, h.consumerGroup, h.queueId, h.order);
    if (has || expired || Date.now() >= expireAt) return createResponse(req, ResponseCode.SUCCESS, undefined, { hasMsg: has, pollingFull: false });
    if (this.polling.hold(h.topic, h.consumerGroup, { req, conn, expireAt }, popConfig(this.ctx.config()).popPollingSize)) return undefined;
    return createResponse(req, ResponseCode.SUCCESS, undefined, { hasMsg: false, pollingFull: true });
  }

  private hasMessage(topic: string, group: string, queueId: number, order: boolean): boolean {
    const check = (t: string, q: number): boolean => {
      if (order && this.state.orderBlocked(t, group, q, Date.now())) return false;
      return this.ctx.store.getMaxOffsetInQueue(t, q) > this.state.popOffset(t, group, q, 1);
    };
    const tc = this.ctx.topics.selectTopicConfig(topic);
    const queues = queueId >= 0 ? [queueId] : Array.from({ length: tc?.readQueueNums ?? 0 }, (_, i) => i);
    if (queues.some((q) => check(topic, q))) return true;
    const retry = this.state.retryTopicOf(topic, group);
    const rtc = this.ctx.topics.selectTopicConfig(retry);
    return !order && !!rtc && Array.from({ length: rtc.readQueueNums }, (_, i) => i).some((q) => check(retry, q));
  }

  handlePollingInfo = (_ctx: BrokerContext, req: RemotingCommand): RemotingCommand => {
    const h = decodeHeader(PollingInfoRequestHeader, req.extFields);
    if (!this.ctx.topics.selectTopicConfig(h.topic)) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
    return createResponse(req, ResponseCode.SUCCESS, undefined, { pollingNum: this.polling.count(h.topic) });
  };
}

/** A receipt's parsed extra info, or why it does not parse: 5.x answers such a receipt with SYSTEM_ERROR (its
 * IllegalArgumentException). */
function receiptOf(extraInfo: string): ReturnType<typeof parseExtraInfo> | string {
  try {
    return parseExtraInfo(extraInfo);
  } catch (err) {
    if (err instanceof ExtraInfoError) return err.message;
    throw err;
  }
}
