// Queue locks of orderly consumers (RocketMQ's RebalanceLockManager): LOCK_BATCH_MQ grants a queue to one
// client of a group until it unlocks it or stops renewing the lock for 60 s.

import type { MessageQueue } from '../../protocol/bodies/read.ts';
import { mqKey } from '../../protocol/bodies/read.ts';

/** rocketmq.broker.rebalance.lockMaxLiveTime default. */
export const REBALANCE_LOCK_MAX_LIVE_TIME = 60_000;

interface LockEntry {
  clientId: string;
  lastUpdateTimestamp: number;
}

export class RebalanceLockManager {
  private readonly table = new Map<string, Map<string, LockEntry>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxLiveTime = REBALANCE_LOCK_MAX_LIVE_TIME,
  ) {}

  private expired(e: LockEntry, now: number): boolean {
    return now - e.lastUpdateTimestamp > this.maxLiveTime;
  }

  /** Locks what it can for `clientId`; returns the queues the client holds afterwards. */
  tryLockBatch(group: string, mqs: readonly MessageQueue[], clientId: string): MessageQueue[] {
    const now = this.now();
    let m = this.table.get(group);
    if (!m) {
      m = new Map();
      this.table.set(group, m);
    }
    const locked: MessageQueue[] = [];
    for (const mq of mqs) {
      const key = mqKey(mq);
      const e = m.get(key);
      if (!e || e.clientId === clientId || this.expired(e, now)) {
        m.set(key, { clientId, lastUpdateTimestamp: now });
        locked.push(mq);
      }
    }
    return locked;
  }

  unlockBatch(group: string, mqs: readonly MessageQueue[], clientId: string): void {
    const m = this.table.get(group);
    if (!m) return;
    for (const mq of mqs) {
      const key = mqKey(mq);
      if (m.get(key)?.clientId === clientId) m.delete(key);
    }
    if (m.size === 0) this.table.delete(group);
  }

  /** True when `clientId` currently holds the queue's lock. */
  isLocked(group: string, mq: MessageQueue, clientId: string): boolean {
    const e = this.table.get(group)?.get(mqKey(mq));
    return e !== undefined && e.clientId === clientId && !this.expired(e, this.now());
  }
}
