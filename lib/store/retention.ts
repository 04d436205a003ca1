// Retention (RocketMQ's CleanCommitLogService + CleanConsumeQueueService): deletes commit log files older than
// fileReservedTime at the deleteWhen hours, or at any hour when the disk is fuller than diskMaxUsedSpaceRatio
// (even unexpired files past diskSpaceCleanForciblyRatio); then drops consume queue and index files that only
// point into deleted commit log files. Past diskSpaceWarningLevelRatio the store refuses appends.

import fs from 'node:fs';
import { createLogger } from '../common/log.ts';
import type { CommitLog } from './commit-log.ts';
import type { MessageStoreConfig } from './config.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import type { IndexService } from './index-service.ts';

const log = createLogger('store.retention');

/** Used share (0..1) of the partition holding `dir`; -1 when unknown. (UtilAll.getDiskPartitionSpaceUsedPercent) */
export function diskPartitionUsedRatio(dir: string): number {
  try {
    const s = fs.statfsSync(dir);
    if (s.blocks <= 0) return -1;
    return (s.blocks - s.bfree) / s.blocks;
  } catch {
    return -1;
  }
}

/** deleteWhen is a list of hours ("04" or "03;04"): true during any of them. (UtilAll.isItTimeToDo) */
export function isItTimeToDo(when: string, now: number): boolean {
  const hour = new Date(now).getHours();
  return when.split(';').some((h) => h.trim() !== '' && Number(h) === hour);
}

export interface RetentionDeps {
  cfg: MessageStoreConfig;
  commitLog: CommitLog;
  cqStore: ConsumeQueueStore;
  index: IndexService | null;
  commitLogDir: string;
  consumeQueueDir: string;
  diskUsageRatio: (dir: string) => number;
  /** Disk full (past the warning level): refuse appends; false when space is back. */
  setDiskFull: (full: boolean) => void;
  now: () => number;
}

export interface RetentionRound {
  commitLogFilesDeleted: number;
  consumeQueueFilesDeleted: number;
  indexFilesDeleted: number;
  physicRatio: number;
  logicsRatio: number;
}

const MAX_MANUAL_DELETE_FILE_TIMES = 20;

export class RetentionService {
  private readonly d: RetentionDeps;
  private manualDeleteFileSeveralTimes = 0;
  private lastPhysicalMinOffset = 0;
  physicRatio = 0;
  logicsRatio = 0;

  constructor(deps: RetentionDeps) {
    this.d = deps;
  }

  /** The next rounds delete expired files whatever the hour (the admin "delete expired commit log" command). */
  executeDeleteFilesManually(): void {
    this.manualDeleteFileSeveralTimes = MAX_MANUAL_DELETE_FILE_TIMES;
  }

  /** One round: commit log files first, then the queues and index entries that pointed into them. */
  run(): RetentionRound {
    const { cfg, commitLog } = this.d;
    const now = this.d.now();
    let commitLogFilesDeleted = 0;
    const { spaceFull, cleanImmediately } = this.checkSpace();
    const timeUp = isItTimeToDo(cfg.deleteWhen, now);
    const manual = this.manualDeleteFileSeveralTimes > 0;
    if (timeUp || spaceFull || manual) {
      if (manual) this.manualDeleteFileSeveralTimes--;
      const cleanAtOnce = cfg.cleanFileForciblyEnable && cleanImmediately;
      commitLogFilesDeleted = commitLog.mfq.deleteExpiredFileByTime(cfg.fileReservedTime * 3600_000, cleanAtOnce, cfg.deleteFileBatchMax, now);
      if (commitLogFilesDeleted > 0) {
        log.info('commitlog_files_deleted', { count: commitLogFilesDeleted, timeUp, spaceFull, manual, cleanAtOnce, minOffset: commitLog.getMinOffset() });
      } else if (spaceFull) {
        log.warn('disk_full_nothing_to_delete', { physicRatio: this.physicRatio });
      }
    }
    let consumeQueueFilesDeleted = 0;
    let indexFilesDeleted = 0;
    const minPhy = commitLog.getMinOffset();
    if (minPhy > this.lastPhysicalMinOffset) {
      this.lastPhysicalMinOffset = minPhy;
      consumeQueueFilesDeleted = this.d.cqStore.deleteExpiredFiles(minPhy);
      indexFilesDeleted = this.d.index?.deleteExpiredFile(minPhy) ?? 0;
    }
    return { commitLogFilesDeleted, consumeQueueFilesDeleted, indexFilesDeleted, physicRatio: this.physicRatio, logicsRatio: this.logicsRatio };
  }

  /** Reads disk usage, flags a full disk, and says whether to delete now and whether even unexpired files may go. */
  checkSpace(): { spaceFull: boolean; cleanImmediately: boolean } {
    const { cfg } = this.d;
    const warn = cfg.diskSpaceWarningLevelRatio / 100;
    const forcibly = cfg.diskSpaceCleanForciblyRatio / 100;
    const max = cfg.diskMaxUsedSpaceRatio / 100;
    this.physicRatio = this.d.diskUsageRatio(this.d.commitLogDir);
    this.logicsRatio = this.d.diskUsageRatio(this.d.consumeQueueDir);
    const worst = Math.max(this.physicRatio, this.logicsRatio);
    let cleanImmediately = false;
    if (worst > warn) {
      this.d.setDiskFull(true);
      cleanImmediately = true;
    } else {
      if (worst > forcibly) cleanImmediately = true;
      this.d.setDiskFull(false);
    }
    return { spaceFull: this.physicRatio < 0 || worst > max, cleanImmediately };
  }
}
