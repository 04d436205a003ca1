// POST /api/dlq/{group}/consume-directly {clientId, offsetMsgIds}: hands the chosen dead letters to one online client
// of the group (CONSUME_MESSAGE_DIRECTLY); its listener's answer per message, each in the audit log (operators).
import { api, checkGroup, json, readBody, requireOperator, str } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { checkOffsetIds, directAudited } from '@/lib/console/dlq-view.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  const user = requireOperator(req, ctx.db);
  const body = await readBody(req);
  const clientId = str(body, 'clientId', { required: true });
  return json(await directAudited(ctx.admin, ctx.db, user.username, group, clientId, checkOffsetIds(body.offsetMsgIds)));
});
