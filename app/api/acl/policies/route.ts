// POST /api/acl/policies: gives a subject policy entries ({subject, entries: [{resource, actions, sourceIps?, decision}],
// update?}); an entry for a resource the subject already has replaces it (operator; audited).
import { api, bool, readBody } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { putPolicy } from '@/lib/console/acl-view.ts';
import { checkSubject, policyEntriesOf } from '@/lib/console/acl-input.ts';
import { requireOperatorAudited, writeAnswer } from '@/lib/console/acl-guard.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request) => {
  const user = requireOperatorAudited(req, runtime().db, 'putAclPolicy', 'policy');
  const ctx = requestContext(req);
  const body = await readBody(req);
  const subject = checkSubject(body.subject);
  const entries = policyEntriesOf(body);
  const update = bool(body, 'update') ?? false;
  const e = { username: user.username, action: 'putAclPolicy', target: `${ctx.cluster.name}/${subject}`, params: { subject, entries, update } };
  return writeAnswer(await audited(ctx.db, e, () => putPolicy(ctx.admin, subject, entries, update)), 201);
});
