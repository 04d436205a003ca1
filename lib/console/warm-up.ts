// Console start-up warm-up, before the server reports ready: the first group list otherwise pays for the nameserver
// route, cold route modules and JSON decoders, and a broker reading every group's store times for the first time.

import { createLogger } from '../common/log.ts';
import { withDeadline } from '../admin/index.ts';
import { adminFor } from './admin-pool.ts';
import type { ConsoleRuntime } from './boot.ts';
import { listClusters } from './clusters.ts';
import { groupListPage } from './groups-view.ts';
import { topicListPage } from './topics-view.ts';
import { RocketDeckError } from '../common/errors.ts';

const log = createLogger('console');

/** Longest the server start waits for the warm-up; an unreachable cluster must not hold the console back. */
export const WARM_UP_DEADLINE_MS = 5000;

class WarmUpTimeout extends RocketDeckError {
  constructor(ms: number) {
    super(`warm-up did not finish within ${ms} ms`, { retriable: true });
    this.name = 'WarmUpTimeout';
  }
}

const warmKey = Symbol.for('rocketdeck.consoleRoutesWarm');

/** List routes requested once over HTTP at start (their own modules, as the pages will run them). */
export const WARM_ROUTES = ['/api/consumer-groups?sort=-lag', '/api/topics'];

function warmState(): { done?: Promise<void> } {
  const g = globalThis as unknown as Record<symbol, { done?: Promise<void> } | undefined>;
  return (g[warmKey] ??= {});
}

/**
 * Requests the list routes from this server once it serves (after Next.js's register() resolved); never throws.
 * `origin` is this server's URL (Next.js puts it in __NEXT_PRIVATE_ORIGIN); nothing is asked without one.
 */
export function warmRoutesOverHttp(origin: string | undefined, deadlineMs = WARM_UP_DEADLINE_MS): Promise<void> {
  const state = warmState();
  state.done ??= (async () => {
    if (!origin) return;
    const t0 = performance.now();
    for (const path of WARM_ROUTES) {
      try {
        const res = await fetch(new URL(path, origin), { signal: AbortSignal.timeout(deadlineMs) });
        await res.arrayBuffer();
      } catch (err) {
        log.warn('console_route_warm_up_failed', { path, error: err });
      }
    }
    log.info('console_routes_warmed_up', { routes: WARM_ROUTES.length, ms: Math.round(performance.now() - t0) });
  })();
  return state.done;
}

/**
 * Resolves once the start-up route warm-up is over (at once when none runs, at most `maxWaitMs` later): /api/health
 * waits for it, so "ready" means the list pages answer at full speed.
 */
export function whenRoutesWarm(maxWaitMs = WARM_UP_DEADLINE_MS): Promise<void> {
  const done = warmState().done;
  if (!done) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxWaitMs);
    void done.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
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
    const ctx = { ...rt, cluster, admin: adminFor(cluster, rt.db) };
    const [groups, topics] = await withDeadline(Promise.all([
      groupListPage(ctx, new URL('http://localhost/api/consumer-groups?sort=-lag')),
      topicListPage(ctx, new URL('http://localhost/api/topics')),
    ]), deadlineMs, () => new WarmUpTimeout(deadlineMs));
    log.info('console_warmed_up', { cluster: cluster.name, groups: groups.total, topics: topics.total, ms: Math.round(performance.now() - t0) });
  } catch (err) {
    log.warn('console_warm_up_failed', { cluster: cluster.name, error: err, ms: Math.round(performance.now() - t0) });
  }
}
