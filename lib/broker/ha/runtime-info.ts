// Replication health as a broker reports it: the GET_BROKER_RUNTIME_INFO keys (RocketMQ's slaveFallBehindMuch plus
// our ha* keys) and the GET_BROKER_HA_STATUS body (RocketMQ 5.x HARuntimeInfo, fastjson field order).
//
// Keys on a master (ASYNC_MASTER / SYNC_MASTER):
//   brokerRole, haServerAddr, haConnectionCount, haInSyncSlaveNums, haPush2SlaveMaxOffset,
//   slaveFallBehindMuch (bytes no slave has yet), haLagBytes (= slaveFallBehindMuch), haLagMs (age of the oldest
//   byte no slave has), haConnectionInfo (JSON array, one entry per connected slave: addr, slaveAckOffset, diff
//   (lag bytes), lagMs, inSync, transferredByteInSecond, transferFromWhere, lastReadTimestamp, connectedTimestamp)
// Keys on a slave:
//   brokerRole, haMasterAddress (HA address it replicates from), haMasterBrokerAddr (its master's broker address,
//   '' while no master is registered), haConnected, haConnects, haReportedOffset, haLastReadTimestamp,
//   haLastWriteTimestamp, haTransferredByteInSecond, haMasterCommitLogMaxOffset, haLagBytes, haLagMs (both as the
//   master measures this slave; -1 when the master cannot be asked), haLastSyncTimestamp (metadata sync)

import { encodeWith } from '../../protocol/bodies/read.ts';
import type { HAClientRuntimeInfo, HAConnectionRuntimeInfo, HAMasterRuntimeInfo } from '../../store/ha/types.ts';
import type { SlaveSyncStatus } from './slave-sync.ts';

export type RuntimeEntries = Array<[string, string]>;

export function masterRuntimeEntries(role: string, haServerAddr: string, m: HAMasterRuntimeInfo): RuntimeEntries {
  return [
    ['brokerRole', role],
    ['haServerAddr', haServerAddr],
    ['haConnectionCount', String(m.connections.length)],
    ['haInSyncSlaveNums', String(m.inSyncSlaveNums)],
    ['haPush2SlaveMaxOffset', String(m.push2SlaveMaxOffset)],
    ['slaveFallBehindMuch', String(m.slaveFallBehindMuch)],
    ['haLagBytes', String(m.slaveFallBehindMuch)],
    ['haLagMs', String(m.slaveFallBehindMs)],
    ['haConnectionInfo', JSON.stringify(m.connections.map((c) => ({
      addr: c.addr,
      slaveAckOffset: c.slaveAckOffset,
      diff: c.diff,
      lagMs: c.lagMs,
      inSync: c.inSync,
      transferredByteInSecond: c.transferredByteInSecond,
      transferFromWhere: c.transferFromWhere,
      lastReadTimestamp: c.lastReadTimestamp,
      connectedTimestamp: c.connectedTimestamp,
    })))],
  ];
}

/** How the master sees this slave, when it could be asked. */
export interface MasterView {
  masterCommitLogMaxOffset: number;
  lagBytes: number;
  lagMs: number;
}

export function slaveRuntimeEntries(c: HAClientRuntimeInfo, sync: SlaveSyncStatus, view: MasterView | undefined): RuntimeEntries {
  return [
    ['brokerRole', 'SLAVE'],
    ['haMasterAddress', c.masterAddr],
    ['haMasterBrokerAddr', sync.masterAddr ?? ''],
    ['haConnected', String(c.connected)],
    ['haConnects', String(c.connects)],
    ['haReportedOffset', String(c.reportedOffset)],
    ['haLastReadTimestamp', String(c.lastReadTimestamp)],
    ['haLastWriteTimestamp', String(c.lastWriteTimestamp)],
    ['haTransferredByteInSecond', String(c.transferredByteInSecond)],
    ['haMasterCommitLogMaxOffset', String(view?.masterCommitLogMaxOffset ?? -1)],
    ['haLagBytes', String(view?.lagBytes ?? -1)],
    ['haLagMs', String(view?.lagMs ?? -1)],
    ['haLastSyncTimestamp', String(sync.lastSyncTimestamp)],
  ];
}

/** One slave connection as HARuntimeInfo.HAConnectionRuntimeInfo has it (plus lagMs). */
export interface HAConnectionStatus {
  addr: string;
  diff: number;
  inSync: boolean;
  lagMs: number;
  slaveAckOffset: number;
  transferFromWhere: number;
  transferredByteInSecond: number;
}

/** GET_BROKER_HA_STATUS answer (HARuntimeInfo). */
export interface HAStatus {
  haClientRuntimeInfo: {
    activated: boolean;
    lastReadTimestamp: number;
    lastWriteTimestamp: number;
    masterAddr: string;
    masterFlushOffset: number;
    maxOffset: number;
    transferredByteInSecond: number;
  };
  haConnectionInfo: HAConnectionStatus[];
  inSyncSlaveNums: number;
  master: boolean;
  masterCommitLogMaxOffset: number;
}

const connectionStatus = (c: HAConnectionRuntimeInfo): HAConnectionStatus => ({
  addr: c.addr,
  diff: c.diff,
  inSync: c.inSync,
  lagMs: c.lagMs,
  slaveAckOffset: c.slaveAckOffset,
  transferFromWhere: c.transferFromWhere,
  transferredByteInSecond: c.transferredByteInSecond,
});

export function masterHAStatus(m: HAMasterRuntimeInfo): HAStatus {
  return {
    haClientRuntimeInfo: { activated: false, lastReadTimestamp: 0, lastWriteTimestamp: 0, masterAddr: '', masterFlushOffset: 0, maxOffset: 0, transferredByteInSecond: 0 },
    haConnectionInfo: m.connections.map(connectionStatus),
    inSyncSlaveNums: m.inSyncSlaveNums,
    master: true,
    masterCommitLogMaxOffset: m.masterCommitLogMaxOffset,
  };
}

export function slaveHAStatus(c: HAClientRuntimeInfo): HAStatus {
  return {
    haClientRuntimeInfo: {
      activated: c.connected,
      lastReadTimestamp: c.lastReadTimestamp,
      lastWriteTimestamp: c.lastWriteTimestamp,
      masterAddr: c.masterAddr,
      masterFlushOffset: 0,
      maxOffset: c.maxOffset,
      transferredByteInSecond: c.transferredByteInSecond,
    },
    haConnectionInfo: [],
    inSyncSlaveNums: 0,
    master: false,
    masterCommitLogMaxOffset: 0,
  };
}

export const encodeHAStatus = (s: HAStatus): Buffer => encodeWith(s);

/** Reads a GET_BROKER_HA_STATUS body (ours or a 5.x broker's); fields missing in it read as 0/false/''. */
export function decodeHAStatus(body: Buffer): HAStatus {
  const v = JSON.parse(body.toString('utf8')) as Partial<HAStatus>;
  const c = (v.haClientRuntimeInfo ?? {}) as Partial<HAStatus['haClientRuntimeInfo']>;
  return {
    haClientRuntimeInfo: {
      activated: c.activated === true,
      lastReadTimestamp: Number(c.lastReadTimestamp ?? 0),
      lastWriteTimestamp: Number(c.lastWriteTimestamp ?? 0),
      masterAddr: String(c.masterAddr ?? ''),
      masterFlushOffset: Number(c.masterFlushOffset ?? 0),
      maxOffset: Number(c.maxOffset ?? 0),
      transferredByteInSecond: Number(c.transferredByteInSecond ?? 0),
    },
    haConnectionInfo: (v.haConnectionInfo ?? []).map((x) => ({
      addr: String(x.addr ?? ''),
      diff: Number(x.diff ?? 0),
      inSync: x.inSync === true,
      lagMs: Number(x.lagMs ?? -1),
      slaveAckOffset: Number(x.slaveAckOffset ?? -1),
      transferFromWhere: Number(x.transferFromWhere ?? -1),
      transferredByteInSecond: Number(x.transferredByteInSecond ?? 0),
    })),
    inSyncSlaveNums: Number(v.inSyncSlaveNums ?? 0),
    master: v.master === true,
    masterCommitLogMaxOffset: Number(v.masterCommitLogMaxOffset ?? 0),
  };
}
