// All consume queues of the store, by topic and queueId, under <root>/consumequeue/<topic>/<queueId>/.

import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../common/log.ts';
import { ConsumeQueue } from './consume-queue.ts';

const log = createLogger('store.consumequeue');

export class ConsumeQueueStore {
  readonly rootDir: string;
  private readonly mappedFileSize: number;
  private readonly table = new Map<string, Map<number, ConsumeQueue>>();

  constructor(rootDir: string, mappedFileSize: number) {
    this.rootDir = rootDir;
    this.mappedFileSize = mappedFileSize;
  }

  /** Opens every queue found on disk and finds where each one's entries end. */
  load(): void {
    let topics: string[] = [];
    try {
      topics = fs.readdirSync(this.rootDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const topic of topics) {
      const topicDir = path.join(this.rootDir, topic);
      if (!fs.statSync(topicDir).isDirectory()) continue;
      for (const q of fs.readdirSync(topicDir)) {
        if (!/^\d+$/.test(q)) continue;
        const cq = new ConsumeQueue(this.rootDir, topic, Number(q), this.mappedFileSize);
        cq.load();
        cq.recover();
        this.put(cq);
      }
    }
  }

  private put(cq: ConsumeQueue): void {
    let queues = this.table.get(cq.topic);
    if (!queues) {
      queues = new Map();
      this.table.set(cq.topic, queues);
    }
    queues.set(cq.queueId, cq);
  }

  /** Drops the read-ahead of every queue no pull read since the last call; returns the bytes dropped. */
  releaseIdleReadAheads(): number {
    let n = 0;
    for (const cq of this.all()) n += cq.releaseIdleReadAhead();
    return n;
  }

  findConsumeQueue(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.table.get(topic)?.get(queueId);
  }

  findOrCreateConsumeQueue(topic: string, queueId: number): ConsumeQueue {
    const found = this.table.get(topic)?.get(queueId);
    if (found) return found;
    const cq = new ConsumeQueue(this.rootDir, topic, queueId, this.mappedFileSize);
    this.put(cq);
    return cq;
  }

  *all(): IterableIterator<ConsumeQueue> {
    for (const queues of this.table.values()) yield* queues.values();
  }

  topics(): string[] {
    return [...this.table.keys()];
  }

  queuesOf(topic: string): ConsumeQueue[] {
    return [...(this.table.get(topic)?.values() ?? [])];
  }

  /** Largest commit log end any queue points to. */
  maxPhysicOffset(): number {
    let max = -1;
    for (const cq of this.all()) if (cq.maxPhysicOffset > max) max = cq.maxPhysicOffset;
    return max;
  }

  truncateDirty(phyOffset: number): void {
    for (const cq of this.all()) cq.truncateDirtyLogicFiles(phyOffset);
  }

  correctMinOffsets(minPhyOffset: number): void {
    for (const cq of this.all()) cq.correctMinOffset(minPhyOffset);
  }

  /** Deletes queue files that only point below `minPhyOffset`; returns the number of files deleted. */
  deleteExpiredFiles(minPhyOffset: number): number {
    let n = 0;
    for (const cq of this.all()) n += cq.deleteExpiredFile(minPhyOffset);
    return n;
  }

  /** fdatasyncs every queue written since its last flush. */
  async flush(): Promise<void> {
    for (const cq of [...this.all()]) {
      if (cq.hasUnflushed()) await cq.flush();
    }
  }

  /** Removes the queues of `topics` with their files; returns the topics that had queues. */
  deleteTopics(topics: Iterable<string>): string[] {
    const deleted: string[] = [];
    for (const topic of topics) {
      const queues = this.table.get(topic);
      if (!queues) continue;
      for (const cq of queues.values()) cq.destroy();
      this.table.delete(topic);
      try {
        fs.rmSync(path.join(this.rootDir, topic), { recursive: true, force: true });
      } catch (err) {
        log.warn('cq_topic_dir_not_removed', { topic, err });
      }
      deleted.push(topic);
    }
    return deleted;
  }

  shutdown(): void {
    for (const cq of this.all()) cq.shutdown();
  }
}
