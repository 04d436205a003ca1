// Shared by the console's process tests: a production build no older than the sources it bundles, a free port,
// and waiting for a condition with a deadline.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole, consoleBuildIsFresh, PROJECT_ROOT } from '../../cluster/console-process.ts';

/** One build at a time per checkout: test files run two at once, and two builds into one .next break each other. */
const LOCK = join(tmpdir(), `rocketdeck-console-build-${createHash('sha1').update(PROJECT_ROOT).digest('hex').slice(0, 12)}`);
const LOCK_STALE_MS = 15 * 60_000;

export async function ensureFreshBuild(): Promise<void> {
  for (;;) {
    if (consoleBuildIsFresh()) return;
    try {
      mkdirSync(LOCK);
    } catch {
      // another test file is building: wait for it, then look again
      const st = statSync(LOCK, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      if (consoleBuildIsFresh()) return;
      try {
        await buildConsole();
      } catch {
        // other work in the tree may be mid-edit: one more try
        await buildConsole();
      }
      return;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

export { freePort } from '../../common/free-port.ts';

export { waitFor } from '../../common/wait-for.ts';

/** A console's API as its pages call it (same-origin writes, the session cookie), for the console's process tests. */
export function consoleHttp(urlOf: () => string) {
  return {
    async call(method: string, path: string, o: { body?: unknown; cookie?: string } = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const url = urlOf();
      const headers: Record<string, string> = { origin: url };
      if (o.cookie) headers.cookie = `rd_session=${o.cookie}`;
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(30_000) });
      return { status: res.status, body: await res.json() };
    },
    /** Signs in; the session cookie's value. */
    async login(username: string, password: string): Promise<string> {
      const url = urlOf();
      const res = await fetch(url + '/api/auth/login', { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      return /rd_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
    },
  };
}
