// Heartbeat freshness as RocketMQ's nameserver sees it: a broker is scanned out after 120 s without one.

export const HEARTBEAT_LATE_MS = 60_000;
export const HEARTBEAT_EXPIRED_MS = 120_000;

export type HeartbeatState = 'fresh' | 'late' | 'expired' | 'unknown';

export function heartbeatState(lastUpdateTimestamp: number | undefined, now: number, ageMs?: number): HeartbeatState {
  const age = ageMs ?? (lastUpdateTimestamp ? now - lastUpdateTimestamp : undefined);
  if (age === undefined || !Number.isFinite(age)) return 'unknown';
  if (age >= HEARTBEAT_EXPIRED_MS) return 'expired';
  if (age >= HEARTBEAT_LATE_MS) return 'late';
  return 'fresh';
}
