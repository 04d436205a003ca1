// POST /api/consumer-groups/{group}/reset-offset: previews or applies moving a group's offsets on a topic (operator).
import { api, checkGroup, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { resetPreview, resetRequestOf } from '@/lib/console/writes.ts';
import { audited } from '@/lib/console/audit.ts';
import type { ResetApplyResponse } from '@/lib/console/api-types.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ group: string }> }) => {
  const user = requireOperator(req, runtime().db);
  const group = checkGroup((await params).group);
  const ctx = requestContext(req);
  const r = resetRequestOf(await readBody(req));
  if (r.preview) return json(await resetPreview(ctx.admin, group, r));
  const params_ = { topic: r.topic, to: r.to, point: r.point, offsets: r.offsets };
  const result = await audited<ResetApplyResponse['result']>(ctx.db, { username: user.username, action: 'resetOffset', target: group, params: params_ }, () =>
    r.offsets
      ? ctx.admin.resetQueueOffsets({ group, topic: r.topic, queues: r.offsets })
      : ctx.admin.resetOffsetByTime({ group, topic: r.topic, point: r.point!, force: true }));
  return json({ preview: false, group, topic: r.topic, result } satisfies ResetApplyResponse);
});
