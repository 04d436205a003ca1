// SYNC_FLUSH group commit: appends written to the page cache wait here; one fdatasync answers every append written
// before it started, so many concurrent appends share a sync. With O_DSYNC commit log files (durable writes) the
// appends wait here from the moment they are encoded and are answered as their writes return. Either way an append
// not durable within syncFlushTimeout is answered FLUSH_DISK_TIMEOUT (it is stored; only the durability guarantee
// was not met in time).

import { createLogger } from '../common/log.ts';
import type { CommitLog } from './commit-log.ts';
import type { PutWaiter } from './put-service.ts';

const log = createLogger('store.flush');

/** Syncs of the commit log run at once by the group commit. */
const MAX_SYNCS = 2;

export class GroupCommit {
  private readonly commitLog: CommitLog;
  private readonly timeoutMs: number;
  private queue: PutWaiter[] = [];
  private head = 0;
  /** Syncs in flight. */
  private inflight = 0;
  /** Commit log offset the syncs started so far cover. */
  private requested = 0;
  private timer: NodeJS.Timeout | null = null;
  private idle: Array<() => void> = [];

  /** Writes are durable when they return (O_DSYNC): no fdatasync here, `written` answers. */
  private readonly durableWrites: boolean;

  constructor(commitLog: CommitLog, timeoutMs: number, durableWrites = false) {
    this.commitLog = commitLog;
    this.timeoutMs = timeoutMs;
    this.durableWrites = durableWrites;
  }

  enqueue(w: PutWaiter): void {
    w.deadline = Date.now() + this.timeoutMs;
    this.queue.push(w);
  }

  pending(): number {
    return this.queue.length - this.head;
  }

  /** Starts syncs for the waiters not covered by one in flight (with durable writes: only the timeout timer). */
  kick(): void {
    if (!this.durableWrites) this.pump();
    this.arm();
  }

  /** Durable writes: everything below `flushed` is on disk; answers the waiters it covers. */
  written(flushed: number): void {
    this.answerUpTo(flushed);
    this.checkIdle();
  }

  /** Durable writes: the writes of waiters ending after `offset` failed; forgets them (the caller answers them). */
  dropAfter(offset: number): void {
    const q = this.queue;
    while (q.length > this.head && q[q.length - 1]!.end > offset) q.pop();
    this.compact();
    this.checkIdle();
  }

  // Waiters arrive once their records are written, so a sync starts at once and covers whatever is written by
  // then. Up to MAX_SYNCS run at once: while one syncs a group, the writers answered by the previous one encode
  // the next group and it is synced as soon as it is written, so CPU and disk overlap instead of taking turns.
  private pump(): void {
    while (this.inflight < MAX_SYNCS && this.head < this.queue.length) {
      if (this.queue[this.queue.length - 1]!.end <= this.requested) return;
      this.requested = this.commitLog.getMaxOffset();
      this.inflight++;
      this.commitLog.syncNow().then(
        (flushed) => {
          this.inflight--;
          this.answerUpTo(flushed);
          this.pump();
          this.checkIdle();
        },
        (err: unknown) => {
          this.inflight--;
          log.error('commitlog_flush_failed', { err });
          // Keep the waiters; they time out unless a later sync succeeds.
          this.requested = Math.min(this.requested, this.commitLog.getFlushedOffset());
          setTimeout(() => {
            this.pump();
            this.checkIdle();
          }, 20).unref();
        },
      );
    }
  }

  private checkIdle(): void {
    if (this.head >= this.queue.length && this.inflight === 0) this.notifyIdle();
  }

  private answerUpTo(flushed: number): void {
    const q = this.queue;
    let i = this.head;
    while (i < q.length && q[i]!.end <= flushed) {
      const w = q[i]!;
      q[i++] = undefined as unknown as PutWaiter;
      w.answered = true;
      w.resolve(w.result);
    }
    this.head = i;
    this.compact();
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    } else if (this.head > 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** The timer keeps the process alive while appends wait: they must be answered. */
  private arm(): void {
    if (this.timer || this.head >= this.queue.length) return;
    const delay = Math.max(1, this.queue[this.head]!.deadline - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.expire();
      this.arm();
    }, delay);
  }

  /** Answers waiters whose deadline passed with FLUSH_DISK_TIMEOUT. Waiters are in deadline order. */
  private expire(): void {
    const now = Date.now();
    const q = this.queue;
    let i = this.head;
    while (i < q.length && q[i]!.deadline <= now) {
      const w = q[i]!;
      q[i++] = undefined as unknown as PutWaiter;
      w.answered = true;
      w.resolve({ ...w.result, status: 'FLUSH_DISK_TIMEOUT' });
    }
    if (i > this.head) log.warn('flush_disk_timeout', { appends: i - this.head });
    this.head = i;
    this.compact();
    this.checkIdle();
  }

  private notifyIdle(): void {
    const list = this.idle;
    this.idle = [];
    for (const f of list) f();
  }

  /** Resolves once every queued waiter has been answered. */
  settle(): Promise<void> {
    if (this.head >= this.queue.length && this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
