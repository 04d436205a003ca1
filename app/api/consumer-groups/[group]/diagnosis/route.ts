// GET /api/consumer-groups/{group}/diagnosis: each member's running info and the findings explaining the group's lag.
import { api, checkGroup, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { diagnoseGroup } from '@/lib/console/diagnose.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  return json(await diagnoseGroup(ctx.admin, group));
});
