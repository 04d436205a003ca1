// The append path: checks a message, gives it its queue offset and commit log position, encodes it straight into
// a commit log write buffer, and answers once the guarantee of the flush mode is met (page cache for ASYNC_FLUSH,
// fdatasync for SYNC_FLUSH, with one fdatasync shared by every append written before it: group commit).

import { createLogger } from '../common/log.ts';
import { MessageConst, MessageSysFlag } from '../protocol/message-const.ts';
import {
  calMsgLength,
  decodeMessage,
  hostSysFlag,
  MAX_PROPERTIES_LENGTH,
  patchPhysicalOffset,
  patchQueueOffset,
  patchStoreTimestamp,
  writeStoredRecord,
  type StoredMessageFields,
  type StoredRecordLayout,
} from '../protocol/message-codec.ts';
import { encodeBatchAsStoredRecords } from '../protocol/message-batch.ts';
import { messageProperties2String, type MessageProperties } from '../protocol/message-properties.ts';
import type { Chunk, ChunkWaiter, CommitLog } from './commit-log.ts';
import { END_FILE_MIN_BLANK_LENGTH } from './commit-log.ts';
import type { MessageStoreConfig } from './config.ts';
import { goesToConsumeQueue, type DispatchRequest, type Dispatcher, type TagsCodeCalculator } from './dispatch.ts';
import { GroupCommit } from './group-commit.ts';
import { AppendResult, checkEncodable, MsgIdPrefixes } from './put-checks.ts';
import type { MessageExtBatch, MessageExtBrokerInner, PutMessageResult, PutMessageStatus } from './types.ts';

const log = createLogger('store.put');

export interface PutWaiter extends ChunkWaiter {
  end: number;
  wait: boolean;
  resolve: (r: PutMessageResult) => void;
  result: PutMessageResult;
  deadline: number;
  /** Answered by the group commit (a timeout may answer before the write ends). */
  answered?: boolean;
}

/** A batch decoded once before it is appended (an append refused for lack of buffers is retried). */
interface PreparedBatch {
  batch: MessageExtBatch;
  records: Buffer;
  entries: Array<{ pos: number; size: number; properties: MessageProperties }>;
}

type Backlogged =
  | { kind: 'msg'; msg: MessageExtBrokerInner; layout: StoredRecordLayout; resolve: (r: PutMessageResult) => void; at: number }
  | { kind: 'batch'; prepared: PreparedBatch; resolve: (r: PutMessageResult) => void; at: number };

export interface PutCounters {
  putMessageTimesTotal: number;
  putMessageSizeTotal: number;
  putMessageFailedTimes: number;
}

export interface PutServiceDeps {
  cfg: MessageStoreConfig;
  commitLog: CommitLog;
  dispatcher: Dispatcher;
  tagsCodeOf: TagsCodeCalculator;
  /** Current max offset of a queue (where its next message goes) when the table has no entry yet. */
  queueMaxOffset: (topic: string, queueId: number) => number;
  /** Why appends are refused right now, or null when the store is writeable. */
  refusal: () => { status: PutMessageStatus; remark: string } | null;
  /** A write failed for lack of space: the store stops taking appends until retention frees some. */
  onDiskFull: () => void;
  /** Dispatch into consume queues / index failed. */
  onDispatchError: (err: unknown) => void;
}

const result = (status: PutMessageStatus, remark?: string): PutMessageResult => (remark ? { status, remark } : { status });

/** Topic names become directory names: refuse anything that could escape or confuse the store layout. */
function badTopicName(topic: string): boolean {
  return topic.length === 0 || topic === '.' || topic === '..' || /[/\\\0]/.test(topic);
}

export class PutService {
  readonly counters: PutCounters = { putMessageTimesTotal: 0, putMessageSizeTotal: 0, putMessageFailedTimes: 0 };
  /** Next queue offset per topic and queueId (RocketMQ's topicQueueTable). */
  private readonly topicQueueTable = new Map<string, number[]>();
  private readonly backlog: Backlogged[] = [];
  private backlogHead = 0;
  private readonly msgIds = new MsgIdPrefixes();
  private readonly groupCommit: GroupCommit;
  private readonly d: PutServiceDeps;
  private readonly syncFlush: boolean;
  /** SYNC_FLUSH over O_DSYNC files: appends wait in the group commit from the moment they are encoded. */
  private readonly durableSync: boolean;
  /** Body CRCs are filled in by the commit log when it writes (see CommitLog.defersCrcs). */
  private readonly crcLater: boolean;
  /** UTF-8 length of each topic name seen valid (checked once per topic, not once per message); bounded. */
  private readonly topicLengths = new Map<string, number>();

  constructor(deps: PutServiceDeps) {
    this.d = deps;
    this.syncFlush = deps.cfg.flushDiskType === 'SYNC_FLUSH';
    this.durableSync = this.syncFlush && deps.commitLog.writesAreDurable;
    this.crcLater = deps.commitLog.defersCrcs;
    this.groupCommit = new GroupCommit(deps.commitLog, deps.cfg.syncFlushTimeout, this.durableSync);
  }

  // ---- queue offsets ----

  private nextQueueOffset(topic: string, queueId: number): number {
    let offsets = this.topicQueueTable.get(topic);
    if (!offsets) {
      offsets = [];
      this.topicQueueTable.set(topic, offsets);
    }
    let v = offsets[queueId];
    if (v === undefined) {
      v = this.d.queueMaxOffset(topic, queueId);
      offsets[queueId] = v;
    }
    return v;
  }

  private setQueueOffset(topic: string, queueId: number, next: number): void {
    this.topicQueueTable.get(topic)![queueId] = next;
  }

  /** Forgets the queue offsets of deleted topics. */
  removeTopics(topics: Iterable<string>): void {
    for (const t of topics) this.topicQueueTable.delete(t);
  }

  topicQueueCount(): number {
    let n = 0;
    for (const offsets of this.topicQueueTable.values()) for (const v of offsets) if (v !== undefined) n++;
    return n;
  }

  // ---- single messages ----

  putMessage(msg: MessageExtBrokerInner): Promise<PutMessageResult> {
    const refused = this.d.refusal();
    if (refused) return this.fail(refused.status, refused.remark);
    const layout = this.checkMessage(msg);
    if ('status' in layout) return this.fail(layout.status, layout.remark);
    return new Promise((resolve) => {
      if (this.backlogHead < this.backlog.length || !this.tryPut(msg, layout, resolve)) this.enqueue({ kind: 'msg', msg, layout, resolve, at: Date.now() });
    });
  }

  private fail(status: PutMessageStatus, remark?: string): Promise<PutMessageResult> {
    this.counters.putMessageFailedTimes++;
    return Promise.resolve(result(status, remark));
  }

  /** UTF-8 length of a valid topic name, or -1. */
  private topicLength(topic: string): number {
    const known = this.topicLengths.get(topic);
    if (known !== undefined) return known;
    const length = Buffer.byteLength(topic, 'utf8');
    if (length > this.d.cfg.maxTopicLength || badTopicName(topic)) return -1;
    if (this.topicLengths.size >= 65536) this.topicLengths.clear();
    this.topicLengths.set(topic, length);
    return length;
  }

  /** The record layout of a valid message, or why it is refused. */
  private checkMessage(msg: MessageExtBrokerInner): StoredRecordLayout | { status: PutMessageStatus; remark: string } {
    const cfg = this.d.cfg;
    const topicLength = this.topicLength(msg.topic);
    if (topicLength < 0) {
      return { status: 'MESSAGE_ILLEGAL', remark: `topic ${JSON.stringify(msg.topic)} is not a valid topic name of at most ${cfg.maxTopicLength} bytes` };
    }
    if (msg.body.length > cfg.maxMessageSize) {
      return { status: 'MESSAGE_ILLEGAL', remark: `message body of ${msg.body.length} bytes exceeds maxMessageSize ${cfg.maxMessageSize}` };
    }
    const bad = checkEncodable(msg);
    if (bad) return { status: 'MESSAGE_ILLEGAL', remark: bad };
    const properties = msg.propertiesString ?? (msg.propertiesString = messageProperties2String(msg.properties));
    const propertiesLength = Buffer.byteLength(properties, 'utf8');
    if (propertiesLength > MAX_PROPERTIES_LENGTH) {
      return { status: 'PROPERTIES_SIZE_EXCEEDED', remark: `message properties take ${propertiesLength} bytes, more than ${MAX_PROPERTIES_LENGTH}` };
    }
    const sysFlag = hostSysFlag(msg.sysFlag, msg.bornHost, msg.storeHost);
    const size = calMsgLength(sysFlag, msg.body.length, topicLength, propertiesLength);
    if (size + END_FILE_MIN_BLANK_LENGTH > cfg.mappedFileSizeCommitLog) {
      return { status: 'MESSAGE_ILLEGAL', remark: `record of ${size} bytes does not fit in a commit log file of ${cfg.mappedFileSizeCommitLog} bytes` };
    }
    return { size, sysFlag, topicLength, properties, propertiesLength };
  }

  /** Appends now; false when no write buffer is free (the caller queues the message). */
  private tryPut(msg: MessageExtBrokerInner, layout: StoredRecordLayout, resolve: (r: PutMessageResult) => void): boolean {
    const size = layout.size;
    const r = this.d.commitLog.reserve(size);
    if (r === 'BUSY') return false;
    if (r === 'CREATE_FAILED') {
      this.counters.putMessageFailedTimes++;
      resolve(result('CREATE_MAPPED_FILE_FAILED', 'cannot create a commit log file'));
      return true;
    }
    const toCq = goesToConsumeQueue(msg.sysFlag);
    const queueOffset = toCq ? this.nextQueueOffset(msg.topic, msg.queueId) : 0;
    const now = Date.now();
    msg.storeTimestamp = now;
    msg.queueOffset = queueOffset;
    msg.commitLogOffset = r.offset;
    try {
      const fields = msg as StoredMessageFields;
      const bodyAt = writeStoredRecord(r.chunk.buf, r.pos, fields, layout, this.crcLater, r.chunk.shared);
      // The commit log fills in body CRCs when it writes the chunk (on the append worker under load).
      if (this.crcLater && fields.bodyCRC === undefined && msg.body.length > 0) r.chunk.crcs.push(r.pos + 8, bodyAt, msg.body.length);
    } catch (err) {
      // Validation should make this impossible; never leave a half-encoded record in the log.
      log.error('encode_failed', { topic: msg.topic, err });
      this.d.commitLog.abortOpenChunk(err);
      this.counters.putMessageFailedTimes++;
      resolve(result('MESSAGE_ILLEGAL', `message cannot be encoded: ${(err as Error).message}`));
      return true;
    }
    if (toCq) this.setQueueOffset(msg.topic, msg.queueId, queueOffset + 1);
    const properties = msg.properties;
    const req: DispatchRequest = {
      topic: msg.topic,
      queueId: msg.queueId,
      queueOffset,
      commitLogOffset: r.offset,
      msgSize: size,
      tagsCode: msg.tagsCode ?? this.d.tagsCodeOf(msg.topic, properties, now),
      storeTimestamp: now,
      sysFlag: msg.sysFlag,
      keys: properties[MessageConst.PROPERTY_KEYS],
      uniqKey: properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX],
      properties,
    };
    r.chunk.requests.push(req);
    const waiter: PutWaiter = {
      end: r.offset + size,
      wait: properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] !== 'false',
      resolve,
      result: { status: 'PUT_OK', appendResult: new AppendResult(this.msgIds.prefix(msg.storeHost), r.offset, size, now, queueOffset, 1) },
      deadline: 0,
    };
    r.chunk.waiters.push(waiter);
    if (this.durableSync && waiter.wait) this.waitDurable(waiter);
    this.counters.putMessageTimesTotal++;
    this.counters.putMessageSizeTotal += size;
    return true;
  }

  // ---- batches ----

  putMessages(batch: MessageExtBatch): Promise<PutMessageResult> {
    const refused = this.d.refusal();
    if (refused) return this.fail(refused.status, refused.remark);
    const cfg = this.d.cfg;
    if (Buffer.byteLength(batch.topic, 'utf8') > cfg.maxTopicLength || badTopicName(batch.topic)) {
      return this.fail('MESSAGE_ILLEGAL', `topic ${JSON.stringify(batch.topic)} is not a valid topic name`);
    }
    if (batch.body.length > cfg.maxMessageSize) return this.fail('MESSAGE_ILLEGAL', `batch body of ${batch.body.length} bytes exceeds maxMessageSize ${cfg.maxMessageSize}`);
    const t = MessageSysFlag.getTransactionValue(batch.sysFlag);
    if (t !== MessageSysFlag.TRANSACTION_NOT_TYPE) return this.fail('MESSAGE_ILLEGAL', 'a batch cannot hold transactional messages');
    let prepared: PreparedBatch;
    try {
      const bad = checkEncodable(batch);
      if (bad) return this.fail('MESSAGE_ILLEGAL', bad);
      const records = encodeBatchAsStoredRecords(
        batch.body,
        { topic: batch.topic, queueId: batch.queueId, sysFlag: batch.sysFlag, bornTimestamp: batch.bornTimestamp, bornHost: batch.bornHost, storeTimestamp: 0, storeHost: batch.storeHost, reconsumeTimes: batch.reconsumeTimes },
        batch.propertiesString ?? '',
      );
      const entries: PreparedBatch['entries'] = [];
      for (let pos = 0; pos < records.length; ) {
        const m = decodeMessage(records, pos, { readBody: false });
        entries.push({ pos, size: m.storeSize, properties: m.properties });
        pos += m.storeSize;
      }
      if (entries.length === 0) return this.fail('MESSAGE_ILLEGAL', 'empty batch');
      if (records.length + END_FILE_MIN_BLANK_LENGTH > cfg.mappedFileSizeCommitLog) {
        return this.fail('MESSAGE_ILLEGAL', `batch of ${records.length} bytes does not fit in a commit log file`);
      }
      prepared = { batch, records, entries };
    } catch (err) {
      const status: PutMessageStatus = /properties/.test((err as Error).message) ? 'PROPERTIES_SIZE_EXCEEDED' : 'MESSAGE_ILLEGAL';
      return this.fail(status, `bad batch: ${(err as Error).message}`);
    }
    return new Promise((resolve) => {
      if (this.backlogHead < this.backlog.length || !this.tryPutBatch(prepared, resolve)) {
        this.enqueue({ kind: 'batch', prepared, resolve, at: Date.now() });
      }
    });
  }

  private tryPutBatch(p: PreparedBatch, resolve: (r: PutMessageResult) => void): boolean {
    const { batch, records, entries } = p;
    const r = this.d.commitLog.reserve(records.length);
    if (r === 'BUSY') return false;
    if (r === 'CREATE_FAILED') {
      this.counters.putMessageFailedTimes++;
      resolve(result('CREATE_MAPPED_FILE_FAILED', 'cannot create a commit log file'));
      return true;
    }
    const buf = r.chunk.buf;
    records.copy(buf, r.pos);
    const first = this.nextQueueOffset(batch.topic, batch.queueId);
    const now = Date.now();
    const prefix = this.msgIds.prefix(batch.storeHost);
    const ids: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const at = r.pos + e.pos;
      const offset = r.offset + e.pos;
      patchQueueOffset(buf, at, first + i);
      patchPhysicalOffset(buf, at, offset);
      patchStoreTimestamp(buf, at, now);
      ids.push(prefix + offset.toString(16).toUpperCase().padStart(16, '0'));
      r.chunk.requests.push({
        topic: batch.topic,
        queueId: batch.queueId,
        queueOffset: first + i,
        commitLogOffset: offset,
        msgSize: e.size,
        tagsCode: this.d.tagsCodeOf(batch.topic, e.properties, now),
        storeTimestamp: now,
        sysFlag: batch.sysFlag,
        keys: e.properties[MessageConst.PROPERTY_KEYS],
        uniqKey: e.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX],
        properties: e.properties,
      });
    }
    this.setQueueOffset(batch.topic, batch.queueId, first + entries.length);
    const wait = entries[0]!.properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] !== 'false';
    const appendResult = new AppendResult(prefix, r.offset, records.length, now, first, entries.length, ids.join(','));
    const waiter: PutWaiter = { end: r.offset + records.length, wait, resolve, result: { status: 'PUT_OK', appendResult }, deadline: 0 };
    r.chunk.waiters.push(waiter);
    if (this.durableSync && wait) this.waitDurable(waiter);
    this.counters.putMessageTimesTotal += entries.length;
    this.counters.putMessageSizeTotal += records.length;
    return true;
  }

  // ---- backlog: appends waiting for a free write buffer ----

  private enqueue(item: Backlogged): void {
    const head = this.backlog[this.backlogHead];
    // The write path has been stuck for too long: fail fast instead of queueing (RocketMQ's OS_PAGE_CACHE_BUSY).
    if (head && item.at - head.at > this.d.cfg.osPageCacheBusyTimeOutMills) {
      this.counters.putMessageFailedTimes++;
      item.resolve(result('OS_PAGE_CACHE_BUSY', `appends have been waiting for ${item.at - head.at} ms`));
      return;
    }
    this.backlog.push(item);
  }

  /** Retries queued appends in order until the commit log is busy again. */
  drainBacklog(): void {
    while (this.backlogHead < this.backlog.length) {
      const item = this.backlog[this.backlogHead]!;
      const refused = this.d.refusal();
      if (refused) {
        this.counters.putMessageFailedTimes++;
        item.resolve(result(refused.status, refused.remark));
      } else {
        const ok = item.kind === 'msg' ? this.tryPut(item.msg, item.layout, item.resolve) : this.tryPutBatch(item.prepared, item.resolve);
        if (!ok) break;
      }
      this.backlog[this.backlogHead++] = undefined as unknown as Backlogged;
    }
    if (this.backlogHead === this.backlog.length) {
      this.backlog.length = 0;
      this.backlogHead = 0;
    } else if (this.backlogHead > 1024) {
      this.backlog.splice(0, this.backlogHead);
      this.backlogHead = 0;
    }
  }

  // ---- completion ----

  /** Durable writes: the append waits for its write from now on, with its syncFlushTimeout deadline. */
  private waitDurable(w: PutWaiter): void {
    this.groupCommit.enqueue(w);
    this.groupCommit.kick();
  }

  /** Records of `chunk` are in the page cache: dispatch them, then answer (or wait for the group commit). */
  onWritten(chunk: Chunk): void {
    try {
      this.d.dispatcher.dispatch(chunk.requests, chunk.end);
    } catch (err) {
      this.d.onDispatchError(err);
      this.d.dispatcher.reputFromOffset = chunk.end;
    }
    const waiters = chunk.waiters as PutWaiter[];
    if (this.durableSync) {
      // The write returned, so the records are on disk: answer those waiting for it, and the rest.
      for (let i = 0; i < waiters.length; i++) if (!waiters[i]!.wait) waiters[i]!.resolve(waiters[i]!.result);
      this.groupCommit.written(this.d.commitLog.getFlushedOffset());
      return;
    }
    let queued = false;
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i]!;
      if (this.syncFlush && w.wait && !this.d.commitLog.writesAreDurable) {
        this.groupCommit.enqueue(w);
        queued = true;
      } else {
        w.resolve(w.result);
      }
    }
    if (queued) this.groupCommit.kick();
  }

  /** A write failed: the chunks were rolled back, so their queue offsets are handed out again. */
  onFailed(chunks: Chunk[], error: unknown): void {
    const code = (error as { code?: string } | undefined)?.code;
    const full = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
    if (full) this.d.onDiskFull();
    const status: PutMessageStatus = full ? 'SERVICE_NOT_AVAILABLE' : 'UNKNOWN_ERROR';
    const remark = full ? `disk full: commit log write failed (${code})` : `commit log write failed: ${(error as Error)?.message ?? String(error)}`;
    const restored = new Set<string>();
    if (this.durableSync && chunks.length > 0) this.groupCommit.dropAfter(chunks[0]!.start);
    for (const c of chunks) {
      for (const req of c.requests) {
        if (!goesToConsumeQueue(req.sysFlag)) continue;
        const key = `${req.queueId}\u0000${req.topic}`;
        if (restored.has(key)) continue;
        restored.add(key);
        this.setQueueOffset(req.topic, req.queueId, req.queueOffset);
      }
      for (const w of c.waiters as PutWaiter[]) {
        if (w.answered) continue;
        this.counters.putMessageFailedTimes++;
        this.counters.putMessageTimesTotal -= w.result.appendResult?.msgNum ?? 1;
        w.resolve(result(status, remark));
      }
    }
  }

  /** Answers every queued append with SERVICE_NOT_AVAILABLE (shutdown). */
  rejectBacklog(remark: string): void {
    for (let i = this.backlogHead; i < this.backlog.length; i++) this.backlog[i]!.resolve(result('SERVICE_NOT_AVAILABLE', remark));
    this.backlog.length = 0;
    this.backlogHead = 0;
  }

  backlogSize(): number {
    return this.backlog.length - this.backlogHead;
  }

  /** Waits for the group commit to answer everything queued (shutdown). */
  async settle(): Promise<void> {
    await this.groupCommit.settle();
  }
}
