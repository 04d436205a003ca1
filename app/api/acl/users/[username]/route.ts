// PUT /api/acl/users/{username}: changes a user's password, type or status; DELETE removes the user (operator; audited).
import { api, readBody } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { deleteUser, updateUser } from '@/lib/console/acl-view.ts';
import { checkUsername, userInputOf, withoutSecrets } from '@/lib/console/acl-input.ts';
import { requireOperatorAudited, writeAnswer } from '@/lib/console/acl-guard.ts';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ username: string }> };

export const PUT = api(async (req: Request, { params }: Params) => {
  const { username } = await params;
  const user = requireOperatorAudited(req, runtime().db, 'updateAclUser', `User:${username}`);
  const ctx = requestContext(req);
  const u = userInputOf(await readBody(req), { create: false, username: checkUsername(username) });
  const e = { username: user.username, action: 'updateAclUser', target: `${ctx.cluster.name}/User:${u.username}`, params: withoutSecrets(u) };
  return writeAnswer(await audited(ctx.db, e, () => updateUser(ctx.admin, u)));
});

export const DELETE = api(async (req: Request, { params }: Params) => {
  const { username } = await params;
  const user = requireOperatorAudited(req, runtime().db, 'deleteAclUser', `User:${username}`);
  const ctx = requestContext(req);
  const name = checkUsername(username);
  const e = { username: user.username, action: 'deleteAclUser', target: `${ctx.cluster.name}/User:${name}`, params: {} };
  return writeAnswer(await audited(ctx.db, e, () => deleteUser(ctx.admin, name)));
});
