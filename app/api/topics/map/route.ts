// GET /api/topics/map: every topic with the broker groups holding it (queue counts, perm, order).
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => json(await requestContext(req).admin.topicBrokerMap()));
