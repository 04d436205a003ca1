// What master/slave replication needs from the message store, its settings (RocketMQ's MessageStoreConfig ha*
// keys and defaults) and the health figures it reports.

/** The master side reads raw commit log bytes. (MessageStore implements this.) */
export interface HAMasterStore {
  getMinPhyOffset(): number;
  getMaxPhyOffset(): number;
  /** Raw commit log bytes from `offset`, at most `maxBytes`, never across a file end; null when not readable. */
  getCommitLogData(offset: number, maxBytes: number): Promise<Buffer | null>;
}

/** The slave side appends the master's bytes at its commit log end, then dispatches them. */
export interface HASlaveStore {
  getMaxPhyOffset(): number;
  /** False when the offset does not line up or the write failed; `onWritten` is called once written, before dispatch. */
  appendToCommitLog(startOffset: number, data: Buffer, onWritten?: () => void): Promise<boolean>;
}

export interface HAConfig {
  /** Idle master sends an empty transfer, idle slave repeats its report, this often (ms). */
  haSendHeartbeatInterval: number;
  /** A connection that heard nothing from its peer for this long is closed (ms). */
  haHousekeepingInterval: number;
  /** Most commit log bytes in one transfer. */
  haTransferBatchSize: number;
  /** A SYNC_MASTER does not wait for a slave further behind than this (bytes): the send says SLAVE_NOT_AVAILABLE. */
  haSlaveFallbehindMax: number;
}

export const DEFAULT_HA_CONFIG: HAConfig = {
  haSendHeartbeatInterval: 5000,
  haHousekeepingInterval: 20_000,
  haTransferBatchSize: 32 * 1024,
  haSlaveFallbehindMax: 256 * 1024 * 1024,
};

/** One connected slave as the master sees it (HARuntimeInfo.HAConnectionRuntimeInfo, plus lagMs). */
export interface HAConnectionRuntimeInfo {
  /** The slave's address as the master sees the HA connection (ip:port). */
  addr: string;
  /** Commit log end the slave last reported (-1 before its first report). */
  slaveAckOffset: number;
  /** Bytes the slave is behind the master's commit log end. */
  diff: number;
  /** Within haSlaveFallbehindMax. */
  inSync: boolean;
  transferredByteInSecond: number;
  /** Where the master's next transfer to this slave starts. */
  transferFromWhere: number;
  /** Age of the oldest commit log byte the slave has not acknowledged (0 when caught up), ms. */
  lagMs: number;
  lastReadTimestamp: number;
  lastWriteTimestamp: number;
  connectedTimestamp: number;
}

export interface HAMasterRuntimeInfo {
  listenPort: number;
  masterCommitLogMaxOffset: number;
  /** Highest offset any slave acknowledged (RocketMQ's push2SlaveMaxOffset). */
  push2SlaveMaxOffset: number;
  /** masterCommitLogMaxOffset - push2SlaveMaxOffset: what no slave has yet (RocketMQ's slaveFallBehindMuch). */
  slaveFallBehindMuch: number;
  /** Age of the oldest byte no slave has acknowledged, ms. */
  slaveFallBehindMs: number;
  inSyncSlaveNums: number;
  connections: HAConnectionRuntimeInfo[];
}

/** The slave's replication client (HARuntimeInfo.HAClientRuntimeInfo, plus connection state). */
export interface HAClientRuntimeInfo {
  /** The master HA address it replicates from ('' when unknown). */
  masterAddr: string;
  connected: boolean;
  /** The local end of the HA connection (ip:port), '' when not connected: how the master names this slave. */
  localAddr: string;
  transferredByteInSecond: number;
  /** Commit log end of the slave. */
  maxOffset: number;
  /** Offset last reported to the master. */
  reportedOffset: number;
  lastReadTimestamp: number;
  lastWriteTimestamp: number;
  /** Times a connection to the master was established. */
  connects: number;
}
