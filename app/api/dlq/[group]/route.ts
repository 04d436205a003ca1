// GET /api/dlq/{group}?begin=&end=&page=&pageSize=: a page of the group's dead letters (%DLQ%group), newest first;
// values named by the masking settings are masked for readers other than operators.
import { api, checkGroup, currentSession, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { dlqPageQuery } from '@/lib/console/dlq-view.ts';
import { maskAllFor } from '@/lib/console/masking.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  const page = await ctx.admin.dlqBrowse({ group, ...dlqPageQuery(new URL(req.url)) });
  return json({ ...page, messages: maskAllFor(page.messages, currentSession(req, ctx.db)?.role) });
});
