// POST /api/topics/{topic}/messages: sends one test message (operator); `messageGroup` for FIFO topics, `deliverTime`
// (epoch ms or ISO time) for timer messages.
import { api, bad, checkTopic, json, parseTime, readBody, requireOperator, str } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ topic: string }> }) => {
  const user = requireOperator(req, runtime().db);
  const topic = checkTopic((await params).topic);
  const ctx = requestContext(req);
  const body = await readBody(req);
  const text = body.body;
  if (typeof text !== 'string') throw bad('body', 'the message body must be a string');
  const tags = str(body, 'tags');
  const keys = str(body, 'keys');
  const messageGroup = str(body, 'messageGroup');
  const deliverTimeMs = body.deliverTime === undefined || body.deliverTime === null || body.deliverTime === '' ? undefined : parseTime(body.deliverTime, 'deliverTime');
  const input = { topic, body: text, ...(tags ? { tags } : {}), ...(keys ? { keys } : {}), ...(messageGroup ? { messageGroup } : {}), ...(deliverTimeMs !== undefined ? { deliverTimeMs } : {}) };
  const result = await audited(ctx.db, { username: user.username, action: 'sendMessage', target: topic, params: { tags, keys, messageGroup, deliverTimeMs, bytes: Buffer.byteLength(text) } },
    () => ctx.admin.sendTestMessage(input));
  return json(result, 201);
});
