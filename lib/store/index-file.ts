// One index file: a hash index from message keys to commit log offsets with store times (RocketMQ's IndexFile).
//
// Layout (big-endian):
//   header  40 bytes  int64 beginTimestamp | int64 endTimestamp | int64 beginPhyOffset | int64 endPhyOffset
//                     | int32 hashSlotCount | int32 indexCount (starts at 1: entry 0 is never used)
//   slots   hashSlotNum × int32   number of the newest entry whose key hashes to the slot (0 = none)
//   entries indexNum × 20 bytes   int32 keyHash | int64 phyOffset | int32 timeDiff (s since beginTimestamp)
//                                 | int32 previous entry number in the same slot
// The writable file keeps its slot table in memory (hashSlotNum × 4 bytes) and writes changed pages on flush;
// entries are written as they are added.

import fs from 'node:fs';
import { javaStringHashCode } from '../protocol/message-properties.ts';
import { putInt32, putInt64, readInt64, writeInt64 } from '../protocol/message-host.ts';
import { StoreFileError, StoreIOError } from './errors.ts';
import { readFullySync, storeIo, writeFullySync } from './io.ts';

export const INDEX_HEADER_SIZE = 40;
const HASH_SLOT_SIZE = 4;
export const INDEX_SIZE = 20;
const INVALID_INDEX = 0;
const SLOT_PAGE = 4096;

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

/** IndexFile.indexKeyHashMethod: |String.hashCode|, with Integer.MIN_VALUE mapped to 0. */
export function indexKeyHash(key: string): number {
  return positiveHash(javaStringHashCode(key));
}

function positiveHash(h: number): number {
  const abs = Math.abs(h);
  return abs > 0x7fffffff ? 0 : abs;
}

// Hash state after `${topic}#` per topic: every append indexes its keys under its topic.
let lastTopic = '';
let lastTopicHash = 35; // '#' alone

/** indexKeyHash(`${topic}#${key}`) without building the string (appends index every message). */
export function indexKeyHashOf(topic: string, key: string): number {
  let h: number;
  if (topic === lastTopic) h = lastTopicHash;
  else {
    h = 0;
    for (let i = 0; i < topic.length; i++) h = (Math.imul(h, 31) + topic.charCodeAt(i)) | 0;
    h = (Math.imul(h, 31) + 35) | 0; // '#'
    lastTopic = topic;
    lastTopicHash = h;
  }
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return positiveHash(h);
}

export class IndexFile {
  readonly fileName: string;
  readonly hashSlotNum: number;
  readonly indexNum: number;
  readonly header: IndexHeader;
  private fd: number | null;
  /** In-memory slot table of the writable file; null once sealed. */
  private slots: Buffer | null = null;
  private dirtyPages: Uint8Array | null = null;
  private anyDirtyPage = false;
  private pending: Buffer;
  private pendingCount = 0;
  private pendingFirst = 0;
  private headerDirty = false;

  private constructor(fileName: string, hashSlotNum: number, indexNum: number, fd: number, header: IndexHeader) {
    this.fileName = fileName;
    this.hashSlotNum = hashSlotNum;
    this.indexNum = indexNum;
    this.fd = fd;
    this.header = header;
    this.pending = Buffer.allocUnsafe(INDEX_SIZE * 1024);
  }

  static fileSize(hashSlotNum: number, indexNum: number): number {
    return INDEX_HEADER_SIZE + hashSlotNum * HASH_SLOT_SIZE + indexNum * INDEX_SIZE;
  }

  /** A new, writable index file continuing after `endPhyOffset` / `endTimestamp` of the previous one. */
  static create(fileName: string, hashSlotNum: number, indexNum: number, endPhyOffset: number, endTimestamp: number): IndexFile {
    let fd: number;
    try {
      fd = fs.openSync(fileName, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o644);
      fs.ftruncateSync(fd, IndexFile.fileSize(hashSlotNum, indexNum));
    } catch (err) {
      throw new StoreIOError(`cannot create index file ${fileName}`, { cause: err });
    }
    const header: IndexHeader = {
      beginTimestamp: endTimestamp > 0 ? endTimestamp : 0,
      endTimestamp: endTimestamp > 0 ? endTimestamp : 0,
      beginPhyOffset: endPhyOffset > 0 ? endPhyOffset : 0,
      endPhyOffset: endPhyOffset > 0 ? endPhyOffset : 0,
      hashSlotCount: 0,
      indexCount: 1,
    };
    const f = new IndexFile(fileName, hashSlotNum, indexNum, fd, header);
    f.slots = Buffer.alloc(hashSlotNum * HASH_SLOT_SIZE);
    f.dirtyPages = new Uint8Array(Math.ceil(f.slots.length / SLOT_PAGE));
    f.headerDirty = true;
    return f;
  }

  /**
   * An existing file. `writable` loads its slot table into memory and repairs slots that point past the header's
   * entry count (written after the last header flush before a crash) by following their chains back.
   */
  static load(fileName: string, hashSlotNum: number, indexNum: number, writable: boolean): IndexFile {
    let fd: number;
    try {
      fd = fs.openSync(fileName, fs.constants.O_RDWR);
    } catch (err) {
      throw new StoreIOError(`cannot open index file ${fileName}`, { cause: err });
    }
    const size = fs.fstatSync(fd).size;
    if (size !== IndexFile.fileSize(hashSlotNum, indexNum)) {
      fs.closeSync(fd);
      throw new StoreFileError(`${fileName} is ${size} bytes, not ${IndexFile.fileSize(hashSlotNum, indexNum)}: check maxHashSlotNum / maxIndexNum`);
    }
    const hb = Buffer.alloc(INDEX_HEADER_SIZE);
    readFullySync(fd, hb, 0, INDEX_HEADER_SIZE, 0);
    const header: IndexHeader = {
      beginTimestamp: readInt64(hb, 0),
      endTimestamp: readInt64(hb, 8),
      beginPhyOffset: readInt64(hb, 16),
      endPhyOffset: readInt64(hb, 24),
      hashSlotCount: hb.readInt32BE(32),
      indexCount: Math.max(1, hb.readInt32BE(36)),
    };
    const f = new IndexFile(fileName, hashSlotNum, indexNum, fd, header);
    if (writable) {
      f.slots = Buffer.alloc(hashSlotNum * HASH_SLOT_SIZE);
      readFullySync(fd, f.slots, 0, f.slots.length, INDEX_HEADER_SIZE);
      f.dirtyPages = new Uint8Array(Math.ceil(f.slots.length / SLOT_PAGE));
      f.repairSlots();
    }
    return f;
  }

  private repairSlots(): void {
    const slots = this.slots!;
    const count = this.header.indexCount;
    const entry = Buffer.allocUnsafe(INDEX_SIZE);
    for (let i = 0; i < this.hashSlotNum; i++) {
      let v = slots.readInt32BE(i * HASH_SLOT_SIZE);
      if (v < count && v >= INVALID_INDEX) continue;
      let hops = 0;
      while (v >= count && hops++ < this.indexNum) {
        this.readEntry(v, entry);
        const prev = entry.readInt32BE(16);
        v = prev < v ? prev : INVALID_INDEX;
      }
      if (v < INVALID_INDEX || v >= count) v = INVALID_INDEX;
      slots.writeInt32BE(v, i * HASH_SLOT_SIZE);
      this.markSlotDirty(i);
      this.headerDirty = true;
    }
  }

  isWriteFull(): boolean {
    return this.header.indexCount >= this.indexNum;
  }

  isWritable(): boolean {
    return this.slots !== null;
  }

  /** The file's time range overlaps [begin, end]. */
  isTimeMatched(begin: number, end: number): boolean {
    const h = this.header;
    return (begin < h.beginTimestamp && end > h.endTimestamp) || (begin >= h.beginTimestamp && begin <= h.endTimestamp) || (end >= h.beginTimestamp && end <= h.endTimestamp);
  }

  private markSlotDirty(slot: number): void {
    this.dirtyPages![((slot * HASH_SLOT_SIZE) / SLOT_PAGE) | 0] = 1;
    this.anyDirtyPage = true;
  }

  private get handle(): number {
    if (this.fd === null) throw new StoreIOError(`index file ${this.fileName} is closed`);
    return this.fd;
  }

  /** Adds `key`; false when the file is full (the caller rolls over to a new file). */
  putKey(key: string, phyOffset: number, storeTimestamp: number): boolean {
    return this.putKeyHash(indexKeyHash(key), phyOffset, storeTimestamp);
  }

  /** Adds a key by its indexKeyHash. */
  putKeyHash(keyHash: number, phyOffset: number, storeTimestamp: number): boolean {
    const slots = this.slots;
    if (!slots) throw new StoreIOError(`index file ${this.fileName} is sealed`);
    const h = this.header;
    if (h.indexCount >= this.indexNum) return false;
    const slot = keyHash % this.hashSlotNum;
    let slotValue = slots.readInt32BE(slot * HASH_SLOT_SIZE);
    if (slotValue <= INVALID_INDEX || slotValue > h.indexCount) slotValue = INVALID_INDEX;
    let timeDiff = h.beginTimestamp <= 0 ? 0 : Math.floor((storeTimestamp - h.beginTimestamp) / 1000);
    if (timeDiff > 0x7fffffff) timeDiff = 0x7fffffff;
    else if (timeDiff < 0) timeDiff = 0;
    if (this.pendingCount === 0) this.pendingFirst = h.indexCount;
    else if (this.pendingCount * INDEX_SIZE === this.pending.length) {
      this.commit();
      this.pendingFirst = h.indexCount;
    }
    const o = this.pendingCount * INDEX_SIZE;
    const p = this.pending;
    putInt32(p, o, keyHash);
    putInt64(p, o + 4, phyOffset);
    putInt32(p, o + 12, timeDiff);
    putInt32(p, o + 16, slotValue);
    this.pendingCount++;
    putInt32(slots, slot * HASH_SLOT_SIZE, h.indexCount);
    this.markSlotDirty(slot);
    if (h.indexCount <= 1) {
      h.beginPhyOffset = phyOffset;
      h.beginTimestamp = storeTimestamp;
    }
    if (slotValue === INVALID_INDEX) h.hashSlotCount++;
    h.indexCount++;
    h.endPhyOffset = phyOffset;
    h.endTimestamp = storeTimestamp;
    this.headerDirty = true;
    return true;
  }

  /** Writes the entries added since the last commit (they become visible to queries). */
  commit(): void {
    if (this.pendingCount === 0) return;
    const pos = INDEX_HEADER_SIZE + this.hashSlotNum * HASH_SLOT_SIZE + this.pendingFirst * INDEX_SIZE;
    try {
      writeFullySync(this.handle, this.pending, 0, this.pendingCount * INDEX_SIZE, pos);
    } catch (err) {
      throw new StoreIOError(`index entry write in ${this.fileName} failed`, { cause: err });
    }
    this.pendingCount = 0;
  }

  private writeHeader(): void {
    const h = this.header;
    const b = Buffer.allocUnsafe(INDEX_HEADER_SIZE);
    writeInt64(b, 0, h.beginTimestamp);
    writeInt64(b, 8, h.endTimestamp);
    writeInt64(b, 16, h.beginPhyOffset);
    writeInt64(b, 24, h.endPhyOffset);
    b.writeInt32BE(h.hashSlotCount, 32);
    b.writeInt32BE(h.indexCount, 36);
    writeFullySync(this.handle, b, 0, INDEX_HEADER_SIZE, 0);
    this.headerDirty = false;
  }

  /**
   * Entries, then changed slot pages, then the header, then fdatasync: a header on disk never counts entries
   * that were not written before it.
   */
  async flush(): Promise<void> {
    if (this.fd === null) return;
    this.commit();
    const slots = this.slots;
    try {
      if (slots && this.anyDirtyPage) {
        const pages = this.dirtyPages!;
        this.anyDirtyPage = false;
        for (let p = 0; p < pages.length; ) {
          if (!pages[p]) {
            p++;
            continue;
          }
          let q = p;
          while (q < pages.length && pages[q]) pages[q++] = 0;
          const from = p * SLOT_PAGE;
          const to = Math.min(q * SLOT_PAGE, slots.length);
          writeFullySync(this.handle, slots, from, to - from, INDEX_HEADER_SIZE + from);
          p = q;
        }
      }
      if (!this.headerDirty) return;
      this.writeHeader();
      await storeIo.fdatasync(this.handle);
    } catch (err) {
      throw new StoreIOError(`flush of index file ${this.fileName} failed`, { cause: err });
    }
  }

  /** Flushes and drops the in-memory slot table; the file is read-only afterwards. */
  async seal(): Promise<void> {
    await this.flush();
    this.slots = null;
    this.dirtyPages = null;
  }

  private readEntry(n: number, into: Buffer): void {
    if (this.pendingCount > 0 && n >= this.pendingFirst && n < this.pendingFirst + this.pendingCount) {
      this.pending.copy(into, 0, (n - this.pendingFirst) * INDEX_SIZE, (n - this.pendingFirst + 1) * INDEX_SIZE);
      return;
    }
    into.fill(0);
    readFullySync(this.handle, into, 0, INDEX_SIZE, INDEX_HEADER_SIZE + this.hashSlotNum * HASH_SLOT_SIZE + n * INDEX_SIZE);
  }

  private readSlot(slot: number): number {
    if (this.slots) return this.slots.readInt32BE(slot * HASH_SLOT_SIZE);
    const b = Buffer.alloc(HASH_SLOT_SIZE);
    readFullySync(this.handle, b, 0, HASH_SLOT_SIZE, INDEX_HEADER_SIZE + slot * HASH_SLOT_SIZE);
    return b.readInt32BE(0);
  }

  /** Appends to `out` the commit log offsets of entries for `key` stored within [begin, end], newest first. */
  selectPhyOffset(out: number[], key: string, maxNum: number, begin: number, end: number): void {
    if (this.fd === null) return;
    const keyHash = indexKeyHash(key);
    const slot = keyHash % this.hashSlotNum;
    const count = this.header.indexCount;
    let next = this.readSlot(slot);
    if (next <= INVALID_INDEX || next > count || count <= 1) return;
    const entry = Buffer.allocUnsafe(INDEX_SIZE);
    for (let hops = 0; hops < this.indexNum && out.length < maxNum; hops++) {
      this.readEntry(next, entry);
      const keyHashRead = entry.readInt32BE(0);
      const phyOffset = readInt64(entry, 4);
      const timeDiff = entry.readInt32BE(12);
      const prev = entry.readInt32BE(16);
      if (timeDiff < 0) break;
      const time = this.header.beginTimestamp + timeDiff * 1000;
      if (keyHashRead === keyHash && time >= begin && time <= end) out.push(phyOffset);
      if (prev <= INVALID_INDEX || prev > count || prev === next || time < begin) break;
      next = prev;
    }
  }

  close(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    this.slots = null;
    this.dirtyPages = null;
  }

  destroy(): void {
    this.close();
    try {
      fs.unlinkSync(this.fileName);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreIOError(`cannot delete ${this.fileName}`, { cause: err });
    }
  }
}
