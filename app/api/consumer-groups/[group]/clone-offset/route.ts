// POST /api/consumer-groups/{group}/clone-offset {destGroup, topic, offline?, preview?}: previews or applies copying
// the group's offsets on a topic to another group (CLONE_GROUP_OFFSET; operator, audited).
import { HttpError, api, checkGroup, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { cloneOutcome, clonePreview, cloneRequestOf } from '@/lib/console/offset-ops.ts';
import type { CloneOffsetApplyResponse } from '@/lib/console/api-types.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const user = requireOperator(req, runtime().db);
  const srcGroup = checkGroup((await params).group);
  const ctx = requestContext(req);
  const r = cloneRequestOf(srcGroup, await readBody(req));
  const before = await clonePreview(ctx.admin, srcGroup, r);
  if (r.preview) return json(before);
  if (before.queues.length === 0) throw new HttpError(409, `group ${srcGroup} has no offsets on topic ${r.topic} to clone`, 'topic');
  const result = await audited(ctx.db, {
    username: user.username, action: 'cloneGroupOffset', target: srcGroup,
    params: { destGroup: r.destGroup, topic: r.topic, offline: r.offline, queues: before.queues.map((q) => ({ brokerName: q.brokerName, queueId: q.queueId, old: q.oldOffset, new: q.newOffset })) },
  }, async () => {
    const res = await ctx.admin.cloneGroupOffset({ srcGroup, destGroup: r.destGroup, topic: r.topic, offline: r.offline });
    if (res.done.length === 0) throw new HttpError(502, `no broker cloned the offsets: ${res.errors.map((e) => `${e.brokerName}: ${e.error}`).join('; ')}`);
    return res;
  });
  const old = new Map(before.queues.map((q) => [`${q.brokerName} ${q.queueId}`, q.oldOffset]));
  const queues = (await cloneOutcome(ctx.admin, r)).map((q) => ({ ...q, oldOffset: old.get(`${q.brokerName} ${q.queueId}`) ?? -1 }));
  return json({ preview: false, srcGroup, destGroup: r.destGroup, topic: r.topic, result, queues } satisfies CloneOffsetApplyResponse);
});
