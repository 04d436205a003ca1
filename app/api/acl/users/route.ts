// POST /api/acl/users: creates an ACL 2.0 user on every broker of the cluster (operator; audited without the password).
import { api, readBody } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { createUser } from '@/lib/console/acl-view.ts';
import { userInputOf, withoutSecrets } from '@/lib/console/acl-input.ts';
import { requireOperatorAudited, writeAnswer } from '@/lib/console/acl-guard.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request) => {
  const user = requireOperatorAudited(req, runtime().db, 'createAclUser', 'user');
  const ctx = requestContext(req);
  const u = userInputOf(await readBody(req), { create: true });
  const e = { username: user.username, action: 'createAclUser', target: `${ctx.cluster.name}/User:${u.username}`, params: withoutSecrets(u) };
  return writeAnswer(await audited(ctx.db, e, () => createUser(ctx.admin, u)), 201);
});
