// GET_BROKER_LIVE_INFO: a RocketDeck extension answering the live-broker table (when each broker last registered).

import { RocketDeckRequestCode } from '../../protocol/codes.ts';
import type { BrokerData } from '../route-types.ts';
import { ok, type NamesrvHandler } from './context.ts';

/**
 * RocketDeck-only request code (RocketDeckRequestCode in protocol/codes.ts): RocketMQ's protocol has no request for
 * the live-broker table, so the console could not show heartbeat times. Real RocketMQ nameservers answer it with
 * REQUEST_CODE_NOT_SUPPORTED (3); callers fall back to "listed / not listed" then.
 */
export const GET_BROKER_LIVE_INFO = RocketDeckRequestCode.GET_BROKER_LIVE_INFO;

/** One row of the answer body `{ "brokers": [...] }` (standard JSON). */
export interface BrokerLiveInfoEntry {
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  clusterName: string;
  /** Epoch ms of the broker's last REGISTER_BROKER (its heartbeat) at this nameserver. */
  lastUpdateTimestamp: number;
  haServerAddr: string;
  dataVersion: { counter: number; timestamp: number };
}

export const getBrokerLiveInfo: NamesrvHandler = (ctx, req) => {
  const byAddr = new Map<string, { group: BrokerData; brokerId: number }>();
  for (const group of ctx.routes.getAllClusterInfo().brokerAddrTable.values()) {
    for (const [id, addr] of group.brokerAddrs) byAddr.set(addr, { group, brokerId: id });
  }
  const brokers: BrokerLiveInfoEntry[] = ctx.routes.liveBrokers().map((l) => {
    const where = byAddr.get(l.brokerAddr);
    return {
      brokerAddr: l.brokerAddr,
      brokerName: where?.group.brokerName ?? '',
      brokerId: where?.brokerId ?? -1,
      clusterName: where?.group.cluster ?? '',
      lastUpdateTimestamp: l.lastUpdateTimestamp,
      haServerAddr: l.haServerAddr,
      dataVersion: { counter: l.dataVersion.counter, timestamp: l.dataVersion.timestamp },
    };
  });
  return ok(req, Buffer.from(JSON.stringify({ brokers }), 'utf8'));
};
