// The message store the broker uses (RocketMQ's DefaultMessageStore): opens and recovers the files, wires the
// append path, dispatch, reads, flushing and retention together, and shuts down cleanly.

import fs from 'node:fs';
import { createLogger } from '../common/log.ts';
import type { MessageExt } from '../protocol/message.ts';
import { StoreCheckpoint } from './checkpoint.ts';
import { CommitLog } from './commit-log.ts';
import { scanRecords } from './commit-log-scan.ts';
import { type MessageStoreConfig, resolveMessageStoreConfig, storePaths } from './config.ts';
import { ConsumeQueueStore } from './consume-queue-store.ts';
import type { BoundaryType } from './consume-queue.ts';
import { defaultTagsCode, type DispatchRequest, Dispatcher, type MessageArrivingListener, type TagsCodeCalculator } from './dispatch.ts';
import { StoreIOError } from './errors.ts';
import { FlushService } from './flush-service.ts';
import { IndexService } from './index-service.ts';
import { fsyncDirSync } from './io.ts';
import { PutService } from './put-service.ts';
import { MessageReader } from './reads.ts';
import { DEFAULT_FILTER_BITS_PER_QUEUE, FilterBitTable, type FilterBitsCalculator } from './filter-bits.ts';
import { recover, type RecoveryReport } from './recovery.ts';
import { diskPartitionUsedRatio, RetentionService, type RetentionRound } from './retention.ts';
import { acquireStoreLock, releaseStoreLock } from './store-lock.ts';
import type {
  ConsumeQueueEntries,
  GetMessageResult,
  MessageExtBatch,
  MessageExtBrokerInner,
  MessageFilter,
  PutMessageResult,
  PutMessageStatus,
  QueryMessageResult,
  StoreRuntimeStats,
} from './types.ts';

const log = createLogger('store');
/** A SYNC_FLUSH slave flushes what it received at most this long after (RocketMQ's GroupCommitService: 10 ms). */
const REPLICA_FLUSH_MS = 10;

export interface MessageStoreOptions {
  /** Consume queue tags code of a message (default: hash of TAGS); also used when rebuilding queues. */
  tagsCodeCalculator?: TagsCodeCalculator;
  /** Used share (0..1) of the partition holding a directory; default from statfs. Tests simulate a full disk. */
  diskUsageRatio?: (dir: string) => number;
  /** Clock for retention (default Date.now). */
  now?: () => number;
  /**
   * Filter bits of each message going to a consume queue (RocketMQ's enableCalcFilterBitMap), kept in memory for
   * the last `maxEntriesPerQueue` (262,144: 1 MiB) entries of each queue that has bits; pulls whose filter uses them
   * skip entries that cannot match.
   */
  filterBits?: { calculate: FilterBitsCalculator; maxEntriesPerQueue?: number };
}

export class MessageStore {
  readonly config: MessageStoreConfig;
  readonly recovery: RecoveryReport;
  private readonly paths: ReturnType<typeof storePaths>;
  private readonly commitLog: CommitLog;
  private readonly cqStore: ConsumeQueueStore;
  private readonly index: IndexService | null;
  private readonly dispatcher: Dispatcher;
  private readonly checkpoint: StoreCheckpoint;
  private readonly puts: PutService;
  private readonly reader: MessageReader;
  private readonly bitTable: FilterBitTable | null = null;
  private readonly flushService: FlushService;
  private readonly retention: RetentionService;
  private retentionTimer: NodeJS.Timeout | null = null;
  /** `reader.answeredBytes` at the last collection after a drain. */
  private answeredAtCollection = 0;
  /** A SYNC_FLUSH slave's next flush of replicated bytes. */
  private replicaFlushTimer: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  private closed = false;
  private diskFull = false;
  private logicsError = false;
  private readonly tagsCodeOf: TagsCodeCalculator;

  private constructor(cfg: MessageStoreConfig, opts: MessageStoreOptions) {
    this.config = cfg;
    this.paths = storePaths(cfg);
    const tagsCodeOf = opts.tagsCodeCalculator ?? defaultTagsCode;
    this.tagsCodeOf = tagsCodeOf;
    fs.mkdirSync(cfg.storePathRootDir, { recursive: true });
    fs.mkdirSync(cfg.storePathCommitLog, { recursive: true });
    acquireStoreLock(this.paths.lock);
    try {
      const lastExitOK = !fs.existsSync(this.paths.abort);
      const rebuildAll = !fs.existsSync(this.paths.consumeQueue);
      this.checkpoint = new StoreCheckpoint(this.paths.checkpoint);
      this.commitLog = new CommitLog(cfg, {
        onWritten: (c) => this.puts.onWritten(c),
        onFailed: (chunks, err) => this.puts.onFailed(chunks, err),
        onBufferFree: () => this.puts.drainBacklog(),
      });
      this.commitLog.load();
      this.cqStore = new ConsumeQueueStore(this.paths.consumeQueue, cfg.mappedFileSizeConsumeQueue);
      this.cqStore.load();
      this.index = cfg.messageIndexEnable ? new IndexService(this.paths.index, cfg.maxHashSlotNum, cfg.maxIndexNum) : null;
      if (rebuildAll && this.index) this.index.destroy();
      this.index?.load();
      this.dispatcher = new Dispatcher(this.cqStore, this.index);
      this.recovery = recover({
        commitLog: this.commitLog,
        cqStore: this.cqStore,
        dispatcher: this.dispatcher,
        checkpoint: this.checkpoint,
        lastExitOK,
        rebuildAll: rebuildAll && !this.commitLog.mfq.isEmpty(),
        checkCRC: cfg.checkCRCOnRecover,
        tagsCodeOf,
      });
      if (!lastExitOK) {
        // Data recovered from the page cache of a killed process may not be on disk yet.
        for (const mf of this.commitLog.mfq.files) {
          mf.flushedPosition = 0;
          mf.flushSync();
        }
      }
      fs.mkdirSync(this.paths.consumeQueue, { recursive: true });
      this.puts = new PutService({
        cfg,
        commitLog: this.commitLog,
        dispatcher: this.dispatcher,
        tagsCodeOf,
        queueMaxOffset: (topic, queueId) => this.cqStore.findConsumeQueue(topic, queueId)?.getMaxOffsetInQueue() ?? 0,
        refusal: () => this.refusal(),
        onDiskFull: () => {
          this.diskFull = true;
        },
        onDispatchError: (err) => {
          this.logicsError = true;
          log.error('dispatch_failed', { err });
        },
      });
      this.bitTable = opts.filterBits ? new FilterBitTable(opts.filterBits.maxEntriesPerQueue ?? DEFAULT_FILTER_BITS_PER_QUEUE) : null;
      if (this.bitTable && opts.filterBits) this.dispatcher.filterBits = { table: this.bitTable, calculate: opts.filterBits.calculate };
      this.reader = new MessageReader(cfg, this.commitLog, this.cqStore, this.index, this.bitTable);
      this.flushService = new FlushService(cfg, this.commitLog, this.cqStore, this.index, this.dispatcher, this.checkpoint);
      this.retention = new RetentionService({
        cfg,
        commitLog: this.commitLog,
        cqStore: this.cqStore,
        index: this.index,
        commitLogDir: cfg.storePathCommitLog,
        consumeQueueDir: this.paths.consumeQueue,
        diskUsageRatio: opts.diskUsageRatio ?? diskPartitionUsedRatio,
        setDiskFull: (full) => {
          if (full !== this.diskFull) log[full ? 'error' : 'info'](full ? 'disk_full' : 'disk_ok', { ratio: this.retention.physicRatio });
          this.diskFull = full;
        },
        now: opts.now ?? Date.now,
      });
    } catch (err) {
      releaseStoreLock(this.paths.lock);
      throw err;
    }
  }

  /** Opens (creating when new) and recovers the store at `config.storePathRootDir`, then starts its services. */
  static async open(config: Partial<MessageStoreConfig> = {}, opts: MessageStoreOptions = {}): Promise<MessageStore> {
    const store = new MessageStore(resolveMessageStoreConfig(config), opts);
    await store.start();
    return store;
  }

  private async start(): Promise<void> {
    await this.flushService.flushLogics();
    // The abort file marks a running store; only a clean shutdown removes it.
    fs.writeFileSync(this.paths.abort, '');
    fsyncDirSync(this.config.storePathRootDir);
    this.flushService.start();
    this.retention.checkSpace();
    this.scheduleRetention();
  }

  private scheduleRetention(): void {
    if (this.shuttingDown) return;
    this.retentionTimer = setTimeout(() => {
      try {
        this.retention.run();
      } catch (err) {
        log.error('retention_failed', { err });
      }
      // read buffers of drains that have stopped: freed after one to two intervals unused
      const freed = this.reader.releaseIdleBuffers();
      if (freed > 0) this.releasedAfterDrain(freed);
      this.scheduleRetention();
    }, this.config.cleanResourceInterval);
    this.retentionTimer.unref();
  }

  /**
   * A drain that used the read buffers has stopped and their memory is freed. When the process runs with
   * `--expose-gc` (SERVER_NODE_FLAGS) and the pulls answered `collectAfterDrainBytes` or more since the last
   * collection, one full collection also returns the drains' dead answer bodies (tens of MiB): V8 would otherwise
   * keep them until allocation picks up again, so an idle broker that served a backlog stayed about 90 MiB above one
   * that had not. A consumer that reads now and then leaves little garbage, and gets no collection at its pauses.
   */
  private releasedAfterDrain(freed: number): void {
    const answered = this.reader.answeredBytes - this.answeredAtCollection;
    const gc = (globalThis as { gc?: () => void }).gc;
    let gcMs: number | null = null;
    if (gc && answered >= this.config.collectAfterDrainBytes) {
      const t0 = performance.now();
      gc();
      gcMs = Math.round((performance.now() - t0) * 10) / 10;
      this.answeredAtCollection = this.reader.answeredBytes;
    }
    log.info('read_buffers_released', { bytes: freed, answeredBytes: answered, gcMs });
  }

  private refusal(): { status: PutMessageStatus; remark: string } | null {
    if (this.shuttingDown) return { status: 'SERVICE_NOT_AVAILABLE', remark: 'message store is shut down' };
    if (this.config.brokerRole === 'SLAVE') return { status: 'SERVICE_NOT_AVAILABLE', remark: 'message store of a slave does not take appends' };
    if (this.logicsError) {
      return { status: 'SERVICE_NOT_AVAILABLE', remark: 'writing a consume queue or the index failed; the store takes no appends until restarted' };
    }
    if (this.diskFull) {
      return { status: 'SERVICE_NOT_AVAILABLE', remark: `disk full: usage ${Math.round(this.retention.physicRatio * 100)}% of the commit log partition, appends refused until space is freed` };
    }
    return null;
  }

  // ---- appends ----

  /** Appends one message; the status says which guarantee was met (PUT_OK, FLUSH_DISK_TIMEOUT, ...). */
  putMessage(msg: MessageExtBrokerInner): Promise<PutMessageResult> {
    return this.puts.putMessage(msg);
  }

  /** Appends a batch atomically (one file, consecutive queue offsets, one write). */
  putMessages(batch: MessageExtBatch): Promise<PutMessageResult> {
    return this.puts.putMessages(batch);
  }

  // ---- reads ----

  getMessage(group: string, topic: string, queueId: number, offset: number, maxMsgNums: number, filter?: MessageFilter | null): Promise<GetMessageResult> {
    void group;
    return this.reader.getMessage(topic, queueId, offset, maxMsgNums, filter);
  }

  /**
   * Commit log offset up to which messages have been dispatched: every entry dispatched from now on lies at or
   * beyond it (a filter bits slot registered now trusts only those entries).
   */
  getDispatchedOffset(): number {
    return this.dispatcher.reputFromOffset;
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.cqStore.findConsumeQueue(topic, queueId)?.getMaxOffsetInQueue() ?? 0;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.cqStore.findConsumeQueue(topic, queueId)?.getMinOffsetInQueue() ?? 0;
  }

  getMessageTotalInQueue(topic: string, queueId: number): number {
    return this.cqStore.findConsumeQueue(topic, queueId)?.getMessageTotalInQueue() ?? 0;
  }

  getCommitLogOffsetInQueue(topic: string, queueId: number, consumeQueueOffset: number): number {
    return this.reader.getCommitLogOffsetInQueue(topic, queueId, consumeQueueOffset);
  }

  /** Consume queue entries from `index` (mqadmin queryCq); undefined when the queue does not exist. */
  getConsumeQueueEntries(topic: string, queueId: number, index: number, count: number): ConsumeQueueEntries | undefined {
    return this.reader.getConsumeQueueEntries(topic, queueId, index, count);
  }

  /** Queue offset by store time: LOWER = first message at/after `timestamp`, UPPER = last at/before it. */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundaryType: BoundaryType = 'LOWER'): Promise<number> {
    return this.reader.getOffsetInQueueByTime(topic, queueId, timestamp, boundaryType);
  }

  getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    return this.reader.getEarliestMessageTime(topic, queueId);
  }

  getEarliestMessageTimeOfStore(): Promise<number> {
    return this.reader.getEarliestMessageTimeOfStore();
  }

  getMessageStoreTimeStamp(topic: string, queueId: number, consumeQueueOffset: number): Promise<number> {
    return this.reader.getMessageStoreTimeStamp(topic, queueId, consumeQueueOffset);
  }

  lookMessageByOffset(commitLogOffset: number, size?: number): Promise<MessageExt | null> {
    return this.reader.lookMessageByOffset(commitLogOffset, size);
  }

  /** Raw record at a commit log offset (VIEW_MESSAGE_BY_ID). */
  selectOneMessageByOffset(commitLogOffset: number, size?: number): Promise<Buffer | null> {
    return this.reader.selectOneMessageByOffset(commitLogOffset, size);
  }

  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult> {
    return this.reader.queryMessage(topic, key, maxNum, begin, end);
  }

  getMinPhyOffset(): number {
    return this.commitLog.getMinOffset();
  }

  getMaxPhyOffset(): number {
    return this.commitLog.getMaxOffset();
  }

  /** Commit log write buffers checksummed and written by the append worker thread so far. */
  appendWorkerWrites(): number {
    return this.commitLog.workerWrites;
  }

  getFlushedPhyOffset(): number {
    return this.commitLog.getFlushedOffset();
  }

  // ---- replication ----

  /** Raw commit log bytes from `offset` (up to the end of its file, the written end and `maxBytes`). */
  getCommitLogData(offset: number, maxBytes = 32 * 1024): Promise<Buffer | null> {
    return this.commitLog.getRange(offset, maxBytes);
  }

  /**
   * Appends raw bytes a master sent, starting at `startOffset` (= getMaxPhyOffset()), calls `onWritten` once they
   * are written, then dispatches every complete record they finish. Returns false when the offset does not line up
   * or the write fails.
   */
  async appendToCommitLog(startOffset: number, data: Buffer, onWritten?: () => void): Promise<boolean> {
    if (this.shuttingDown) return false;
    const cl = this.commitLog;
    if (cl.mfq.isEmpty() && cl.pendingBytes() === 0 && startOffset !== cl.getAppendOffset() && startOffset % this.config.mappedFileSizeCommitLog === 0) {
      // An empty slave starts where the master's retained data starts (a file boundary).
      cl.setRecoveredEnd(startOffset);
      this.dispatcher.reputFromOffset = startOffset;
    }
    try {
      await this.commitLog.appendRaw(startOffset, data);
    } catch (err) {
      log.error('replicated_append_failed', { startOffset, bytes: data.length, err });
      return false;
    }
    // The bytes are in the commit log now: the master may hear of them before they are dispatched (RocketMQ's slave
    // reports after appendToCommitLog; its reput thread dispatches apart).
    onWritten?.();
    const batch: DispatchRequest[] = [];
    const d = this.dispatcher;
    // Dispatch from the bytes received (what was just written) unless dispatch lags behind them.
    const end = d.reputFromOffset === startOffset
      ? scanRecords(data, startOffset, this.config.mappedFileSizeCommitLog, this.tagsCodeOf, (req) => batch.push(req))
      : cl.scan(d.reputFromOffset, false, this.tagsCodeOf, (req) => batch.push(req), cl.getMaxOffset());
    d.dispatch(batch, end);
    // The master heard of the bytes once written, as a RocketMQ slave reports them (before its flush); a SYNC_FLUSH
    // slave flushes within REPLICA_FLUSH_MS, as RocketMQ's GroupCommitService flushes a slave's appends every 10 ms:
    // one fdatasync covers every batch received meanwhile instead of one per batch.
    if (this.config.flushDiskType === 'SYNC_FLUSH' && !this.replicaFlushTimer) {
      this.replicaFlushTimer = setTimeout(() => {
        this.replicaFlushTimer = null;
        if (this.shuttingDown) return;
        this.commitLog.flush().catch((err: unknown) => log.error('replicated_flush_failed', { err }));
      }, REPLICA_FLUSH_MS);
      this.replicaFlushTimer.unref();
    }
    return true;
  }

  /** Called once per queue per dispatch run when messages arrive (long polling). */
  setMessageArrivingListener(listener: MessageArrivingListener | null): void {
    this.dispatcher.listener = listener;
  }

  // ---- administration ----

  /** Drops the consume queues of `topics` (their records stay in the commit log until retention). */
  deleteTopics(topics: Iterable<string>): number {
    const list = [...topics];
    this.puts.removeTopics(list);
    for (const t of list) this.bitTable?.dropTopic(t);
    return this.cqStore.deleteTopics(list).length;
  }

  /** Topics that have consume queues. */
  getTopics(): string[] {
    return this.cqStore.topics();
  }

  /** Deletes expired files in the next rounds whatever the hour. */
  executeDeleteFilesManually(): void {
    this.retention.executeDeleteFilesManually();
  }

  /** Runs one retention round now. */
  runRetention(): RetentionRound {
    return this.retention.run();
  }

  /** Flushes commit log, consume queues, index and checkpoint now. */
  async flush(): Promise<void> {
    await this.commitLog.drain();
    await this.commitLog.flush();
    await this.flushService.flushLogics();
  }

  isWriteable(): boolean {
    return this.refusal() === null;
  }

  getRuntimeStats(): StoreRuntimeStats {
    const p = this.puts.counters;
    const g = this.reader.counters;
    return {
      putMessageTimesTotal: p.putMessageTimesTotal,
      putMessageSizeTotal: p.putMessageSizeTotal,
      putMessageFailedTimes: p.putMessageFailedTimes,
      getMessageTimesTotalFound: g.getMessageTimesTotalFound,
      getMessageTimesTotalMiss: g.getMessageTimesTotalMiss,
      getMessageTransferedMsgCount: g.getMessageTransferedMsgCount,
      filterSkippedByConsumeQueue: g.filterSkippedByConsumeQueue,
      filterRejectedByCommitLog: g.filterRejectedByCommitLog,
      commitLogMinOffset: this.commitLog.getMinOffset(),
      commitLogMaxOffset: this.commitLog.getMaxOffset(),
      commitLogFlushedOffset: this.commitLog.getFlushedOffset(),
      dispatchBehindBytes: this.commitLog.getMaxOffset() - this.dispatcher.reputFromOffset,
      commitLogDiskRatio: this.retention.physicRatio,
      consumeQueueDiskRatio: this.retention.logicsRatio,
      writeable: this.isWriteable(),
      topicQueueCount: this.puts.topicQueueCount(),
    };
  }

  /**
   * Stops taking appends, answers every pending one, flushes everything, writes the checkpoint and removes the
   * abort file so the next start is quick.
   */
  async shutdown(): Promise<void> {
    if (this.closed || this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.retentionTimer) clearTimeout(this.retentionTimer);
    if (this.replicaFlushTimer) clearTimeout(this.replicaFlushTimer);
    await this.flushService.stop();
    try {
      // Appends already in a write buffer complete; appends still queued for a buffer are refused.
      while (this.puts.backlogSize() > 0 || this.commitLog.pendingBytes() > 0) {
        this.puts.drainBacklog();
        await this.commitLog.drain();
      }
      this.puts.rejectBacklog('message store is shut down');
      await this.commitLog.flush();
      await this.puts.settle();
      await this.flushService.flushLogics();
      this.checkpoint.physicOffset = this.commitLog.getFlushedOffset();
      this.checkpoint.logicsOffset = this.dispatcher.reputFromOffset;
      this.checkpoint.indexOffset = this.dispatcher.reputFromOffset;
      await this.checkpoint.flush();
      await this.index?.shutdown();
      this.cqStore.shutdown();
      await this.commitLog.shutdown();
      await this.checkpoint.shutdown();
      if (!this.logicsError) fs.rmSync(this.paths.abort, { force: true });
      fsyncDirSync(this.config.storePathRootDir);
      log.info('store_shutdown', { maxPhyOffset: this.commitLog.getMaxOffset() });
    } catch (err) {
      throw new StoreIOError('message store shutdown failed; the next start recovers as after a crash', { cause: err });
    } finally {
      this.closed = true;
      releaseStoreLock(this.paths.lock);
    }
  }
}
