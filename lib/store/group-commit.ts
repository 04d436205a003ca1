// SYNC_FLUSH group commit: appends written to the page cache wait here; one fdatasync answers every append written
// before it started, so many concurrent appends share a sync. An append not covered within syncFlushTimeout is
// answered FLUSH_DISK_TIMEOUT (it is stored; only the durability guarantee was not met in time).

import { createLogger } from '../common/log.ts';
import type { CommitLog } from './commit-log.ts';
import type { PutWaiter } from './put-service.ts';

const log = createLogger('store.flush');

export class GroupCommit {
  private readonly commitLog: CommitLog;
  private readonly timeoutMs: number;
  private queue: PutWaiter[] = [];
  private head = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private idle: Array<() => void> = [];

  constructor(commitLog: CommitLog, timeoutMs: number) {
    this.commitLog = commitLog;
    this.timeoutMs = timeoutMs;
  }

  enqueue(w: PutWaiter): void {
    w.deadline = Date.now() + this.timeoutMs;
    this.queue.push(w);
  }

  pending(): number {
    return this.queue.length - this.head;
  }

  /** Starts a flush round unless one is running (it loops while appends keep arriving). */
  kick(): void {
    if (!this.running) void this.loop();
    this.arm();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      // Waiters arrive once their records are written, so a sync starts at once and covers whatever is written
      // by then. Not waiting for appends still being encoded or written lets the disk sync one group while the
      // writers answered by the previous sync encode the next: CPU and disk overlap instead of taking turns.
      while (this.head < this.queue.length) {
        let flushed: number;
        try {
          flushed = await this.commitLog.flush();
        } catch (err) {
          log.error('commitlog_flush_failed', { err });
          // Keep the waiters; they time out unless a later flush succeeds.
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        this.answerUpTo(flushed);
      }
    } finally {
      this.running = false;
      this.compact();
      if (this.head >= this.queue.length) this.notifyIdle();
    }
  }

  private answerUpTo(flushed: number): void {
    const q = this.queue;
    let i = this.head;
    while (i < q.length && q[i]!.end <= flushed) {
      const w = q[i]!;
      q[i++] = undefined as unknown as PutWaiter;
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
      w.resolve({ ...w.result, status: 'FLUSH_DISK_TIMEOUT' });
    }
    if (i > this.head) log.warn('flush_disk_timeout', { appends: i - this.head });
    this.head = i;
    this.compact();
    if (this.head >= this.queue.length && !this.running) this.notifyIdle();
  }

  private notifyIdle(): void {
    const list = this.idle;
    this.idle = [];
    for (const f of list) f();
  }

  /** Resolves once every queued waiter has been answered. */
  settle(): Promise<void> {
    if (this.head >= this.queue.length && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
