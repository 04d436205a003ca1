// Consume queue of one topic/queueId: fixed 20-byte entries pointing into the commit log, addressed by logical
// queue offset, in segment files under <root>/consumequeue/<topic>/<queueId>/<20-digit byte offset>.
//
// Entry layout (big-endian): int64 commitLogOffset | int32 size | int64 tagsCode
// A blank entry (offset 0, size 0x7fffffff, tagsCode 0) fills a new queue's first file up to its first real entry.

import path from 'node:path';
import { createLogger } from '../common/log.ts';
import { putInt32, putInt64, readInt64, writeInt64 } from '../protocol/message-host.ts';
import { CQ_STORE_UNIT_SIZE } from './config.ts';
import { StoreFileError } from './errors.ts';
import { MappedFileQueue } from './mapped-file-queue.ts';
import type { MappedFile } from './mapped-file.ts';

const log = createLogger('store.consumequeue');

export const BLANK_ENTRY_SIZE = 0x7fffffff;

/** One consume queue entry. */
export interface CqUnit {
  queueOffset: number;
  commitLogOffset: number;
  size: number;
  tagsCode: number;
}

/** A position to record: where the message with `queueOffset` sits in the commit log. */
export interface CqPut {
  queueOffset: number;
  commitLogOffset: number;
  msgSize: number;
  tagsCode: number;
}

/** New entries kept in memory before one write (4 KiB less a little, so the buffer comes from Node's pool). */
const PENDING_ENTRIES = 204;

/**
 * Entries a read of a consume queue file fetches at once for a pull (8 KiB less a little): a consumer draining the
 * queue pulls 32 at a time from where the last pull stopped, so one read serves about a dozen pulls.
 */
const READ_AHEAD_ENTRIES = 409;

export type BoundaryType = 'LOWER' | 'UPPER';

export class ConsumeQueue {
  readonly topic: string;
  readonly queueId: number;
  readonly mfq: MappedFileQueue;
  private readonly unitsPerFile: number;
  /** First valid logical offset (entries before it were deleted with their commit log files, or are blanks). */
  private minLogicOffset = 0;
  /** Logical offset after the last entry. */
  private maxLogicOffset = 0;
  /** End (offset + size) in the commit log of the last entry. */
  maxPhysicOffset = -1;
  /** Entries were written since the last flush. */
  private dirty = false;
  /** The newest entries, not written yet: pendingCount entries from logical offset pendingStart, in pendingFile. */
  private pending: Buffer | null = null;
  private pendingStart = 0;
  private pendingCount = 0;
  private pendingFile: MappedFile | undefined;
  /**
   * Written entries read ahead by the last file read of getEntriesSync: `buf` holds bytes from `from` in `file`, all
   * below its written position when read. Such bytes change only when an entry is rewritten or the queue is cut,
   * which drop it; each read makes a new buffer, so views handed out earlier stay as they were.
   */
  private ahead: { file: MappedFile; from: number; buf: Buffer } | undefined;
  /** A read used or made `ahead` since the last releaseIdleReadAhead. */
  private aheadUsed = false;

  constructor(rootDir: string, topic: string, queueId: number, mappedFileSize: number) {
    this.topic = topic;
    this.queueId = queueId;
    this.mfq = new MappedFileQueue(path.join(rootDir, topic, String(queueId)), mappedFileSize);
    this.unitsPerFile = mappedFileSize / CQ_STORE_UNIT_SIZE;
  }

  get storePath(): string {
    return this.mfq.storePath;
  }

  load(): void {
    this.mfq.load();
  }

  /**
   * Finds where the entries end: the last file is filled from its start, so the end is the first entry of size 0
   * (binary search). Call after load().
   */
  recover(): void {
    this.ahead = undefined;
    const last = this.mfq.getLastMappedFile();
    if (!last) {
      this.maxLogicOffset = 0;
      this.minLogicOffset = 0;
      return;
    }
    const entry = Buffer.allocUnsafe(CQ_STORE_UNIT_SIZE);
    let lo = 0;
    let hi = this.unitsPerFile;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      last.readSync(mid * CQ_STORE_UNIT_SIZE, CQ_STORE_UNIT_SIZE, entry);
      if (entry.readInt32BE(8) !== 0) lo = mid + 1;
      else hi = mid;
    }
    this.mfq.setWrittenEnd(last.fileFromOffset + lo * CQ_STORE_UNIT_SIZE);
    this.maxLogicOffset = (last.fileFromOffset + lo * CQ_STORE_UNIT_SIZE) / CQ_STORE_UNIT_SIZE;
    this.minLogicOffset = this.mfq.getMinOffset() / CQ_STORE_UNIT_SIZE;
    const lastUnit = this.maxLogicOffset > this.minLogicOffset ? this.getUnitSync(this.maxLogicOffset - 1) : undefined;
    this.maxPhysicOffset = lastUnit && lastUnit.size !== BLANK_ENTRY_SIZE ? lastUnit.commitLogOffset + lastUnit.size : -1;
  }

  getMinOffsetInQueue(): number {
    return this.minLogicOffset;
  }

  getMaxOffsetInQueue(): number {
    return this.maxLogicOffset;
  }

  /** Number of valid entries. */
  getMessageTotalInQueue(): number {
    return this.maxLogicOffset - this.minLogicOffset;
  }

  /** Entry at logical `offset`, read synchronously; undefined outside the file range. */
  getUnitSync(offset: number): CqUnit | undefined {
    if (this.inPending(offset)) {
      const o = (offset - this.pendingStart) * CQ_STORE_UNIT_SIZE;
      const b = this.pending!;
      return { queueOffset: offset, commitLogOffset: readInt64(b, o), size: b.readInt32BE(o + 8), tagsCode: readInt64(b, o + 12) };
    }
    const mf = this.mfq.findMappedFileByOffset(offset * CQ_STORE_UNIT_SIZE);
    if (!mf || offset >= this.maxLogicOffset) return undefined;
    const b = mf.readSync(offset * CQ_STORE_UNIT_SIZE - mf.fileFromOffset, CQ_STORE_UNIT_SIZE, Buffer.allocUnsafe(CQ_STORE_UNIT_SIZE));
    if (b.length < CQ_STORE_UNIT_SIZE) return undefined;
    return { queueOffset: offset, commitLogOffset: readInt64(b, 0), size: b.readInt32BE(8), tagsCode: readInt64(b, 12) };
  }

  /**
   * Raw entries from logical `offset`, at most `maxCount`, never past the end of the file holding `offset`
   * (the caller continues with the next file). Empty when the offset is outside the queue.
   */
  async getEntries(offset: number, maxCount: number): Promise<Buffer> {
    return this.getEntriesSync(offset, maxCount);
  }

  /**
   * getEntries with a synchronous read. Consume queue files are small and read by every pull, so they are
   * nearly always in the page cache (RocketMQ keeps them mapped).
   */
  getEntriesSync(offset: number, maxCount: number): Buffer {
    if (offset < this.minLogicOffset || offset >= this.maxLogicOffset) return Buffer.alloc(0);
    if (this.inPending(offset)) {
      const n = Math.min(maxCount, this.pendingStart + this.pendingCount - offset);
      const o = (offset - this.pendingStart) * CQ_STORE_UNIT_SIZE;
      // A copy: the tail buffer is reused once written.
      return Buffer.from(this.pending!.subarray(o, o + n * CQ_STORE_UNIT_SIZE));
    }
    const mf = this.mfq.findMappedFileByOffset(offset * CQ_STORE_UNIT_SIZE);
    if (!mf) return Buffer.alloc(0);
    const fileEnd = (mf.fileFromOffset + mf.wrotePosition) / CQ_STORE_UNIT_SIZE;
    const count = Math.min(maxCount, fileEnd - offset, this.maxLogicOffset - offset);
    if (count <= 0) return Buffer.alloc(0);
    const pos = offset * CQ_STORE_UNIT_SIZE - mf.fileFromOffset;
    const len = count * CQ_STORE_UNIT_SIZE;
    const a = this.ahead;
    if (a && a.file === mf && pos >= a.from && pos + len <= a.from + a.buf.length) {
      this.aheadUsed = true;
      return a.buf.subarray(pos - a.from, pos - a.from + len);
    }
    if (count >= READ_AHEAD_ENTRIES) return mf.readSync(pos, len);
    const buf = mf.readSync(pos, Math.min(READ_AHEAD_ENTRIES * CQ_STORE_UNIT_SIZE, mf.wrotePosition - pos));
    this.ahead = { file: mf, from: pos, buf };
    this.aheadUsed = true;
    return buf.subarray(0, len);
  }

  /** Drops the read-ahead when no read used it since the last call (its pulls stopped); returns the bytes dropped. */
  releaseIdleReadAhead(): number {
    const a = this.ahead;
    const idle = !this.aheadUsed;
    this.aheadUsed = false;
    if (!a || !idle) return 0;
    this.ahead = undefined;
    return a.buf.length;
  }

  /** First logical offset of the file after the one holding `offset` (ConsumeQueue.rollNextFile). */
  rollNextFile(offset: number): number {
    return offset + this.unitsPerFile - (offset % this.unitsPerFile);
  }

  /**
   * Records positions, in queue-offset order. An entry already present with the same content is skipped (so a
   * replay of the commit log after a crash is harmless); a gap is filled with blank entries.
   * New entries collect in a small in-memory tail (readable at once) that is written when it fills up, at a file
   * boundary, and on flush: one positional write per few hundred entries instead of one per dispatch run.
   */
  putMessagePositionInfos(puts: readonly CqPut[]): void {
    for (let i = 0; i < puts.length; i++) {
      const put = puts[i]!;
      const expected = this.maxLogicOffset;
      if (put.queueOffset < expected) {
        this.commitPending();
        this.repeatPut(put);
        continue;
      }
      if (put.queueOffset > expected || (this.mfq.isEmpty() && this.pendingCount === 0 && put.queueOffset % this.unitsPerFile !== 0)) {
        this.commitPending();
        this.fillBlanks(put.queueOffset);
      }
      if (this.pendingCount === 0) {
        this.pendingFile = this.fileForWrite(this.maxLogicOffset);
        this.pendingStart = this.maxLogicOffset;
        if (!this.pending) this.pending = Buffer.allocUnsafe(PENDING_ENTRIES * CQ_STORE_UNIT_SIZE);
      }
      const buf = this.pending!;
      const o = this.pendingCount * CQ_STORE_UNIT_SIZE;
      putInt64(buf, o, put.commitLogOffset);
      putInt32(buf, o + 8, put.msgSize);
      putInt64(buf, o + 12, put.tagsCode);
      this.pendingCount++;
      this.maxLogicOffset++;
      this.maxPhysicOffset = put.commitLogOffset + put.msgSize;
      const f = this.pendingFile!;
      if (this.pendingCount === PENDING_ENTRIES || this.maxLogicOffset * CQ_STORE_UNIT_SIZE === f.fileFromOffset + f.fileSize) this.commitPending();
    }
  }

  /** Writes the in-memory tail of new entries to its file. */
  commitPending(): void {
    if (this.pendingCount === 0) return;
    const f = this.pendingFile!;
    const pos = this.pendingStart * CQ_STORE_UNIT_SIZE - f.fileFromOffset;
    const len = this.pendingCount * CQ_STORE_UNIT_SIZE;
    f.writeSync(pos, this.pending!, 0, len);
    f.wrotePosition = pos + len;
    this.pendingCount = 0;
    this.pendingFile = undefined;
    this.dirty = true;
  }

  /** Entry `offset` sits in the unwritten tail. */
  private inPending(offset: number): boolean {
    return this.pendingCount > 0 && offset >= this.pendingStart && offset < this.pendingStart + this.pendingCount;
  }

  private repeatPut(put: CqPut): void {
    const existing = this.getUnitSync(put.queueOffset);
    if (existing && existing.commitLogOffset === put.commitLogOffset && existing.size === put.msgSize) return;
    if (put.queueOffset < this.minLogicOffset) return;
    this.ahead = undefined;
    log.warn('cq_entry_rewritten', { topic: this.topic, queueId: this.queueId, queueOffset: put.queueOffset, was: existing?.commitLogOffset, now: put.commitLogOffset });
    const mf = this.fileForWrite(put.queueOffset);
    const b = Buffer.allocUnsafe(CQ_STORE_UNIT_SIZE);
    writeInt64(b, 0, put.commitLogOffset);
    b.writeInt32BE(put.msgSize, 8);
    writeInt64(b, 12, put.tagsCode);
    mf.writeSync(put.queueOffset * CQ_STORE_UNIT_SIZE - mf.fileFromOffset, b, 0, CQ_STORE_UNIT_SIZE);
    // The position was already written once, so the file's flushed position does not cover this rewrite.
    mf.flushedPosition = Math.min(mf.flushedPosition, put.queueOffset * CQ_STORE_UNIT_SIZE - mf.fileFromOffset);
    this.dirty = true;
  }

  /** Blank entries from the current end up to `queueOffset`; a new queue starts its files there instead. */
  private fillBlanks(queueOffset: number): void {
    if (this.mfq.isEmpty()) {
      const fileStart = Math.floor(queueOffset / this.unitsPerFile) * this.unitsPerFile;
      this.maxLogicOffset = fileStart;
      this.minLogicOffset = queueOffset;
    } else {
      log.warn('cq_gap_filled', { topic: this.topic, queueId: this.queueId, from: this.maxLogicOffset, to: queueOffset });
    }
    const blank = Buffer.alloc(CQ_STORE_UNIT_SIZE);
    blank.writeInt32BE(BLANK_ENTRY_SIZE, 8);
    while (this.maxLogicOffset < queueOffset) {
      const mf = this.fileForWrite(this.maxLogicOffset);
      const fileEndUnit = (mf.fileFromOffset + mf.fileSize) / CQ_STORE_UNIT_SIZE;
      const n = Math.min(queueOffset, fileEndUnit) - this.maxLogicOffset;
      const buf = Buffer.allocUnsafe(n * CQ_STORE_UNIT_SIZE);
      for (let i = 0; i < n; i++) blank.copy(buf, i * CQ_STORE_UNIT_SIZE);
      const pos = this.maxLogicOffset * CQ_STORE_UNIT_SIZE - mf.fileFromOffset;
      mf.writeSync(pos, buf, 0, buf.length);
      mf.wrotePosition = pos + buf.length;
      this.maxLogicOffset += n;
      this.dirty = true;
    }
  }

  private fileForWrite(logicOffset: number): MappedFile {
    const byteOffset = logicOffset * CQ_STORE_UNIT_SIZE;
    const found = this.mfq.findMappedFileByOffset(byteOffset);
    if (found) return found;
    const start = byteOffset - (byteOffset % this.mfq.mappedFileSize);
    const last = this.mfq.getLastMappedFile();
    if (last) {
      last.closeDescriptor();
      if (start !== last.fileEndOffset) throw new StoreFileError(`consume queue ${this.topic}/${this.queueId}: no file for offset ${logicOffset}`);
    }
    return this.mfq.createMappedFile(start);
  }

  /** Removes entries whose message is at or beyond `phyOffset` (the commit log was cut there). */
  truncateDirtyLogicFiles(phyOffset: number): void {
    this.commitPending();
    let end = this.maxLogicOffset;
    while (end > this.minLogicOffset) {
      const unit = this.getUnitSync(end - 1);
      if (!unit || unit.size === 0 || unit.size === BLANK_ENTRY_SIZE || unit.commitLogOffset + unit.size > phyOffset) end--;
      else break;
    }
    if (end === this.maxLogicOffset) return;
    this.ahead = undefined;
    log.info('cq_truncated', { topic: this.topic, queueId: this.queueId, from: this.maxLogicOffset, to: end, phyOffset });
    if (end <= this.minLogicOffset) {
      // Nothing valid left; keep the logical position so offsets are never reused.
      const keepAt = end;
      this.mfq.truncateDirtyFiles(keepAt * CQ_STORE_UNIT_SIZE);
      this.maxLogicOffset = Math.max(keepAt, this.mfq.getMaxOffset() / CQ_STORE_UNIT_SIZE);
      this.maxPhysicOffset = -1;
      return;
    }
    this.mfq.truncateDirtyFiles(end * CQ_STORE_UNIT_SIZE);
    this.maxLogicOffset = end;
    const last = this.getUnitSync(end - 1);
    this.maxPhysicOffset = last ? last.commitLogOffset + last.size : -1;
  }

  /** Moves the min offset to the first entry whose message still exists (offset ≥ the commit log's min). */
  correctMinOffset(minPhyOffset: number): void {
    const first = this.mfq.getFirstMappedFile();
    if (!first) return;
    let lo = Math.max(this.minLogicOffset, first.fileFromOffset / CQ_STORE_UNIT_SIZE);
    let hi = this.maxLogicOffset;
    // Entries are in commit log order: binary search for the first that is still present.
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const unit = this.getUnitSync(mid);
      if (!unit || unit.size === BLANK_ENTRY_SIZE || unit.commitLogOffset < minPhyOffset) lo = mid + 1;
      else hi = mid;
    }
    if (lo !== this.minLogicOffset) this.minLogicOffset = lo;
  }

  /**
   * Deletes head files (never the last) whose last entry points below `minPhyOffset`, then corrects the min
   * offset. Returns the number of files deleted. (ConsumeQueue.deleteExpiredFile)
   */
  deleteExpiredFile(minPhyOffset: number): number {
    this.commitPending();
    let count = 0;
    const files = this.mfq.files;
    for (let i = 0; i < files.length - 1; i++) {
      const mf = files[i]!;
      const lastUnit = this.getUnitSync(mf.fileEndOffset / CQ_STORE_UNIT_SIZE - 1);
      if (lastUnit && lastUnit.size !== BLANK_ENTRY_SIZE && lastUnit.commitLogOffset + lastUnit.size <= minPhyOffset) count++;
      else break;
    }
    if (count > 0) {
      this.mfq.deleteFirstFiles(count);
      this.ahead = undefined;
    }
    this.minLogicOffset = Math.max(this.minLogicOffset, this.mfq.getMinOffset() / CQ_STORE_UNIT_SIZE);
    this.correctMinOffset(minPhyOffset);
    return count;
  }

  /**
   * Logical offset by store time, by binary search over the queue (store times follow queue order):
   * LOWER = first message stored at or after `timestamp` (max offset when none), UPPER = last message stored at or
   * before it (min offset when none). `pickupStoreTimestamp` reads a message's store time, -1 when unreadable.
   */
  async getOffsetInQueueByTime(
    timestamp: number,
    boundaryType: BoundaryType,
    pickupStoreTimestamp: (commitLogOffset: number, size: number) => Promise<number>,
  ): Promise<number> {
    let lo = this.minLogicOffset;
    let hi = this.maxLogicOffset - 1;
    if (hi < lo) return this.minLogicOffset;
    const timeAt = async (offset: number): Promise<number> => {
      const unit = this.getUnitSync(offset);
      if (!unit || unit.size === BLANK_ENTRY_SIZE) return -1;
      return pickupStoreTimestamp(unit.commitLogOffset, unit.size);
    };
    if (boundaryType === 'LOWER') {
      let result = this.maxLogicOffset;
      while (lo <= hi) {
        const mid = Math.floor((lo + hi) / 2);
        const t = await timeAt(mid);
        if (t >= timestamp) {
          result = mid;
          hi = mid - 1;
        } else {
          lo = mid + 1;
        }
      }
      return result;
    }
    let result = this.minLogicOffset;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const t = await timeAt(mid);
      if (t >= 0 && t <= timestamp) {
        result = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return result;
  }

  async flush(): Promise<void> {
    this.commitPending();
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await this.mfq.flush();
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  hasUnflushed(): boolean {
    return this.dirty || this.pendingCount > 0;
  }

  shutdown(): void {
    this.commitPending();
    this.mfq.shutdown();
  }

  destroy(): void {
    this.ahead = undefined;
    this.pendingCount = 0;
    this.pendingFile = undefined;
    this.mfq.destroy();
    this.maxLogicOffset = 0;
    this.minLogicOffset = 0;
    this.maxPhysicOffset = -1;
  }
}
