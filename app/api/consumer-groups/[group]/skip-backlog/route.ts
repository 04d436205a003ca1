// POST /api/consumer-groups/{group}/skip-backlog {topic?, preview?}: previews or applies moving the group past its
// backlog, every queue with messages left to its max offset, on one topic or all it consumes (operator, audited).
import { HttpError, api, checkGroup, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { skipPreview, skipRequestOf } from '@/lib/console/offset-ops.ts';
import type { SkipBacklogApplyResponse } from '@/lib/console/api-types.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const user = requireOperator(req, runtime().db);
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  const r = skipRequestOf(await readBody(req));
  const before = await skipPreview(ctx.admin, group, r);
  if (r.preview) return json(before);
  if (before.queues.length === 0) throw new HttpError(409, `group ${group} has no backlog${r.topic ? ` on topic ${r.topic}` : ''}`);
  const result = await audited(ctx.db, {
    username: user.username, action: 'skipBacklog', target: group,
    params: { topic: r.topic, skipped: before.skipped, queues: before.queues.map((q) => ({ topic: q.topic, brokerName: q.brokerName, queueId: q.queueId, old: q.oldOffset, new: q.newOffset })) },
  }, () => ctx.admin.skipBacklog({ group, ...(r.topic ? { topic: r.topic } : {}) }));
  return json({ preview: false, group, result } satisfies SkipBacklogApplyResponse);
});
