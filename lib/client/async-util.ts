// Small async primitives the consumers use in place of Java's thread pools and locks.

/** A mutex whose waiters are served in order; tryLock gives up after a timeout. */
export class AsyncMutex {
  private held = false;
  private waiters: Array<(ok: boolean) => void> = [];

  get locked(): boolean {
    return this.held;
  }

  lock(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(() => resolve()));
  }

  /** Resolves true once the lock is ours, false when `timeoutMs` passed first. */
  tryLock(timeoutMs: number): Promise<boolean> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(true);
    }
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      let done = false;
      const waiter = (ok: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(ok);
      };
      const timer = setTimeout(() => {
        done = true;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  unlock(): void {
    const next = this.waiters.shift();
    if (next) next(true);
    else this.held = false;
  }
}

/** Runs queued tasks with at most `concurrency` in flight (a fixed-size thread pool with an unbounded queue). */
export class TaskPool {
  private running = 0;
  private readonly queue: Array<() => Promise<void>> = [];
  private idleWaiters: Array<() => void> = [];

  constructor(readonly concurrency: number) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.queue.length;
  }

  submit(task: () => Promise<void>): void {
    this.queue.push(task);
    this.pump();
  }

  /** Drops tasks not started yet. */
  clear(): void {
    this.queue.length = 0;
    this.checkIdle();
  }

  /** Resolves when nothing runs and nothing is queued. */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const task = this.queue.shift()!;
      this.running++;
      // A task reports its own failures; the pool only keeps counting.
      void task()
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.pump();
          this.checkIdle();
        });
    }
  }

  private checkIdle(): void {
    if (this.running > 0 || this.queue.length > 0 || this.idleWaiters.length === 0) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }
}

/** Timers that can all be cancelled at once (pull requests scheduled "later", delayed consume retries). */
export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  after(ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  clear(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Wakes every waiter on notify(); wait() also returns once its timeout passes. */
export class Signal {
  private waiters = new Set<() => void>();

  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.waiters.add(done);
    });
  }

  notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
