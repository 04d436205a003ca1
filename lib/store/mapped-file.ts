// One fixed-size segment file of the commit log or a consume queue (RocketMQ's MappedFile, without mmap):
// positional reads and writes on a file descriptor, fdatasync for flush, reference counting so that a file
// deleted by retention is closed only after the reads still using it finish.

import fs from 'node:fs';
import path from 'node:path';
import { StoreIOError } from './errors.ts';
import { readFully, readFullySync, storeIo, writeFully, writeFullySync } from './io.ts';

/** Segment files are named by their starting offset, zero-padded to 20 digits (UtilAll.offset2FileName). */
export function offset2FileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

export class MappedFile {
  readonly fileName: string;
  readonly fileFromOffset: number;
  readonly fileSize: number;
  /** Bytes from the file start known to be written (page cache); positions below it are readable. */
  wrotePosition = 0;
  /** Bytes from the file start covered by fdatasync. */
  flushedPosition = 0;
  /** Opened lazily: a store may have many more segment files than it can keep descriptors open for. */
  private fd: number | null;
  private refs = 1;
  private available = true;
  private closed = false;

  /** Extra open(2) flags: O_DSYNC makes every write durable when it returns (a SYNC_FLUSH commit log). */
  private readonly extraFlags: number;

  private constructor(fileName: string, fileFromOffset: number, fileSize: number, fd: number | null, extraFlags: number) {
    this.extraFlags = extraFlags;
    this.fileName = fileName;
    this.fileFromOffset = fileFromOffset;
    this.fileSize = fileSize;
    this.fd = fd;
  }

  /** Opens (creating when absent) the segment of `dir` starting at `fileFromOffset`, sized to `fileSize`. */
  static open(dir: string, fileFromOffset: number, fileSize: number, extraFlags = 0): MappedFile {
    const fileName = path.join(dir, offset2FileName(fileFromOffset));
    let fd: number;
    try {
      fd = fs.openSync(fileName, fs.constants.O_RDWR | fs.constants.O_CREAT | extraFlags, 0o644);
    } catch (err) {
      throw new StoreIOError(`cannot open ${fileName}`, { cause: err });
    }
    try {
      // A sparse file of the final size: blocks are allocated as data is written.
      if (fs.fstatSync(fd).size !== fileSize) fs.ftruncateSync(fd, fileSize);
    } catch (err) {
      fs.closeSync(fd);
      throw new StoreIOError(`cannot size ${fileName} to ${fileSize} bytes`, { cause: err });
    }
    return new MappedFile(fileName, fileFromOffset, fileSize, fd, extraFlags);
  }

  /** An existing segment file, opened on first use; its size must be `fileSize`. */
  static load(fileName: string, fileFromOffset: number, fileSize: number, extraFlags = 0): MappedFile {
    return new MappedFile(fileName, fileFromOffset, fileSize, null, extraFlags);
  }

  get fileEndOffset(): number {
    return this.fileFromOffset + this.fileSize;
  }

  isFull(): boolean {
    return this.wrotePosition >= this.fileSize;
  }

  isAvailable(): boolean {
    return this.available;
  }

  /** Takes a reference for an operation; false when the file is being destroyed. */
  hold(): boolean {
    if (!this.available) return false;
    this.refs++;
    return true;
  }

  release(): void {
    this.refs--;
    if (this.refs <= 0 && !this.closed) this.closeNow();
  }

  private get handle(): number {
    if (this.fd === null) {
      if (this.closed) throw new StoreIOError(`${this.fileName} is closed`);
      try {
        this.fd = fs.openSync(this.fileName, fs.constants.O_RDWR | this.extraFlags);
      } catch (err) {
        throw new StoreIOError(`cannot open ${this.fileName}`, { cause: err });
      }
    }
    return this.fd;
  }

  /** Closes the descriptor of a file that is only read now and then; the next use opens it again. */
  closeDescriptor(): void {
    if (this.fd !== null && this.refs <= 1) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  write(position: number, buf: Buffer, offset: number, length: number): Promise<void> {
    return this.writeThrough(position, length, (fd) => writeFully(fd, buf, offset, length, position));
  }

  /** Lets `write` put `length` bytes at `position` through the descriptor (held open meanwhile). */
  async writeThrough(position: number, length: number, write: (fd: number) => Promise<void>): Promise<void> {
    if (!this.hold()) throw new StoreIOError(`${this.fileName} was deleted`);
    try {
      await write(this.handle);
    } catch (err) {
      throw new StoreIOError(`write of ${length} bytes at ${position} in ${this.fileName} failed`, { cause: err });
    } finally {
      this.release();
    }
  }

  writeSync(position: number, buf: Buffer, offset: number, length: number): void {
    try {
      writeFullySync(this.handle, buf, offset, length, position);
    } catch (err) {
      throw new StoreIOError(`write of ${length} bytes at ${position} in ${this.fileName} failed`, { cause: err });
    }
  }

  /** Reads `length` bytes at `position` into `target` (or a new buffer); returns the bytes read. */
  async read(position: number, length: number, target?: Buffer, targetOffset = 0): Promise<Buffer> {
    const buf = target ?? Buffer.allocUnsafe(length);
    const at = target ? targetOffset : 0;
    if (!this.hold()) throw new StoreIOError(`${this.fileName} was deleted`);
    try {
      const n = await readFully(this.handle, buf, at, length, position);
      return buf.subarray(at, at + n);
    } catch (err) {
      throw new StoreIOError(`read of ${length} bytes at ${position} in ${this.fileName} failed`, { cause: err });
    } finally {
      this.release();
    }
  }

  readSync(position: number, length: number, target?: Buffer, targetOffset = 0): Buffer {
    const buf = target ?? Buffer.allocUnsafe(length);
    const at = target ? targetOffset : 0;
    try {
      const n = readFullySync(this.handle, buf, at, length, position);
      return buf.subarray(at, at + n);
    } catch (err) {
      throw new StoreIOError(`read of ${length} bytes at ${position} in ${this.fileName} failed`, { cause: err });
    }
  }

  /** fdatasync; afterwards everything written before the call is durable. Returns the flushed position. */
  async flush(): Promise<number> {
    const upTo = this.wrotePosition;
    if (upTo <= this.flushedPosition || !this.hold()) return this.flushedPosition;
    try {
      await storeIo.fdatasync(this.handle);
    } catch (err) {
      throw new StoreIOError(`fdatasync of ${this.fileName} failed`, { cause: err });
    } finally {
      this.release();
    }
    if (upTo > this.flushedPosition) this.flushedPosition = upTo;
    return this.flushedPosition;
  }

  flushSync(): number {
    const upTo = this.wrotePosition;
    if (upTo <= this.flushedPosition || !this.available) return this.flushedPosition;
    try {
      storeIo.fdatasyncSync(this.handle);
    } catch (err) {
      throw new StoreIOError(`fdatasync of ${this.fileName} failed`, { cause: err });
    }
    this.flushedPosition = upTo;
    return upTo;
  }

  /**
   * Drops everything from `position` to the end of the file (it reads as zeros afterwards), so stale bytes of a
   * torn tail can never be mistaken for records later.
   */
  truncateTail(position: number): void {
    try {
      fs.ftruncateSync(this.handle, position);
      fs.ftruncateSync(this.handle, this.fileSize);
    } catch (err) {
      throw new StoreIOError(`cannot cut ${this.fileName} at ${position}`, { cause: err });
    }
    this.wrotePosition = Math.min(this.wrotePosition, position);
    this.flushedPosition = Math.min(this.flushedPosition, position);
  }

  /** Last modification time in ms (retention compares it with fileReservedTime). */
  lastModifiedTimestamp(): number {
    try {
      return fs.statSync(this.fileName).mtimeMs;
    } catch {
      // Already removed: treat as infinitely old so callers drop it.
      return 0;
    }
  }

  private closeNow(): void {
    this.closed = true;
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      fs.closeSync(fd);
    }
  }

  /** Closes the file once no operation holds it; the file stays on disk. */
  shutdown(): void {
    if (!this.available) return;
    this.available = false;
    this.release();
  }

  /** Closes (when unused) and removes the file. */
  destroy(): void {
    this.shutdown();
    try {
      fs.unlinkSync(this.fileName);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreIOError(`cannot delete ${this.fileName}`, { cause: err });
    }
  }
}
