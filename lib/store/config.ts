// Message store configuration: RocketMQ's MessageStoreConfig key names and defaults, validated in one place.

import { homedir } from 'node:os';
import path from 'node:path';
import { StoreConfigError } from './errors.ts';

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';
export type BrokerRole = 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';

export interface MessageStoreConfig {
  /** Root of the store: commitlog/, consumequeue/, index/, checkpoint, abort. */
  storePathRootDir: string;
  /** Commit log directory; default `<storePathRootDir>/commitlog`. */
  storePathCommitLog: string;
  /** Size of one commit log segment file (default 1 GiB). */
  mappedFileSizeCommitLog: number;
  /** Size of one consume queue segment file: a multiple of the 20-byte entry (default 300000 entries). */
  mappedFileSizeConsumeQueue: number;
  flushDiskType: FlushDiskType;
  brokerRole: BrokerRole;
  /** ASYNC_FLUSH: how often the commit log is flushed (ms). */
  flushIntervalCommitLog: number;
  /** ASYNC_FLUSH: flush only when this many 4 KiB pages are dirty, unless the thorough interval passed. */
  flushCommitLogLeastPages: number;
  flushCommitLogThoroughInterval: number;
  /** How often consume queues and the index are flushed and the checkpoint written (ms). */
  flushIntervalConsumeQueue: number;
  /** SYNC_FLUSH: an append not covered by fdatasync within this time reports FLUSH_DISK_TIMEOUT (ms). */
  syncFlushTimeout: number;
  /** Hours a commit log file is kept. */
  fileReservedTime: number;
  /** Hours of the day ("04", or "03;04") at which expired files are deleted. */
  deleteWhen: string;
  /** Disk usage (percent) above which expired files are deleted at any hour. */
  diskMaxUsedSpaceRatio: number;
  /** Disk usage (percent) above which files are deleted even before they expire (when cleanFileForciblyEnable). */
  diskSpaceCleanForciblyRatio: number;
  /** Disk usage (percent) above which appends are refused (SERVICE_NOT_AVAILABLE) until space is freed. */
  diskSpaceWarningLevelRatio: number;
  cleanFileForciblyEnable: boolean;
  /** How often retention runs (ms). */
  cleanResourceInterval: number;
  /** Most commit log files deleted in one retention round. */
  deleteFileBatchMax: number;
  /** Largest message body accepted (bytes). */
  maxMessageSize: number;
  /** Longest topic name accepted (bytes). */
  maxTopicLength: number;
  messageIndexEnable: boolean;
  /** Hash slots per index file. */
  maxHashSlotNum: number;
  /** Entries per index file; a full file rolls over. */
  maxIndexNum: number;
  /** Default number of queryMessage results. */
  defaultQueryMaxNum: number;
  /** Upper bound of queryMessage results. */
  maxMsgsNumBatch: number;
  maxTransferBytesOnMessageInMemory: number;
  maxTransferCountOnMessageInMemory: number;
  maxTransferBytesOnMessageInDisk: number;
  maxTransferCountOnMessageInDisk: number;
  /** Messages further than this share of RAM behind the commit log head count as "on disk" for pull batching. */
  accessMessageInMemoryMaxRatio: number;
  /** Validate body CRC of records scanned during recovery. */
  checkCRCOnRecover: boolean;
  /** An append that waits longer than this for the write path reports OS_PAGE_CACHE_BUSY (ms). */
  osPageCacheBusyTimeOutMills: number;
  /**
   * RocketDeck: size of one commit log write buffer. Appends are gathered into such a buffer and written with one
   * positional write; a few of them are in flight at once (memory = writeBufferCount × writeBufferSize).
   */
  writeBufferSize: number;
  /** RocketDeck: number of commit log write buffers (≥ 2). */
  writeBufferCount: number;
  /**
   * RocketDeck, SYNC_FLUSH only: open commit log files with O_DSYNC, so that a write is durable when it returns and
   * several writes (each with its own sync) overlap; an append is answered when its write returns. false: write,
   * then one fdatasync shared by every append written before it (group commit). Ignored where the platform has
   * no O_DSYNC (group commit then), and by a SYNC_MASTER and a slave: a SYNC_MASTER replicates what it wrote while
   * its fdatasync runs, a slave acknowledges once written and flushes after (RocketMQ's way in both).
   */
  syncFlushWithDsync: boolean;
  /**
   * RocketDeck: under load, fill in body CRCs and write full commit log write buffers on a worker thread, so the
   * main thread encodes the next appends meanwhile. Not used with O_DSYNC commit logs (their writes overlap in
   * the thread pool). false: everything on the main thread.
   */
  appendWorkerEnable: boolean;
  /**
   * RocketDeck: when the read buffers of a drain that has stopped are released, run one full collection (node with
   * `--expose-gc`) for the drain's dead answer bodies only if pulls answered at least this many bytes since the last
   * collection, so a consumer that reads a message now and then does not cost a full collection each time it pauses.
   * 0: collect at every release.
   */
  collectAfterDrainBytes: number;
}

export const MiB = 1024 * 1024;
export const CQ_STORE_UNIT_SIZE = 20;

export function defaultMessageStoreConfig(): MessageStoreConfig {
  const root = path.join(homedir(), 'store');
  return {
    storePathRootDir: root,
    storePathCommitLog: path.join(root, 'commitlog'),
    mappedFileSizeCommitLog: 1024 * MiB,
    mappedFileSizeConsumeQueue: 300000 * CQ_STORE_UNIT_SIZE,
    flushDiskType: 'ASYNC_FLUSH',
    brokerRole: 'ASYNC_MASTER',
    flushIntervalCommitLog: 500,
    flushCommitLogLeastPages: 4,
    flushCommitLogThoroughInterval: 10_000,
    flushIntervalConsumeQueue: 1000,
    syncFlushTimeout: 5000,
    fileReservedTime: 72,
    deleteWhen: '04',
    diskMaxUsedSpaceRatio: 75,
    diskSpaceCleanForciblyRatio: 85,
    diskSpaceWarningLevelRatio: 90,
    cleanFileForciblyEnable: true,
    cleanResourceInterval: 10_000,
    deleteFileBatchMax: 10,
    maxMessageSize: 4 * MiB,
    maxTopicLength: 127,
    messageIndexEnable: true,
    maxHashSlotNum: 5_000_000,
    maxIndexNum: 5_000_000 * 4,
    defaultQueryMaxNum: 32,
    maxMsgsNumBatch: 64,
    maxTransferBytesOnMessageInMemory: 256 * 1024,
    maxTransferCountOnMessageInMemory: 32,
    maxTransferBytesOnMessageInDisk: 64 * 1024,
    maxTransferCountOnMessageInDisk: 8,
    accessMessageInMemoryMaxRatio: 40,
    checkCRCOnRecover: true,
    osPageCacheBusyTimeOutMills: 1000,
    writeBufferSize: 1 * MiB,
    writeBufferCount: 4,
    syncFlushWithDsync: true,
    appendWorkerEnable: true,
    collectAfterDrainBytes: 64 * MiB,
  };
}

const positiveInts: Array<keyof MessageStoreConfig> = [
  'mappedFileSizeCommitLog',
  'mappedFileSizeConsumeQueue',
  'flushIntervalCommitLog',
  'flushIntervalConsumeQueue',
  'syncFlushTimeout',
  'cleanResourceInterval',
  'deleteFileBatchMax',
  'maxMessageSize',
  'maxTopicLength',
  'maxHashSlotNum',
  'maxIndexNum',
  'defaultQueryMaxNum',
  'maxMsgsNumBatch',
  'maxTransferBytesOnMessageInMemory',
  'maxTransferCountOnMessageInMemory',
  'maxTransferBytesOnMessageInDisk',
  'maxTransferCountOnMessageInDisk',
  'osPageCacheBusyTimeOutMills',
  'writeBufferSize',
  'writeBufferCount',
];
const nonNegativeNumbers: Array<keyof MessageStoreConfig> = [
  'flushCommitLogLeastPages',
  'flushCommitLogThoroughInterval',
  'fileReservedTime',
  'diskMaxUsedSpaceRatio',
  'diskSpaceCleanForciblyRatio',
  'diskSpaceWarningLevelRatio',
  'accessMessageInMemoryMaxRatio',
  'collectAfterDrainBytes',
];

/**
 * Full config from defaults plus `overrides`. `storePathCommitLog` follows `storePathRootDir` unless given.
 * An unknown key or a value of the wrong type is a StoreConfigError naming it.
 */
export function resolveMessageStoreConfig(overrides: Partial<MessageStoreConfig> = {}): MessageStoreConfig {
  const defaults = defaultMessageStoreConfig();
  for (const key of Object.keys(overrides)) {
    if (!(key in defaults)) throw new StoreConfigError(`unknown message store config key: ${key}`);
    const value = (overrides as Record<string, unknown>)[key];
    const expected = typeof (defaults as unknown as Record<string, unknown>)[key];
    if (value !== undefined && typeof value !== expected) {
      throw new StoreConfigError(`message store config ${key} must be a ${expected}, got ${JSON.stringify(value)}`);
    }
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const cfg: MessageStoreConfig = { ...defaults, ...defined };
  if (overrides.storePathCommitLog === undefined) cfg.storePathCommitLog = path.join(cfg.storePathRootDir, 'commitlog');
  for (const key of positiveInts) {
    const v = cfg[key] as number;
    if (!Number.isSafeInteger(v) || v <= 0) throw new StoreConfigError(`message store config ${key} must be a positive integer, got ${v}`);
  }
  for (const key of nonNegativeNumbers) {
    const v = cfg[key] as number;
    if (!Number.isFinite(v) || v < 0) throw new StoreConfigError(`message store config ${key} must be a non-negative number, got ${v}`);
  }
  if (cfg.mappedFileSizeConsumeQueue % CQ_STORE_UNIT_SIZE !== 0) {
    throw new StoreConfigError(`mappedFileSizeConsumeQueue must be a multiple of ${CQ_STORE_UNIT_SIZE}, got ${cfg.mappedFileSizeConsumeQueue}`);
  }
  if (cfg.flushDiskType !== 'ASYNC_FLUSH' && cfg.flushDiskType !== 'SYNC_FLUSH') {
    throw new StoreConfigError(`flushDiskType must be ASYNC_FLUSH or SYNC_FLUSH, got ${JSON.stringify(cfg.flushDiskType)}`);
  }
  if (!['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'].includes(cfg.brokerRole)) {
    throw new StoreConfigError(`brokerRole must be ASYNC_MASTER, SYNC_MASTER or SLAVE, got ${JSON.stringify(cfg.brokerRole)}`);
  }
  if (cfg.writeBufferCount < 2) throw new StoreConfigError(`writeBufferCount must be at least 2, got ${cfg.writeBufferCount}`);
  if (!/^\d{1,2}(;\d{1,2})*$/.test(cfg.deleteWhen)) throw new StoreConfigError(`deleteWhen must be hours like "04" or "03;04", got ${JSON.stringify(cfg.deleteWhen)}`);
  return cfg;
}

/** Directory layout under the root, as RocketMQ's StorePathConfigHelper lays it out. */
export function storePaths(cfg: MessageStoreConfig): { commitLog: string; consumeQueue: string; index: string; checkpoint: string; abort: string; lock: string } {
  const root = cfg.storePathRootDir;
  return {
    commitLog: cfg.storePathCommitLog,
    consumeQueue: path.join(root, 'consumequeue'),
    index: path.join(root, 'index'),
    checkpoint: path.join(root, 'checkpoint'),
    abort: path.join(root, 'abort'),
    lock: path.join(root, 'lock'),
  };
}
