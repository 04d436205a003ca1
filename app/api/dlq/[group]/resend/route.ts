// POST /api/dlq/{group}/resend {offsetMsgIds}: sends the chosen dead letters again to their original topic; one
// result per message, each in the audit log (operators).
import { api, checkGroup, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { checkOffsetIds, resendAudited } from '@/lib/console/dlq-view.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  const user = requireOperator(req, ctx.db);
  const body = await readBody(req);
  return json(await resendAudited(ctx.admin, ctx.db, user.username, group, checkOffsetIds(body.offsetMsgIds)));
});
