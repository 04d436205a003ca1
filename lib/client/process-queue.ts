// ProcessQueue: the messages of one queue pulled but not yet consumed, in offset order, with the state that flow
// control, offset commits, orderly consumption and GET_CONSUMER_RUNNING_INFO read.

import type { ProcessQueueInfo } from '../protocol/bodies/running-info.ts';
import { MessageConst } from '../protocol/message-const.ts';
import type { MessageExt } from '../protocol/message.ts';
import { AsyncMutex } from './async-util.ts';

/** Lock lease an orderly consumer trusts after a successful LOCK_BATCH_MQ (the broker keeps it for 60 s). */
export const REBALANCE_LOCK_MAX_LIVE_TIME = 30_000;
/** How often an orderly consumer renews its queue locks. */
export const REBALANCE_LOCK_INTERVAL = 20_000;
/** A queue not pulled for this long is considered stuck and dropped at the next rebalance. */
export const PULL_MAX_IDLE_TIME = 120_000;

/**
 * Offsets kept sorted in an array with a moving head; removals only delete from the map and the ends are trimmed
 * lazily, which keeps the common case (append at the end, remove near the head) O(1).
 */
class OffsetIndex<T> {
  private keys: number[] = [];
  private head = 0;
  readonly map = new Map<number, T>();

  get size(): number {
    return this.map.size;
  }

  set(offset: number, value: T): boolean {
    const fresh = !this.map.has(offset);
    this.map.set(offset, value);
    if (fresh) this.insertKey(offset);
    return fresh;
  }

  delete(offset: number): T | undefined {
    const v = this.map.get(offset);
    if (v !== undefined) this.map.delete(offset);
    if (this.map.size === 0) {
      this.keys = [];
      this.head = 0;
    }
    return v;
  }

  has(offset: number): boolean {
    return this.map.has(offset);
  }

  firstKey(): number | undefined {
    while (this.head < this.keys.length && !this.map.has(this.keys[this.head]!)) this.head++;
    if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
    return this.head < this.keys.length ? this.keys[this.head] : undefined;
  }

  lastKey(): number | undefined {
    while (this.keys.length > this.head && !this.map.has(this.keys[this.keys.length - 1]!)) this.keys.pop();
    return this.keys.length > this.head ? this.keys[this.keys.length - 1] : undefined;
  }

  /** Removes and returns the entry with the smallest offset. */
  pollFirst(): [number, T] | undefined {
    const k = this.firstKey();
    if (k === undefined) return undefined;
    const v = this.map.get(k)!;
    this.map.delete(k);
    this.head++;
    return [k, v];
  }

  values(): T[] {
    const out: T[] = [];
    for (let i = this.head; i < this.keys.length; i++) {
      const v = this.map.get(this.keys[i]!);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  clear(): void {
    this.keys = [];
    this.head = 0;
    this.map.clear();
  }

  private insertKey(offset: number): void {
    const n = this.keys.length;
    if (n === this.head || this.keys[n - 1]! < offset) {
      this.keys.push(offset);
      return;
    }
    if (this.head > 0 && this.keys[this.head]! > offset) {
      this.keys[--this.head] = offset;
      return;
    }
    let lo = this.head;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    if (this.keys[lo] === offset) return;
    this.keys.splice(lo, 0, offset);
  }
}

const bodySize = (m: MessageExt): number => m.body.length;

export class ProcessQueue {
  private readonly msgTree = new OffsetIndex<MessageExt>();
  /** Messages handed to an orderly listener and not yet committed. */
  private readonly consumingOrderly = new OffsetIndex<MessageExt>();
  private msgSizeBytes = 0;
  private queueOffsetMax = 0;
  /** Held by an orderly consumer while its listener runs; taken before the queue is given away. */
  readonly consumeLock = new AsyncMutex();
  /** True while a consume task owns this queue (orderly) or messages wait to be dispatched. */
  consuming = false;
  dropped = false;
  locked = false;
  tryUnlockTimes = 0;
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();
  lastLockTimestamp = Date.now();
  /** Messages the broker still holds beyond the last pulled one (MAX_OFFSET - last offset). */
  msgAccCnt = 0;

  /** Cached message count (msgTreeMap plus messages being consumed orderly). */
  get msgCount(): number {
    return this.msgTree.size + this.consumingOrderly.size;
  }

  get msgSize(): number {
    return this.msgSizeBytes;
  }

  isLockExpired(now = Date.now()): boolean {
    return now - this.lastLockTimestamp > REBALANCE_LOCK_MAX_LIVE_TIME;
  }

  isPullExpired(now = Date.now()): boolean {
    return now - this.lastPullTimestamp > PULL_MAX_IDLE_TIME;
  }

  /** Adds pulled messages; true when the caller should start a consume task (none was running). */
  putMessage(msgs: readonly MessageExt[]): boolean {
    for (const m of msgs) {
      if (this.msgTree.set(m.queueOffset, m)) {
        this.queueOffsetMax = m.queueOffset;
        this.msgSizeBytes += bodySize(m);
      }
    }
    let dispatch = false;
    if (this.msgTree.size > 0 && !this.consuming) {
      dispatch = true;
      this.consuming = true;
    }
    const last = msgs[msgs.length - 1];
    const max = last?.properties[MessageConst.PROPERTY_MAX_OFFSET];
    if (last && max !== undefined) {
      const acc = Number(max) - last.queueOffset;
      if (acc > 0) this.msgAccCnt = acc;
    }
    return dispatch;
  }

  /** Offset span between the oldest and newest cached message (consumeConcurrentlyMaxSpan flow control). */
  getMaxSpan(): number {
    const first = this.msgTree.firstKey();
    const last = this.msgTree.lastKey();
    return first === undefined || last === undefined ? 0 : last - first;
  }

  /**
   * Removes consumed messages; returns the offset that may be committed: the smallest offset still cached, or one
   * past the largest pulled when nothing is left; -1 when the queue was already empty.
   */
  removeMessage(msgs: readonly MessageExt[]): number {
    this.lastConsumeTimestamp = Date.now();
    if (this.msgTree.size === 0) return -1;
    let result = this.queueOffsetMax + 1;
    for (const m of msgs) {
      if (this.msgTree.delete(m.queueOffset) !== undefined) this.msgSizeBytes -= bodySize(m);
    }
    if (this.msgCount === 0) this.msgSizeBytes = 0;
    const first = this.msgTree.firstKey();
    if (first !== undefined) result = first;
    return result;
  }

  containsMessage(msg: MessageExt): boolean {
    return this.msgTree.has(msg.queueOffset);
  }

  hasTempMessage(): boolean {
    return this.msgTree.size > 0;
  }

  firstOffset(): number | undefined {
    return this.msgTree.firstKey();
  }

  lastOffset(): number | undefined {
    return this.msgTree.lastKey();
  }

  /** Orderly: takes up to `batchSize` messages in offset order; clears `consuming` when nothing is left. */
  takeMessages(batchSize: number): MessageExt[] {
    this.lastConsumeTimestamp = Date.now();
    const out: MessageExt[] = [];
    for (let i = 0; i < batchSize; i++) {
      const e = this.msgTree.pollFirst();
      if (!e) break;
      out.push(e[1]);
      this.consumingOrderly.set(e[0], e[1]);
    }
    if (out.length === 0) this.consuming = false;
    return out;
  }

  /** Orderly: the taken messages are done; returns the offset to commit (last taken + 1), or -1. */
  commit(): number {
    const last = this.consumingOrderly.lastKey();
    for (const m of this.consumingOrderly.values()) this.msgSizeBytes -= bodySize(m);
    this.consumingOrderly.clear();
    if (this.msgCount === 0) this.msgSizeBytes = 0;
    return last === undefined ? -1 : last + 1;
  }

  /** Orderly: puts taken messages back so they are consumed again first. */
  makeMessageToConsumeAgain(msgs: readonly MessageExt[]): void {
    for (const m of msgs) {
      this.consumingOrderly.delete(m.queueOffset);
      this.msgTree.set(m.queueOffset, m);
    }
  }

  /** Orderly (manual commit): returns every taken message to the cache. */
  rollback(): void {
    for (const m of this.consumingOrderly.values()) this.msgTree.set(m.queueOffset, m);
    this.consumingOrderly.clear();
  }

  clear(): void {
    this.msgTree.clear();
    this.consumingOrderly.clear();
    this.msgSizeBytes = 0;
    this.queueOffsetMax = 0;
  }

  /** The ProcessQueueInfo part GET_CONSUMER_RUNNING_INFO reports (commitOffset is filled by the caller). */
  info(commitOffset: number): ProcessQueueInfo {
    const first = this.msgTree.firstKey();
    const last = this.msgTree.lastKey();
    return {
      commitOffset,
      cachedMsgMinOffset: first ?? 0,
      cachedMsgMaxOffset: last ?? 0,
      cachedMsgCount: this.msgTree.size,
      cachedMsgSizeInMiB: Math.floor(this.msgSizeBytes / (1024 * 1024)),
      transactionMsgMinOffset: this.consumingOrderly.firstKey() ?? 0,
      transactionMsgMaxOffset: this.consumingOrderly.lastKey() ?? 0,
      transactionMsgCount: this.consumingOrderly.size,
      locked: this.locked,
      tryUnlockTimes: this.tryUnlockTimes,
      lastLockTimestamp: this.lastLockTimestamp,
      droped: this.dropped,
      lastPullTimestamp: this.lastPullTimestamp,
      lastConsumeTimestamp: this.lastConsumeTimestamp,
    };
  }
}
