// In-memory POP state of a broker (5.x's PopBufferMergeService + ConsumerOrderInfoManager, reduced): pop offsets,
// outstanding checkpoints with their acked bits, orderly queue locks, and the revive of unacked messages. Every
// change is first written to the revive log (revive-log.ts); `replay` rebuilds this state from it after a restart.
import { RocketDeckError } from '../../common/errors.ts';
import { totalmem } from 'node:os';
import { PermName, getDLQTopic } from '../../protocol/constants.ts';
import { decodeMessage } from '../../protocol/message-codec.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { messageProperties2String } from '../../protocol/message-properties.ts';
import { normalTopicOf, popRetryTopicV1, popRetryTopicV2 } from '../../protocol/pop-extra-info.ts';
import type { BrokerContext } from '../context.ts';
import { putInternal } from '../put-message.ts';
import { popConfig } from './config.ts';
import { MinHeap } from './min-heap.ts';
import {
  ACK_TAG, BATCH_ACK_TAG, CK_TAG, REVIVE_GROUP, decodeAck, decodeCheckPoint, encodeAck, encodeCheckPoint, reviveMessage,
  reviveTopicOf, type CheckPointRecord,
} from './revive-log.ts';

export interface CheckPoint extends CheckPointRecord {
  reviveQid: number;
  /** Queue offset of the ck record in its revive queue. */
  logOffset: number;
  acked: Set<number>;
  done: boolean;
}

/** A batch popped orderly from one queue: the queue stays locked to it until all are acked or it expires. */
interface OrderBatch {
  offsets: number[];
  acked: Set<number>;
  popTime: number;
  invisibleTime: number;
  nextOffset: number;
}

interface OrderQueue {
  batch?: OrderBatch;
  /** Times each offset was handed out (the orderCountInfo / reconsume times of an orderly message). */
  counts: Map<number, number>;
}

export const ckKey = (group: string, topic: string, queueId: number, startOffset: number, popTime: number): string =>
  `${group}@${topic}@${queueId}@${startOffset}@${popTime}`;
const queueKey = (topic: string, group: string, queueId: number): string => `${topic}@${group}@${queueId}`;

/** Ack or change of a receipt whose message this broker does not hold in flight any more. */
export class PopStateError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'PopStateError';
  }
}

export class PopState {
  private readonly cks = new Map<string, CheckPoint>();
  private readonly reviveHeap = new MinHeap<CheckPoint>();
  /** Per revive queue: checkpoints in log order (the head bounds where a replay must start). */
  private readonly logOrder: CheckPoint[][] = [];
  private readonly logHead: number[] = [];
  private readonly busy = new Set<string>();
  private readonly order = new Map<string, OrderQueue>();
  /** retry topic -> the topic it retries (to wake pops held on the topic when a retry message arrives). */
  readonly retryToTopic = new Map<string, string>();
  /** group -> topic -> messages popped, not acked. */
  private readonly inflight = new Map<string, Map<string, number>>();
  /** "group@topic@queueId" -> messages popped, not acked. */
  private readonly inflightQueues = new Map<string, number>();
  private ckCounter = 0;
  private reviving = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly onRevived: (topic: string) => void,
  ) {}

  get reviveTopic(): string {
    return reviveTopicOf(this.ctx.config().brokerClusterName);
  }

  private get reviveQueueNum(): number {
    return popConfig(this.ctx.config()).reviveQueueNum;
  }

  retryTopicOf(topic: string, group: string): string {
    const t = popConfig(this.ctx.config()).enableRetryTopicV2 ? popRetryTopicV2(topic, group) : popRetryTopicV1(topic, group);
    this.retryToTopic.set(t, topic);
    return t;
  }

  nextReviveQid(): number {
    return this.ckCounter++ % this.reviveQueueNum;
  }

  // ---- pop offsets -------------------------------------------------------------------------------------------

  /**
   * Where the next pop of (topic, group, queue) reads: the consumer offset (5.x commits the pop progress, so an
   * operator's offset reset is honoured), or the queue's start by initMode for a queue the group never read.
   */
  popOffset(topic: string, group: string, queueId: number, initMode: number): number {
    let off = this.ctx.offsets.queryOffset(group, topic, queueId);
    if (off < 0) {
      // ConsumeInitMode MIN = 0, MAX = 1; retry topics always from their start.
      if (initMode === 0 || topic.startsWith('%RETRY%') || this.firstMessageInMemory(topic, queueId)) off = this.ctx.store.getMinOffsetInQueue(topic, queueId);
      else off = Math.max(0, this.ctx.store.getMaxOffsetInQueue(topic, queueId) - 1);
      this.ctx.offsets.commitOffset('PopInit', group, topic, queueId, off);
    }
    return off;
  }

  /**
   * 5.x's initPopOffsetByCheckMsgInMem (default true): a group new to a queue that was never truncated starts at
   * offset 0, not at the end, while the queue's first message is still in memory (within 40 % of the machine's
   * memory from the commit log's end, as accessMessageInMemoryMaxRatio).
   */
  private firstMessageInMemory(topic: string, queueId: number): boolean {
    if (this.ctx.store.getMinOffsetInQueue(topic, queueId) > 0 || this.ctx.store.getMaxOffsetInQueue(topic, queueId) <= 0) return false;
    const first = this.ctx.store.getCommitLogOffsetInQueue(topic, queueId, 0);
    if (first < 0) return false;
    return this.ctx.store.runtimeStats().commitLogMaxOffset - first < totalmem() * 0.4;
  }

  /** Moves the pop offset (the consumer offset) forward. */
  advance(topic: string, group: string, queueId: number, next: number): void {
    if (this.ctx.offsets.queryOffset(group, topic, queueId) >= next) return;
    this.ctx.offsets.commitOffset('Pop', group, topic, queueId, next);
  }

  /** A queue being read by one pop is skipped by the others (5.x QueueLockManager.tryLock). */
  tryLock(topic: string, group: string, queueId: number): boolean {
    const k = queueKey(topic, group, queueId);
    if (this.busy.has(k)) return false;
    this.busy.add(k);
    return true;
  }

  unlock(topic: string, group: string, queueId: number): void {
    this.busy.delete(queueKey(topic, group, queueId));
  }

  // ---- checkpoints -------------------------------------------------------------------------------------------

  /** Writes a checkpoint to the revive log, then tracks it. */
  async addCheckPoint(rec: CheckPointRecord, reviveQid: number): Promise<CheckPoint> {
    const host = this.ctx.storeHost();
    this.ensureReviveTopic();
    const r = await this.ctx.store.putMessage(reviveMessage(this.reviveTopic, reviveQid, CK_TAG, encodeCheckPoint(rec), host));
    if (!r.appendResult) throw new PopStateError(`revive log write failed: ${r.status}`);
    const ck: CheckPoint = { ...rec, reviveQid, logOffset: r.appendResult.logicsOffset, acked: new Set(), done: false };
    this.track(ck);
    return ck;
  }

  private track(ck: CheckPoint): void {
    const key = ckKey(ck.group, ck.topic, ck.queueId, ck.startOffset, ck.popTime);
    if (this.cks.has(key)) return;
    this.cks.set(key, ck);
    this.reviveHeap.push(ck.popTime + ck.invisibleTime, ck);
    // In log order: concurrent pops may finish their checkpoint writes out of order.
    const list = (this.logOrder[ck.reviveQid] ??= []);
    let i = list.length;
    while (i > 0 && list[i - 1]!.logOffset > ck.logOffset) i--;
    list.splice(i, 0, ck);
    if (i < (this.logHead[ck.reviveQid] ?? 0)) this.logHead[ck.reviveQid] = i;
    this.logHead[ck.reviveQid] ??= 0;
    this.addInflight(ck.group, ck.topic, ck.queueId, ck.offsets.length - ck.acked.size);
  }

  private addInflight(group: string, topic: string, queueId: number, n: number): void {
    let g = this.inflight.get(group);
    if (!g) this.inflight.set(group, (g = new Map()));
    g.set(topic, Math.max(0, (g.get(topic) ?? 0) + n));
    const k = `${group}@${topic}@${queueId}`;
    const q = Math.max(0, (this.inflightQueues.get(k) ?? 0) + n);
    if (q > 0) this.inflightQueues.set(k, q);
    else this.inflightQueues.delete(k);
  }

  /** Messages of one queue popped by a group and not acked yet (orderly batches included). */
  inflightOfQueue(group: string, topic: string, queueId: number): number {
    const b = this.order.get(queueKey(topic, group, queueId))?.batch;
    const order = b ? b.offsets.length - b.acked.size : 0;
    return (this.inflightQueues.get(`${group}@${topic}@${queueId}`) ?? 0) + order;
  }

  /** Messages popped and not yet acked, by topic (retry topics included), for a group. */
  inflightOf(group: string): Map<string, number> {
    return new Map(this.inflight.get(group) ?? []);
  }

  findCheckPoint(group: string, topic: string, queueId: number, startOffset: number, popTime: number): CheckPoint | undefined {
    return this.cks.get(ckKey(group, topic, queueId, startOffset, popTime));
  }

  /** Acks offsets of a checkpoint: writes the ack record, then marks them. Offsets not outstanding are skipped. */
  async ack(ck: CheckPoint, offsets: number[]): Promise<number> {
    const todo = offsets.filter((o) => !ck.done && !ck.acked.has(o) && ck.offsets.includes(o));
    if (todo.length === 0) return 0;
    const host = this.ctx.storeHost();
    const body = encodeAck({
      startOffset: ck.startOffset, popTime: ck.popTime, queueId: ck.queueId, topic: ck.topic, group: ck.group,
      brokerName: ck.brokerName, ackOffsets: todo,
    });
    const r = await this.ctx.store.putMessage(reviveMessage(this.reviveTopic, ck.reviveQid, todo.length === 1 ? ACK_TAG : BATCH_ACK_TAG, body, host));
    if (!r.appendResult) throw new PopStateError(`revive log write failed: ${r.status}`);
    this.markAcked(ck, todo);
    return todo.length;
  }

  private markAcked(ck: CheckPoint, offsets: number[]): void {
    let n = 0;
    for (const o of offsets) {
      if (ck.done || ck.acked.has(o) || !ck.offsets.includes(o)) continue;
      ck.acked.add(o);
      n++;
    }
    this.addInflight(ck.group, ck.topic, ck.queueId, -n);
    if (ck.acked.size >= ck.offsets.length) this.finish(ck);
  }

  private finish(ck: CheckPoint): void {
    if (ck.done) return;
    ck.done = true;
    this.cks.delete(ckKey(ck.group, ck.topic, ck.queueId, ck.startOffset, ck.popTime));
    this.advanceReviveOffset(ck.reviveQid);
  }

  /** The revive group's offset on a revive queue: no outstanding checkpoint lies before it. */
  private advanceReviveOffset(qid: number): void {
    const list = this.logOrder[qid];
    // Nothing tracked (all spliced away): the offset committed last still holds.
    if (!list || list.length === 0) return;
    let h = this.logHead[qid] ?? 0;
    while (h < list.length && list[h]!.done) h++;
    const next = h < list.length ? list[h]!.logOffset : list[list.length - 1]!.logOffset + 1;
    // Keep the last checkpoint even when done: the next offset is computed from it (never from the revive queue's
    // end, which may already hold a checkpoint being written and not tracked yet).
    if (h > 4096) {
      const drop = Math.min(h, list.length - 1);
      list.splice(0, drop);
      h -= drop;
    }
    this.logHead[qid] = h;
    this.ctx.offsets.commitOffset('PopRevive', REVIVE_GROUP, this.reviveTopic, qid, next);
  }

  private ensureReviveTopic(): void {
    const r = this.ctx.topics.createTopicInSendMessageBackMethod(this.reviveTopic, this.reviveQueueNum, PermName.PERM_READ | PermName.PERM_WRITE, 0);
    if (r.created) this.ctx.registerBrokerAll();
  }

  // ---- orderly -----------------------------------------------------------------------------------------------

  /** An orderly queue is blocked while its last batch has unacked messages and is still invisible. */
  orderBlocked(topic: string, group: string, queueId: number, now: number): boolean {
    const b = this.order.get(queueKey(topic, group, queueId))?.batch;
    return !!b && b.acked.size < b.offsets.length && now < b.popTime + b.invisibleTime;
  }

  /** Offsets of an expired batch that were acked: not handed out again. */
  orderAckedBefore(topic: string, group: string, queueId: number): Set<number> {
    return new Set(this.order.get(queueKey(topic, group, queueId))?.batch?.acked ?? []);
  }

  /** Records an orderly pop; returns how many times each offset was handed out before. */
  orderPopped(topic: string, group: string, queueId: number, offsets: number[], acked: Set<number>, popTime: number, invisibleTime: number, nextOffset: number): number[] {
    const k = queueKey(topic, group, queueId);
    let q = this.order.get(k);
    if (!q) this.order.set(k, (q = { counts: new Map() }));
    const all = [...offsets, ...acked].sort((a, b) => a - b);
    q.batch = { offsets: all, acked: new Set(acked), popTime, invisibleTime, nextOffset };
    return offsets.map((o) => {
      const c = q.counts.get(o) ?? 0;
      q.counts.set(o, c + 1);
      return c;
    });
  }

  /** Acks an orderly message; when its batch is complete the consumer offset moves past it and the queue unlocks. */
  orderAck(topic: string, group: string, queueId: number, offset: number): boolean {
    const k = queueKey(topic, group, queueId);
    const q = this.order.get(k);
    const b = q?.batch;
    if (!q || !b || !b.offsets.includes(offset)) return false;
    b.acked.add(offset);
    if (b.acked.size >= b.offsets.length) {
      q.batch = undefined;
      for (const o of b.offsets) q.counts.delete(o);
      this.ctx.offsets.commitOffset('PopOrder', group, topic, queueId, b.nextOffset);
      return true;
    }
    return false;
  }

  orderChangeInvisible(topic: string, group: string, queueId: number, offset: number, invisibleTime: number, now: number): boolean {
    const b = this.order.get(queueKey(topic, group, queueId))?.batch;
    if (!b || !b.offsets.includes(offset)) return false;
    b.popTime = now;
    b.invisibleTime = invisibleTime;
    return true;
  }

  /** Orderly pops read from the committed offset: unacked messages come again in order. */
  orderOffset(topic: string, group: string, queueId: number, initMode: number): number {
    const off = this.ctx.offsets.queryOffset(group, topic, queueId);
    if (off >= 0) return off;
    return this.popOffset(topic, group, queueId, initMode);
  }

  // ---- revive ------------------------------------------------------------------------------------------------

  start(intervalMs = 100): void {
    this.timer = setInterval(() => void this.reviveDue(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Puts the unacked messages of every expired checkpoint into the group's retry topic (or its DLQ). */
  async reviveDue(now = Date.now()): Promise<void> {
    if (this.reviving) return;
    this.reviving = true;
    try {
      while ((this.reviveHeap.peekKey() ?? Infinity) <= now) {
        const ck = this.reviveHeap.pop()!;
        if (ck.done) continue;
        try {
          await this.revive(ck);
        } catch (err) {
          // Tried again in a second: a checkpoint is never dropped without its messages put back.
          this.ctx.log.error('pop_revive_failed', { topic: ck.topic, group: ck.group, queueId: ck.queueId, startOffset: ck.startOffset, error: err });
          this.reviveHeap.push(Date.now() + 1000, ck);
          break;
        }
      }
    } finally {
      this.reviving = false;
    }
  }

  private async revive(ck: CheckPoint): Promise<void> {
    const todo = ck.offsets.filter((o) => !ck.acked.has(o));
    const sg = this.ctx.groups.findSubscriptionGroupConfig(ck.group);
    const maxTimes = sg?.retryMaxTimes ?? 16;
    const normalTopic = normalTopicOf(ck.topic, ck.group);
    for (const offset of todo) {
      const r = await this.ctx.store.getMessage(ck.group, ck.topic, ck.queueId, offset, 1);
      const buf = r.buffers[0];
      if (!buf || r.queueOffsets[0] !== offset) {
        this.ctx.log.warn('pop_revive_message_missing', { topic: ck.topic, queueId: ck.queueId, offset, status: r.status });
        continue;
      }
      const m = decodeMessage(buf);
      const props = { ...m.properties };
      delete props[MessageConst.PROPERTY_POP_CK];
      if (m.reconsumeTimes === 0 || !props[MessageConst.PROPERTY_FIRST_POP_TIME]) props[MessageConst.PROPERTY_FIRST_POP_TIME] = String(ck.popTime);
      let topic: string;
      let queueId = 0;
      if (m.reconsumeTimes >= maxTimes) {
        topic = getDLQTopic(ck.group);
        props[MessageConst.PROPERTY_ORIGIN_MESSAGE_ID] ??= props[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? m.msgId;
        props[MessageConst.PROPERTY_RETRY_TOPIC] ??= normalTopic;
        this.ctx.log.info('pop_message_to_dlq', { group: ck.group, topic: normalTopic, msgId: m.msgId, reconsumeTimes: m.reconsumeTimes });
      } else {
        topic = ck.topic.startsWith('%RETRY%') ? ck.topic : this.retryTopicOf(ck.topic, ck.group);
        queueId = 0;
      }
      const c = this.ctx.topics.createTopicInSendMessageBackMethod(topic, 1, PermName.PERM_READ | PermName.PERM_WRITE, 0);
      if (c.created) this.ctx.registerBrokerAll();
      const put = await putInternal(this.ctx, {
        topic, queueId, flag: m.flag, body: m.body, properties: props, propertiesString: messageProperties2String(props),
        sysFlag: m.sysFlag & ~0x1, bornTimestamp: m.bornTimestamp, bornHost: m.bornHost, storeHost: this.ctx.storeHost(),
        reconsumeTimes: m.reconsumeTimes + 1,
      });
      if (!put.appendResult) throw new PopStateError(`revive put to ${topic} failed: ${put.status}`);
    }
    // The revived offsets are acked in the log, so a replay after a crash does not revive them again.
    if (todo.length > 0) await this.ack(ck, todo);
    else this.finish(ck);
    this.onRevived(normalTopic);
  }

  // ---- replay ------------------------------------------------------------------------------------------------

  /** Rebuilds checkpoints, acks and pop offsets from the revive log (from the revive group's committed offsets). */
  async replay(): Promise<{ checkPoints: number; acks: number }> {
    const topic = this.reviveTopic;
    let checkPoints = 0;
    let acks = 0;
    for (let qid = 0; qid < this.reviveQueueNum; qid++) {
      const max = this.ctx.store.getMaxOffsetInQueue(topic, qid);
      let off = Math.max(this.ctx.offsets.queryOffset(REVIVE_GROUP, topic, qid), this.ctx.store.getMinOffsetInQueue(topic, qid), 0);
      while (off < max) {
        const r = await this.ctx.store.getMessage(REVIVE_GROUP, topic, qid, off, 256);
        if (r.buffers.length === 0) {
          if (r.nextBeginOffset <= off) break;
          off = r.nextBeginOffset;
          continue;
        }
        for (let i = 0; i < r.buffers.length; i++) {
          const m = decodeMessage(r.buffers[i]!);
          const tag = m.properties[MessageConst.PROPERTY_TAGS];
          if (tag === CK_TAG) {
            const rec = decodeCheckPoint(m.body);
            this.track({ ...rec, reviveQid: qid, logOffset: r.queueOffsets[i]!, acked: new Set(), done: false });
            const end = Math.max(...rec.offsets) + 1;
            this.advance(rec.topic, rec.group, rec.queueId, end);
            if (rec.topic.startsWith('%RETRY%')) this.retryToTopic.set(rec.topic, normalTopicOf(rec.topic, rec.group));
            checkPoints++;
          } else if (tag === ACK_TAG || tag === BATCH_ACK_TAG) {
            const a = decodeAck(m.body);
            const ck = this.cks.get(ckKey(a.group, a.topic, a.queueId, a.startOffset, a.popTime));
            if (ck) this.markAcked(ck, a.ackOffsets);
            acks++;
          }
        }
        off = r.nextBeginOffset;
      }
      if (this.logOrder[qid]) this.advanceReviveOffset(qid);
    }
    return { checkPoints, acks };
  }
}
