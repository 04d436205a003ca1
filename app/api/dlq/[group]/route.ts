// GET /api/dlq/{group}?begin=&end=&page=&pageSize=: a page of the group's dead letters (%DLQ%group), newest first.
import { api, checkGroup, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { dlqPageQuery } from '@/lib/console/dlq-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  return json(await ctx.admin.dlqBrowse({ group, ...dlqPageQuery(new URL(req.url)) }));
});
