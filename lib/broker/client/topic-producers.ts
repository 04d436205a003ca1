// Which producer groups send to which topic, from whom: RocketMQ keeps producers by group only (a heartbeat names no
// topic), so the broker notes every accepted send here. In memory and bounded: a closed connection's rows go at once,
// a pair idle for IDLE_MS goes at the next scan, and the table never holds more than maxEntries rows. Each row also
// counts its sends (one per accepted send request; a batch is one) in 5-second buckets, so the send TPS of a
// connection is its count over the last minute.

import { MixAll, isRetryTopic, isDLQTopic } from '../../protocol/constants.ts';
import type { TopicProducerEntry } from '../../protocol/bodies/topic-producers.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';

/** A (producerGroup, topic) pair unused this long is forgotten (RocketMQ's own producer expiry is 120 s of silence). */
export const TOPIC_PRODUCER_IDLE_MS = 5 * 60_000;
/** Most rows kept; past it the least recently sending rows go first. */
export const TOPIC_PRODUCER_MAX_ENTRIES = 10_000;

/** Groups the clients use internally (a consumer's send-back fallback, the self test), not an application's producers. */
const INTERNAL_PRODUCER_GROUPS: ReadonlySet<string> = new Set([MixAll.CLIENT_INNER_PRODUCER_GROUP, MixAll.SELF_TEST_PRODUCER_GROUP]);

/** Send rate window: BUCKETS buckets of BUCKET_MS each (one minute). */
const BUCKET_MS = 5_000;
const BUCKETS = 12;

interface Row extends TopicProducerEntry {
  conn: RemotingConnection;
  firstSendTimestamp: number;
  /** Send counts per bucket, ring indexed by bucket number % BUCKETS; `bucket` is the newest bucket number. */
  counts: number[];
  bucket: number;
}

/** Moves the ring forward to bucket `b`, zeroing the buckets skipped. */
function advance(row: Row, b: number): void {
  if (b <= row.bucket) return;
  for (let i = row.bucket + 1; i <= Math.min(b, row.bucket + BUCKETS); i++) row.counts[i % BUCKETS] = 0;
  row.bucket = b;
}

/** Sends per second over the last minute (over the time since the first send when younger; at least one second). */
function tpsOf(row: Row, now: number): number {
  advance(row, Math.floor(now / BUCKET_MS));
  let sum = 0;
  for (const c of row.counts) sum += c;
  const windowStart = (row.bucket - BUCKETS + 1) * BUCKET_MS;
  const spanMs = Math.max(1_000, now - Math.max(windowStart, row.firstSendTimestamp));
  return Math.round((sum / (spanMs / 1000)) * 100) / 100;
}

export interface SendSeen {
  producerGroup: string;
  topic: string;
  language: string;
  version: number;
}

export class TopicProducerTable {
  /** key (connection id, group, topic) -> row; Map order is least recently sending first */
  private readonly rows = new Map<string, Row>();
  private readonly byConn = new Map<RemotingConnection, Set<string>>();
  /** The row the last record() touched and its key: the newest row of the map while it is still in it. */
  private lastRow?: Row;
  private lastKey = '';

  constructor(
    private readonly now: () => number = Date.now,
    readonly maxEntries = TOPIC_PRODUCER_MAX_ENTRIES,
    readonly idleMs = TOPIC_PRODUCER_IDLE_MS,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  /** Notes an accepted send; internal groups and consumers' retry / dead-letter sends are left out. */
  record(conn: RemotingConnection, seen: SendSeen, clientId = ''): void {
    if (!seen.producerGroup || INTERNAL_PRODUCER_GROUPS.has(seen.producerGroup)) return;
    if (isRetryTopic(seen.topic) || isDLQTopic(seen.topic)) return;
    if (conn.closed) return;
    const last = this.lastRow;
    // The same sender as last time (every send of a busy producer): its row is already the newest, no key to build.
    const same = last !== undefined && last.conn === conn && last.producerGroup === seen.producerGroup && last.topic === seen.topic
      && this.rows.get(this.lastKey) === last;
    const key = same ? this.lastKey : `${conn.id}\u0000${seen.producerGroup}\u0000${seen.topic}`;
    const ts = this.now();
    const b = Math.floor(ts / BUCKET_MS);
    const row = same ? last : this.rows.get(key);
    if (row) {
      advance(row, b);
      row.counts[b % BUCKETS]!++;
      row.sendCount++;
      row.lastSendTimestamp = ts;
      row.language = seen.language;
      row.version = seen.version;
      if (clientId) row.clientId = clientId;
      // most recent sender last: eviction takes from the front
      if (!same) {
        this.rows.delete(key);
        this.rows.set(key, row);
        this.lastRow = row;
        this.lastKey = key;
      }
      return;
    }
    while (this.rows.size >= this.maxEntries) this.dropKey(this.rows.keys().next().value!);
    const counts = new Array<number>(BUCKETS).fill(0);
    counts[b % BUCKETS] = 1;
    const fresh: Row = {
      ...seen, clientId, clientAddr: conn.remoteAddr, lastSendTimestamp: ts, sendCount: 1, sendTps: 0, conn, firstSendTimestamp: ts, counts, bucket: b,
    };
    this.rows.set(key, fresh);
    this.lastRow = fresh;
    this.lastKey = key;
    let keys = this.byConn.get(conn);
    if (!keys) {
      keys = new Set();
      this.byConn.set(conn, keys);
    }
    keys.add(key);
  }

  /** The connection closed: its rows go now. */
  doChannelCloseEvent(conn: RemotingConnection): void {
    const keys = this.byConn.get(conn);
    if (!keys) return;
    for (const key of keys) this.rows.delete(key);
    this.byConn.delete(conn);
  }

  /** Drops pairs idle for longer than idleMs and rows of closed connections; returns how many went. */
  expire(): number {
    const cutoff = this.now() - this.idleMs;
    let n = 0;
    for (const [key, row] of [...this.rows]) {
      if (row.lastSendTimestamp >= cutoff && !row.conn.closed) continue;
      this.dropKey(key);
      n++;
    }
    return n;
  }

  /**
   * Rows of one topic (or all), oldest group/topic first; `clientIdOf` fills in a client id a later heartbeat told.
   */
  /** `protocolOf`: "grpc_v2" for a connection that sends for the gRPC clients behind it (a gRPC endpoint). */
  list(
    topic?: string,
    clientIdOf?: (producerGroup: string, conn: RemotingConnection) => string | undefined,
    protocolOf?: (producerGroup: string, conn: RemotingConnection) => string | undefined,
  ): TopicProducerEntry[] {
    const out: TopicProducerEntry[] = [];
    const now = this.now();
    for (const row of this.rows.values()) {
      if (topic !== undefined && row.topic !== topic) continue;
      if (!row.clientId && clientIdOf) row.clientId = clientIdOf(row.producerGroup, row.conn) ?? '';
      const { conn: _conn, firstSendTimestamp: _first, counts: _counts, bucket: _bucket, ...entry } = row;
      const protocolType = protocolOf?.(row.producerGroup, row.conn);
      out.push({ ...entry, sendTps: tpsOf(row, now), ...(protocolType ? { protocolType } : {}) });
    }
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.producerGroup < b.producerGroup ? -1 : a.producerGroup > b.producerGroup ? 1 : a.clientAddr < b.clientAddr ? -1 : 1));
  }

  private dropKey(key: string): void {
    const row = this.rows.get(key);
    if (!row) return;
    this.rows.delete(key);
    const keys = this.byConn.get(row.conn);
    keys?.delete(key);
    if (keys && keys.size === 0) this.byConn.delete(row.conn);
  }
}
