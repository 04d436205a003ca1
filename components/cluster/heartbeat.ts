// Heartbeat freshness as RocketMQ's nameserver sees it: late after 60 s without one, dropped (expired) after 120 s.

export const HEARTBEAT_LATE_MS = 60_000;
export const HEARTBEAT_EXPIRED_MS = 120_000;

export type HeartbeatState = 'fresh' | 'late' | 'expired' | 'unknown';

/** From the time of the last heartbeat when the server knows it, else from whether the nameserver still lists the broker. */
export function heartbeatState(hb: { listed: boolean; lastUpdateTimestamp?: number }, now: number): HeartbeatState {
  if (hb.lastUpdateTimestamp) {
    const age = now - hb.lastUpdateTimestamp;
    if (age >= HEARTBEAT_EXPIRED_MS) return 'expired';
    if (age >= HEARTBEAT_LATE_MS) return 'late';
    return 'fresh';
  }
  // a nameserver lists a broker only while its last heartbeat is under 120 s old
  return hb.listed ? 'fresh' : 'expired';
}
