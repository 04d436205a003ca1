// GET /api/topics/{topic}: route, queue status and consuming groups with lag; DELETE removes it from a cluster (operator).
import { api, checkGroup, checkTopic, json, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { topicDetail } from '@/lib/console/topics-view.ts';
import { rocketCluster } from '@/lib/console/writes.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ topic: string }> };

export const GET = api(async (req: Request, { params }: Ctx) => {
  const topic = checkTopic((await params).topic);
  // RocketMQ cannot list a topic's producers: the page names a producer group to see its connections
  const producerGroup = new URL(req.url).searchParams.get('producerGroup')?.trim() || undefined;
  return json(await topicDetail(requestContext(req), topic, producerGroup === undefined ? undefined : checkGroup(producerGroup, 'producerGroup')));
});

export const DELETE = api(async (req: Request, { params }: Ctx) => {
  const user = requireOperator(req, runtime().db);
  const topic = checkTopic((await params).topic);
  const ctx = requestContext(req);
  const clusterName = await rocketCluster(ctx.admin, new URL(req.url).searchParams.get('cluster'), 'cluster');
  const result = await audited(ctx.db, { username: user.username, action: 'deleteTopic', target: topic, params: { clusterName } },
    () => ctx.admin.deleteTopic(topic, clusterName));
  return json(result);
});
