// PUT /api/topics/{topic}/attributes: changes a 5.x topic's attributes (`messageType`, `attributes` {key: value, '' to
// remove}) on every broker group holding it, keeping queues, permission and order (operator, audited).
import { api, checkTopic, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { editTopicAttributes } from '@/lib/console/topic-attributes.ts';

export const dynamic = 'force-dynamic';

export const PUT = api(async (req: Request, { params }: { params: Promise<{ topic: string }> }) => {
  const user = requireOperator(req, runtime().db);
  const topic = checkTopic((await params).topic);
  const ctx = requestContext(req);
  const body = await readBody(req);
  const result = await audited(ctx.db, { username: user.username, action: 'updateTopicAttributes', target: topic, params: { messageType: body.messageType, attributes: body.attributes } },
    () => editTopicAttributes(ctx.admin, topic, body));
  return json(result);
});
