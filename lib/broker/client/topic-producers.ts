// Which producer groups send to which topic, from whom: RocketMQ keeps producers by group only (a heartbeat names no
// topic), so the broker notes every accepted send here. In memory and bounded: a closed connection's rows go at once,
// a pair idle for IDLE_MS goes at the next scan, and the table never holds more than maxEntries rows.

import { MixAll, isRetryTopic, isDLQTopic } from '../../protocol/constants.ts';
import type { TopicProducerEntry } from '../../protocol/bodies/topic-producers.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';

/** A (producerGroup, topic) pair unused this long is forgotten (RocketMQ's own producer expiry is 120 s of silence). */
export const TOPIC_PRODUCER_IDLE_MS = 5 * 60_000;
/** Most rows kept; past it the least recently sending rows go first. */
export const TOPIC_PRODUCER_MAX_ENTRIES = 10_000;

/** Groups the clients use internally (a consumer's send-back fallback, the self test), not an application's producers. */
const INTERNAL_PRODUCER_GROUPS: ReadonlySet<string> = new Set([MixAll.CLIENT_INNER_PRODUCER_GROUP, MixAll.SELF_TEST_PRODUCER_GROUP]);

interface Row extends TopicProducerEntry {
  conn: RemotingConnection;
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
    const key = `${conn.id}\u0000${seen.producerGroup}\u0000${seen.topic}`;
    const ts = this.now();
    const row = this.rows.get(key);
    if (row) {
      row.lastSendTimestamp = ts;
      row.language = seen.language;
      row.version = seen.version;
      if (clientId) row.clientId = clientId;
      // most recent sender last: eviction takes from the front
      this.rows.delete(key);
      this.rows.set(key, row);
      return;
    }
    while (this.rows.size >= this.maxEntries) this.dropKey(this.rows.keys().next().value!);
    this.rows.set(key, { ...seen, clientId, clientAddr: conn.remoteAddr, lastSendTimestamp: ts, conn });
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
  list(topic?: string, clientIdOf?: (producerGroup: string, conn: RemotingConnection) => string | undefined): TopicProducerEntry[] {
    const out: TopicProducerEntry[] = [];
    for (const row of this.rows.values()) {
      if (topic !== undefined && row.topic !== topic) continue;
      if (!row.clientId && clientIdOf) row.clientId = clientIdOf(row.producerGroup, row.conn) ?? '';
      const { conn: _conn, ...entry } = row;
      out.push(entry);
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
