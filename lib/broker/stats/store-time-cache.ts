// Store times of messages by (topic, queueId, queue offset): GET_BROKER_CONSUME_STATS asks for the time of the last
// consumed message of every queue of every group, and a stored message's time never changes, so each is read from
// the commit log once. Bounded; a deleted topic's entries are dropped with it.

const SEP = '\u0000';

export class StoreTimeCache {
  private readonly table = new Map<string, number>();

  constructor(readonly maxEntries = 200_000) {}

  get size(): number {
    return this.table.size;
  }

  get(topic: string, queueId: number, queueOffset: number): number | undefined {
    return this.table.get(topic + SEP + queueId + SEP + queueOffset);
  }

  /** Only real store times (> 0) are kept: a missing message may still arrive at that offset (a slave catching up). */
  set(topic: string, queueId: number, queueOffset: number, storeTimestamp: number): void {
    if (storeTimestamp <= 0) return;
    if (this.table.size >= this.maxEntries) {
      // the oldest insertions go first: a group's offset moves on, so old positions are rarely asked again
      const drop = Math.max(1, this.maxEntries >> 3);
      let n = 0;
      for (const key of this.table.keys()) {
        if (n++ >= drop) break;
        this.table.delete(key);
      }
    }
    this.table.set(topic + SEP + queueId + SEP + queueOffset, storeTimestamp);
  }

  forgetTopics(topics: Iterable<string>): void {
    const prefixes = [...topics].map((t) => t + SEP);
    if (prefixes.length === 0) return;
    for (const key of [...this.table.keys()]) if (prefixes.some((p) => key.startsWith(p))) this.table.delete(key);
  }
}
