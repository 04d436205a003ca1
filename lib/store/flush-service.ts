// Background flushing: the commit log every flushIntervalCommitLog ms (ASYNC_FLUSH's only flush; under SYNC_FLUSH
// it catches appends that did not ask to wait), and consume queues + index + checkpoint every
// flushIntervalConsumeQueue ms. The checkpoint only ever records offsets whose data is already durable.

import { createLogger } from '../common/log.ts';
import type { StoreCheckpoint } from './checkpoint.ts';
import type { CommitLog } from './commit-log.ts';
import type { MessageStoreConfig } from './config.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import type { Dispatcher } from './dispatch.ts';
import type { IndexService } from './index-service.ts';

const log = createLogger('store.flush');
const PAGE = 4096;

export class FlushService {
  private readonly cfg: MessageStoreConfig;
  private readonly commitLog: CommitLog;
  private readonly cqStore: ConsumeQueueStore;
  private readonly index: IndexService | null;
  private readonly dispatcher: Dispatcher;
  private readonly checkpoint: StoreCheckpoint;
  private commitLogTimer: NodeJS.Timeout | null = null;
  private logicsTimer: NodeJS.Timeout | null = null;
  private lastThoroughFlush = Date.now();
  private running = false;
  private logicsRun: Promise<void> | null = null;

  constructor(cfg: MessageStoreConfig, commitLog: CommitLog, cqStore: ConsumeQueueStore, index: IndexService | null, dispatcher: Dispatcher, checkpoint: StoreCheckpoint) {
    this.cfg = cfg;
    this.commitLog = commitLog;
    this.cqStore = cqStore;
    this.index = index;
    this.dispatcher = dispatcher;
    this.checkpoint = checkpoint;
  }

  start(): void {
    this.running = true;
    this.scheduleCommitLog();
    this.scheduleLogics();
  }

  private scheduleCommitLog(): void {
    if (!this.running) return;
    this.commitLogTimer = setTimeout(() => {
      this.flushCommitLogPeriodically()
        .catch((err: unknown) => log.error('commitlog_flush_failed', { err }))
        .finally(() => this.scheduleCommitLog());
    }, this.cfg.flushIntervalCommitLog);
    this.commitLogTimer.unref();
  }

  private scheduleLogics(): void {
    if (!this.running) return;
    this.logicsTimer = setTimeout(() => {
      this.flushLogics()
        .catch((err: unknown) => log.error('consumequeue_flush_failed', { err }))
        .finally(() => this.scheduleLogics());
    }, this.cfg.flushIntervalConsumeQueue);
    this.logicsTimer.unref();
  }

  /** Flushes when enough pages are dirty (flushCommitLogLeastPages) or the thorough interval passed. */
  private async flushCommitLogPeriodically(): Promise<void> {
    const now = Date.now();
    const thorough = now - this.lastThoroughFlush >= this.cfg.flushCommitLogThoroughInterval;
    const dirty = this.commitLog.unflushedBytes();
    if (dirty === 0) return;
    if (!thorough && dirty < this.cfg.flushCommitLogLeastPages * PAGE) return;
    if (thorough) this.lastThoroughFlush = now;
    await this.commitLog.flush();
  }

  /**
   * Consume queues, then index, then the checkpoint: the offsets recorded are the dispatch position at the start
   * (everything before it was written to queues and index) capped by the commit log's flushed offset.
   */
  flushLogics(): Promise<void> {
    if (this.logicsRun) return this.logicsRun;
    const run = (async () => {
      const dispatched = this.dispatcher.reputFromOffset;
      const ts = this.dispatcher.lastStoreTimestamp;
      await this.cqStore.flush();
      if (this.index) await this.index.flush();
      const physic = this.commitLog.getFlushedOffset();
      const cp = this.checkpoint;
      const durable = Math.min(dispatched, physic);
      if (physic === cp.physicOffset && durable === cp.logicsOffset && durable === cp.indexOffset) return;
      cp.physicOffset = physic;
      cp.logicsOffset = durable;
      cp.indexOffset = durable;
      if (ts > 0) {
        cp.physicMsgTimestamp = ts;
        cp.logicsMsgTimestamp = ts;
        cp.indexMsgTimestamp = ts;
      }
      await cp.flush();
    })();
    this.logicsRun = run.finally(() => {
      this.logicsRun = null;
    });
    return this.logicsRun;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.commitLogTimer) clearTimeout(this.commitLogTimer);
    if (this.logicsTimer) clearTimeout(this.logicsTimer);
    this.commitLogTimer = null;
    this.logicsTimer = null;
    if (this.logicsRun) await this.logicsRun.catch(() => undefined);
  }
}
