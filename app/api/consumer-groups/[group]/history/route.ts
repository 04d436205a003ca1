// GET /api/consumer-groups/{group}/history?metric=lag|lagSeconds|tps|inTps&from=&to=: the group's collected series.
import { api, checkGroup, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { history, historyQuery } from '@/lib/console/series.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  return json(history(ctx.db, ctx.collector, ctx.cluster.name, historyQuery(new URL(req.url), 'group', group)));
});
