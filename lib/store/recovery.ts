// Start-up recovery. After a clean stop (no abort file) the checkpoint's commit log offset is exact and only the
// tail after it is checked. After a crash the commit log is scanned from the checkpoint's oldest durable point
// (or from its first file when the checkpoint is unusable): records are validated by magic code, PHYSICALOFFSET
// and body CRC, the first invalid byte range ends the log (a torn tail is cut off), consume queue and index entries
// are replayed for every record after the checkpoint (idempotently), and entries pointing past the end are dropped.

import { createLogger } from '../common/log.ts';
import type { StoreCheckpoint } from './checkpoint.ts';
import type { CommitLog } from './commit-log.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import type { DispatchRequest, Dispatcher, TagsCodeCalculator } from './dispatch.ts';

const log = createLogger('store.recovery');

export interface RecoveryInput {
  commitLog: CommitLog;
  cqStore: ConsumeQueueStore;
  dispatcher: Dispatcher;
  checkpoint: StoreCheckpoint;
  lastExitOK: boolean;
  /** The consume queue directory did not exist: rebuild queues and index from the whole commit log. */
  rebuildAll: boolean;
  checkCRC: boolean;
  tagsCodeOf: TagsCodeCalculator;
}

export interface RecoveryReport {
  lastExitOK: boolean;
  scannedFrom: number;
  commitLogEnd: number;
  /** Records replayed into consume queues and index. */
  replayed: number;
  elapsedMs: number;
}

export function recover(input: RecoveryInput): RecoveryReport {
  const t0 = Date.now();
  const { commitLog, cqStore, dispatcher, checkpoint: cp } = input;
  const mfq = commitLog.mfq;
  const minOffset = mfq.getMinOffset();
  const last = mfq.getLastMappedFile();
  const filesEnd = last ? last.fileEndOffset : 0;

  let from: number;
  if (!cp.valid || input.rebuildAll) from = minOffset;
  else if (input.lastExitOK) from = cp.physicOffset;
  else from = Math.min(cp.physicOffset, cp.logicsOffset, cp.indexOffset);
  if (from < minOffset || from > filesEnd) {
    log.warn('checkpoint_out_of_range', { from, minOffset, filesEnd });
    from = from < minOffset ? minOffset : filesEnd;
  }

  // Replay in batches: consume queue writes are grouped per queue.
  const batch: DispatchRequest[] = [];
  let replayed = 0;
  const end = commitLog.scan(from, input.checkCRC || !input.lastExitOK, input.tagsCodeOf, (req) => {
    batch.push(req);
    replayed++;
    if (batch.length >= 4096) {
      dispatcher.dispatch(batch, req.commitLogOffset + req.msgSize, false);
      batch.length = 0;
    }
  });
  if (batch.length > 0) dispatcher.dispatch(batch, end, false);

  commitLog.setRecoveredEnd(end);
  cqStore.truncateDirty(end);
  cqStore.correctMinOffsets(commitLog.getMinOffset());
  dispatcher.reputFromOffset = end;

  const report: RecoveryReport = {
    lastExitOK: input.lastExitOK,
    scannedFrom: from,
    commitLogEnd: end,
    replayed,
    elapsedMs: Date.now() - t0,
  };
  log.info(input.lastExitOK ? 'recovered_normally' : 'recovered_abnormally', { ...report });
  return report;
}
