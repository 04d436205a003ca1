// GET /api/consumer-groups/{group}/diagnosis: each member's running info and the findings explaining the group's lag;
// `?threadStack=true` asks the members for their thread stack too (GET_CONSUMER_RUNNING_INFO's jstackEnable).
import { api, boolParam, checkGroup, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { diagnoseGroup } from '@/lib/console/diagnose.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  const threadStack = boolParam(new URL(req.url), 'threadStack');
  const ctx = requestContext(req);
  return json(await diagnoseGroup(ctx.admin, group, { threadStack }));
});
