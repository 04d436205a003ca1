// Failure codes and texts read by shape, not by class: Next.js bundles instrumentation.ts and the route handlers
// separately, so an error thrown by one bundle's copy of lib/remoting (the AdminClient is shared on globalThis) is
// not an instance of the other copy's class.

import { responseCodeName, type BrokerFailure } from '../admin/index.ts';

type Shape = { code?: unknown; remark?: unknown; requestCode?: unknown; timeoutMs?: unknown; addr?: unknown; message?: unknown; name?: unknown; status?: unknown };

const shape = (err: unknown): Shape => (typeof err === 'object' && err !== null ? (err as Shape) : {});

/** The RocketMQ response code an error carries (ResponseCodeError, AdminError with a code). */
export function codeOf(err: unknown): number | undefined {
  const c = shape(err).code;
  return typeof c === 'number' ? c : undefined;
}

export const hasCodeOf = (err: unknown, ...codes: number[]): boolean => {
  const c = codeOf(err);
  return c !== undefined && codes.includes(c);
};

/** A remoting call that got no answer in time (RemotingTimeoutError). */
export const isTimeout = (err: unknown): boolean => typeof shape(err).timeoutMs === 'number';

/** A failure of the cluster or the way to it, as opposed to a bug here. */
export function isClusterFailure(err: unknown): boolean {
  const s = shape(err);
  return s.name === 'AdminError' || typeof s.code === 'number' || typeof s.addr === 'string';
}

/** Human text: response code name and remark, or the message (which names the address). */
export function describe(err: unknown): string {
  const s = shape(err);
  if (typeof s.code === 'number' && typeof s.requestCode === 'number') {
    return `${responseCodeName(s.code)} (${s.code})${typeof s.remark === 'string' && s.remark ? `: ${s.remark}` : ''}`;
  }
  if (isTimeout(err)) return `timeout: ${String(s.message)}`;
  if (typeof s.message === 'string') return s.message;
  return String(err);
}

export function failure(brokerName: string, brokerAddr: string, err: unknown): BrokerFailure {
  const out: BrokerFailure = { brokerName, brokerAddr, error: describe(err) };
  const code = codeOf(err);
  if (code !== undefined) out.code = code;
  return out;
}
