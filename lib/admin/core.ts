// The admin client's transport core: one RemotingClient, nameserver failover, broker calls, bounded fan-out.

import { responseError } from '../auth/refusal.ts';
import { resolveCredentials, signRequest } from '../auth/signature.ts';
import { createLogger, type Logger } from '../common/log.ts';
import { parseNamesrvAddr, validateNamesrvAddr } from '../common/namesrv-addr.ts';
import { ResponseCode } from '../protocol/codes.ts';
import { encodeHeader, type HeaderSpec } from '../protocol/headers.ts';
import { RemotingClient } from '../remoting/client.ts';
import { createRequest, type HeaderInput, type RemotingCommand } from '../remoting/command.ts';
import { RemotingClosedError, RemotingConnectError, RemotingSendError, RemotingTimeoutError, ResponseCodeError } from '../remoting/errors.ts';
import { AdminError, brokerFailure, type BrokerFailure } from './errors.ts';
import { DEFAULT_CONCURRENCY, mapBounded, type Settled } from './fanout.ts';

export const DEFAULT_TIMEOUT_MS = 3000;

export interface AdminClientOptions {
  /** "host:port;host:port" or a list; defaults to the NAMESRV_ADDR environment variable. */
  namesrvAddr?: string | string[];
  /** Timeout of each remoting call, connecting included (default 3000 ms). */
  timeoutMs?: number;
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
  results: Array<{ target: BrokerTarget; value: T }>;
  errors: BrokerFailure[];
}

/** Transport failures after which the next nameserver is worth a try; an error answer is final. */
function isTransportFailure(err: unknown): boolean {
  return err instanceof RemotingConnectError || err instanceof RemotingTimeoutError || err instanceof RemotingSendError ||
    (err instanceof RemotingClosedError);
}

export class AdminCore {
  readonly namesrvAddrs: string[];
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly remoting: RemotingClient;
  readonly logger: Logger;
  private readonly ownsRemoting: boolean;
  /** Nameserver tried first; moves on failover, starts at random as RocketMQ clients do. */
  private namesrvCursor: number;
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(opts: AdminClientOptions = {}) {
    const raw = opts.namesrvAddr ?? process.env.NAMESRV_ADDR;
    this.namesrvAddrs = validateNamesrvAddr(Array.isArray(raw) ? raw.map((s) => s.trim()).filter(Boolean) : parseNamesrvAddr(raw));
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
    this.logger = opts.logger ?? createLogger('admin');
    this.ownsRemoting = !opts.remoting;
    const creds = resolveCredentials(opts);
    this.remoting = opts.remoting ?? new RemotingClient({
      connectTimeoutMs: this.timeoutMs, defaultTimeoutMs: this.timeoutMs, logger: this.logger.child('remoting'),
      beforeRequest: creds ? (_addr, req) => signRequest(req, creds) : undefined,
    });
    this.namesrvCursor = this.namesrvAddrs.length ? Math.floor(Math.random() * this.namesrvAddrs.length) : 0;
  }

  async close(): Promise<void> {
    if (this.ownsRemoting) await this.remoting.close();
  }

  request(code: number, header?: HeaderInput, opts: CallOptions = {}): RemotingCommand {
    const ext = header ? encodeHeader(header, opts.spec) : undefined;
    const fields = opts.extra ? { ...(ext ?? {}), ...opts.extra } : ext;
    return createRequest(code, fields, { body: opts.body, language: opts.language });
  }

  /** One request to `addr`; any answer but SUCCESS (or an accepted code) becomes a ResponseCodeError. */
  async call(addr: string, code: number, header?: HeaderInput, opts: CallOptions = {}): Promise<RemotingCommand> {
    const req = this.request(code, header, opts);
    const res = await this.remoting.invoke(addr, req, opts.timeoutMs ?? this.timeoutMs);
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

  /** `fn` for every target, at most `concurrency` at once; failures come back named, never thrown. */
  async fanout<T>(targets: readonly BrokerTarget[], fn: (t: BrokerTarget) => Promise<T>): Promise<FanoutResult<T>> {
    const settled = await mapBounded(targets, fn, { limit: this.concurrency });
    const out: FanoutResult<T> = { results: [], errors: [] };
    settled.forEach((s, i) => {
      const target = targets[i]!;
      if (s.ok) out.results.push({ target, value: s.value });
      else {
        out.errors.push(brokerFailure(target.brokerName, target.brokerAddr, s.error));
        this.logger.warn('broker_call_failed', { brokerName: target.brokerName, brokerAddr: target.brokerAddr, error: s.error });
      }
    });
    return out;
  }

  private requireNamesrv(): string[] {
    if (this.namesrvAddrs.length === 0) {
      throw new AdminError('no nameserver address: pass namesrvAddr (-n host:port;host:port) or set NAMESRV_ADDR');
    }
    return this.namesrvAddrs;
  }
}
