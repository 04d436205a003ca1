// POST /api/consumer-groups/{group}/consume-mode: switches the group's consumption of a topic to POP or PULL on a
// cluster's masters (5.x brokers, as mqadmin setConsumeMode; operator); `preview: true` shows each master's mode now
// and after, writing nothing.
import { api, bool, checkGroup, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { consumeModePreview } from '@/lib/console/v5-view.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { consumeModeOf, rocketCluster } from '@/lib/console/writes.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const user = requireOperator(req, runtime().db);
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  const body = await readBody(req);
  const input = consumeModeOf(body);
  const clusterName = await rocketCluster(ctx.admin, typeof body.cluster === 'string' ? body.cluster : null, 'cluster');
  // preview: the mode each master has now and after the switch, nothing written
  if (bool(body, 'preview')) return json(await consumeModePreview(ctx, group, input, clusterName));
  const result = await audited(ctx.db, { username: user.username, action: 'setConsumeMode', target: group, params: { clusterName, ...input } },
    () => ctx.admin.setConsumeMode({ clusterName }, { group, ...input }));
  return json(result);
});
