// GET /api/cluster: brokers with their roles and runtime figures, nameservers with reachability and latency.
import { api, json } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { clusterView } from '@/lib/console/cluster-view.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => json(await clusterView(requestContext(req))));
