// GET /api/clusters: saved clusters and the one this request addresses; POST saves one (operator).
import { api, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { CLUSTER_HEADER, checkCluster, clusterOf, listClusters, saveCluster } from '@/lib/console/clusters.ts';
import { audited } from '@/lib/console/audit.ts';
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
  const user = requireOperator(req, db);
  const body = await readBody(req);
  const c = checkCluster(body.name, body.namesrvAddr);
  await audited(db, { username: user.username, action: 'saveCluster', target: c.name, params: c }, async () => {
    saveCluster(db, c);
    return { saved: c.name };
  });
  return json({ cluster: c }, 201);
});
