// Sign-in rate limits: failed attempts counted per remote address and per username in a sliding window; once either
// key has used its allowance, tries are refused (429 with Retry-After) until its oldest failure ages out.

import { AuthConfigError } from './auth.ts';

/** Failures per key within a sliding window; `max` of them hold the key back until the oldest is `windowMs` old. */
export class FailureWindow {
  private readonly fails = new Map<string, number[]>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** 0 when a try is allowed now, else milliseconds until one is. */
  retryAfterMs(key: string, now = Date.now()): number {
    const recent = (this.fails.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length) this.fails.set(key, recent);
    else this.fails.delete(key);
    return recent.length >= this.max ? recent[0]! + this.windowMs - now : 0;
  }

  fail(key: string, now = Date.now()): void {
    this.fails.set(key, [...(this.fails.get(key) ?? []), now].slice(-this.max));
  }

  clear(key: string): void {
    this.fails.delete(key);
  }

  /** Keys tracked now (memory stays bounded by callers passing through retryAfterMs, which drops aged keys). */
  get size(): number {
    return this.fails.size;
  }
}

export interface LoginLimits {
  /** Failed sign-ins per username within the window (guessing one account's password). */
  perUser: number;
  /** Failed sign-ins per remote address within the window (one client trying many accounts). */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perAddress: 20, windowMs: 5 * 60_000 };

export interface LimitVerdict {
  /** 0: allowed. */
  retryAfterMs: number;
  /** Which key holds the try back. */
  by?: 'address' | 'username';
}

/**
 * Both limits of the sign-in form. A success clears the username's failures, not the address's: a client that
 * knows one password must not reset its allowance for guessing others.
 */
export class LoginLimiter {
  private readonly byUser: FailureWindow;
  private readonly byAddress: FailureWindow;

  constructor(readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.byUser = new FailureWindow(limits.perUser, limits.windowMs);
    this.byAddress = new FailureWindow(limits.perAddress, limits.windowMs);
  }

  check(address: string, username: string, now = Date.now()): LimitVerdict {
    const a = this.byAddress.retryAfterMs(address, now);
    const u = this.byUser.retryAfterMs(username, now);
    if (a === 0 && u === 0) return { retryAfterMs: 0 };
    return a >= u ? { retryAfterMs: a, by: 'address' } : { retryAfterMs: u, by: 'username' };
  }

  fail(address: string, username: string, now = Date.now()): void {
    this.byAddress.fail(address, now);
    this.byUser.fail(username, now);
  }

  succeed(username: string): void {
    this.byUser.clear(username);
  }
}

/** Limits from ROCKETDECK_LOGIN_MAX_FAILURES_PER_USER / _PER_ADDRESS / ROCKETDECK_LOGIN_WINDOW_MS (positive integers). */
export function loginLimitsFromEnv(env: Record<string, string | undefined> = process.env): LoginLimits {
  const read = (key: string, fallback: number): number => {
    const raw = env[key];
    if (raw === undefined || raw.trim() === '') return fallback;
    const n = Number(raw.trim());
    if (!Number.isSafeInteger(n) || n <= 0) throw new AuthConfigError(`${key}: '${raw}' is not a positive integer`);
    return n;
  };
  return {
    perUser: read('ROCKETDECK_LOGIN_MAX_FAILURES_PER_USER', DEFAULT_LOGIN_LIMITS.perUser),
    perAddress: read('ROCKETDECK_LOGIN_MAX_FAILURES_PER_ADDRESS', DEFAULT_LOGIN_LIMITS.perAddress),
    windowMs: read('ROCKETDECK_LOGIN_WINDOW_MS', DEFAULT_LOGIN_LIMITS.windowMs),
  };
}

const limiterKey = Symbol.for('rocketdeck.loginLimiter');

/** One limiter per server process (Next.js may evaluate route modules more than once). */
export function sharedLoginLimiter(): LoginLimiter {
  const g = globalThis as unknown as Record<symbol, LoginLimiter | undefined>;
  return (g[limiterKey] ??= new LoginLimiter(loginLimitsFromEnv()));
}
