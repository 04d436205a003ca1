// POST /api/topics/{topic}/queues {readQueueNums?, writeQueueNums?, perm?, brokerNames?, preview?, acceptStranded?}:
// previews or applies the next safe step of a queue-count or permission change (write queues shrink before read
// queues; a read shrink that strands unconsumed messages is refused unless accepted). Operator, audited.
import { HttpError, api, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { applyTopicEdit, planTopicEdit, topicEditOf } from '@/lib/console/topic-edit.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request, { params }: { params: Promise<{ topic: string }> }) => {
  const user = requireOperator(req, runtime().db);
  const ctx = requestContext(req);
  const r = topicEditOf((await params).topic, await readBody(req));
  const plan = await planTopicEdit(ctx.admin, r);
  if (r.preview) return json({ preview: true, ...plan });
  if (plan.brokers.every((b) => !b.next)) throw new HttpError(409, `topic ${r.topic} already has these queue counts and permission`);
  const stranded = plan.brokers.flatMap((b) => b.stranded);
  if (stranded.length > 0 && !r.acceptStranded) {
    throw new HttpError(409, `acceptStranded: ${plan.warnings.filter((w) => w.includes('strands')).join('; ')}; set acceptStranded to apply anyway`, 'acceptStranded');
  }
  const result = await audited(ctx.db, {
    username: user.username, action: 'editTopicQueues', target: r.topic,
    params: { steps: plan.brokers.filter((b) => b.next).map((b) => ({ brokerName: b.brokerName, from: b.current, to: b.next, later: b.later })), stranded, acceptStranded: r.acceptStranded },
  }, () => applyTopicEdit(ctx.admin, r, plan));
  return json({ preview: false, ...result });
});
