// The console's live tails: opens a stream for a page (limits per user and in all), shares one feed per cluster and
// topic among the tails that read from now, gives a tail from a time its own feed, and stops a feed when its last
// stream goes. Kept on globalThis: Next.js may load the route modules twice.

import { randomBytes } from 'node:crypto';
import type { AdminClient } from '../admin/index.ts';
import { createLogger } from '../common/log.ts';
import { HttpError } from './http.ts';
import { RocketDeckError } from '../common/errors.ts';
import { TailFeed } from './tail-feed.ts';
import { TailStream } from './tail-stream.ts';
import type { CompiledTailFilter } from './tail-filter.ts';
import type { MaskRules } from './masking.ts';
import type { TailHello, TailStreamsResponse } from './tail-types.ts';

const log = createLogger('console.tail');

/** A tail setting in the environment that is not a positive integer (names the variable). */
export class TailConfigError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'TailConfigError';
  }
}

const positiveEnv = (env: Record<string, string | undefined>, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new TailConfigError(`${name}: '${raw}' is not a positive integer`);
  return v;
};

export interface TailLimits {
  /** Open tails per user (anonymous readers share one allowance). */
  perUser: number;
  total: number;
  /** Messages a second a tail sends unless the page asks for fewer (or more, up to maxRate). */
  rateLimit: number;
  maxRate: number;
}

/** ROCKETDECK_TAIL_MAX_PER_USER (5), ROCKETDECK_TAIL_MAX_STREAMS (100), ROCKETDECK_TAIL_RATE (100/s), ROCKETDECK_TAIL_MAX_RATE (1000/s). */
export function tailLimitsFromEnv(env: Record<string, string | undefined> = process.env): TailLimits {
  return {
    perUser: positiveEnv(env, 'ROCKETDECK_TAIL_MAX_PER_USER', 5),
    total: positiveEnv(env, 'ROCKETDECK_TAIL_MAX_STREAMS', 100),
    rateLimit: positiveEnv(env, 'ROCKETDECK_TAIL_RATE', 100),
    maxRate: positiveEnv(env, 'ROCKETDECK_TAIL_MAX_RATE', 1000),
  };
}

export interface OpenTail {
  cluster: string;
  admin: AdminClient;
  topic: string;
  user: string;
  from?: number;
  queues?: string[];
  filter: CompiledTailFilter;
  rateLimit: number;
  mask?: MaskRules;
}

interface Entry {
  stream: TailStream;
  feed: TailFeed;
  feedKey: string;
  cluster: string;
  topic: string;
  timer: NodeJS.Timeout;
}

/** Seconds between stats events (and pings). */
const STATS_EVERY_MS = 1000;

export class TailHub {
  private readonly entries = new Map<string, Entry>();
  private readonly feeds = new Map<string, { feed: TailFeed; cluster: string; shared: boolean }>();
  /** Pulls of the feeds already stopped. */
  private pullsDone = 0;

  constructor(readonly limits: TailLimits) {}

  /** Opens a tail: 429 when the user or the console has as many as allowed. The stream's body is the SSE response. */
  open(o: OpenTail): { stream: TailStream; body: ReadableStream<Uint8Array> } {
    if (this.entries.size >= this.limits.total) throw new HttpError(429, `the console serves at most ${this.limits.total} live tails at once`);
    const mine = [...this.entries.values()].filter((e) => e.stream.user === o.user).length;
    if (mine >= this.limits.perUser) {
      throw new HttpError(429, `user '${o.user}' has ${mine} live tails open, the most allowed (ROCKETDECK_TAIL_MAX_PER_USER=${this.limits.perUser}); close one first`);
    }
    const id = randomBytes(12).toString('hex');
    const queueSet = o.queues?.length ? new Set(o.queues) : undefined;
    // tails from now share their topic's feed; one from a time reads its own queues from there
    const shared = o.from === undefined;
    const feedKey = shared ? `${o.cluster}\u0000${o.topic}` : `own\u0000${id}`;
    let f = this.feeds.get(feedKey);
    if (!f) {
      f = { feed: new TailFeed(o.admin, o.topic, shared ? {} : { from: o.from, ...(queueSet ? { queues: queueSet } : {}) }), cluster: o.cluster, shared };
      this.feeds.set(feedKey, f);
    }
    const feed = f.feed;
    const stream = new TailStream({ id, user: o.user, filter: o.filter, ...(queueSet ? { queues: queueSet } : {}), rateLimit: o.rateLimit, ...(o.mask ? { mask: o.mask } : {}) });
    const body = stream.body(() => this.close(id, 'page_closed'));
    const hello: TailHello = {
      id, topic: o.topic, rateLimit: o.rateLimit, filter: o.filter.spec,
      masking: o.mask ?? { properties: [], bodyFields: [] },
      ...(o.from !== undefined ? { from: o.from } : {}), ...(o.queues?.length ? { queues: o.queues } : {}),
    };
    stream.send('hello', hello, true);
    const timer = setInterval(() => {
      if (stream.closed) return;
      stream.send('stats', stream.stats(feed.brokers(), feed.routeError), true);
    }, STATS_EVERY_MS);
    timer.unref();
    this.entries.set(id, { stream, feed, feedKey, cluster: o.cluster, topic: o.topic, timer });
    feed.listeners.add(stream);
    feed.start();
    log.info('tail_opened', { id, user: o.user, cluster: o.cluster, topic: o.topic, from: o.from, queues: o.queues?.length, shared, streams: this.entries.size });
    return { stream, body };
  }

  /** Ends a tail; its feed stops when no other tail reads it. */
  close(id: string, why: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    clearInterval(e.timer);
    e.stream.close();
    e.feed.listeners.delete(e.stream);
    if (e.feed.listeners.size === 0) {
      e.feed.stop();
      this.pullsDone += e.feed.pulls;
      this.feeds.delete(e.feedKey);
    }
    log.info('tail_closed', { id, why, user: e.stream.user, topic: e.topic, ...e.stream.counts });
  }

  /** Pause or resume a tail of `user`'s (404 for another's or an unknown id). */
  control(id: string, user: string, action: 'pause' | 'resume'): { paused: boolean } {
    const e = this.entries.get(id);
    if (!e || e.stream.user !== user) throw new HttpError(404, `id: no live tail ${id} of yours`, 'id');
    e.stream.paused = action === 'pause';
    e.stream.send('stats', e.stream.stats(e.feed.brokers(), e.feed.routeError), true);
    return { paused: e.stream.paused };
  }

  list(): TailStreamsResponse {
    return {
      streams: [...this.entries.values()].map((e) => ({
        id: e.stream.id, user: e.stream.user, cluster: e.cluster, topic: e.topic, startedAt: e.stream.startedAt,
        paused: e.stream.paused, sent: e.stream.counts.sent, dropped: e.stream.counts.dropped,
      })),
      feeds: [...this.feeds.values()].map((f) => ({
        cluster: f.cluster, topic: f.feed.topic, shared: f.shared, readers: f.feed.listeners.size, pulls: f.feed.pulls, messagesRead: f.feed.messagesRead, skipped: f.feed.skipped,
      })),
      pullsTotal: this.pullsDone + [...this.feeds.values()].reduce((n, f) => n + f.feed.pulls, 0),
      limits: { ...this.limits },
      memory: (({ rss, heapUsed, heapTotal, external, arrayBuffers }) => ({ rss, heapUsed, heapTotal, external, arrayBuffers }))(process.memoryUsage()),
    };
  }
}

const hubKey = Symbol.for('rocketdeck.tailHub');

/** The process's hub (limits from the environment at first use). */
export function tailHub(): TailHub {
  const g = globalThis as unknown as Record<symbol, TailHub | undefined>;
  return (g[hubKey] ??= new TailHub(tailLimitsFromEnv()));
}
