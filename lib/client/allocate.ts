// Queue allocation strategies of clustering consumers; same results as RocketMQ's for the same sorted inputs.

import { createHash } from 'node:crypto';
import type { MessageQueue } from '../protocol/bodies/read.ts';

/**
 * Picks the queues `currentCID` owns. Callers pass `mqAll` sorted by MessageQueue order and `cidAll` sorted by
 * string order (RebalanceImpl does), so every member computes the same split.
 */
export interface AllocateMessageQueueStrategy {
  /** The name RocketMQ reports ("AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH"). */
  readonly name: string;
  allocate(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[];
}

/** Java throws IllegalArgumentException on empty inputs and returns nothing when the client is not a member. */
function check(currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): boolean {
  if (!currentCID) throw new RangeError('currentCID is empty');
  if (mqAll.length === 0) throw new RangeError('mqAll is empty');
  if (cidAll.length === 0) throw new RangeError('cidAll is empty');
  return cidAll.includes(currentCID);
}

/** AllocateMessageQueueAveragely: contiguous ranges, the first (mq % cid) members get one queue more. */
export const allocateAveragely: AllocateMessageQueueStrategy = {
  name: 'AVG',
  allocate(_group, currentCID, mqAll, cidAll) {
    if (!check(currentCID, mqAll, cidAll)) return [];
    const index = cidAll.indexOf(currentCID);
    const mod = mqAll.length % cidAll.length;
    const averageSize = mqAll.length <= cidAll.length
      ? 1
      : mod > 0 && index < mod ? Math.floor(mqAll.length / cidAll.length) + 1 : Math.floor(mqAll.length / cidAll.length);
    const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
    const range = Math.min(averageSize, mqAll.length - startIndex);
    const out: MessageQueue[] = [];
    for (let i = 0; i < range; i++) out.push(mqAll[startIndex + i]!);
    return out;
  },
};

/** AllocateMessageQueueAveragelyByCircle: queue i goes to member i % members. */
export const allocateAveragelyByCircle: AllocateMessageQueueStrategy = {
  name: 'AVG_BY_CIRCLE',
  allocate(_group, currentCID, mqAll, cidAll) {
    if (!check(currentCID, mqAll, cidAll)) return [];
    const index = cidAll.indexOf(currentCID);
    const out: MessageQueue[] = [];
    for (let i = index; i < mqAll.length; i++) if (i % cidAll.length === index) out.push(mqAll[i]!);
    return out;
  },
};

/** ConsistentHashRouter's default hash: the first 4 bytes of MD5(key) as an unsigned big-endian number. */
export function md5Hash(key: string): number {
  return createHash('md5').update(key, 'utf8').digest().readUInt32BE(0);
}

/** MessageQueue.toString, the key Java hashes onto the ring. */
export function messageQueueToString(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}

/**
 * AllocateMessageQueueConsistentHash: each member owns `virtualNodeCnt` points "cid-i" on a ring of hashes; a queue
 * goes to the first point at or after its own hash, wrapping to the smallest. A later point with an equal hash
 * replaces an earlier one, as TreeMap.put does.
 */
export function allocateConsistentHash(virtualNodeCnt = 10, hash: (key: string) => number = md5Hash): AllocateMessageQueueStrategy {
  if (!Number.isInteger(virtualNodeCnt) || virtualNodeCnt < 0) throw new RangeError(`illegal virtualNodeCnt: ${virtualNodeCnt}`);
  return {
    name: 'CONSISTENT_HASH',
    allocate(_group, currentCID, mqAll, cidAll) {
      if (!check(currentCID, mqAll, cidAll)) return [];
      const ring = new Map<number, string>();
      for (const cid of cidAll) for (let i = 0; i < virtualNodeCnt; i++) ring.set(hash(`${cid}-${i}`), cid);
      if (ring.size === 0) return [];
      const points = [...ring.keys()].sort((a, b) => a - b);
      const out: MessageQueue[] = [];
      for (const mq of mqAll) {
        const h = hash(messageQueueToString(mq));
        let lo = 0;
        let hi = points.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (points[mid]! < h) lo = mid + 1;
          else hi = mid;
        }
        const owner = ring.get(points[lo === points.length ? 0 : lo]!);
        if (owner === currentCID) out.push(mq);
      }
      return out;
    },
  };
}

export type AllocateStrategyName = 'AVG' | 'AVG_BY_CIRCLE' | 'CONSISTENT_HASH';

/** A strategy object, or one of RocketMQ's names for the built-in ones. */
export function resolveAllocateStrategy(s: AllocateMessageQueueStrategy | AllocateStrategyName | undefined): AllocateMessageQueueStrategy {
  if (s === undefined || s === 'AVG') return allocateAveragely;
  if (s === 'AVG_BY_CIRCLE') return allocateAveragelyByCircle;
  if (s === 'CONSISTENT_HASH') return allocateConsistentHash();
  return s;
}
