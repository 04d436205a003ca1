// GET /api/metrics: the collector's figures in Prometheus text format, named as rocketmq-exporter names them.
import { api, HttpError } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { CLUSTER_HEADER, clusterOf, getCluster } from '@/lib/console/clusters.ts';
import { PROMETHEUS_CONTENT_TYPE, alertFamilies, formatMetrics, snapshotFamilies } from '@/lib/console/prometheus.ts';
import { alertsView } from '@/lib/console/alerts/api.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  const rt = runtime();
  const named = new URL(req.url).searchParams.get('cluster');
  const cluster = named ? getCluster(rt.db, named) : clusterOf(rt.db, req.headers.get(CLUSTER_HEADER));
  if (!cluster) throw new HttpError(400, `cluster: no saved cluster named '${named}'`, 'cluster');
  const snap = await rt.collector.ensureSnapshot(cluster);
  if (!snap) throw new HttpError(502, `cluster ${cluster.name}: ${rt.collector.status(cluster.name).lastError ?? 'nothing collected yet'}`);
  const view = alertsView(rt);
  const firing = [...view.firing, ...view.silenced].map((a) => ({ ...a, silenced: a.silencedBy !== null }));
  return new Response(formatMetrics([...snapshotFamilies(snap), ...alertFamilies(firing)]), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' } });
});
