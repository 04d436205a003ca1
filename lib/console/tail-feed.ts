// A live tail's reader: polls every queue of a topic by offset on each broker group (the tools consumer's
// PULL_MESSAGE, nothing committed) and hands what it reads to its subscribers. One loop per broker group, each call
// under the per-broker deadline, so a hung broker stalls only its own loop; the others keep reading.

import { PULL_BATCH, type AdminClient, type BrokerTarget, type QueueMessage, type TopicRoute } from '../admin/index.ts';
import { createLogger } from '../common/log.ts';
import { describe } from './errors.ts';
import type { Prepared } from './tail-stream.ts';

const log = createLogger('console.tail');

/** One message read, with the broker group it came from. */
export interface FeedItem {
  brokerName: string;
  m: QueueMessage;
  /** What the streams derived from it (tail-stream.ts), shared among them. */
  prepared?: Prepared;
}

/** What a feed tells its subscribers. */
export interface FeedListener {
  onMessages(items: readonly FeedItem[]): void;
  /** A broker group's state changed: `error` when it stopped answering, undefined when it answers again. */
  onBroker(brokerName: string, brokerAddr: string, error: string | undefined): void;
}

export interface FeedOptions {
  /** Start at the first message stored at or after this time (epoch ms); default: at the end of each queue (now). */
  from?: number;
  /** Only these queues ("brokerName:queueId"); default every readable queue. */
  queues?: ReadonlySet<string>;
  /** Pause between two polls of a broker group that had nothing new (default 200 ms). */
  pollMs?: number;
  /** Pause after a broker group failed (default 1000 ms). */
  retryMs?: number;
  /** How often the route is read again for new queues or broker groups (default 10 s). */
  routeEveryMs?: number;
  /**
   * A tail from now that falls this many messages behind on a queue (the console or a broker too slow for the
   * topic's rate) jumps ahead to the newest and counts what it skipped (default 5,000; a tail from a time never skips).
   */
  maxBehind?: number;
}

interface BrokerLoop {
  brokerName: string;
  target: BrokerTarget;
  queueIds: number[];
  /** Next offset to read per queue id; absent until the queue's start offset is known. */
  cursors: Map<number, number>;
  /** Each queue's max offset at its last answer (how far behind the cursor is). */
  maxOffsets: Map<number, number>;
  /** Messages jumped over because the tail fell too far behind. */
  skipped: number;
  error?: string;
  running: boolean;
}

/** Pulls in flight per queue when it is far behind. */
const PIPELINE = 16;
const DEFAULT_MAX_BEHIND = 5000;
/** A tail from now starts its queues at the time it opened while it is this young; later at their end. */
const FROM_OPEN_MS = 10_000;

export const queueKey = (brokerName: string, queueId: number): string => `${brokerName}:${queueId}`;

/** The process to read from: the master, else the lowest-id member. */
function targetOf(g: TopicRoute['brokerDatas'][number]): BrokerTarget | undefined {
  const ids = Object.keys(g.brokerAddrs).map(Number).sort((a, b) => a - b);
  const id = ids[0];
  return id === undefined ? undefined : { clusterName: g.clusterName, brokerName: g.brokerName, brokerId: id, brokerAddr: g.brokerAddrs[String(id)]! };
}

export class TailFeed {
  readonly listeners = new Set<FeedListener>();
  /** Pull requests sent (tests and the streams list watch it stop when the last reader leaves). */
  pulls = 0;
  messagesRead = 0;
  /** Messages jumped over, all broker groups (see FeedOptions.maxBehind). */
  skipped = 0;
  routeError?: string;
  private readonly loops = new Map<string, BrokerLoop>();
  private stopped = false;
  private started = false;
  private readonly wakers = new Set<() => void>();
  private routeTimer?: NodeJS.Timeout;
  private readonly pollMs: number;
  private readonly retryMs: number;
  private readonly createdAt = Date.now();

  constructor(
    private readonly admin: AdminClient,
    readonly topic: string,
    private readonly opts: FeedOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 200;
    this.retryMs = opts.retryMs ?? 1000;
  }

  get running(): boolean {
    return this.started && !this.stopped;
  }

  /** Broker groups with their current error, for the streams' status. */
  brokers(): Array<{ brokerName: string; brokerAddr: string; queues: number; behind: number; skipped: number; error?: string }> {
    return [...this.loops.values()].map((l) => {
      let behind = 0;
      for (const [q, c] of l.cursors) behind += Math.max(0, (l.maxOffsets.get(q) ?? c) - c);
      return { brokerName: l.brokerName, brokerAddr: l.target.brokerAddr, queues: l.queueIds.length, behind, skipped: l.skipped, ...(l.error ? { error: l.error } : {}) };
    });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.refreshRoute();
    const every = this.opts.routeEveryMs ?? 10_000;
    this.routeTimer = setInterval(() => void this.refreshRoute(), every);
    this.routeTimer.unref();
  }

  /** Stops every loop at its next step; nothing is pulled after the requests in flight settle. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.routeTimer);
    for (const w of [...this.wakers]) w();
    log.info('tail_feed_stopped', { topic: this.topic, pulls: this.pulls, messages: this.messagesRead });
  }

  private async refreshRoute(): Promise<void> {
    if (this.stopped) return;
    let route: TopicRoute;
    try {
      route = await this.admin.topicRoute(this.topic);
      this.routeError = undefined;
    } catch (err) {
      this.routeError = describe(err);
      log.warn('tail_route_failed', { topic: this.topic, error: err });
      return;
    }
    if (this.stopped) return;
    for (const g of route.brokerDatas) {
      const target = targetOf(g);
      const qd = route.queueDatas.find((q) => q.brokerName === g.brokerName);
      if (!target || !qd) continue;
      const wanted = this.opts.queues;
      const queueIds = Array.from({ length: qd.readQueueNums }, (_, i) => i).filter((i) => !wanted || wanted.has(queueKey(g.brokerName, i)));
      if (queueIds.length === 0) continue;
      const cur = this.loops.get(g.brokerName);
      if (cur) {
        cur.queueIds = queueIds;
        if (cur.target.brokerAddr !== target.brokerAddr) cur.target = target;
        continue;
      }
      const loop: BrokerLoop = { brokerName: g.brokerName, target, queueIds, cursors: new Map(), maxOffsets: new Map(), skipped: 0, running: true };
      this.loops.set(g.brokerName, loop);
      void this.run(loop);
    }
  }

  /** Waits `ms`, or less when the feed stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref(); // a feed never keeps the process alive by itself
      this.wakers.add(done);
    });
  }

  private setError(loop: BrokerLoop, error: string | undefined): void {
    if (loop.error === error) return;
    loop.error = error;
    for (const l of this.listeners) l.onBroker(loop.brokerName, loop.target.brokerAddr, error);
  }

  /** Start offsets of the queues that have none yet: the end of each queue, or the first message at `from`. */
  private async initCursors(loop: BrokerLoop): Promise<void> {
    const missing = loop.queueIds.filter((q) => !loop.cursors.has(q));
    if (missing.length === 0) return;
    if (this.opts.from === undefined && Date.now() - this.createdAt > FROM_OPEN_MS) {
      // a queue found later (a route change): from its end
      const queues = await this.admin.brokerTopicQueues(loop.target, this.topic);
      for (const q of missing) {
        const max = queues.find((x) => x.queueId === q)?.maxOffset ?? 0;
        loop.cursors.set(q, max);
        loop.maxOffsets.set(q, max);
      }
    } else {
      // from a time, or from the moment the tail opened (not from when its first read got through: nothing stored
      // after the page asked is missed)
      const from = this.opts.from ?? this.createdAt;
      const offsets = await Promise.all(missing.map((q) => this.admin.searchOffset(loop.target, this.topic, q, from)));
      missing.forEach((q, i) => loop.cursors.set(q, offsets[i]!));
    }
  }

  /**
   * One round over a queue: pulls from the cursor, several batches at once when the queue is that far behind (consume
   * queue offsets are consecutive, so batch i starts at cursor + i * PULL_BATCH); batches are taken in order up to the
   * first that is not full or not where the previous ended (the rest are read again next round).
   */
  private async pullRound(loop: BrokerLoop, q: number): Promise<{ items: FeedItem[]; more: boolean }> {
    let cursor = loop.cursors.get(q)!;
    let behind = (loop.maxOffsets.get(q) ?? cursor) - cursor;
    const maxBehind = this.opts.maxBehind ?? DEFAULT_MAX_BEHIND;
    if (this.opts.from === undefined && behind > maxBehind) {
      // live means now: jump to the newest batch and say how much was jumped over
      const to = loop.maxOffsets.get(q)! - PULL_BATCH;
      loop.skipped += to - cursor;
      this.skipped += to - cursor;
      cursor = to;
      behind = PULL_BATCH;
    }
    const n = Math.max(1, Math.min(PIPELINE, Math.ceil(behind / PULL_BATCH)));
    this.pulls += n;
    const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => this.admin.pullQueue(loop.target, this.topic, q, cursor + i * PULL_BATCH, { maxNums: PULL_BATCH })));
    const items: FeedItem[] = [];
    let at = cursor;
    let failure: unknown;
    for (let i = 0; i < settled.length; i++) {
      const s = settled[i]!;
      if (s.status === 'rejected') {
        if (i === 0) failure = s.reason;
        break;
      }
      const r = s.value;
      loop.maxOffsets.set(q, r.maxOffset);
      if (r.status !== 'FOUND') {
        if (i === 0) at = r.nextBeginOffset; // nothing new, or the offset moved
        break;
      }
      if (r.messages[0]!.queueOffset < at) break; // not where the previous batch ended
      for (const m of r.messages) items.push({ brokerName: loop.brokerName, m });
      at = r.nextBeginOffset;
      if (r.messages.length < PULL_BATCH) break;
    }
    if (failure !== undefined && items.length === 0) throw failure;
    loop.cursors.set(q, at);
    return { items, more: items.length > 0 && at < (loop.maxOffsets.get(q) ?? at) };
  }

  private async run(loop: BrokerLoop): Promise<void> {
    while (!this.stopped) {
      let more = false;
      try {
        await this.initCursors(loop);
        if (this.stopped) break;
        const ids = loop.queueIds.filter((q) => loop.cursors.has(q));
        const settled = await Promise.allSettled(ids.map((q) => this.pullRound(loop, q)));
        if (this.stopped) break;
        const items: FeedItem[] = [];
        let failure: unknown;
        for (const s of settled) {
          if (s.status === 'rejected') failure ??= s.reason;
          else {
            items.push(...s.value.items);
            if (s.value.more) more = true;
          }
        }
        if (items.length) {
          items.sort((a, b) => a.m.storeTimestamp - b.m.storeTimestamp);
          this.messagesRead += items.length;
          for (const l of this.listeners) l.onMessages(items);
        }
        if (failure !== undefined) throw failure;
        this.setError(loop, undefined);
      } catch (err) {
        if (this.stopped) break;
        this.setError(loop, describe(err));
        await this.pause(this.retryMs);
        continue;
      }
      if (!more) await this.pause(this.pollMs);
    }
    loop.running = false;
  }
}
