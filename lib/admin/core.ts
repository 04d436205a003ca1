// The admin client's transport core: one RemotingClient, nameserver failover, broker calls, bounded fan-out.

import { responseError } from '../auth/refusal.ts';
import { resolveCredentials, signRequest } from '../auth/signature.ts';
import { createLogger, type Logger } from '../common/log.ts';
import { parseNamesrvAddr, validateNamesrvAddr } from '../common/namesrv-addr.ts';
import { isRetriableResponseCode, RequestCode, ResponseCode } from '../protocol/codes.ts';
import { encodeHeader, type HeaderSpec } from '../protocol/headers.ts';
import { RemotingClient } from '../remoting/client.ts';
import { createRequest, type HeaderInput, type RemotingCommand } from '../remoting/command.ts';
import { RemotingClosedError, RemotingConnectError, RemotingSendError, RemotingTimeoutError, ResponseCodeError } from '../remoting/errors.ts';
import { Breaker, BrokerUnavailableError, type BreakerClock } from './breaker.ts';
import { AdminError, brokerFailure, describeError, type BrokerFailure } from './errors.ts';
import { DEFAULT_CONCURRENCY, DeadlineError, mapBounded, withDeadline, type Settled } from './fanout.ts';

export const DEFAULT_TIMEOUT_MS = 3000;

export interface AdminClientOptions {
  /** "host:port;host:port" or a list; defaults to the NAMESRV_ADDR environment variable. */
  namesrvAddr?: string | string[];
  /** Timeout of each remoting call, connecting included (default 3000 ms). */
  timeoutMs?: number;
  /**
   * How long a read that can go without one broker (a fan-out item, a per-broker figure) waits for that broker
   * (default: timeoutMs). A broker that misses it is not waited on again until it answers a background probe.
   */
  deadlineMs?: number;
  /** Pause between two probes of a broker that missed its deadline (default 1000 ms). */
  probeIntervalMs?: number;
  /** Clock and timers of the breaker (tests). */
  clock?: BreakerClock;
  /** Most brokers asked at once in a fan-out (default 16). */
  concurrency?: number;
  /** Share an existing client (it is then not closed by close()). */
  remoting?: RemotingClient;
  logger?: Logger;
  /** ACL credentials every request is signed with; default ROCKETMQ_ACCESS_KEY / ROCKETMQ_SECRET_KEY. */
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
}

/** One broker process as a fan-out target. */
export interface BrokerTarget {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  brokerAddr: string;
}

export interface CallOptions {
  body?: Buffer;
  timeoutMs?: number;
  /** Response codes accepted besides SUCCESS (e.g. PULL_NOT_FOUND). */
  okCodes?: number[];
  /** Header class to check the header against before sending. */
  spec?: HeaderSpec;
  /** Extra ext fields sent verbatim (e.g. _UNIQUE_KEY_QUERY). */
  extra?: Record<string, string>;
  language?: string;
}

export interface FanoutResult<T> {
  /** `asOf` (epoch ms) marks a broker's last good answer standing in for one it did not give this time. */
  results: Array<{ target: BrokerTarget; value: T; asOf?: number }>;
  errors: BrokerFailure[];
}

/** A last good answer older than this is not shown in place of a missing one. */
export const LAST_GOOD_MAX_AGE_MS = 5 * 60_000;

/** Transport failures after which the next nameserver is worth a try; an error answer is final. */
function isTransportFailure(err: unknown): boolean {
  return err instanceof RemotingConnectError || err instanceof RemotingTimeoutError || err instanceof RemotingSendError ||
    err instanceof RemotingClosedError || err instanceof BrokerUnavailableError || err instanceof DeadlineError;
}

export class AdminCore {
  readonly namesrvAddrs: string[];
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly concurrency: number;
  /** Addresses that missed a deadline and are not waited on until they answer a probe. */
  readonly breaker: Breaker;
  readonly remoting: RemotingClient;
  readonly logger: Logger;
  private readonly ownsRemoting: boolean;
  /** Nameserver tried first; moves on failover, starts at random as RocketMQ clients do. */
  private namesrvCursor: number;
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Last good answer per "fan-out kind, broker address", for the fan-outs that keep them. */
  private readonly lastGood = new Map<string, { value: unknown; at: number }>();
  private readonly now: () => number;

  constructor(opts: AdminClientOptions = {}) {
    const raw = opts.namesrvAddr ?? process.env.NAMESRV_ADDR;
    this.namesrvAddrs = validateNamesrvAddr(Array.isArray(raw) ? raw.map((s) => s.trim()).filter(Boolean) : parseNamesrvAddr(raw));
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.deadlineMs = Math.min(opts.deadlineMs ?? this.timeoutMs, this.timeoutMs);
    this.concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
    this.logger = opts.logger ?? createLogger('admin');
    this.ownsRemoting = !opts.remoting;
    const creds = resolveCredentials(opts);
    this.remoting = opts.remoting ?? new RemotingClient({
      connectTimeoutMs: this.timeoutMs, defaultTimeoutMs: this.timeoutMs, logger: this.logger.child('remoting'),
      // an admin client has nothing left to flush when it closes; a hung broker would hold close() for the default 1 s
      closeTimeoutMs: 100,
      beforeRequest: creds ? (_addr, req) => signRequest(req, creds) : undefined,
    });
    this.namesrvCursor = this.namesrvAddrs.length ? Math.floor(Math.random() * this.namesrvAddrs.length) : 0;
    this.now = opts.clock ? () => opts.clock!.now() : Date.now;
    this.breaker = new Breaker({
      clock: opts.clock,
      probeIntervalMs: opts.probeIntervalMs,
      // any answer, an error code included, says the process is alive again
      probe: async (addr) => {
        const code = this.namesrvAddrs.includes(addr) ? RequestCode.GET_BROKER_CLUSTER_INFO : RequestCode.GET_BROKER_RUNTIME_INFO;
        await this.remoting.invoke(addr, createRequest(code), this.timeoutMs);
      },
      onChange: (addr, open, state) => {
        if (open) this.logger.warn('peer_breaker_open', { addr, reason: state.reason });
        else this.logger.info('peer_breaker_closed', { addr, probes: state.probes });
      },
    });
  }

  async close(): Promise<void> {
    this.breaker.close();
    if (this.ownsRemoting) await this.remoting.close();
  }

  request(code: number, header?: HeaderInput, opts: CallOptions = {}): RemotingCommand {
    const ext = header ? encodeHeader(header, opts.spec) : undefined;
    const fields = opts.extra ? { ...(ext ?? {}), ...opts.extra } : ext;
    return createRequest(code, fields, { body: opts.body, language: opts.language });
  }

  /** One request to `addr`; any answer but SUCCESS (or an accepted code) becomes a ResponseCodeError. */
  async call(addr: string, code: number, header?: HeaderInput, opts: CallOptions = {}): Promise<RemotingCommand> {
    // a peer that missed a deadline is not waited on again until it answers a probe
    this.breaker.check(addr);
    const req = this.request(code, header, opts);
    let res: RemotingCommand;
    try {
      res = await this.remoting.invoke(addr, req, opts.timeoutMs ?? this.timeoutMs);
    } catch (err) {
      if (err instanceof RemotingTimeoutError) this.noAnswer(addr, err.timeoutMs, describeError(err));
      throw err;
    }
    this.breaker.answered(addr);
    if (res.code !== ResponseCode.SUCCESS && !opts.okCodes?.includes(res.code)) {
      throw responseError(addr, req, res);
    }
    return res;
  }

  /**
   * Concurrent identical reads share one call: while the first caller's `fn` is in flight, later callers with the
   * same key get its promise (nothing is kept once it settles, so no answer is older than the call itself).
   */
  shared<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const cur = this.inflight.get(key);
    if (cur) return cur as Promise<T>;
    const p = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** One request to a nameserver: the current one first, the next on a transport failure. */
  async callNamesrv(code: number, header?: HeaderInput, opts: CallOptions = {}): Promise<RemotingCommand> {
    const addrs = this.requireNamesrv();
    let last: unknown;
    for (let i = 0; i < addrs.length; i++) {
      const idx = (this.namesrvCursor + i) % addrs.length;
      try {
        const res = await this.call(addrs[idx]!, code, header, opts);
        this.namesrvCursor = idx;
        return res;
      } catch (err) {
        if (!isTransportFailure(err)) throw err;
        last = err;
        this.logger.warn('namesrv_failover', { namesrvAddr: addrs[idx], code, error: err });
      }
    }
    throw new AdminError(`no nameserver answered (${addrs.join(';')}): ${(last as Error)?.message ?? 'unknown error'}`, undefined, { cause: last });
  }

  /** The same question to every nameserver at once. */
  async eachNamesrv<T>(fn: (namesrvAddr: string) => Promise<T>): Promise<Array<Settled<T> & { namesrvAddr: string }>> {
    const addrs = this.requireNamesrv();
    const settled = await mapBounded(addrs, fn, { limit: this.concurrency });
    return settled.map((s, i) => ({ ...s, namesrvAddr: addrs[i]! }));
  }

  /**
   * A read of one broker that the answer can go without: waits at most `deadlineMs` (default this.deadlineMs); a
   * broker that misses it gets its breaker opened, so the next reads do not wait on it either.
   */
  within<T>(t: { brokerName?: string; brokerAddr: string }, fn: () => Promise<T>, deadlineMs = this.deadlineMs): Promise<T> {
    try {
      this.breaker.check(t.brokerAddr);
    } catch (err) {
      return Promise.reject(err);
    }
    const name = t.brokerName ? `${t.brokerName} (${t.brokerAddr})` : t.brokerAddr;
    return withDeadline(Promise.resolve().then(fn), deadlineMs, () => {
      const err = new DeadlineError(`${name} did not answer within ${deadlineMs}ms`, t.brokerAddr, deadlineMs);
      this.noAnswer(t.brokerAddr, deadlineMs, err.message);
      return err;
    });
  }

  /**
   * `fn` for every target, at most `concurrency` at once, each under the per-broker deadline; failures come back
   * named (with when the broker last answered), never thrown. With `keep` (a name for this kind of read), each
   * broker's last good answer (a late one included) is kept and stands in for one it cannot give, marked with its
   * time in `asOf` and in the failure's `figuresAsOf`. `deadlineMs: 0` waits as long as the requests' own timeouts
   * (changes: one cut short may still be applied).
   */
  async fanout<T>(targets: readonly BrokerTarget[], fn: (t: BrokerTarget) => Promise<T>, opts: { deadlineMs?: number; keep?: string } = {}): Promise<FanoutResult<T>> {
    const keyOf = (t: BrokerTarget) => `${opts.keep} ${t.brokerName} ${t.brokerAddr}`;
    const settled = await mapBounded(targets, (t) => this.within(t, () => {
      const p = fn(t);
      // an answer that comes after the deadline is kept too: the next read shows it
      if (opts.keep) p.then((value) => this.lastGood.set(keyOf(t), { value, at: this.now() }), () => {});
      return p;
    }, opts.deadlineMs), { limit: this.concurrency });
    const out: FanoutResult<T> = { results: [], errors: [] };
    settled.forEach((s, i) => {
      const target = targets[i]!;
      if (s.ok) {
        out.results.push({ target, value: s.value });
        return;
      }
      const f = this.failure(target.brokerName, target.brokerAddr, s.error);
      const kept = opts.keep ? this.lastGood.get(keyOf(target)) : undefined;
      if (kept && this.now() - kept.at <= LAST_GOOD_MAX_AGE_MS) {
        out.results.push({ target, value: kept.value as T, asOf: kept.at });
        f.figuresAsOf = kept.at;
      }
      out.errors.push(f);
      this.logger.warn('broker_call_failed', { brokerName: target.brokerName, brokerAddr: target.brokerAddr, error: s.error });
    });
    return out;
  }

  /**
   * A wait of `waitedMs` on `addr` ended without its answer. If nothing else came from it meanwhile, it is hung (or
   * unreachable) and its breaker opens; a broker that is answering other calls is only slow, and stays admitted.
   */
  private noAnswer(addr: string, waitedMs: number, reason: string): void {
    const last = this.breaker.state(addr)?.lastOkAt;
    if (last !== undefined && this.now() - last < waitedMs) return;
    this.breaker.missed(addr, reason);
  }

  /** A failure record naming the broker, with whether it is held off and when it last answered. */
  failure(brokerName: string, brokerAddr: string, err: unknown): BrokerFailure {
    const f = brokerFailure(brokerName, brokerAddr, err);
    const st = brokerAddr ? this.breaker.state(brokerAddr) : undefined;
    if (st?.open) {
      f.unavailable = true;
      if (st.openedAt !== undefined) f.unavailableSince = st.openedAt;
    }
    if (st?.lastOkAt !== undefined) f.lastOkAt = st.lastOkAt;
    return f;
  }

  private requireNamesrv(): string[] {
    if (this.namesrvAddrs.length === 0) {
      throw new AdminError('no nameserver address: pass namesrvAddr (-n host:port;host:port) or set NAMESRV_ADDR');
    }
    return this.namesrvAddrs;
  }
}
