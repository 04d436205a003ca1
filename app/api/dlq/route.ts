// GET /api/dlq: every consumer group with a dead-letter queue: dead letters held, the newest, growth over the last hour.
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { dlqGroups } from '@/lib/console/dlq-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  const ctx = requestContext(req);
  return json(await dlqGroups(ctx.admin, ctx.db, ctx.cluster.name));
});
