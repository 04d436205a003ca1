// The set of index files under <root>/index: builds entries for message keys and unique keys (topic#key), rolls
// to a new file when one is full, answers queries by key and time range, drops files behind the commit log.

import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../common/log.ts';
import { MessageSysFlag } from '../protocol/message-const.ts';
import { fsyncDirSync } from './io.ts';
import { IndexFile, indexKeyHashOf } from './index-file.ts';

const log = createLogger('store.index');

/** What indexing needs to know about one stored message. */
export interface IndexRequest {
  topic: string;
  commitLogOffset: number;
  storeTimestamp: number;
  sysFlag: number;
  /** KEYS property (keys separated by a space). */
  keys?: string;
  /** UNIQ_KEY property. */
  uniqKey?: string;
}

export interface QueryOffsetResult {
  phyOffsets: number[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

/** Index file names are their creation time, yyyyMMddHHmmssSSS in local time (UtilAll.timeMillisToHumanString). */
export function indexFileName(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}${p(d.getMilliseconds(), 3)}`;
}

export function buildIndexKey(topic: string, key: string): string {
  return `${topic}#${key}`;
}

export class IndexService {
  readonly storePath: string;
  private readonly hashSlotNum: number;
  private readonly indexNum: number;
  private files: IndexFile[] = [];
  /** Commit log offset of the last message indexed; -1 before the first. */
  private lastIndexedOffset = -1;
  private lastNameTime = 0;

  constructor(storePath: string, hashSlotNum: number, indexNum: number) {
    this.storePath = storePath;
    this.hashSlotNum = hashSlotNum;
    this.indexNum = indexNum;
  }

  /** Opens the index files; the newest one stays writable unless full. */
  load(): void {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.storePath).filter((n) => /^\d{17}$/.test(n)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    names.forEach((name, i) => {
      const file = path.join(this.storePath, name);
      const last = i === names.length - 1;
      const f = IndexFile.load(file, this.hashSlotNum, this.indexNum, last);
      if (last && f.isWriteFull()) void f.seal();
      this.files.push(f);
    });
    const last = this.files[this.files.length - 1];
    if (last && (last.header.indexCount > 1 || this.files.length > 1)) this.lastIndexedOffset = last.header.endPhyOffset;
  }

  /** Commit log offset up to which (inclusive) messages are indexed; -1 when none is. */
  getLastIndexedOffset(): number {
    return this.lastIndexedOffset;
  }

  private writableFile(): IndexFile {
    const last = this.files[this.files.length - 1];
    if (last && last.isWritable() && !last.isWriteFull()) return last;
    let endPhyOffset = 0;
    let endTimestamp = 0;
    if (last) {
      endPhyOffset = last.header.endPhyOffset;
      endTimestamp = last.header.endTimestamp;
      if (last.isWritable()) {
        // Full: its data is flushed and its slot table released in the background.
        last.seal().catch((err: unknown) => log.error('index_seal_failed', { file: last.fileName, err }));
      }
    }
    fs.mkdirSync(this.storePath, { recursive: true });
    // Names must be unique even when two files are created within one millisecond.
    let t = Date.now();
    if (t <= this.lastNameTime) t = this.lastNameTime + 1;
    const lastName = last ? path.basename(last.fileName) : '';
    while (indexFileName(t) <= lastName) t++;
    this.lastNameTime = t;
    const f = IndexFile.create(path.join(this.storePath, indexFileName(t)), this.hashSlotNum, this.indexNum, endPhyOffset, endTimestamp);
    this.files.push(f);
    fsyncDirSync(this.storePath);
    log.info('index_file_created', { file: f.fileName });
    return f;
  }

  private putKey(key: string, req: IndexRequest): void {
    const hash = indexKeyHashOf(req.topic, key);
    let f = this.writableFile();
    if (!f.putKeyHash(hash, req.commitLogOffset, req.storeTimestamp)) {
      f = this.writableFile();
      f.putKeyHash(hash, req.commitLogOffset, req.storeTimestamp);
    }
  }

  /** Indexes UNIQ_KEY and each key of KEYS; a message already indexed (replay after a crash) is skipped. */
  buildIndex(req: IndexRequest): void {
    if (req.commitLogOffset <= this.lastIndexedOffset) return;
    if (MessageSysFlag.getTransactionValue(req.sysFlag) === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return;
    let any = false;
    if (req.uniqKey) {
      this.putKey(req.uniqKey, req);
      any = true;
    }
    const keys = req.keys;
    if (keys) {
      if (keys.indexOf(' ') < 0) {
        this.putKey(keys, req);
        any = true;
      } else {
        for (const key of keys.split(' ')) {
          if (key.length === 0) continue;
          this.putKey(key, req);
          any = true;
        }
      }
    }
    if (any) this.lastIndexedOffset = req.commitLogOffset;
  }

  /** Makes entries added so far visible to queries. */
  commit(): void {
    const last = this.files[this.files.length - 1];
    if (last && last.isWritable()) last.commit();
  }

  /** Flushes the writable file; returns the commit log offset the flushed index covers. */
  async flush(): Promise<number> {
    const covered = this.lastIndexedOffset;
    const last = this.files[this.files.length - 1];
    if (last && last.isWritable()) await last.flush();
    return covered;
  }

  /** Offsets of messages of `topic` with `key` (a key or unique key) stored in [begin, end], newest first. */
  queryOffset(topic: string, key: string, maxNum: number, begin: number, end: number): QueryOffsetResult {
    const phyOffsets: number[] = [];
    let indexLastUpdateTimestamp = 0;
    let indexLastUpdatePhyoffset = 0;
    const k = buildIndexKey(topic, key);
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i]!;
      if (i === this.files.length - 1) {
        indexLastUpdateTimestamp = f.header.endTimestamp;
        indexLastUpdatePhyoffset = f.header.endPhyOffset;
      }
      if (f.isTimeMatched(begin, end)) f.selectPhyOffset(phyOffsets, k, maxNum, begin, end);
      if (f.header.beginTimestamp < begin || phyOffsets.length >= maxNum) break;
    }
    return { phyOffsets, indexLastUpdateTimestamp, indexLastUpdatePhyoffset };
  }

  /** Deletes files (never the newest) whose every entry points below `minPhyOffset`. Returns how many. */
  deleteExpiredFile(minPhyOffset: number): number {
    let count = 0;
    while (this.files.length > 1 && this.files[0]!.header.endPhyOffset < minPhyOffset) {
      const f = this.files.shift()!;
      f.destroy();
      count++;
    }
    if (count > 0) {
      fsyncDirSync(this.storePath);
      log.info('index_files_deleted', { count, minPhyOffset });
    }
    return count;
  }

  fileCount(): number {
    return this.files.length;
  }

  async shutdown(): Promise<void> {
    const last = this.files[this.files.length - 1];
    if (last && last.isWritable()) await last.flush();
    for (const f of this.files) f.close();
    this.files = [];
  }

  destroy(): void {
    for (const f of this.files) f.destroy();
    this.files = [];
    this.lastIndexedOffset = -1;
  }
}
