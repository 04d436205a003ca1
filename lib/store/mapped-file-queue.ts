// An ordered run of same-size segment files in one directory (RocketMQ's MappedFileQueue): find the file holding
// an offset, create the next one, cut a dirty tail, delete expired heads.

import fs from 'node:fs';
import path from 'node:path';
import { StoreFileError } from './errors.ts';
import { fsyncDirSync } from './io.ts';
import { MappedFile } from './mapped-file.ts';

export class MappedFileQueue {
  readonly storePath: string;
  readonly mappedFileSize: number;
  files: MappedFile[] = [];

  /** Extra open(2) flags of every segment (O_DSYNC for a SYNC_FLUSH commit log). */
  private readonly extraFlags: number;

  constructor(storePath: string, mappedFileSize: number, extraFlags = 0) {
    this.extraFlags = extraFlags;
    this.storePath = storePath;
    this.mappedFileSize = mappedFileSize;
  }

  /**
   * Picks up the segment files already on disk. A file whose size differs from `mappedFileSize` is refused (the
   * store was written with another segment size); stray names are ignored.
   */
  load(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.storePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const offsets = names.filter((n) => /^\d{20}$/.test(n)).map((n) => Number(n)).sort((a, b) => a - b);
    for (const [i, offset] of offsets.entries()) {
      const fileName = path.join(this.storePath, String(offset).padStart(20, '0'));
      const size = fs.statSync(fileName).size;
      if (size === 0 && i === offsets.length - 1) {
        // A crash between creating the newest segment and sizing it leaves it empty; nothing can have been
        // written to it yet (writes start after it is sized), so it is dropped and made again when needed.
        fs.rmSync(fileName);
        fsyncDirSync(this.storePath);
        continue;
      }
      if (size !== this.mappedFileSize) {
        throw new StoreFileError(`${fileName} is ${size} bytes but segments here are ${this.mappedFileSize} bytes; check the mapped file size config`);
      }
      if (offset % this.mappedFileSize !== 0) throw new StoreFileError(`${fileName} does not start at a multiple of ${this.mappedFileSize}`);
      const mf = MappedFile.load(fileName, offset, size, this.extraFlags);
      // Loaded files count as fully written until recovery finds their real end.
      mf.wrotePosition = size;
      mf.flushedPosition = size;
      this.files.push(mf);
    }
    for (let i = 1; i < this.files.length; i++) {
      if (this.files[i]!.fileFromOffset !== this.files[i - 1]!.fileEndOffset) {
        throw new StoreFileError(`segment files in ${this.storePath} are not contiguous at ${this.files[i]!.fileName}`);
      }
    }
  }

  isEmpty(): boolean {
    return this.files.length === 0;
  }

  getFirstMappedFile(): MappedFile | undefined {
    return this.files[0];
  }

  getLastMappedFile(): MappedFile | undefined {
    return this.files[this.files.length - 1];
  }

  /** The segment starting at `startOffset` (which must be the end of the last one, or any multiple when empty). */
  createMappedFile(startOffset: number): MappedFile {
    const last = this.getLastMappedFile();
    if (last && startOffset !== last.fileEndOffset) {
      throw new StoreFileError(`next segment in ${this.storePath} must start at ${last.fileEndOffset}, not ${startOffset}`);
    }
    fs.mkdirSync(this.storePath, { recursive: true });
    const mf = MappedFile.open(this.storePath, startOffset, this.mappedFileSize, this.extraFlags);
    this.files.push(mf);
    fsyncDirSync(this.storePath);
    return mf;
  }

  /** The segment that holds `offset`, or undefined when no file covers it. */
  findMappedFileByOffset(offset: number): MappedFile | undefined {
    const first = this.files[0];
    if (!first || offset < first.fileFromOffset) return undefined;
    const index = Math.floor((offset - first.fileFromOffset) / this.mappedFileSize);
    return this.files[index];
  }

  getMinOffset(): number {
    return this.files[0]?.fileFromOffset ?? 0;
  }

  /** End of the written data: start of the last file plus its written position. */
  getMaxOffset(): number {
    const last = this.getLastMappedFile();
    return last ? last.fileFromOffset + last.wrotePosition : 0;
  }

  /** Sets every file's written/flushed position for data ending at `offset` (after recovery found the end). */
  setWrittenEnd(offset: number): void {
    for (const mf of this.files) {
      const pos = Math.max(0, Math.min(mf.fileSize, offset - mf.fileFromOffset));
      mf.wrotePosition = pos;
      mf.flushedPosition = pos;
    }
  }

  /**
   * Drops all data at or beyond `offset`: later files are deleted, the file holding it is cut there.
   * (MappedFileQueue.truncateDirtyFiles)
   */
  truncateDirtyFiles(offset: number): void {
    const keep: MappedFile[] = [];
    for (const mf of this.files) {
      if (mf.fileEndOffset <= offset) {
        keep.push(mf);
      } else if (mf.fileFromOffset <= offset && (offset > mf.fileFromOffset || keep.length === 0)) {
        mf.truncateTail(offset - mf.fileFromOffset);
        mf.wrotePosition = offset - mf.fileFromOffset;
        mf.flushedPosition = mf.wrotePosition;
        keep.push(mf);
      } else {
        mf.destroy();
      }
    }
    this.files = keep;
    fsyncDirSync(this.storePath);
  }

  /** Removes the first `count` files from the list and disk. */
  deleteFirstFiles(count: number): MappedFile[] {
    const removed = this.files.splice(0, count);
    for (const mf of removed) mf.destroy();
    if (removed.length > 0) fsyncDirSync(this.storePath);
    return removed;
  }

  /**
   * Deletes files (never the last, which is being written) last modified more than `expiredTime` ms ago, or
   * regardless of age when `cleanImmediately`; at most `batchMax` per call. Returns how many were deleted.
   * (MappedFileQueue.deleteExpiredFileByTime)
   */
  deleteExpiredFileByTime(expiredTime: number, cleanImmediately: boolean, batchMax: number, now = Date.now()): number {
    let count = 0;
    const candidates = this.files.length - 1;
    for (let i = 0; i < candidates && count < batchMax; i++) {
      const mf = this.files[i]!;
      if (now >= mf.lastModifiedTimestamp() + expiredTime || cleanImmediately) count++;
      else break;
    }
    this.deleteFirstFiles(count);
    return count;
  }

  /** Sum of the sizes of all files. */
  totalFileSize(): number {
    return this.files.length * this.mappedFileSize;
  }

  /** Flushes every file with unflushed data; returns the flushed end offset (a file is flushed only after the ones before it). */
  async flush(): Promise<number> {
    for (const mf of [...this.files]) {
      if (mf.wrotePosition > mf.flushedPosition) await mf.flush();
    }
    return this.getFlushedOffset();
  }

  /** Offset up to which all data is durable. */
  getFlushedOffset(): number {
    let end = this.getMinOffset();
    for (const mf of this.files) {
      end = mf.fileFromOffset + mf.flushedPosition;
      if (mf.flushedPosition < mf.fileSize) break;
    }
    return end;
  }

  shutdown(): void {
    for (const mf of this.files) mf.shutdown();
  }

  destroy(): void {
    for (const mf of this.files) mf.destroy();
    this.files = [];
    try {
      fs.rmSync(this.storePath, { recursive: true, force: true });
    } catch {
      // The directory may hold foreign files; the segments themselves are gone.
    }
  }
}
