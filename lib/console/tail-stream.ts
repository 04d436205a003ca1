// One browser's live tail: takes a feed's messages, keeps those of its queues that match its filter (on the masked
// copy for readers who see masked values), and writes them as Server-Sent Events under a rate limit. What the page
// cannot take (over the limit, or the response not drained) is dropped and counted, never queued without bound.

import type { QueueMessage } from '../admin/index.ts';
import type { FeedItem, FeedListener } from './tail-feed.ts';
import type { CompiledTailFilter, FilterableMessage } from './tail-filter.ts';
import { MASKED, hasRules, maskBody, maskProperties, type MaskRules } from './masking.ts';
import type { TailMessage, TailStats } from './tail-types.ts';

/** Bytes of a body sent to the page; the rest is cut (bodySize says how much there was). */
export const TAIL_BODY_MAX = 4096;
/** Bytes the response may hold unread before messages are dropped instead of written. */
export const TAIL_BUFFER_BYTES = 64 * 1024;

const enc = new TextEncoder();
const eventBytes = (event: string, data: unknown): Uint8Array => enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

export interface TailStreamOptions {
  id: string;
  user: string;
  filter: CompiledTailFilter;
  /** Only these "brokerName:queueId" (the feed may read more, when shared). */
  queues?: ReadonlySet<string>;
  /** Messages a second (token bucket, one second of burst). */
  rateLimit: number;
  /** Rules to mask with; undefined for readers who see values. */
  mask?: MaskRules;
  now?: () => number;
}

/** A message's masked and encoded forms, computed once per feed item and shared by every stream that needs them. */
export interface Prepared {
  masked?: { f: FilterableMessage; masked: string[] };
  /** The SSE event bytes, shared by the streams that send it. */
  bytes?: Uint8Array;
  maskedBytes?: Uint8Array;
}
// kept on the item itself (no side table): it goes with the item once every stream has seen it
const prep = (it: FeedItem): Prepared => (it.prepared ??= {});

function maskedOf(it: FeedItem, rules: MaskRules): { f: FilterableMessage; masked: string[] } {
  const p = prep(it);
  if (p.masked) return p.masked;
  const m = it.m;
  const props = maskProperties(m.properties, rules);
  const body = maskBody(m.body.toString('utf8'), rules);
  const f: FilterableMessage = {
    tags: props.properties.TAGS === MASKED ? MASKED : m.tags,
    keys: props.properties.KEYS === MASKED ? [MASKED] : m.keys,
    properties: props.properties,
    body: body.body,
  };
  return (p.masked = { f, masked: [...props.masked, ...body.masked] });
}

function viewOf(it: FeedItem, over?: { f: FilterableMessage; masked: string[] }): TailMessage {
  const m: QueueMessage = it.m;
  const text = over ? String(over.f.body) : m.body.toString('utf8');
  const bytes = over ? Buffer.byteLength(text) : m.body.length;
  const truncated = bytes > TAIL_BODY_MAX;
  const v: TailMessage = {
    msgId: m.msgId, offsetMsgId: m.offsetMsgId, topic: m.topic, keys: over ? over.f.keys : m.keys, brokerName: it.brokerName,
    queueId: m.queueId, queueOffset: m.queueOffset, storeTimestamp: m.storeTimestamp, bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHost, storeHost: m.storeHost, reconsumeTimes: m.reconsumeTimes,
    properties: over ? over.f.properties : m.properties,
    body: truncated ? Buffer.from(text, 'utf8').subarray(0, TAIL_BODY_MAX).toString('utf8') : text,
    bodySize: m.body.length,
  };
  const tags = over ? over.f.tags : m.tags;
  if (tags !== undefined) v.tags = tags;
  if (truncated) v.bodyTruncated = true;
  if (over?.masked.length) v.masked = over.masked;
  return v;
}

export class TailStream implements FeedListener {
  readonly id: string;
  readonly user: string;
  readonly startedAt: number;
  paused = false;
  closed = false;
  readonly counts = { scanned: 0, matched: 0, sent: 0, dropped: 0, missedWhilePaused: 0 };
  private tokens: number;
  private lastRefill: number;
  private controller?: ReadableStreamDefaultController<Uint8Array>;
  private readonly now: () => number;
  private readonly mask?: MaskRules;

  constructor(private readonly opts: TailStreamOptions) {
    this.id = opts.id;
    this.user = opts.user;
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.tokens = opts.rateLimit;
    this.lastRefill = this.now();
    this.mask = opts.mask && hasRules(opts.mask) ? opts.mask : undefined;
  }

  /** The response body the route answers with; `onCancel` runs when the page goes away. */
  body(onCancel: () => void): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start: (c) => {
        this.controller = c;
      },
      cancel: () => onCancel(),
    }, { highWaterMark: TAIL_BUFFER_BYTES, size: (chunk) => chunk.byteLength });
  }

  /** One SSE event; false when the page is not taking what was sent (nothing written then, unless `force`). */
  send(event: string, data: unknown, force = false): boolean {
    return this.write(eventBytes(event, data), force);
  }

  private write(bytes: Uint8Array, force = false): boolean {
    const c = this.controller;
    if (!c || this.closed) return false;
    if (!force && (c.desiredSize ?? 0) <= 0) return false;
    try {
      c.enqueue(bytes);
      return true;
    } catch {
      return false; // closed underneath us
    }
  }

  /** A comment line: keeps proxies from timing the stream out and lets the server notice a gone page. */
  ping(): void {
    const c = this.controller;
    if (!c || this.closed) return;
    try {
      if ((c.desiredSize ?? 0) > 0) c.enqueue(enc.encode(': ping\n\n'));
    } catch {
      // closed
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.controller?.close();
    } catch {
      // already closed by the page going away
    }
  }

  private take(): boolean {
    const now = this.now();
    const rate = this.opts.rateLimit;
    this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) / 1000) * rate);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  onMessages(items: readonly FeedItem[]): void {
    if (this.closed) return;
    const queues = this.opts.queues;
    const filter = this.opts.filter;
    for (const it of items) {
      if (queues && !queues.has(`${it.brokerName}:${it.m.queueId}`)) continue;
      this.counts.scanned++;
      let over: { f: FilterableMessage; masked: string[] } | undefined;
      if (this.mask) over = maskedOf(it, this.mask);
      // a pulled message is filterable as it is (tags, keys, properties, body bytes)
      if (!filter.all && !filter.matches(over ? over.f : it.m)) continue;
      this.counts.matched++;
      if (this.paused) {
        this.counts.missedWhilePaused++;
        continue;
      }
      if (!this.take()) {
        this.counts.dropped++;
        continue;
      }
      const p = prep(it);
      const bytes = over ? (p.maskedBytes ??= eventBytes('message', viewOf(it, over))) : (p.bytes ??= eventBytes('message', viewOf(it)));
      if (this.write(bytes)) this.counts.sent++;
      else this.counts.dropped++;
    }
  }

  onBroker(brokerName: string, brokerAddr: string, error: string | undefined): void {
    this.send('broker', error ? { brokerName, brokerAddr, error } : { brokerName, brokerAddr }, true);
  }

  stats(brokers: TailStats['brokers'], routeError?: string): TailStats {
    const s: TailStats = { ...this.counts, paused: this.paused, brokers };
    if (routeError) s.routeError = routeError;
    return s;
  }
}
