// GET /api/topics: topics with placements and TPS, searched, sorted and paged on the server; POST creates or updates one (operator).
import { api, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { topicListPage } from '@/lib/console/topics-view.ts';
import { selectorOf, topicConfigOf } from '@/lib/console/writes.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => json(await topicListPage(requestContext(req), new URL(req.url))));

export const POST = api(async (req: Request) => {
  const user = requireOperator(req, runtime().db);
  const ctx = requestContext(req);
  const body = await readBody(req);
  const cfg = topicConfigOf(body);
  const sel = await selectorOf(ctx.admin, body);
  const result = await audited(ctx.db, { username: user.username, action: 'createTopic', target: cfg.topic, params: { ...cfg, ...sel } },
    () => ctx.admin.createOrUpdateTopic(sel, cfg));
  return json(result, 201);
});
