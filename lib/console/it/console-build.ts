// Shared by the console's process tests: a production build no older than the sources it bundles, a free port,
// waiting for a condition with a deadline, the API as pages call it, and a cluster with a console to test against.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminClient } from '../../admin/index.ts';
import { spawnBroker, spawnNamesrv, TestClient, removeDir, tempDir, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { buildConsole, consoleBuildIsFresh, PROJECT_ROOT, startConsole, type ConsoleProcess } from '../../cluster/console-process.ts';
import { freePort } from '../../common/free-port.ts';

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

export { freePort };

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

/** What a console process test runs against: a nameserver, a broker, clients of both, and the console. */
export interface ConsoleRig {
  ns: NamesrvProcess;
  broker: BrokerProcess;
  client: TestClient;
  admin: AdminClient;
  console: ConsoleProcess;
  url: string;
  /** Session cookies of the users `op` (operator) and `viewer` (viewer). */
  op: string;
  viewer: string;
  stop(): Promise<void>;
}

/**
 * Starts a nameserver and a broker, runs `prepare` on them (topics, messages, offsets) while the console build is
 * checked, then the console (collector every second) with an operator and a viewer signed in. Stops what it started
 * if a step fails.
 */
export async function startConsoleRig(
  name: string,
  prepare: (r: { ns: NamesrvProcess; broker: BrokerProcess; client: TestClient; admin: AdminClient }) => Promise<void>,
  opts: { env?: Record<string, string> } = {},
): Promise<ConsoleRig> {
  const build = ensureFreshBuild();
  let ns: NamesrvProcess | undefined;
  let broker: BrokerProcess | undefined;
  let client: TestClient | undefined;
  let admin: AdminClient | undefined;
  let console: ConsoleProcess | undefined;
  let dir = '';
  const stop = async (): Promise<void> => {
    await console?.stop();
    await admin?.close();
    await client?.close();
    await broker?.destroy();
    await ns?.stop();
    if (dir) removeDir(dir);
  };
  try {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address });
    client = new TestClient(broker.address);
    admin = new AdminClient({ namesrvAddr: ns.address });
    await prepare({ ns, broker, client, admin });
    await build;
    dir = tempDir(name);
    console = await startConsole({
      port: await freePort(), host: '127.0.0.1', namesrvAddr: ns.address,
      env: { ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'), ROCKETDECK_USERS: 'op:operator:op-pw,viewer:viewer:viewer-pw', ROCKETDECK_COLLECT_INTERVAL_MS: '1000', ROCKETDECK_LOG_LEVEL: 'error', ...opts.env },
    });
    const { login } = consoleHttp(() => console!.url);
    const [op, viewer] = [await login('op', 'op-pw'), await login('viewer', 'viewer-pw')];
    return { ns, broker, client, admin, console, url: console.url, op, viewer, stop };
  } catch (err) {
    await build.catch(() => {});
    await stop();
    throw err;
  }
}
