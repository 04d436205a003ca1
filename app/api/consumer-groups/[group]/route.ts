// GET /api/consumer-groups/{group}: progress, members, queue holders, lag in time, trend, time to drain, rebalance
// history and flags; DELETE removes the subscription group from a cluster (operator).
import { api, bool, checkGroup, json, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { groupDetail } from '@/lib/console/groups-view.ts';
import { rocketCluster } from '@/lib/console/writes.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ group: string }> };

export const GET = api(async (req: Request, { params }: Ctx) => {
  const group = checkGroup((await params).group);
  return json(await groupDetail(requestContext(req), group));
});

export const DELETE = api(async (req: Request, { params }: Ctx) => {
  const user = requireOperator(req, runtime().db);
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  const url = new URL(req.url);
  const clusterName = await rocketCluster(ctx.admin, url.searchParams.get('cluster'), 'cluster');
  const cleanOffset = bool({ cleanOffset: url.searchParams.get('cleanOffset') ?? undefined }, 'cleanOffset') ?? false;
  const result = await audited(ctx.db, { username: user.username, action: 'deleteGroup', target: group, params: { clusterName, cleanOffset } },
    () => ctx.admin.deleteSubGroup({ clusterName }, group, { cleanOffset }));
  return json(result);
});
