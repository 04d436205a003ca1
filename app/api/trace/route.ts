// GET /api/trace?msgId=[&topic=][&traceTopic=]: a message's trace timeline (produced, stored, each group's delivery
// attempts, its DLQ); GET /api/trace?key=: the traced messages carrying that key.
import { api, bad, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  const url = new URL(req.url);
  const msgId = url.searchParams.get('msgId')?.trim();
  const key = url.searchParams.get('key')?.trim();
  const topic = url.searchParams.get('topic')?.trim() || undefined;
  const traceTopic = url.searchParams.get('traceTopic')?.trim() || undefined;
  const admin = requestContext(req).admin;
  if (msgId) return json(await admin.queryTrace(msgId, { topic, traceTopic }));
  if (key) return json(await admin.queryTraceByKey(key, { traceTopic }));
  throw bad('msgId', 'give msgId (or key)');
});
