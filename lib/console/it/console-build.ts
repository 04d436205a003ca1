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
