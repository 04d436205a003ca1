// Shared by the console's process tests: a production build no older than the sources it bundles, a free port,
// and waiting for a condition with a deadline.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole, hasProductionBuild, PROJECT_ROOT } from '../../cluster/console-process.ts';

/** Sources the console bundles: a build older than any of them is rebuilt before the test. */
const BUNDLED = ['app', 'components', 'lib/console', 'lib/admin', 'lib/protocol', 'lib/remoting', 'lib/common', 'instrumentation.ts', 'next.config.ts'];

function newestSource(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return /\.test\.ts$/.test(path) ? 0 : st.mtimeMs;
  if (path.endsWith('/it') || path.endsWith('/fixtures')) return 0;
  return Math.max(0, ...readdirSync(path).map((f) => newestSource(join(path, f))));
}

const isFresh = (): boolean => {
  const built = hasProductionBuild() ? statSync(join(PROJECT_ROOT, '.next', 'BUILD_ID')).mtimeMs : 0;
  return built >= Math.max(...BUNDLED.map((p) => newestSource(join(PROJECT_ROOT, p))));
};

/** One build at a time per checkout: test files run two at once, and two builds into one .next break each other. */
const LOCK = join(tmpdir(), `rocketdeck-console-build-${createHash('sha1').update(PROJECT_ROOT).digest('hex').slice(0, 12)}`);
const LOCK_STALE_MS = 15 * 60_000;

export async function ensureFreshBuild(): Promise<void> {
  for (;;) {
    if (isFresh()) return;
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
      if (isFresh()) return;
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export { waitFor } from '../../common/wait-for.ts';
