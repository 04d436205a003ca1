// The commit log: one append-only log for all topics in fixed-size segment files under <root>/commitlog.
//
// Appends reserve space and encode records straight into a small pool of write buffers ("chunks"); each chunk is
// written with one positional write, a few at a time. Chunks are retired strictly in offset order, so the written
// offset only moves over bytes that are all in the page cache, and a failed write rolls back everything after it.
// A record never straddles two files: when it does not fit, an 8-byte blank marker (TOTALSIZE = rest of the file,
// MAGICCODE = BLANK) closes the file and the record goes to the next one.

import fs from 'node:fs';
import { createLogger } from '../common/log.ts';
import { BLANK_MAGIC_CODE, bodyCrc32, calMsgLength, storeTimestampPosition, SYSFLAG_POSITION } from '../protocol/message-codec.ts';
import { readInt64 } from '../protocol/message-host.ts';
import type { MessageStoreConfig } from './config.ts';
import { END_FILE_MIN_BLANK_LENGTH, scanCommitLog } from './commit-log-scan.ts';
import { AppendWorker } from './append-worker.ts';
import type { DispatchRequest, TagsCodeCalculator } from './dispatch.ts';
import { defaultStoreIo, storeIo } from './io.ts';
import { StoreIOError } from './errors.ts';
import { MappedFileQueue } from './mapped-file-queue.ts';
import type { MappedFile } from './mapped-file.ts';
import type { Chunk, CommitLogEvents, Reservation, ReserveFailure } from './commit-log-types.ts';

export type { Chunk, ChunkWaiter, CommitLogEvents, Reservation, ReserveFailure } from './commit-log-types.ts';

const log = createLogger('store.commitlog');

export { END_FILE_MIN_BLANK_LENGTH };

/**
 * Chunks up to this size are written synchronously when nothing else is in flight: under ASYNC_FLUSH small ones
 * only (the event loop must not stall on a throttled disk); under SYNC_FLUSH the appends wait for the disk anyway.
 */
const SYNC_WRITE_MAX_ASYNC_FLUSH = 64 * 1024;
const SYNC_WRITE_MAX_SYNC_FLUSH = 512 * 1024;
const EAGER_SEAL_BYTES = 64 * 1024;
/**
 * A chunk of at least this many records goes to the append worker (CRCs and write off the main thread). Fewer
 * records mean few appends in flight, where the hand-over to the thread costs more latency than it saves.
 */
const WORKER_MIN_RECORDS = 8;

/** Replication reads of data written less than this far behind the end are synchronous (page cache). */
const RECENT_SYNC_READ = 8 * 1024 * 1024;

export class CommitLog {
  readonly mfq: MappedFileQueue;
  private readonly cfg: MessageStoreConfig;
  private readonly events: CommitLogEvents;
  /** Next offset to hand out (includes reserved records not yet written). */
  private appendOffset = 0;
  /** Everything below is written (page cache). */
  private writtenOffset = 0;
  /** Counts the cuts of written data (recovery, a slave reset, a failed write rolled back): cached reads drop theirs. */
  truncations = 0;
  /** Everything below is covered by fdatasync. */
  private flushedOffset = 0;
  private current: Chunk | null = null;
  private readonly inflight: Chunk[] = [];
  private readonly freeBuffers: Buffer[] = [];
  private pooledCount = 0;
  private sealScheduled = false;
  private failing = false;
  private flushing: Promise<number> | null = null;
  private flushingTarget = 0;
  private readonly maxParallelWrites: number;
  /** SYNC_FLUSH with syncFlushWithDsync: segments are opened with O_DSYNC, so a write is durable once it returns. */
  readonly writesAreDurable: boolean;
  private readonly syncWriteMax: number;
  /** Checksums and writes full chunks on another thread (null: everything on the main thread). */
  private readonly appendWorker: AppendWorker | null;
  /**
   * Appends leave body CRCs for the commit log to fill in when it writes a chunk (on the append worker when it
   * takes the chunk); without a worker they are computed while encoding, as before.
   */
  get defersCrcs(): boolean {
    return this.appendWorker !== null;
  }
  /** Chunks checksummed and written by the append worker so far. */
  workerWrites = 0;

  constructor(cfg: MessageStoreConfig, events: CommitLogEvents) {
    this.cfg = cfg;
    this.events = events;
    // O_DSYNC only where nothing waits on the bytes before they are durable. A SYNC_MASTER ships what it wrote to
    // its slave while the flush runs (RocketMQ's master replicates from the page cache, flush and replication
    // overlap), which write-then-fdatasync allows and an O_DSYNC write, durable before anyone sees it, does not.
    // A slave's commit log only takes what its master sent: written, acknowledged, then flushed (RocketMQ's slave
    // reports before its flush).
    this.writesAreDurable =
      cfg.flushDiskType === 'SYNC_FLUSH' && cfg.syncFlushWithDsync && cfg.brokerRole === 'ASYNC_MASTER' && typeof fs.constants.O_DSYNC === 'number';
    this.mfq = new MappedFileQueue(cfg.storePathCommitLog, cfg.mappedFileSizeCommitLog, this.writesAreDurable ? fs.constants.O_DSYNC : 0);
    this.maxParallelWrites = Math.max(1, cfg.writeBufferCount - 1);
    // An O_DSYNC write waits for the disk: never on the event loop.
    this.syncWriteMax = this.writesAreDurable ? 0 : cfg.flushDiskType === 'SYNC_FLUSH' ? SYNC_WRITE_MAX_SYNC_FLUSH : SYNC_WRITE_MAX_ASYNC_FLUSH;
    // O_DSYNC writes wait for the disk and overlap in the thread pool; one worker thread would serialize them.
    this.appendWorker = cfg.appendWorkerEnable && !this.writesAreDurable ? new AppendWorker(cfg.writeBufferCount, cfg.writeBufferSize, calMsgLength(0, 0, 1, 0)) : null;
  }

  load(): void {
    this.mfq.load();
  }

  getMinOffset(): number {
    const first = this.mfq.getFirstMappedFile();
    return first ? first.fileFromOffset : this.writtenOffset;
  }

  /** End of the written (readable) data. */
  getMaxOffset(): number {
    return this.writtenOffset;
  }

  getFlushedOffset(): number {
    return this.flushedOffset;
  }

  /** Offset the next append gets. */
  getAppendOffset(): number {
    return this.appendOffset;
  }

  /** Bytes appended but not yet written. */
  pendingBytes(): number {
    return this.appendOffset - this.writtenOffset;
  }

  /** Sets the end of valid data found by recovery and cuts everything after it. */
  setRecoveredEnd(offset: number): void {
    this.truncations++;
    this.mfq.truncateDirtyFiles(offset);
    this.mfq.setWrittenEnd(offset);
    this.appendOffset = offset;
    this.writtenOffset = offset;
    this.flushedOffset = offset;
  }

  /** The file new records go to, created when the last one is full. */
  private writableFile(): MappedFile {
    const last = this.mfq.getLastMappedFile();
    if (last && this.appendOffset < last.fileEndOffset) return last;
    const start = last ? last.fileEndOffset : this.appendOffset - (this.appendOffset % this.cfg.mappedFileSizeCommitLog);
    const mf = this.mfq.createMappedFile(start);
    // The previous file is only read from now on (and flushed once more), keep no descriptor idle for it.
    log.info('commitlog_file_created', { file: mf.fileName });
    return mf;
  }

  /**
   * Reserves `size` bytes for records that must sit in one file (a message or a whole batch); the caller encodes
   * them at `pos` of `chunk.buf` right away.
   */
  reserve(size: number): Reservation | ReserveFailure {
    if (this.failing) return 'BUSY';
    let file: MappedFile;
    try {
      file = this.writableFile();
    } catch (err) {
      log.error('commitlog_file_create_failed', { offset: this.appendOffset, err });
      return 'CREATE_FAILED';
    }
    const pos = this.appendOffset - file.fileFromOffset;
    if (size + END_FILE_MIN_BLANK_LENGTH > file.fileSize - pos) {
      const c = this.chunkFor(file, END_FILE_MIN_BLANK_LENGTH);
      if (!c) return 'BUSY';
      c.buf.writeInt32BE(file.fileSize - pos, c.len);
      c.buf.writeInt32BE(BLANK_MAGIC_CODE, c.len + 4);
      c.len += END_FILE_MIN_BLANK_LENGTH;
      c.end = file.fileEndOffset;
      this.appendOffset = file.fileEndOffset;
      this.seal();
      try {
        file = this.writableFile();
      } catch (err) {
        log.error('commitlog_file_create_failed', { offset: this.appendOffset, err });
        return 'CREATE_FAILED';
      }
    }
    const c = this.chunkFor(file, size);
    if (!c) return 'BUSY';
    const r: Reservation = { chunk: c, pos: c.len, offset: this.appendOffset };
    c.len += size;
    this.appendOffset += size;
    c.end = this.appendOffset;
    // Never seal here: the caller has not encoded the record yet. A full chunk is sealed by the next reserve
    // that does not fit, or at the end of this event-loop turn.
    this.scheduleSeal();
    return r;
  }

  private chunkFor(file: MappedFile, size: number): Chunk | null {
    const cur = this.current;
    // A chunk past EAGER_SEAL_BYTES goes out as soon as a write slot is free, so writing overlaps with encoding
    // the next records instead of every writer waiting for one big write.
    if (cur && cur.file === file && cur.buf.length - cur.len >= size && (cur.len < EAGER_SEAL_BYTES || this.inflight.length >= this.maxParallelWrites)) {
      return cur;
    }
    if (cur) {
      if (cur.len > 0) this.seal();
      else {
        this.recycle(cur);
        this.current = null;
      }
    }
    if (this.inflight.length >= this.cfg.writeBufferCount) return null;
    let buf: Buffer | undefined;
    let pooled = false;
    if (size <= this.cfg.writeBufferSize) {
      buf = this.freeBuffers.pop();
      if (!buf && this.pooledCount < this.cfg.writeBufferCount) {
        buf = this.appendWorker ? this.appendWorker.buffer(this.pooledCount) : Buffer.allocUnsafe(this.cfg.writeBufferSize);
        this.pooledCount++;
      }
      if (!buf) return null;
      pooled = true;
    } else {
      // A record larger than a write buffer gets a buffer of its own (bounded by maxMessageSize).
      buf = Buffer.allocUnsafe(size);
    }
    const chunk: Chunk = {
      file,
      start: this.appendOffset,
      end: this.appendOffset,
      buf,
      len: 0,
      pooled,
      shared: pooled && this.appendWorker !== null,
      state: 'open',
      requests: [],
      waiters: [],
      crcs: [],
    };
    this.current = chunk;
    return chunk;
  }

  private recycle(c: Chunk): void {
    if (c.pooled) this.freeBuffers.push(c.buf);
  }

  private scheduleSeal(): void {
    if (this.sealScheduled) return;
    this.sealScheduled = true;
    // Everything appended in this turn of the event loop goes out in one write.
    setImmediate(() => {
      this.sealScheduled = false;
      if (this.inflight.length < this.maxParallelWrites) this.seal(true);
    });
  }

  /**
   * Starts writing the open chunk. A small chunk with nothing else in flight is written synchronously when
   * `allowSync` (only from the event loop, never inside an append): a thread pool round trip costs more than
   * copying a few pages into the page cache.
   */
  private seal(allowSync = false): void {
    const c = this.current;
    if (!c || c.len === 0) return;
    this.current = null;
    c.state = 'writing';
    this.inflight.push(c);
    const position = c.start - c.file.fileFromOffset;
    if (allowSync && c.len <= this.syncWriteMax && this.inflight.length === 1) {
      fillBodyCrcs(c);
      let error: unknown;
      try {
        c.file.writeSync(position, c.buf, 0, c.len);
      } catch (err) {
        error = err;
      }
      this.onWriteDone(c, error);
      return;
    }
    // An asynchronous write: on the append worker (which also does the CRCs) when it can take it, else the
    // thread pool. A chunk of few records is not worth the hand-over; and while tests swap the store's I/O to
    // inject faults, writes stay where that I/O is used.
    const worker = this.appendWorker;
    let written: Promise<void>;
    if (worker && c.pooled && c.crcs.length >= WORKER_MIN_RECORDS * 3 && worker.usable && worker.free && storeIo.write === defaultStoreIo.write) {
      this.workerWrites++;
      written = c.file.writeThrough(position, c.len, (fd) => worker.checksumAndWrite(c.buf, c.crcs, c.len, fd, position));
    } else {
      fillBodyCrcs(c);
      written = c.file.write(position, c.buf, 0, c.len);
    }
    written.then(
      () => this.onWriteDone(c, undefined),
      (err: unknown) => this.onWriteDone(c, err ?? new StoreIOError('write failed')),
    );
  }

  private onWriteDone(c: Chunk, err: unknown): void {
    c.state = err === undefined ? 'done' : 'failed';
    c.error = err;
    if (err !== undefined && !this.failing) {
      this.failing = true;
      log.error('commitlog_write_failed', { offset: c.start, bytes: c.len, err });
    }
    if (this.failing) {
      if (this.inflight.every((x) => x.state !== 'writing')) this.rollBack();
      return;
    }
    let freed = false;
    while (this.inflight.length > 0 && this.inflight[0]!.state === 'done') {
      this.retire(this.inflight.shift()!);
      freed = true;
    }
    if (this.current && this.current.len > 0 && this.inflight.length < this.maxParallelWrites) this.seal();
    if (freed) this.events.onBufferFree();
  }

  /** A chunk written in order: its bytes become readable (and, with O_DSYNC files, count as flushed). */
  private retire(done: Chunk): void {
    this.writtenOffset = done.end;
    done.file.wrotePosition = done.end - done.file.fileFromOffset;
    if (this.writesAreDurable) {
      this.flushedOffset = done.end;
      done.file.flushedPosition = done.file.wrotePosition;
    }
    this.recycle(done);
    this.events.onWritten(done);
  }

  /** After a failed write: drop every chunk from the first unwritten one on, and cut the files back to it. */
  private rollBack(): void {
    let firstBad = this.inflight.findIndex((x) => x.state === 'failed');
    if (firstBad < 0) firstBad = 0;
    // Chunks before the failed one were written fine.
    for (const done of this.inflight.splice(0, firstBad)) this.retire(done);
    const dropped = [...this.inflight];
    this.inflight.length = 0;
    if (this.current) dropped.push(this.current);
    this.current = null;
    const error = dropped.find((x) => x.state === 'failed')?.error;
    for (const c of dropped) this.recycle(c);
    const rollTo = dropped.length > 0 ? dropped[0]!.start : this.appendOffset;
    this.truncations++;
    try {
      this.mfq.truncateDirtyFiles(rollTo);
    } catch (err) {
      log.error('commitlog_rollback_truncate_failed', { offset: rollTo, err });
    }
    this.appendOffset = rollTo;
    this.writtenOffset = rollTo;
    this.flushedOffset = Math.min(this.flushedOffset, rollTo);
    this.failing = false;
    log.warn('commitlog_rolled_back', { offset: rollTo, chunks: dropped.length });
    this.events.onFailed(dropped, error);
    // Not synchronously: rollBack may run inside an append, which must not re-enter the backlog.
    setImmediate(() => this.events.onBufferFree());
  }

  /**
   * Drops the open chunk without writing it (a record could not be encoded into it): it and everything after it
   * roll back as after a failed write.
   */
  abortOpenChunk(error: unknown): void {
    const c = this.current;
    if (!c) return;
    this.current = null;
    c.state = 'failed';
    c.error = error;
    this.inflight.push(c);
    this.failing = true;
    if (this.inflight.every((x) => x.state !== 'writing')) this.rollBack();
  }

  /** Writes the open chunk now (shutdown, tests). */
  sealNow(): void {
    this.seal();
  }

  /** Resolves when every reserved record is written (or rolled back). */
  async drain(): Promise<void> {
    this.seal();
    while (this.inflight.length > 0 || (this.current && this.current.len > 0)) {
      await new Promise((r) => setImmediate(r));
      if (this.current && this.current.len > 0 && this.inflight.length === 0) this.seal();
    }
  }

  /**
   * fdatasync of all data written so far, started now even while other syncs run (each covers what was written
   * before it started; the SYNC_FLUSH group commit keeps two going). Returns the offset now durable.
   */
  async syncNow(): Promise<number> {
    const want = this.writtenOffset;
    if (want > this.flushedOffset) {
      await this.mfq.flush();
      if (want > this.flushedOffset) this.flushedOffset = want;
    }
    return this.flushedOffset;
  }

  /**
   * fdatasync of all data written so far; callers whose data an in-flight flush covers share it, later ones get
   * the next flush. Returns the offset now durable.
   */
  flush(): Promise<number> {
    const want = this.writtenOffset;
    if (this.flushing) {
      if (this.flushingTarget >= want) return this.flushing;
      return this.flushing.then(
        () => this.flush(),
        () => this.flush(),
      );
    }
    if (want <= this.flushedOffset) return Promise.resolve(this.flushedOffset);
    // syncNow never settles synchronously, so `flushing` is cleared only after it was set.
    const run = this.syncNow().finally(() => {
      if (this.flushing === run) this.flushing = null;
    });
    this.flushingTarget = want;
    this.flushing = run;
    return run;
  }

  /** Bytes written but not flushed yet. */
  unflushedBytes(): number {
    return this.writtenOffset - this.flushedOffset;
  }

  /**
   * The stored bytes [offset, offset + size) of one record; null when not (or no longer) stored. With `target`
   * they are read into it at `targetOffset` (the answer is then a view of it).
   */
  async getData(offset: number, size: number, target?: Buffer, targetOffset = 0): Promise<Buffer | null> {
    if (size <= 0 || offset + size > this.writtenOffset) return null;
    const mf = this.mfq.findMappedFileByOffset(offset);
    if (!mf || !mf.isAvailable() || offset + size > mf.fileEndOffset) return null;
    try {
      const b = await mf.read(offset - mf.fileFromOffset, size, target, targetOffset);
      return b.length === size ? b : null;
    } catch (err) {
      if (mf.isAvailable()) log.warn('commitlog_read_failed', { offset, size, err });
      return null;
    }
  }

  /**
   * getData with a synchronous read: for data that is almost surely in the page cache (recently written), where
   * a thread pool round trip costs more than the copy.
   */
  getDataSync(offset: number, size: number, target?: Buffer, targetOffset = 0): Buffer | null {
    if (size <= 0 || offset + size > this.writtenOffset) return null;
    const mf = this.mfq.findMappedFileByOffset(offset);
    if (!mf || !mf.isAvailable() || offset + size > mf.fileEndOffset) return null;
    try {
      const b = mf.readSync(offset - mf.fileFromOffset, size, target, targetOffset);
      return b.length === size ? b : null;
    } catch (err) {
      if (mf.isAvailable()) log.warn('commitlog_read_failed', { offset, size, err });
      return null;
    }
  }

  /**
   * Raw commit log bytes from `offset` to at most the end of its file and `maxBytes` (replication reads). Bytes
   * written in the last RECENT_SYNC_READ bytes are read synchronously: they sit in the page cache, and a slave that
   * keeps up asks for nothing else, so each transfer saves a thread pool round trip.
   */
  async getRange(offset: number, maxBytes: number): Promise<Buffer | null> {
    if (offset >= this.writtenOffset) return null;
    const mf = this.mfq.findMappedFileByOffset(offset);
    if (!mf) return null;
    const size = Math.min(maxBytes, this.writtenOffset - offset, mf.fileEndOffset - offset);
    return this.writtenOffset - offset <= RECENT_SYNC_READ ? this.getDataSync(offset, size) : this.getData(offset, size);
  }

  /** STORETIMESTAMP of the record at `offset`; -1 when it cannot be read. (CommitLog.pickupStoreTimestamp) */
  async pickupStoreTimestamp(offset: number, size: number): Promise<number> {
    if (offset < this.getMinOffset() || offset >= this.writtenOffset) return -1;
    const head = await this.getData(offset, Math.min(size, 80));
    if (!head || head.length < 76) return -1;
    const sysFlag = head.readInt32BE(SYSFLAG_POSITION);
    return readInt64(head, storeTimestampPosition(sysFlag));
  }

  /**
   * Walks records from `from` (a record boundary) to the end of valid data: each valid record is passed to
   * `onRecord`; the walk stops at the first byte range that is not a valid record (zeros, torn or corrupt data,
   * a record whose PHYSICALOFFSET is not where it sits). Returns the end of the valid data. Nothing at or after
   * `limit` is read (a slave dispatching what it just appended reads only that).
   */
  scan(from: number, checkCRC: boolean, tagsCodeOf: TagsCodeCalculator, onRecord: (req: DispatchRequest) => void, limit = Number.MAX_SAFE_INTEGER): number {
    return scanCommitLog(this.mfq, this.cfg, from, checkCRC, tagsCodeOf, onRecord, limit);
  }

  /**
   * Appends raw commit log bytes received from a master at `startOffset` (which must be this log's end).
   * Records and blank markers are the master's, so files line up when both use the same file size.
   */
  async appendRaw(startOffset: number, data: Buffer): Promise<void> {
    await this.drain();
    if (startOffset !== this.appendOffset) {
      throw new StoreIOError(`replicated data starts at ${startOffset} but the commit log ends at ${this.appendOffset}`);
    }
    let done = 0;
    while (done < data.length) {
      const file = this.writableFile();
      const pos = this.appendOffset - file.fileFromOffset;
      const n = Math.min(data.length - done, file.fileSize - pos);
      this.appendOffset += n;
      try {
        // Into the page cache at once (RocketMQ's slave copies into its mapped file): a thread pool round trip per
        // received batch costs more than the copy. (A slave's files are never O_DSYNC.)
        file.writeSync(pos, data, done, n);
      } catch (err) {
        this.appendOffset -= n;
        throw err;
      }
      file.wrotePosition = pos + n;
      this.writtenOffset = this.appendOffset;
      done += n;
    }
  }

  async shutdown(): Promise<void> {
    await this.appendWorker?.close();
    this.mfq.shutdown();
  }
}

/** Fills in the body CRCs the chunk's records still lack (on the main thread). */
function fillBodyCrcs(c: Chunk): void {
  const { buf, crcs } = c;
  for (let i = 0; i < crcs.length; i += 3) {
    const bodyAt = crcs[i + 1]!;
    buf.writeInt32BE(bodyCrc32(buf.subarray(bodyAt, bodyAt + crcs[i + 2]!)), crcs[i]!);
  }
  crcs.length = 0;
}
