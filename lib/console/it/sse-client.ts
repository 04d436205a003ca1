// A live tail's event stream read as a browser reads it (fetch, text/event-stream), for the process tests and the
// tail bench: events kept in order, waited on with a deadline, closed like a page that goes away.
import { waitFor } from '../../common/wait-for.ts';

export interface SseEvent {
  event: string;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  at: number;
}

export interface SseClient {
  status: number;
  /** The error answer's JSON when status is not 200. */
  error?: { error: string; field?: string; position?: number };
  events: SseEvent[];
  messages(): any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Resolves when `check` holds on the events so far. */
  until(what: string, check: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Bytes read so far. */
  bytes: number;
  /** Events read so far by name (kept or not). */
  counts: Record<string, number>;
  /** Resolves when the stream ended (closed by either side). */
  ended: Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream; `keepData: false` counts events without parsing or keeping them (the bench). */
export async function openSse(url: string, o: { cookie?: string; keepData?: boolean; onEvent?: (event: string, data: string) => void } = {}): Promise<SseClient> {
  const ac = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (o.cookie) headers.cookie = `rd_session=${o.cookie}`;
  const res = await fetch(url, { headers, signal: ac.signal });
  const events: SseEvent[] = [];
  const client: SseClient = {
    status: res.status,
    events,
    bytes: 0,
    counts: {},
    messages: () => events.filter((e) => e.event === 'message').map((e) => e.data),
    until: async (what, check, timeoutMs = 15_000) => {
      await waitFor(what, () => check(events), timeoutMs, 20);
    },
    ended: Promise.resolve(),
    close: () => ac.abort(),
  };
  if (res.status !== 200 || !res.body) {
    client.error = (await res.json()) as SseClient['error'];
    return client;
  }
  const keep = o.keepData !== false;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  client.ended = (async () => {
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        client.bytes += value.length;
        buf += value;
        for (;;) {
          const end = buf.indexOf('\n\n');
          if (end < 0) break;
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          if (block.startsWith(':')) continue;
          const nl = block.indexOf('\n');
          const event = block.slice(7, nl);
          const data = block.slice(nl + 7);
          o.onEvent?.(event, data);
          client.counts[event] = (client.counts[event] ?? 0) + 1;
          if (keep) events.push({ event, data: JSON.parse(data), at: Date.now() });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return client;
}
