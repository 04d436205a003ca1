// GET /api/consumer-groups: groups with live lag, lag in time, TPS, trend, sparkline and flags, searched, sorted and
// paged on the server; POST creates or updates a subscription group (operator).
import { api, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { groupListPage, serverTiming } from '@/lib/console/groups-view.ts';
import { selectorOf, subGroupOf } from '@/lib/console/writes.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  const timings: Record<string, number> = {};
  const body = await groupListPage(requestContext(req), new URL(req.url), Date.now(), timings);
  return json(body, 200, { 'server-timing': serverTiming(timings) });
});

export const POST = api(async (req: Request) => {
  const user = requireOperator(req, runtime().db);
  const ctx = requestContext(req);
  const body = await readBody(req);
  const input = subGroupOf(body);
  const sel = await selectorOf(ctx.admin, body);
  const result = await audited(ctx.db, { username: user.username, action: 'createGroup', target: input.groupName, params: { ...input, ...sel } },
    () => ctx.admin.createOrUpdateSubGroup(sel, input));
  return json(result, 201);
});
