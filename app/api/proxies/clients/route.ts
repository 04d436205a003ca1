// GET /api/proxies/clients?addr=host:port: the clients connected to one 5.x proxy (its remoting port), per group.
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { proxyClientsView } from '@/lib/console/v5-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => json(await proxyClientsView(requestContext(req), new URL(req.url))));
