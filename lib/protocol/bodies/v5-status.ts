// 5.x status bodies an admin reads: GET_TIMER_CHECK_POINT (TimerCheckpoint, 56 bytes big-endian),
// CONTROLLER_GET_SYNC_STATE_DATA (BrokerReplicasInfo) and GET_BROKER_HA_STATUS (HARuntimeInfo, the fields an admin shows).

import { Fields, decodeWith, type BodyInput } from './read.ts';
import type { FJValue } from '../fastjson.ts';

/** TimerCheckpoint.encode: 7 longs (lastReadTimeMs, lastTimerLogFlushPos, lastTimerQueueOffset, masterTimerQueueOffset, dataVersion state/timestamp/counter). */
export interface TimerCheckpoint {
  lastReadTimeMs: number;
  lastTimerLogFlushPos: number;
  lastTimerQueueOffset: number;
  masterTimerQueueOffset: number;
  dataVersion: { stateVersion: number; timestamp: number; counter: number };
}

export function decodeTimerCheckpoint(body: Buffer | undefined): TimerCheckpoint {
  if (!body || body.length < 32) throw new RangeError(`TimerCheckpoint: ${body?.length ?? 0} bytes, expected 32 or 56`);
  const l = (i: number): number => Number(body.readBigInt64BE(i * 8));
  return {
    lastReadTimeMs: l(0), lastTimerLogFlushPos: l(1), lastTimerQueueOffset: l(2), masterTimerQueueOffset: l(3),
    dataVersion: body.length >= 56 ? { stateVersion: l(4), timestamp: l(5), counter: l(6) } : { stateVersion: 0, timestamp: 0, counter: 0 },
  };
}

export interface ReplicaIdentity {
  brokerName: string;
  brokerId: number;
  brokerAddress: string;
  alive: boolean;
}

export interface ReplicasInfo {
  masterBrokerId: number;
  masterAddress: string;
  masterEpoch: number;
  syncStateSetEpoch: number;
  inSyncReplicas: ReplicaIdentity[];
  notInSyncReplicas: ReplicaIdentity[];
}

const readReplica = (v: FJValue, p: string): ReplicaIdentity => {
  const f = Fields.of(v, p);
  return { brokerName: f.strOr('brokerName', ''), brokerId: f.num('brokerId', -1), brokerAddress: f.strOr('brokerAddress', ''), alive: f.bool('alive') };
};

const readReplicasInfo = (v: FJValue, p: string): ReplicasInfo => {
  const f = Fields.of(v, p);
  return {
    masterBrokerId: f.num('masterBrokerId', -1), masterAddress: f.strOr('masterAddress', ''), masterEpoch: f.num('masterEpoch'),
    syncStateSetEpoch: f.num('syncStateSetEpoch'), inSyncReplicas: f.list('inSyncReplicas', readReplica),
    notInSyncReplicas: f.list('notInSyncReplicas', readReplica),
  };
};

/** BrokerReplicasInfo {replicasInfoTable: {brokerName: ReplicasInfo}}. */
export const decodeBrokerReplicasInfo = (body: BodyInput | undefined): Map<string, ReplicasInfo> =>
  decodeWith(body, 'BrokerReplicasInfo', (v, p) => Fields.of(v, p).stringMap('replicasInfoTable', readReplicasInfo));

export interface HaConnection {
  addr: string;
  slaveAckOffset: number;
  diff: number;
  inSync: boolean;
  transferredByteInSecond: number;
}

export interface HaStatusView {
  master: boolean;
  masterCommitLogMaxOffset: number;
  inSyncSlaveNums: number;
  haConnectionInfo: HaConnection[];
  /** A slave's view of its master. */
  haClientRuntimeInfo?: { masterAddr: string; maxOffset: number; masterFlushOffset: number; lastReadTimestamp: number };
}

export const decodeHaStatusView = (body: BodyInput | undefined): HaStatusView =>
  decodeWith(body, 'HARuntimeInfo', (v, p) => {
    const f = Fields.of(v, p);
    return {
      master: f.bool('master'), masterCommitLogMaxOffset: f.num('masterCommitLogMaxOffset'), inSyncSlaveNums: f.num('inSyncSlaveNums'),
      haConnectionInfo: f.list('haConnectionInfo', (x, q) => {
        const c = Fields.of(x, q);
        return { addr: c.strOr('addr', ''), slaveAckOffset: c.num('slaveAckOffset', -1), diff: c.num('diff'), inSync: c.bool('inSync'), transferredByteInSecond: c.num('transferredByteInSecond') };
      }),
      haClientRuntimeInfo: f.bean('haClientRuntimeInfo', (x, q) => {
        const c = Fields.of(x, q);
        return { masterAddr: c.strOr('masterAddr', ''), maxOffset: c.num('maxOffset'), masterFlushOffset: c.num('masterFlushOffset'), lastReadTimestamp: c.num('lastReadTimestamp') };
      }),
    };
  });
