// GET /api/messages: by msgId (and topic), by topic and key, or by topic and store time range; values named in the
// masking setting are masked for readers other than operators.
import { api, currentSession, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { findMessages } from '@/lib/console/messages-view.ts';
import { maskAllFor } from '@/lib/console/masking.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  const ctx = requestContext(req);
  const found = await findMessages(ctx.admin, new URL(req.url));
  return json({ ...found, messages: maskAllFor(found.messages, currentSession(req, ctx.db)?.role) });
});
