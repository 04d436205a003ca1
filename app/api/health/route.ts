// GET /api/health: liveness of the console server, the nameservers of the addressed cluster and the collector.
import { api, json } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { CLUSTER_HEADER, clusterOf } from '@/lib/console/clusters.ts';
import { parseNamesrvAddr } from '@/lib/common/namesrv-addr.ts';
import type { HealthResponse } from '@/lib/console/api-types.ts';
import { whenRoutesWarm } from '@/lib/console/warm-up.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  // "ready" once the list routes ran once (start-up warm-up; bounded)
  await whenRoutesWarm();
  const rt = runtime();
  let cluster: { name: string; namesrvAddr: string } | null = null;
  try {
    cluster = clusterOf(rt.db, req.headers.get(CLUSTER_HEADER));
  } catch {
    // no cluster saved yet: the console is still up
  }
  const body: HealthResponse = {
    status: 'ok',
    namesrvAddr: cluster ? parseNamesrvAddr(cluster.namesrvAddr) : parseNamesrvAddr(process.env.NAMESRV_ADDR),
    uptimeSeconds: Math.round(process.uptime()),
    cluster: cluster?.name ?? null,
    collector: rt.collector.status(cluster?.name ?? null),
  };
  return json(body);
});
