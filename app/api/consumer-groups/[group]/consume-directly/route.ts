// POST /api/consumer-groups/{group}/consume-directly {clientId, msgId, topic?}: hands one stored message to one
// member of the group (CONSUME_MESSAGE_DIRECTLY) and answers how its listener handled it (operator, audited).
import { api, checkGroup, json, readBody, requireOperator, str } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  const user = requireOperator(req, ctx.db);
  const body = await readBody(req);
  const clientId = str(body, 'clientId', { required: true });
  const msgId = str(body, 'msgId', { required: true });
  const topic = str(body, 'topic');
  const result = await audited(ctx.db, { username: user.username, action: 'consumeMessageDirectly', target: group, params: { clientId, msgId, topic } },
    () => ctx.admin.consumeMessageDirectly(group, clientId, msgId, topic ? { topic } : {}));
  return json(result);
});
