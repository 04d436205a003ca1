// DELETE /api/acl/policies/{subject}[?resource=]: removes a subject's entry for one resource, or all its entries
// (operator; audited).
import { api } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { deletePolicy } from '@/lib/console/acl-view.ts';
import { checkResource, checkSubject } from '@/lib/console/acl-input.ts';
import { requireOperatorAudited, writeAnswer } from '@/lib/console/acl-guard.ts';

export const dynamic = 'force-dynamic';

export const DELETE = api(async (req: Request, { params }: { params: Promise<{ subject: string }> }) => {
  const { subject: raw } = await params;
  const user = requireOperatorAudited(req, runtime().db, 'deleteAclPolicy', raw);
  const ctx = requestContext(req);
  const subject = checkSubject(raw);
  const r = new URL(req.url).searchParams.get('resource');
  const resource = r === null || r === '' ? undefined : checkResource(r, 'resource');
  const e = { username: user.username, action: 'deleteAclPolicy', target: `${ctx.cluster.name}/${subject}`, params: { subject, resource: resource ?? 'all' } };
  return writeAnswer(await audited(ctx.db, e, () => deletePolicy(ctx.admin, subject, resource)));
});
