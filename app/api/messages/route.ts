// GET /api/messages: by msgId (and topic), by topic and key, or by topic and store time range.
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { findMessages } from '@/lib/console/messages-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => json(await findMessages(requestContext(req).admin, new URL(req.url))));
