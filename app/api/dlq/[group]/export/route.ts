// GET /api/dlq/{group}/export?format=jsonl|csv&begin=&end= (or &ids=offsetId,...): the dead letters as a download,
// streamed as they are read from the brokers; values named by the masking settings are masked for readers other
// than operators.
import { api, checkGroup, currentSession } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { exportResponse } from '@/lib/console/dlq-view.ts';
import { maskFor, maskRulesFromEnv } from '@/lib/console/masking.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  const role = currentSession(req, ctx.db)?.role;
  const rules = maskRulesFromEnv();
  return exportResponse(ctx.admin, group, new URL(req.url), (m) => maskFor(m, role, rules));
});
