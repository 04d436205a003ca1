// GET /api/tail?topic=&queues=&from=&rate=&tag=&key=&prop=&body=&sql=: a live tail of a topic as Server-Sent Events.
import { api } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { openTail } from '@/lib/console/tail.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => openTail(req, requestContext(req)));
