// GET /api/acl/access: whether every broker of the cluster accepts the console's key; each refusing broker named with
// the code and remark it answered (the pages' access banner).
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { checkAccess } from '@/lib/console/acl-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  const ctx = requestContext(req);
  return json({ cluster: ctx.cluster.name, ...(await checkAccess(ctx.admin, ctx.cluster.credentials?.accessKey ?? null)) });
});
