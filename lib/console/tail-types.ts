// JSON shapes of the live tail's Server-Sent Events (GET /api/tail) and its control routes. Types only.

/** event: hello — the stream is open. */
export interface TailHello {
  id: string;
  topic: string;
  /** Start time (epoch ms) when the tail reads from a time; absent: from now. */
  from?: number;
  queues?: string[];
  /** Most messages a second sent to this page; more matching ones are dropped and counted. */
  rateLimit: number;
  /** Values of these are masked for this reader ("property:x", "body:y"); empty when the reader sees them all. */
  masking: { properties: string[]; bodyFields: string[] };
  filter: { tag?: string; key?: string; props?: Array<{ name: string; value: string }>; bodyContains?: string; sql?: string };
}

/** event: message — one matching message. */
export interface TailMessage {
  msgId: string;
  offsetMsgId: string;
  topic: string;
  tags?: string;
  keys: string[];
  brokerName: string;
  queueId: number;
  queueOffset: number;
  storeTimestamp: number;
  bornTimestamp: number;
  bornHost: string;
  storeHost: string;
  reconsumeTimes: number;
  properties: Record<string, string>;
  /** UTF-8 text, cut at TAIL_BODY_MAX bytes (bodySize is the whole). */
  body: string;
  bodySize: number;
  bodyTruncated?: boolean;
  /** What masking replaced ("property:x", "body:y"). */
  masked?: string[];
}

/** event: stats — counters of this stream, about once a second. */
export interface TailStats {
  /** Messages read of the chosen queues. */
  scanned: number;
  /** Of those, matching the filter. */
  matched: number;
  sent: number;
  /** Matching messages not sent: over the rate limit or while the page was not taking them. */
  dropped: number;
  /** Matching messages that came while paused (not sent). */
  missedWhilePaused: number;
  paused: boolean;
  /**
   * Per broker group: queues read, messages stored but not read yet (`behind`), messages jumped over because the
   * tail fell too far behind to stay live (`skipped`), and its error when it does not answer.
   */
  brokers: Array<{ brokerName: string; brokerAddr: string; queues: number; behind: number; skipped: number; error?: string }>;
  routeError?: string;
}

/** event: broker — a broker group stopped answering (`error`) or answers again. */
export interface TailBrokerEvent {
  brokerName: string;
  brokerAddr: string;
  error?: string;
}

/** GET /api/tail/streams */
export interface TailStreamsResponse {
  streams: Array<{ id: string; user: string; cluster: string; topic: string; startedAt: number; paused: boolean; sent: number; dropped: number }>;
  feeds: Array<{ cluster: string; topic: string; shared: boolean; readers: number; pulls: number; messagesRead: number; skipped: number }>;
  /** Pull requests sent by every feed since the console started (stops growing when no tail is open). */
  pullsTotal: number;
  limits: { perUser: number; total: number; rateLimit: number; maxRate: number };
  /** The console process's memory (process.memoryUsage(), bytes). */
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
}
