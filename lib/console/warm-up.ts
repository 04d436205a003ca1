// Console start-up warm-up, before the server answers its first request: the first group list otherwise pays for
// the nameserver route, a cold JSON decoder and a broker reading every group's store times for the first time.

import { createLogger } from '../common/log.ts';
import { withDeadline } from '../admin/index.ts';
import { adminFor } from './admin-pool.ts';
import type { ConsoleRuntime } from './boot.ts';
import { listClusters } from './clusters.ts';
import { groupListPage } from './groups-view.ts';
import { topicListPage } from './topics-view.ts';

const log = createLogger('console');

/** Longest the server start waits for the warm-up; an unreachable cluster must not hold the console back. */
export const WARM_UP_DEADLINE_MS = 5000;

class WarmUpTimeout extends Error {
  constructor(ms: number) {
    super(`warm-up did not finish within ${ms} ms`);
    this.name = 'WarmUpTimeout';
  }
}

/**
 * Builds the group and topic list pages of the first saved cluster once (the same calls and code the list requests
 * run). Never throws: a failure is logged and the console starts anyway.
 */
export async function warmUpConsole(rt: ConsoleRuntime, deadlineMs = WARM_UP_DEADLINE_MS): Promise<void> {
  const cluster = listClusters(rt.db)[0];
  if (!cluster) return;
  const t0 = performance.now();
  try {
    const ctx = { ...rt, cluster, admin: adminFor(cluster) };
    const [groups, topics] = await withDeadline(Promise.all([
      groupListPage(ctx, new URL('http://localhost/api/consumer-groups?sort=-lag')),
      topicListPage(ctx, new URL('http://localhost/api/topics')),
    ]), deadlineMs, () => new WarmUpTimeout(deadlineMs));
    log.info('console_warmed_up', { cluster: cluster.name, groups: groups.total, topics: topics.total, ms: Math.round(performance.now() - t0) });
  } catch (err) {
    log.warn('console_warm_up_failed', { cluster: cluster.name, error: err, ms: Math.round(performance.now() - t0) });
  }
}
