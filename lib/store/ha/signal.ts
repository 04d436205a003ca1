// A wake-up flag for a service loop: wake() ends the current wait early, or the next one if nobody waits yet.

export class WakeupSignal {
  private waiting: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private notified = false;

  wake(): void {
    if (this.waiting) {
      const done = this.waiting;
      this.waiting = undefined;
      clearTimeout(this.timer);
      done();
    } else {
      this.notified = true;
    }
  }

  /**
   * Resolves after `ms` or on wake(), whichever comes first; at once if woken since the last wait. Without `ms`,
   * only wake() ends it (no timer to set and clear on a hot loop).
   */
  wait(ms?: number): Promise<void> {
    if (this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
      if (ms === undefined) return;
      this.timer = setTimeout(() => {
        this.waiting = undefined;
        resolve();
      }, Math.max(0, ms));
    });
  }
}
