// Reads: pull by topic/queue/offset with tag filtering (raw record bytes, no re-encoding), lookups by commit log
// offset, by key through the index, and by store time through the consume queues.

import { totalmem } from 'node:os';
import { decodeMessage } from '../protocol/message-codec.ts';
import type { MessageExt } from '../protocol/message.ts';
import type { CommitLog } from './commit-log.ts';
import { CQ_STORE_UNIT_SIZE, type MessageStoreConfig } from './config.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import { BLANK_ENTRY_SIZE, type BoundaryType, type CqUnit } from './consume-queue.ts';
import { readInt64 } from '../protocol/message-host.ts';
import type { IndexService } from './index-service.ts';
import type { FilterBitTable } from './filter-bits.ts';
import { ReadWindows } from './read-windows.ts';
import type { ConsumeQueueEntries, GetMessageResult, GetMessageStatus, MessageFilter, QueryMessageResult } from './types.ts';

export interface GetCounters {
  getMessageTimesTotalFound: number;
  getMessageTimesTotalMiss: number;
  getMessageTransferedMsgCount: number;
  /** Entries a filter refused by the consume queue (tags code or filter bits): commit log reads saved. */
  filterSkippedByConsumeQueue: number;
  /** Messages read from the commit log and then refused by a filter (e.g. a SQL92 expression). */
  filterRejectedByCommitLog: number;
}

/** Largest single read when several wanted records lie back to back in the commit log. */
const MAX_MERGED_READ = 1024 * 1024;

/**
 * A getMessage answer whose `buffers` (one view of `body` per record) are made when first read: a pull answers with
 * `body` and counts `queueOffsets`, so it never makes them.
 */
class MessagesRead implements GetMessageResult {
  status: GetMessageStatus = 'NO_MESSAGE_IN_QUEUE';
  nextBeginOffset: number;
  minOffset = 0;
  maxOffset = 0;
  queueOffsets: number[] = [];
  bufferTotalSize = 0;
  body?: Buffer = undefined;
  suggestPullingFromSlave = false;
  private views: Buffer[] | undefined = [];
  /** Record sizes in `body` while `views` is not made. */
  private sizes: number[] | undefined = undefined;

  constructor(offset: number) {
    this.nextBeginOffset = offset;
  }

  get buffers(): Buffer[] {
    if (this.views === undefined) {
      const views: Buffer[] = [];
      let at = 0;
      for (const size of this.sizes!) {
        views.push(this.body!.subarray(at, at + size));
        at += size;
      }
      this.views = views;
      this.sizes = undefined;
    }
    return this.views;
  }

  set buffers(v: Buffer[]) {
    this.views = v;
    this.sizes = undefined;
  }

  /** The records, `sizes[k]` bytes each, lie back to back in `body`. */
  setBody(body: Buffer, sizes: number[]): void {
    this.body = body;
    this.sizes = sizes;
    this.views = undefined;
    let total = 0;
    for (let k = 0; k < sizes.length; k++) total += sizes[k]!;
    this.bufferTotalSize = total;
  }
}

export class MessageReader {
  readonly counters: GetCounters = {
    getMessageTimesTotalFound: 0, getMessageTimesTotalMiss: 0, getMessageTransferedMsgCount: 0,
    filterSkippedByConsumeQueue: 0, filterRejectedByCommitLog: 0,
  };
  private readonly cfg: MessageStoreConfig;
  private readonly commitLog: CommitLog;
  private readonly cqStore: ConsumeQueueStore;
  private readonly index: IndexService | null;
  private readonly memory: number;
  private readonly filterBits: FilterBitTable | null;
  private readonly windows: ReadWindows;
  /** Bytes of the answer bodies built so far: the garbage the pulls leave behind. */
  answeredBytes = 0;

  constructor(cfg: MessageStoreConfig, commitLog: CommitLog, cqStore: ConsumeQueueStore, index: IndexService | null, filterBits: FilterBitTable | null = null) {
    this.cfg = cfg;
    this.filterBits = filterBits;
    this.commitLog = commitLog;
    this.windows = new ReadWindows(commitLog);
    this.cqStore = cqStore;
    this.index = index;
    this.memory = totalmem() * (cfg.accessMessageInMemoryMaxRatio / 100);
  }

  /**
   * Frees the read buffers no pull used since the last call: the commit log windows and the consume queues'
   * read-aheads. Returns the bytes freed.
   */
  releaseIdleBuffers(): number {
    return this.windows.releaseIdle() + this.cqStore.releaseIdleReadAheads();
  }

  /** DefaultMessageStore.isTheBatchFull: stop at maxMsgNums or the transfer limits (smaller for data on disk). */
  private isTheBatchFull(sizePy: number, maxMsgNums: number, bufferTotal: number, messageTotal: number, isInDisk: boolean): boolean {
    if (bufferTotal === 0 || messageTotal === 0) return false;
    if (maxMsgNums <= messageTotal) return true;
    const c = this.cfg;
    if (isInDisk) {
      return bufferTotal + sizePy > c.maxTransferBytesOnMessageInDisk || messageTotal > c.maxTransferCountOnMessageInDisk - 1;
    }
    return bufferTotal + sizePy > c.maxTransferBytesOnMessageInMemory || messageTotal > c.maxTransferCountOnMessageInMemory - 1;
  }

  async getMessage(
    topic: string,
    queueId: number,
    offset: number,
    maxMsgNums: number,
    filter?: MessageFilter | null,
  ): Promise<GetMessageResult> {
    const res = new MessagesRead(offset);
    const cq = this.cqStore.findConsumeQueue(topic, queueId);
    if (!cq) return this.finish(res, 'NO_MATCHED_LOGIC_QUEUE', 0);
    const minOffset = cq.getMinOffsetInQueue();
    const maxOffset = cq.getMaxOffsetInQueue();
    res.minOffset = minOffset;
    res.maxOffset = maxOffset;
    if (maxOffset === 0) return this.finish(res, 'NO_MESSAGE_IN_QUEUE', 0);
    if (offset < minOffset) return this.finish(res, 'OFFSET_TOO_SMALL', minOffset);
    if (offset === maxOffset) return this.finish(res, 'OFFSET_OVERFLOW_ONE', offset);
    if (offset > maxOffset) return this.finish(res, 'OFFSET_OVERFLOW_BADLY', maxOffset);

    const maxFilterEntries = Math.max(16000, maxMsgNums * CQ_STORE_UNIT_SIZE) / CQ_STORE_UNIT_SIZE;
    // Entries are read in chunks: first as many as the pull wants (all a pull reads when no filter refuses any),
    // then the rest up to maxFilterEntries, never past the consume queue file holding `offset`.
    const fileLimit = cq.rollNextFile(offset) - offset;
    const maxOffsetPy = this.commitLog.getMaxOffset();
    const minOffsetPy = this.commitLog.getMinOffset();
    let status: GetMessageStatus = 'NO_MATCHED_MESSAGE';
    // the picked records: commit log offset, size and queue offset, in parallel arrays (no object per record)
    const phys: number[] = [];
    const sizes: number[] = [];
    let total = 0;
    let examined = 0;
    let read = 0;
    let maxPhyOffsetPulling = 0;
    scan: while (read < maxFilterEntries) {
      const want = Math.min(read === 0 ? Math.max(1, maxMsgNums) : maxFilterEntries - read, maxFilterEntries - read, fileLimit - read);
      if (want <= 0) break;
      const entries = cq.getEntriesSync(offset + read, want);
      if (entries.length === 0) {
        if (read === 0) return this.finish(res, 'OFFSET_FOUND_NULL', cq.rollNextFile(offset));
        break;
      }
      for (let i = 0; i < entries.length; i += CQ_STORE_UNIT_SIZE) {
        const offsetPy = readInt64(entries, i);
        const sizePy = entries.readInt32BE(i + 8);
        if (this.isTheBatchFull(sizePy, maxMsgNums, total, phys.length, maxOffsetPy - offsetPy > this.memory)) break scan;
        examined++;
        maxPhyOffsetPulling = offsetPy;
        if (sizePy === BLANK_ENTRY_SIZE || sizePy <= 0) continue;
        if (offsetPy < minOffsetPy) {
          // The commit log file of this message was deleted.
          if (phys.length === 0) status = 'MESSAGE_WAS_REMOVING';
          continue;
        }
        if (filter) {
          const queueOffset = offset + read + i / CQ_STORE_UNIT_SIZE;
          const ext = filter.usesFilterBits && this.filterBits
            ? { filterBits: this.filterBits.get(topic, queueId, queueOffset), commitLogOffset: offsetPy }
            : undefined;
          if (!filter.isMatchedByConsumeQueue(readInt64(entries, i + 12), ext)) {
            this.counters.filterSkippedByConsumeQueue++;
            continue;
          }
        }
        phys.push(offsetPy);
        sizes.push(sizePy);
        res.queueOffsets.push(offset + read + i / CQ_STORE_UNIT_SIZE);
        total += sizePy;
      }
      const got = entries.length / CQ_STORE_UNIT_SIZE;
      read += got;
      if (got < want) break; // the end of the queue or of the written part of its file
      // the batch is full: reading the next chunk (up to maxFilterEntries entries) would only be thrown away
      if (phys.length >= Math.max(1, maxMsgNums)) break;
    }

    // The records are copied straight into one buffer, the answer's body. Recent data (within the share of memory
    // RocketMQ counts as cached) is read synchronously, through the read-ahead windows when the pull's records lie
    // within one window's length (one read serves many pulls of the queues read together), else back-to-back
    // records with one positional read; older data through the thread pool, all reads of the pull at once, so a
    // cold disk read does not stall the event loop.
    const n = phys.length;
    if (n > 0) {
      // read-ahead windows pay when the pull's records lie close together (other queues' records between them)
      const windows = phys[n - 1]! + sizes[n - 1]! - phys[0]! <= this.windows.windowSize ? this.windows : null;
      const body = Buffer.allocUnsafe(total);
      this.answeredBytes += total;
      // ok[k]: record k was read (a run whose file went away meanwhile leaves its records out)
      const ok = new Uint8Array(n);
      let pending: Array<Promise<void>> | undefined;
      let at = 0;
      for (let i = 0; i < n; ) {
        const from = phys[i]!;
        const runAt = at;
        let j = i + 1;
        let end = from + sizes[i]!;
        while (j < n && phys[j] === end && end + sizes[j]! - from <= MAX_MERGED_READ) {
          end += sizes[j]!;
          j++;
        }
        at += end - from;
        const first = i;
        if (maxOffsetPy - from <= this.memory) {
          if (windows?.copySync(from, end - from, body, runAt) || this.commitLog.getDataSync(from, end - from, body, runAt)) ok.fill(1, first, j);
        } else {
          (pending ??= []).push(this.commitLog.getData(from, end - from, body, runAt).then((d) => {
            if (d) ok.fill(1, first, j);
          }));
        }
        i = j;
      }
      if (pending) await Promise.all(pending);
      if (ok.indexOf(0) < 0 && !filter?.isMatchedByCommitLog) {
        // every record read and no filter to apply: the views of `buffers` are made only if someone asks for them
        res.setBody(body, sizes);
      } else {
        this.collect(res, body, sizes, ok, filter);
      }
      if (res.queueOffsets.length > 0) status = 'FOUND';
      else if (ok.indexOf(0) >= 0 && status === 'NO_MATCHED_MESSAGE') status = 'MESSAGE_WAS_REMOVING';
    }
    this.counters.getMessageTransferedMsgCount += res.queueOffsets.length;
    res.suggestPullingFromSlave = maxOffsetPy - maxPhyOffsetPulling > this.memory;
    return this.finish(res, status, offset + examined);
  }

  /**
   * Fills `res.buffers` (and `body`) with the records read into `body` that the commit log filter keeps; when some
   * were not read or were refused, the kept ones are copied into a new body so it stays back to back.
   */
  private collect(res: GetMessageResult, body: Buffer, sizes: number[], ok: Uint8Array, filter?: MessageFilter | null): void {
    const queueOffsets = res.queueOffsets;
    res.queueOffsets = [];
    let whole = true;
    let at = 0;
    for (let k = 0; k < sizes.length; k++) {
      const size = sizes[k]!;
      const rec = body.subarray(at, at + size);
      at += size;
      if (ok[k] === 0) {
        whole = false;
        continue;
      }
      if (filter?.isMatchedByCommitLog && !filter.isMatchedByCommitLog(rec)) {
        this.counters.filterRejectedByCommitLog++;
        whole = false;
        continue;
      }
      res.buffers.push(rec);
      res.queueOffsets.push(queueOffsets[k]!);
      res.bufferTotalSize += size;
    }
    if (res.buffers.length === 0) return;
    if (whole) {
      res.body = body;
      return;
    }
    const packed = Buffer.concat(res.buffers, res.bufferTotalSize);
    let o = 0;
    for (let k = 0; k < res.buffers.length; k++) {
      const size = res.buffers[k]!.length;
      res.buffers[k] = packed.subarray(o, o + size);
      o += size;
    }
    res.body = packed;
  }

  /** Completes a getMessage answer and counts it as found or missed. */
  private finish(res: GetMessageResult, status: GetMessageStatus, next: number): GetMessageResult {
    res.status = status;
    res.nextBeginOffset = next;
    if (status === 'FOUND') this.counters.getMessageTimesTotalFound++;
    else this.counters.getMessageTimesTotalMiss++;
    return res;
  }

  /** The raw record at `commitLogOffset` (its size is read from the record when not given). */
  async selectOneMessageByOffset(commitLogOffset: number, size?: number): Promise<Buffer | null> {
    let n = size;
    if (n === undefined) {
      const head = await this.commitLog.getData(commitLogOffset, 4);
      if (!head) return null;
      n = head.readInt32BE(0);
      if (n <= 0 || n > this.cfg.maxMessageSize + 64 * 1024 * 1024) return null;
    }
    return this.commitLog.getData(commitLogOffset, n);
  }

  /**
   * The decoded message at `commitLogOffset`, or null when none is stored there. As in RocketMQ the body stays as
   * stored (a compressed body keeps its COMPRESSED sysFlag bit), so it can be stored again byte for byte.
   */
  async lookMessageByOffset(commitLogOffset: number, size?: number): Promise<MessageExt | null> {
    const rec = await this.selectOneMessageByOffset(commitLogOffset, size);
    if (!rec) return null;
    try {
      const msg = decodeMessage(rec, 0, { decompressBody: false });
      return msg.commitLogOffset === commitLogOffset ? msg : null;
    } catch {
      return null;
    }
  }

  /** Messages of `topic` whose key or unique key is `key`, stored within [begin, end] (newest first). */
  async queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult> {
    const res: QueryMessageResult = { buffers: [], phyOffsets: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0, bufferTotalSize: 0 };
    if (!this.index) return res;
    const limit = Math.min(maxNum > 0 ? maxNum : this.cfg.defaultQueryMaxNum, this.cfg.maxMsgsNumBatch);
    const q = this.index.queryOffset(topic, key, limit, begin, end);
    res.indexLastUpdateTimestamp = q.indexLastUpdateTimestamp;
    res.indexLastUpdatePhyoffset = q.indexLastUpdatePhyoffset;
    // Recovery after a kill re-indexes the records after the index checkpoint, so an entry can be there twice (as in
    // RocketMQ): a message is answered once.
    const seen = new Set<number>();
    for (const phy of q.phyOffsets) {
      if (seen.has(phy)) continue;
      seen.add(phy);
      const rec = await this.selectOneMessageByOffset(phy);
      if (!rec) continue;
      // An index entry can outlive its record (commit log cut after a crash): keep only records that are where
      // the entry says and belong to the topic.
      try {
        const m = decodeMessage(rec, 0, { readBody: false });
        if (m.commitLogOffset !== phy || m.topic !== topic) continue;
      } catch {
        continue;
      }
      res.buffers.push(rec);
      res.phyOffsets.push(phy);
      res.bufferTotalSize += rec.length;
    }
    return res;
  }

  async getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundaryType: BoundaryType = 'LOWER'): Promise<number> {
    const cq = this.cqStore.findConsumeQueue(topic, queueId);
    if (!cq) return 0;
    return cq.getOffsetInQueueByTime(timestamp, boundaryType, (phy, size) => this.commitLog.pickupStoreTimestamp(phy, size));
  }

  /** Store time of the message at `consumeQueueOffset`; -1 when there is none. */
  async getMessageStoreTimeStamp(topic: string, queueId: number, consumeQueueOffset: number): Promise<number> {
    const cq = this.cqStore.findConsumeQueue(topic, queueId);
    if (!cq || consumeQueueOffset < cq.getMinOffsetInQueue() || consumeQueueOffset >= cq.getMaxOffsetInQueue()) return -1;
    const unit = cq.getUnitSync(consumeQueueOffset);
    if (!unit || unit.size === BLANK_ENTRY_SIZE) return -1;
    return this.commitLog.pickupStoreTimestamp(unit.commitLogOffset, unit.size);
  }

  /** Store time of the oldest message still in the queue; -1 when there is none. */
  async getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    const cq = this.cqStore.findConsumeQueue(topic, queueId);
    if (!cq) return -1;
    return this.getMessageStoreTimeStamp(topic, queueId, cq.getMinOffsetInQueue());
  }

  /** Store time of the oldest message in the commit log; -1 when empty. */
  async getEarliestMessageTimeOfStore(): Promise<number> {
    const min = this.commitLog.getMinOffset();
    const head = await this.commitLog.getData(min, 4);
    if (!head) return -1;
    return this.commitLog.pickupStoreTimestamp(min, head.readInt32BE(0));
  }

  /**
   * Raw consume queue entries of a queue from logical offset `index`, at most `count`, never past the end of the
   * file holding `index` (ConsumeQueue.getIndexBuffer, for mqadmin queryCq); entries are empty when `index` is
   * outside the queue. Undefined when the store has no such queue.
   */
  getConsumeQueueEntries(topic: string, queueId: number, index: number, count: number): ConsumeQueueEntries | undefined {
    const cq = this.cqStore.findConsumeQueue(topic, queueId);
    if (!cq) return undefined;
    const raw = count > 0 ? cq.getEntriesSync(index, count) : Buffer.alloc(0);
    const entries: CqUnit[] = [];
    for (let o = 0; o + CQ_STORE_UNIT_SIZE <= raw.length; o += CQ_STORE_UNIT_SIZE) {
      entries.push({ queueOffset: index + o / CQ_STORE_UNIT_SIZE, commitLogOffset: readInt64(raw, o), size: raw.readInt32BE(o + 8), tagsCode: readInt64(raw, o + 12) });
    }
    return { minOffset: cq.getMinOffsetInQueue(), maxOffset: cq.getMaxOffsetInQueue(), entries };
  }

  /** Commit log offset of the message at `consumeQueueOffset`; -1 when there is none. */
  getCommitLogOffsetInQueue(topic: string, queueId: number, consumeQueueOffset: number): number {
    const cq = this.cqStore.findConsumeQueue(topic, queueId);
    const unit = cq?.getUnitSync(consumeQueueOffset);
    return unit && unit.size !== BLANK_ENTRY_SIZE ? unit.commitLogOffset : -1;
  }
}
