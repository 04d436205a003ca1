// Per-address circuit breaker: after a peer missed a deadline, stop waiting on it; probe it in the background and
// readmit it as soon as it answers anything.

import { RocketDeckError } from '../common/errors.ts';

/** Clock and timers, injectable so tests can drive time. */
export interface BreakerClock {
  now(): number;
  /** Runs `fn` after `ms`; returns a cancel function. The timer must not keep the process alive. */
  schedule(fn: () => void, ms: number): () => void;
}

export const systemClock: BreakerClock = {
  now: () => Date.now(),
  schedule(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

export interface BreakerOptions {
  /** One cheap request to `addr`; resolves when the peer answered anything (an error code counts: it is alive). */
  probe: (addr: string) => Promise<void>;
  clock?: BreakerClock;
  /** Pause between two probes of an open breaker (default 1000 ms). */
  probeIntervalMs?: number;
  /** Told when a breaker opens or closes (for logs). */
  onChange?: (addr: string, open: boolean, state: BreakerState) => void;
}

/** What the breaker knows of one address. */
export interface BreakerState {
  open: boolean;
  /** When it opened (epoch ms). */
  openedAt?: number;
  /** Why it opened: the failure text of the missed deadline. */
  reason?: string;
  /** Last time the address answered (epoch ms), whatever the answer. */
  lastOkAt?: number;
  /** Probes sent since it opened. */
  probes: number;
}

/** A call refused without being sent: the address missed a deadline and has not answered a probe since. */
export class BrokerUnavailableError extends RocketDeckError {
  constructor(
    readonly addr: string,
    readonly openedAt: number,
    readonly reason: string,
    readonly lastOkAt: number | undefined,
    now: number,
  ) {
    const since = Math.max(0, Math.round((now - openedAt) / 1000));
    const last = lastOkAt === undefined ? 'never answered this client' : `last answered ${Math.max(0, Math.round((now - lastOkAt) / 1000))} s ago`;
    // retrying helps once the peer answers a probe again
    super(`${addr} is not answering (hung ${since} s: ${reason}); not waited on until it answers a probe (${last})`, { retriable: true });
    this.name = 'BrokerUnavailableError';
  }
}

export class Breaker {
  private readonly states = new Map<string, BreakerState & { cancel?: () => void; probing?: boolean }>();
  private readonly clock: BreakerClock;
  private readonly probeIntervalMs: number;
  private closed = false;

  constructor(private readonly opts: BreakerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.probeIntervalMs = opts.probeIntervalMs ?? 1000;
  }

  /** Throws BrokerUnavailableError when `addr`'s breaker is open. */
  check(addr: string): void {
    const s = this.states.get(addr);
    if (s?.open) throw new BrokerUnavailableError(addr, s.openedAt!, s.reason ?? 'missed a deadline', s.lastOkAt, this.clock.now());
  }

  isOpen(addr: string): boolean {
    return this.states.get(addr)?.open === true;
  }

  state(addr: string): BreakerState | undefined {
    const s = this.states.get(addr);
    return s && { open: s.open, openedAt: s.openedAt, reason: s.reason, lastOkAt: s.lastOkAt, probes: s.probes };
  }

  /** `addr` answered: remember when, and readmit it if its breaker was open. */
  answered(addr: string): void {
    const s = this.entry(addr);
    s.lastOkAt = this.clock.now();
    if (!s.open) return;
    s.open = false;
    s.cancel?.();
    s.cancel = undefined;
    this.opts.onChange?.(addr, false, this.state(addr)!);
  }

  /** `addr` missed a deadline: open its breaker (once) and start probing it. */
  missed(addr: string, reason: string): void {
    if (this.closed) return;
    const s = this.entry(addr);
    if (s.open) return;
    s.open = true;
    s.openedAt = this.clock.now();
    s.reason = reason;
    s.probes = 0;
    this.opts.onChange?.(addr, true, this.state(addr)!);
    this.scheduleProbe(addr);
  }

  /** Stops every probe timer (the client is closing). */
  close(): void {
    this.closed = true;
    for (const s of this.states.values()) s.cancel?.();
  }

  private entry(addr: string) {
    let s = this.states.get(addr);
    if (!s) {
      s = { open: false, probes: 0 };
      this.states.set(addr, s);
    }
    return s;
  }

  private scheduleProbe(addr: string): void {
    const s = this.entry(addr);
    s.cancel?.();
    s.cancel = this.clock.schedule(() => {
      s.cancel = undefined;
      void this.runProbe(addr);
    }, this.probeIntervalMs);
  }

  private async runProbe(addr: string): Promise<void> {
    const s = this.entry(addr);
    if (!s.open || this.closed || s.probing) return;
    s.probing = true;
    s.probes++;
    try {
      await this.opts.probe(addr);
      this.answered(addr);
    } catch {
      // still not answering: try again later (a late answer to any call readmits it sooner)
    } finally {
      s.probing = false;
    }
    if (s.open && !this.closed) this.scheduleProbe(addr);
  }
}
