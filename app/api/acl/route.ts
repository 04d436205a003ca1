// GET /api/acl: the cluster's users and policies (ACL 2.0) or plain_acl.yml accounts (ACL 1.0), without passwords
// or secret keys; signed-in users only.
import { api, json, requireUser } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { aclOverview } from '@/lib/console/acl-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  requireUser(req, runtime().db);
  const ctx = requestContext(req);
  return json({ cluster: ctx.cluster.name, ...(await aclOverview(ctx.admin)) });
});
