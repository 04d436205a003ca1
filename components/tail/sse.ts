// A Server-Sent Events reader over fetch (EventSource cannot send the cluster header, nor read a 4xx's reason).

import { CLUSTER_HEADER } from '@/components/api/client';

export interface SseEvent {
  event: string;
  data: string;
}

/** Splits an event stream's text into events; returns the unfinished rest. */
export function parseSse(buffer: string, emit: (e: SseEvent) => void): string {
  let rest = buffer;
  for (;;) {
    const end = rest.indexOf('\n\n');
    if (end < 0) return rest;
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) emit({ event, data: data.join('\n') });
  }
}

export class SseHttpError extends Error {
  constructor(readonly status: number, message: string, readonly position?: number, readonly field?: string) {
    super(message);
    this.name = 'SseHttpError';
  }
}

/**
 * Reads the event stream of `url` until it ends or `signal` aborts. Rejects with SseHttpError for an error answer
 * (its JSON `error`, `field` and SQL92 `position`).
 */
export async function readSse(url: string, opts: { cluster?: string; signal: AbortSignal; onEvent(e: SseEvent): void }): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (opts.cluster) headers[CLUSTER_HEADER] = opts.cluster;
  const res = await fetch(url, { headers, signal: opts.signal, credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    let body: { error?: string; position?: number; field?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON
    }
    throw new SseHttpError(res.status, body.error ?? (text.trim().slice(0, 300) || `${res.status} ${res.statusText}`), body.position, body.field);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf = parseSse(buf + value, opts.onEvent);
  }
}
