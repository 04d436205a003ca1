// Per-message filter bits of consume queue entries (the role of RocketMQ's ConsumeQueueExt filter bit map): what
// the broker's calculator answered for a message at dispatch, kept per queue offset so a pull can skip a message
// that cannot match without reading it from the commit log. In memory only and bounded: an entry with no bits
// (older than the table, before a restart, or never calculated) is read and checked as usual.

/** Entries kept per queue by default: 1 MiB of bits per queue of a topic with SQL92 subscriptions. */
export const DEFAULT_FILTER_BITS_PER_QUEUE = 1 << 18;

/** Entries per chunk (4 bytes each). */
const CHUNK = 4096;

/** Asked at dispatch for a message going to a consume queue; 0 records nothing. */
export type FilterBitsCalculator = (topic: string, properties: Readonly<Record<string, string>>) => number;

export class FilterBitTable {
  /** "topic@queueId" -> chunk number -> the bits of CHUNK consecutive queue offsets (0: none recorded) */
  private readonly queues = new Map<string, Map<number, Uint32Array>>();
  private readonly maxChunks: number;

  constructor(maxEntriesPerQueue: number) {
    this.maxChunks = Math.max(1, Math.ceil(maxEntriesPerQueue / CHUNK));
  }

  set(topic: string, queueId: number, queueOffset: number, bits: number): void {
    const key = `${topic}@${queueId}`;
    let chunks = this.queues.get(key);
    if (!chunks) {
      chunks = new Map();
      this.queues.set(key, chunks);
    }
    const n = Math.floor(queueOffset / CHUNK);
    let chunk = chunks.get(n);
    if (!chunk) {
      chunk = new Uint32Array(CHUNK);
      chunks.set(n, chunk);
      // chunks are created in queue order, so the first key of the map is the oldest
      while (chunks.size > this.maxChunks) chunks.delete(chunks.keys().next().value as number);
    }
    chunk[queueOffset - n * CHUNK] = bits >>> 0;
  }

  /** The bits recorded for one entry, 0 when none. */
  get(topic: string, queueId: number, queueOffset: number): number {
    const chunks = this.queues.get(`${topic}@${queueId}`);
    if (!chunks) return 0;
    const n = Math.floor(queueOffset / CHUNK);
    const chunk = chunks.get(n);
    return chunk ? chunk[queueOffset - n * CHUNK]! : 0;
  }

  /** A deleted topic's queues. */
  dropTopic(topic: string): void {
    for (const key of [...this.queues.keys()]) if (key.slice(0, key.lastIndexOf('@')) === topic) this.queues.delete(key);
  }

  /** Bytes held, for runtime figures. */
  bytes(): number {
    let n = 0;
    for (const chunks of this.queues.values()) n += chunks.size * CHUNK * 4;
    return n;
  }
}
