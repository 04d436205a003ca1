// The checkpoint file <root>/checkpoint: how far the commit log, consume queues and index are known durable.
//
// Layout (one 4 KiB page, big-endian). Bytes 0-39 are RocketMQ's StoreCheckpoint:
//    0 int64 physicMsgTimestamp   store time of the last message in the flushed commit log
//    8 int64 logicsMsgTimestamp   store time of the last message in the flushed consume queues
//   16 int64 indexMsgTimestamp    store time of the last message in the flushed index
//   24 int64 masterFlushedOffset
//   32 int64 confirmPhyOffset
// RocketDeck adds exact commit log offsets, so recovery replays from a record boundary instead of guessing by time:
//   64 int32 magic 0x52444350 ("RDCP")
//   68 int64 physicOffset         commit log bytes covered by fdatasync
//   76 int64 logicsOffset         commit log offset up to which consume queue entries are flushed
//   84 int64 indexOffset          commit log offset up to which index entries are flushed
//   92 int32 crc32 of bytes 0-91  a torn checkpoint write is detected and ignored

import fs from 'node:fs';
import { crc32 } from 'node:zlib';
import { readInt64, writeInt64 } from '../protocol/message-host.ts';
import { StoreIOError } from './errors.ts';
import { readFullySync, storeIo, writeFullySync } from './io.ts';

const PAGE = 4096;
const MAGIC = 0x52444350;
const CRC_AT = 92;
const USED = 96;

export class StoreCheckpoint {
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;
  masterFlushedOffset = 0;
  confirmPhyOffset = 0;
  physicOffset = 0;
  logicsOffset = 0;
  indexOffset = 0;
  /** The file held a valid RocketDeck section when loaded. */
  readonly valid: boolean;
  private fd: number | null;
  private readonly file: string;
  private writing: Promise<void> | null = null;

  constructor(file: string) {
    this.file = file;
    const exists = fs.existsSync(file);
    try {
      this.fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
      if (!exists || fs.fstatSync(this.fd).size < PAGE) fs.ftruncateSync(this.fd, PAGE);
    } catch (err) {
      throw new StoreIOError(`cannot open checkpoint ${file}`, { cause: err });
    }
    const b = Buffer.alloc(USED);
    readFullySync(this.fd, b, 0, USED, 0);
    this.physicMsgTimestamp = readInt64(b, 0);
    this.logicsMsgTimestamp = readInt64(b, 8);
    this.indexMsgTimestamp = readInt64(b, 16);
    this.masterFlushedOffset = readInt64(b, 24);
    this.confirmPhyOffset = readInt64(b, 32);
    this.valid = exists && b.readInt32BE(64) === MAGIC && (crc32(b.subarray(0, CRC_AT)) | 0) === b.readInt32BE(CRC_AT);
    if (this.valid) {
      this.physicOffset = readInt64(b, 68);
      this.logicsOffset = readInt64(b, 76);
      this.indexOffset = readInt64(b, 84);
    }
  }

  private encode(): Buffer {
    const b = Buffer.alloc(USED);
    writeInt64(b, 0, this.physicMsgTimestamp);
    writeInt64(b, 8, this.logicsMsgTimestamp);
    writeInt64(b, 16, this.indexMsgTimestamp);
    writeInt64(b, 24, this.masterFlushedOffset);
    writeInt64(b, 32, this.confirmPhyOffset);
    b.writeInt32BE(MAGIC, 64);
    writeInt64(b, 68, this.physicOffset);
    writeInt64(b, 76, this.logicsOffset);
    writeInt64(b, 84, this.indexOffset);
    b.writeInt32BE(crc32(b.subarray(0, CRC_AT)) | 0, CRC_AT);
    return b;
  }

  /** Writes and fdatasyncs the current values (one write at a time; a call during a write waits for it). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.fd === null) return;
    const fd = this.fd;
    const run = (async () => {
      const b = this.encode();
      writeFullySync(fd, b, 0, b.length, 0);
      await storeIo.fdatasync(fd);
    })();
    this.writing = run;
    try {
      await run;
    } catch (err) {
      throw new StoreIOError(`checkpoint ${this.file} flush failed`, { cause: err });
    } finally {
      this.writing = null;
    }
  }

  flushSync(): void {
    if (this.fd === null) return;
    const b = this.encode();
    writeFullySync(this.fd, b, 0, b.length, 0);
    storeIo.fdatasyncSync(this.fd);
  }

  /** Store time from which RocketMQ would replay after a crash (StoreCheckpoint.getMinTimestamp). */
  getMinTimestamp(): number {
    return Math.max(0, Math.min(this.physicMsgTimestamp, this.logicsMsgTimestamp) - 3000);
  }

  async shutdown(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}
