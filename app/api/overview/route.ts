// GET /api/overview: health summary, cluster TPS, busiest topics and most lagging groups.
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { overview } from '@/lib/console/cluster-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => json(await overview(requestContext(req))));
