// DELETE /api/clusters/{name}: forgets a saved cluster (operator).
import { HttpError, api, json, requireOperator } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { deleteCluster, getCluster } from '@/lib/console/clusters.ts';
import { dropAdmin } from '@/lib/console/admin-pool.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

export const DELETE = api(async (req: Request, { params }: { params: Promise<{ name: string }> }) => {
  const { db } = runtime();
  const user = requireOperator(req, db);
  const { name } = await params;
  if (!getCluster(db, name)) throw new HttpError(404, `name: no saved cluster named '${name}'`, 'name');
  await audited(db, { username: user.username, action: 'deleteCluster', target: name, params: {} }, async () => {
    deleteCluster(db, name);
    dropAdmin(name);
    return { deleted: name };
  });
  return json({ deleted: name });
});
