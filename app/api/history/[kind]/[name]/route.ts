// GET /api/history/{kind}/{name}?metric=&from=&to=: a collected series (kind group, topic, broker or cluster).
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { history, historyQuery } from '@/lib/console/series.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request, { params }: { params: Promise<{ kind: string; name: string }> }) => {
  const { kind, name } = await params;
  const ctx = requestContext(req);
  return json(history(ctx.db, ctx.collector, ctx.cluster.name, historyQuery(new URL(req.url), kind, name)));
});
