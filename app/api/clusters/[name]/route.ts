// PUT /api/clusters/{name}: changes a saved cluster's nameservers or credentials (operator); DELETE forgets it.
import { HttpError, api, json, readBody } from '@/lib/console/http.ts';
import { requireOperatorAudited } from '@/lib/console/acl-guard.ts';
import { runtime } from '@/lib/console/context.ts';
import { checkCluster, deleteCluster, getCluster } from '@/lib/console/clusters.ts';
import { saveClusterWithCredentials } from '@/lib/console/cluster-save.ts';
import { dropAdmin } from '@/lib/console/admin-pool.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

export const PUT = api(async (req: Request, { params }: { params: Promise<{ name: string }> }) => {
  const { db } = runtime();
  const { name } = await params;
  const user = requireOperatorAudited(req, db, 'updateCluster', name);
  const existing = getCluster(db, name);
  if (!existing) throw new HttpError(404, `name: no saved cluster named '${name}'`, 'name');
  const body = await readBody(req);
  const c = checkCluster(name, body.namesrvAddr ?? existing.namesrvAddr);
  return json({ cluster: await saveClusterWithCredentials(db, user.username, c, body, existing) });
});

export const DELETE = api(async (req: Request, { params }: { params: Promise<{ name: string }> }) => {
  const { db } = runtime();
  const { name } = await params;
  const user = requireOperatorAudited(req, db, 'deleteCluster', name);
  if (!getCluster(db, name)) throw new HttpError(404, `name: no saved cluster named '${name}'`, 'name');
  await audited(db, { username: user.username, action: 'deleteCluster', target: name, params: {} }, async () => {
    deleteCluster(db, name);
    dropAdmin(name);
    return { deleted: name };
  });
  return json({ deleted: name });
});
