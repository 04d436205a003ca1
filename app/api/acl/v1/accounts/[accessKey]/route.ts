// PUT /api/acl/v1/accounts/{accessKey}: changes a plain_acl.yml account (the secret key kept when left out); DELETE
// removes it (operator; audited without the secret key).
import { api, readBody } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { deletePlainAccount, updatePlainAccount } from '@/lib/console/acl-view.ts';
import { plainAccountOf, withoutSecrets } from '@/lib/console/acl-input.ts';
import { requireOperatorAudited, writeAnswer } from '@/lib/console/acl-guard.ts';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ accessKey: string }> };

export const PUT = api(async (req: Request, { params }: Params) => {
  const { accessKey } = await params;
  const user = requireOperatorAudited(req, runtime().db, 'updateAclAccount', accessKey);
  const ctx = requestContext(req);
  const a = plainAccountOf(await readBody(req), { create: false, accessKey });
  const e = { username: user.username, action: 'updateAclAccount', target: `${ctx.cluster.name}/${a.accessKey}`, params: withoutSecrets(a) };
  return writeAnswer(await audited(ctx.db, e, () => updatePlainAccount(ctx.admin, a)));
});

export const DELETE = api(async (req: Request, { params }: Params) => {
  const { accessKey } = await params;
  const user = requireOperatorAudited(req, runtime().db, 'deleteAclAccount', accessKey);
  const ctx = requestContext(req);
  const e = { username: user.username, action: 'deleteAclAccount', target: `${ctx.cluster.name}/${accessKey}`, params: {} };
  return writeAnswer(await audited(ctx.db, e, () => deletePlainAccount(ctx.admin, accessKey)));
});
