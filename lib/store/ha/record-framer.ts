// Slave side: cuts the master's commit log byte stream into whole records. A master transfers byte ranges (up to
// haTransferBatchSize, never across a file end) that may stop inside a record; the slave appends only whole
// records, so its commit log never ends in a torn record and every offset it reports is a record boundary.
//
// Records as they sit in a commit log file: [int32 TOTALSIZE][int32 MAGICCODE]...; a message has MAGICCODE
// V1/V2 and PHYSICALOFFSET (int64 at byte 28) equal to where it sits; a BLANK marker closes a file and its
// TOTALSIZE covers the rest of that file (the zeros after it are part of the stream).

import { BLANK_MAGIC_CODE, MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2, PHY_POS_POSITION } from '../../protocol/message-codec.ts';
import { readInt64 } from '../../protocol/message-host.ts';
import { END_FILE_MIN_BLANK_LENGTH } from '../commit-log.ts';
import { HAProtocolError } from './codec.ts';

export interface AppendChunk {
  /** Commit log offset of data[0]. */
  offset: number;
  data: Buffer;
}

export class RecordFramer {
  /** Commit log offset of the first pending byte (= where the next append goes). */
  private start: number;
  /** Bytes received after `start`, not yet returned. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** Bytes needed before the first pending record is complete (0 = unknown, fewer than 8 bytes pending). */
  private need = 0;

  constructor(
    startOffset: number,
    private readonly fileSize: number,
  ) {
    this.start = startOffset;
  }

  /** Offset the next transfer must start at. */
  get end(): number {
    return this.start + this.partsLength;
  }

  get pendingBytes(): number {
    return this.partsLength;
  }

  /** Forgets pending bytes and continues at `offset` (an empty slave takes the master's first offset). */
  reset(offset: number): void {
    this.start = offset;
    this.parts = [];
    this.partsLength = 0;
    this.need = 0;
  }

  /**
   * Adds bytes that continue the stream and returns the whole records now complete (one contiguous run), or
   * undefined when none completed. Throws HAProtocolError when the bytes are not commit log records.
   */
  push(data: readonly Buffer[]): AppendChunk | undefined {
    for (const d of data) {
      if (d.length === 0) continue;
      this.parts.push(d);
      this.partsLength += d.length;
    }
    // A large record arriving in many transfers is joined once, when all of it is here.
    if (this.partsLength < Math.max(8, this.need)) return undefined;
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsLength);
    let pos = 0;
    this.need = 0;
    while (buf.length - pos >= 8) {
      const offset = this.start + pos;
      const room = this.fileSize - (offset % this.fileSize);
      const totalSize = buf.readInt32BE(pos);
      const magic = buf.readInt32BE(pos + 4);
      if (magic === BLANK_MAGIC_CODE) {
        if (totalSize !== room) {
          throw new HAProtocolError(
            `end-of-file marker at ${offset} covers ${totalSize} bytes but ${room} are left in the file: master and slave must use the same mappedFileSizeCommitLog (${this.fileSize} here)`,
          );
        }
      } else if (magic === MESSAGE_MAGIC_CODE || magic === MESSAGE_MAGIC_CODE_V2) {
        if (totalSize <= PHY_POS_POSITION + 8 || totalSize + END_FILE_MIN_BLANK_LENGTH > room) {
          throw new HAProtocolError(`record at ${offset} claims ${totalSize} bytes with ${room} left in its ${this.fileSize}-byte file`);
        }
        if (buf.length - pos >= PHY_POS_POSITION + 8) {
          const phy = readInt64(buf, pos + PHY_POS_POSITION);
          if (phy !== offset) throw new HAProtocolError(`record at ${offset} says it sits at ${phy}`);
        }
      } else {
        throw new HAProtocolError(`bytes at ${offset} are not a commit log record (magic 0x${(magic >>> 0).toString(16)})`);
      }
      if (buf.length - pos < totalSize) {
        this.need = totalSize;
        break;
      }
      pos += totalSize;
    }
    // Keep the incomplete tail as its own small buffer (not a view pinning the whole transfer).
    const tail = buf.length - pos;
    this.parts = tail > 0 ? [Buffer.from(buf.subarray(pos))] : [];
    this.partsLength = tail;
    if (pos === 0) return undefined;
    const chunk = { offset: this.start, data: buf.subarray(0, pos) };
    this.start += pos;
    return chunk;
  }
}
