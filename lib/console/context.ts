// What a route handler works with: the console runtime, the saved cluster the request addresses and its AdminClient.

import type { AdminClient } from '../admin/index.ts';
import { adminFor } from './admin-pool.ts';
import { bootConsole, type ConsoleRuntime } from './boot.ts';
import { CLUSTER_HEADER, clusterOf, type SavedCluster } from './clusters.ts';

export interface RequestContext extends ConsoleRuntime {
  cluster: SavedCluster;
  admin: AdminClient;
}

export function runtime(): ConsoleRuntime {
  return bootConsole();
}

export function requestContext(req: Request): RequestContext {
  const rt = bootConsole();
  const cluster = clusterOf(rt.db, req.headers.get(CLUSTER_HEADER));
  return { ...rt, cluster, admin: adminFor(cluster, rt.db) };
}
