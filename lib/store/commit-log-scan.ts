// Walking the commit log record by record (recovery, and dispatch of bytes replicated from a master).

import { BLANK_MAGIC_CODE } from '../protocol/message-codec.ts';
import type { MessageStoreConfig } from './config.ts';
import { type DispatchRequest, dispatchRequestFromRecord, type TagsCodeCalculator } from './dispatch.ts';
import type { MappedFileQueue } from './mapped-file-queue.ts';

/** Room always left at a file's end for the blank marker (CommitLog.END_FILE_MIN_BLANK_LENGTH). */
export const END_FILE_MIN_BLANK_LENGTH = 4 + 4;

/** recordHead's answer for an end-of-file marker. */
const BLANK = -1;

/**
 * What the 8 bytes at `at` of `buf` announce, `room` bytes before the end of their commit log file: BLANK for an
 * end-of-file marker covering exactly that room, the TOTALSIZE of a record that fits in it, 0 for anything else.
 */
function recordHead(buf: Buffer, at: number, room: number): number {
  const totalSize = buf.readInt32BE(at);
  if (buf.readInt32BE(at + 4) === BLANK_MAGIC_CODE) return totalSize === room ? BLANK : 0;
  return totalSize <= 8 || totalSize + END_FILE_MIN_BLANK_LENGTH > room ? 0 : totalSize;
}

/**
 * Walks records from `from` (a record boundary) to the end of valid data: each valid record is passed to
 * `onRecord`; the walk stops at the first byte range that is not a valid record (zeros, torn or corrupt data,
 * a record whose PHYSICALOFFSET is not where it sits). Returns the end of the valid data. Nothing at or after
 * `limit` is read (a slave dispatching what it just appended reads only that).
 */
export function scanCommitLog(
  mfq: MappedFileQueue,
  cfg: MessageStoreConfig,
  from: number,
  checkCRC: boolean,
  tagsCodeOf: TagsCodeCalculator,
  onRecord: (req: DispatchRequest) => void,
  limit = Number.MAX_SAFE_INTEGER,
): number {
  if (limit <= from) return from;
  const fileSize = cfg.mappedFileSizeCommitLog;
  const blockSize = Math.min(fileSize, Math.max(4 * 1024 * 1024, cfg.maxMessageSize + 64 * 1024));
  let block = Buffer.allocUnsafe(Math.max(8, Math.min(blockSize, limit - from)));
  let offset = from;
  for (;;) {
    const mf = mfq.findMappedFileByOffset(offset);
    if (!mf) return offset;
    let blockStart = -1;
    let blockLen = 0;
    for (;;) {
      const pos = offset - mf.fileFromOffset;
      if (pos >= fileSize) break;
      if (blockStart < 0 || offset + 8 > blockStart + blockLen) {
        blockStart = offset;
        const want = Math.max(0, Math.min(block.length, mf.fileEndOffset - offset, limit - offset));
        blockLen = mf.readSync(pos, want, block).length;
        if (blockLen < 8) return offset;
      }
      const at = offset - blockStart;
      const totalSize = recordHead(block, at, fileSize - pos);
      if (totalSize === BLANK) {
        offset = mf.fileEndOffset;
        break;
      }
      if (totalSize === 0) return offset;
      if (at + totalSize > blockLen) {
        if (at === 0 && blockLen < Math.min(block.length, mf.fileEndOffset - offset) && totalSize <= block.length) return offset;
        // Re-read with the record at the block start.
        if (totalSize > block.length) block = Buffer.allocUnsafe(totalSize);
        blockStart = offset;
        blockLen = mf.readSync(pos, Math.min(block.length, mf.fileEndOffset - offset, limit - offset), block).length;
        if (blockLen < totalSize) return offset;
        continue;
      }
      const req = dispatchRequestFromRecord(block.subarray(0, blockLen), at, offset, checkCRC, tagsCodeOf);
      if (!req || req.msgSize !== totalSize) return offset;
      onRecord(req);
      offset += totalSize;
    }
    if (offset !== mf.fileEndOffset) return offset;
  }
}

/**
 * The same walk over bytes in memory: `buf` holds the commit log from `from` (a record boundary), e.g. what a slave
 * just received and wrote. Returns the end of the valid records, as scanCommitLog does.
 */
export function scanRecords(
  buf: Buffer,
  from: number,
  fileSize: number,
  tagsCodeOf: TagsCodeCalculator,
  onRecord: (req: DispatchRequest) => void,
): number {
  let at = 0;
  while (buf.length - at >= 8) {
    const offset = from + at;
    const room = fileSize - (offset % fileSize);
    const totalSize = recordHead(buf, at, room);
    if (totalSize === BLANK) {
      if (at + room > buf.length) break;
      at += room;
      continue;
    }
    if (totalSize === 0 || at + totalSize > buf.length) break;
    const req = dispatchRequestFromRecord(buf, at, offset, false, tagsCodeOf);
    if (!req || req.msgSize !== totalSize) break;
    onRecord(req);
    at += totalSize;
  }
  return from + at;
}
