// AsyncTraceDispatcher: trace contexts a producer or consumer records are queued, encoded in Apache's trace format,
// batched per trace topic and sent by an inner producer in the background. Appending never waits and never throws:
// a full queue drops the context (counted), a failed trace send is logged and forgotten.

import type { Logger } from '../common/log.ts';
import type { SendResult } from './client-api.ts';
import type { ClientOptions } from './client-config.ts';
import { DEFAULT_TRACE_TOPIC, encodeTraceContext, TRACE_GROUP_PREFIX, TRACE_INSTANCE_NAME, type TraceContext } from './trace-data.ts';

/** The inner producer the dispatcher sends with (a Producer; passed in so this module does not import it). */
export interface TraceSender {
  start(): Promise<void>;
  shutdown(): Promise<void>;
  send(msg: { topic: string; body: string; keys: string[] }, opts: { timeoutMs: number }): Promise<SendResult>;
}
export type TraceSenderFactory = (opts: ClientOptions & { group: string; instanceName: string; maxMessageSize: number; sendMsgTimeout: number }) => TraceSender;

/** Apache's figures: 1024 queued contexts, 128 000-byte trace messages, sent when 10 KB short or 500 ms old. */
const QUEUE_SIZE = 1024;
const MAX_MSG_SIZE = 128_000;
const WAIT_TIME_THRESHOLD_MS = 500;
const POLLING_MS = 100;
const MAX_IN_FLIGHT = 20;
/** Queue length at which a drain is not left to the next poll. */
const DRAIN_EARLY_AT = 128;
const SEND_TIMEOUT_MS = 5000;

let counter = 0;

export interface TraceDispatcherOptions {
  /** The host's group (producer or consumer group), part of the inner producer's group name. */
  group: string;
  type: 'PRODUCE' | 'CONSUME';
  /** customizedTraceTopic; default RMQ_SYS_TRACE_TOPIC. */
  traceTopic?: string;
  clientOptions: ClientOptions;
  createSender: TraceSenderFactory;
  logger: Logger;
}

interface Segment {
  firstAddedAt: number;
  size: number;
  data: string[];
  keys: Set<string>;
}

export class TraceDispatcher {
  readonly traceTopic: string;
  /** Contexts dropped because the queue was full. */
  discarded = 0;
  /** Trace messages whose send failed. */
  sendFailures = 0;
  private readonly queue: TraceContext[] = [];
  private readonly segment: Segment = { firstAddedAt: 0, size: 0, data: [], keys: new Set() };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sender: TraceSender;
  private timer?: NodeJS.Timeout;
  private started?: Promise<void>;
  private stopped = false;
  private drainScheduled = false;

  constructor(private readonly opts: TraceDispatcherOptions) {
    this.traceTopic = opts.traceTopic || DEFAULT_TRACE_TOPIC;
    const ns = opts.clientOptions.namesrvAddr ?? process.env.NAMESRV_ADDR ?? '';
    this.sender = opts.createSender({
      ...opts.clientOptions,
      group: `${TRACE_GROUP_PREFIX}-${opts.group}-${opts.type}-${++counter}`,
      instanceName: `${TRACE_INSTANCE_NAME}_${Array.isArray(ns) ? ns.join(';') : ns}`,
      maxMessageSize: MAX_MSG_SIZE,
      sendMsgTimeout: SEND_TIMEOUT_MS,
      logger: opts.logger,
    });
  }

  /** Starts the inner producer in the background (a failure is logged; traces are then dropped). */
  start(): void {
    this.started = this.sender.start().catch((err: unknown) => {
      this.opts.logger.warn('trace_producer_start_failed', { traceTopic: this.traceTopic, error: err });
      this.stopped = true;
    });
    this.timer = setInterval(() => this.drain(false), POLLING_MS);
    this.timer.unref();
  }

  /** Queues one context; never blocks the caller. */
  append(ctx: TraceContext): boolean {
    if (this.stopped || ctx.traceBeans.length === 0) return false;
    if (this.queue.length >= QUEUE_SIZE) {
      this.discarded++;
      return false;
    }
    this.queue.push(ctx);
    // a burst fills the queue faster than the 100 ms poll drains it: drain right after this turn of the event loop
    if (this.queue.length >= DRAIN_EARLY_AT && !this.drainScheduled && this.timer) {
      this.drainScheduled = true;
      setImmediate(() => {
        this.drainScheduled = false;
        this.drain(false);
      });
    }
    return true;
  }

  /** Encodes what is queued; sends the segment when it is large or old enough (or `all`). */
  private drain(all: boolean): void {
    const seg = this.segment;
    for (const ctx of this.queue.splice(0)) {
      let enc: { data: string; keys: string[] };
      try {
        enc = encodeTraceContext(ctx);
      } catch (err) {
        this.opts.logger.warn('trace_encode_failed', { error: err });
        continue;
      }
      if (seg.data.length === 0) seg.firstAddedAt = Date.now();
      seg.data.push(enc.data);
      for (const k of enc.keys) seg.keys.add(k);
      seg.size += enc.data.length;
      if (seg.size >= MAX_MSG_SIZE - 10_000) this.sendSegment();
    }
    if (seg.data.length > 0 && (all || Date.now() - seg.firstAddedAt >= WAIT_TIME_THRESHOLD_MS)) this.sendSegment();
  }

  private sendSegment(): void {
    const seg = this.segment;
    const body = seg.data.join('');
    const keys = [...seg.keys];
    seg.data = [];
    seg.keys = new Set();
    seg.size = 0;
    seg.firstAddedAt = 0;
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      this.discarded += body.split('\u0002').length - 1;
      return;
    }
    const p = (async () => {
      await this.started;
      if (this.stopped && !this.flushing) return;
      await this.sender.send({ topic: this.traceTopic, body, keys }, { timeoutMs: SEND_TIMEOUT_MS });
    })().catch((err: unknown) => {
      this.sendFailures++;
      this.opts.logger.warn('trace_send_failed', { traceTopic: this.traceTopic, records: body.split('\u0002').length - 1, error: err });
    }).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private flushing = false;

  /** Sends everything queued and waits (up to `timeoutMs`) for the trace sends in flight. */
  async flush(timeoutMs = 3000): Promise<void> {
    this.flushing = true;
    try {
      this.drain(true);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([...this.inFlight]), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    } finally {
      this.flushing = false;
    }
  }

  /** Flushes, then stops the inner producer. */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    this.stopped = true;
    await this.started;
    await this.sender.shutdown().catch((err: unknown) => this.opts.logger.warn('trace_producer_shutdown_failed', { error: err }));
  }
}
