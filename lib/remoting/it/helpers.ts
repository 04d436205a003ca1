// Shared bits of the remoting integration tests: a logger that keeps its lines and a deadline for promises.

import type { Logger } from '../../common/log.ts';

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  role: string;
  event: string;
  fields: Record<string, unknown>;
}

/** A Logger that records every call instead of printing it. */
export function captureLogger(role = 'test'): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const make = (r: string): Logger => ({
    debug: (event, fields = {}) => records.push({ level: 'debug', role: r, event, fields }),
    info: (event, fields = {}) => records.push({ level: 'info', role: r, event, fields }),
    warn: (event, fields = {}) => records.push({ level: 'warn', role: r, event, fields }),
    error: (event, fields = {}) => records.push({ level: 'error', role: r, event, fields }),
    child: (sub) => make(`${r}.${sub}`),
  });
  return Object.assign(make(role), { records });
}

/** Resolves like `p`, or rejects once `timeoutMs` passes first. */
export async function withDeadline<T>(p: Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs}ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
