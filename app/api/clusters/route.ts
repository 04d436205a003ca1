// GET /api/clusters: saved clusters (the access key, never the secret) and the one this request addresses; POST saves
// one with its credentials (operator).
import { api, json, readBody } from '@/lib/console/http.ts';
import { requireOperatorAudited } from '@/lib/console/acl-guard.ts';
import { runtime } from '@/lib/console/context.ts';
import { CLUSTER_HEADER, checkCluster, clusterOf, getCluster, listClusters } from '@/lib/console/clusters.ts';
import { saveClusterWithCredentials } from '@/lib/console/cluster-save.ts';
import type { ClustersResponse } from '@/lib/console/api-types.ts';

export const dynamic = 'force-dynamic';

export const GET = api((req: Request) => {
  const { db } = runtime();
  const clusters = listClusters(db);
  const current = clusters.length ? clusterOf(db, req.headers.get(CLUSTER_HEADER)).name : null;
  return json({ clusters, current } satisfies ClustersResponse);
});

export const POST = api(async (req: Request) => {
  const { db } = runtime();
  const user = requireOperatorAudited(req, db, 'saveCluster', 'cluster');
  const body = await readBody(req);
  const c = checkCluster(body.name, body.namesrvAddr);
  const saved = await saveClusterWithCredentials(db, user.username, c, body, getCluster(db, c.name));
  return json({ cluster: saved }, 201);
});
