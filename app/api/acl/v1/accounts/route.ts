// POST /api/acl/v1/accounts: adds or replaces a plain_acl.yml account on every 4.9 broker (operator; audited without
// the secret key).
import { api, readBody } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { updatePlainAccount } from '@/lib/console/acl-view.ts';
import { plainAccountOf, withoutSecrets } from '@/lib/console/acl-input.ts';
import { requireOperatorAudited, writeAnswer } from '@/lib/console/acl-guard.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request) => {
  const user = requireOperatorAudited(req, runtime().db, 'updateAclAccount', 'account');
  const ctx = requestContext(req);
  const a = plainAccountOf(await readBody(req), { create: true });
  const e = { username: user.username, action: 'updateAclAccount', target: `${ctx.cluster.name}/${a.accessKey}`, params: withoutSecrets(a) };
  return writeAnswer(await audited(ctx.db, e, () => updatePlainAccount(ctx.admin, a)), 201);
});
