// GET /api/v5: each master's version with its timer, replication and request-mode sections, the controller group
// (`?controller=host:port`), and the proxies with their client counts (`?proxy=host:port`, ROCKETDECK_PROXY_ADDRS).
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { v5Status } from '@/lib/console/v5-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => json(await v5Status(requestContext(req), new URL(req.url))));
