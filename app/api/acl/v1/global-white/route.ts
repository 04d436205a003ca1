// PUT /api/acl/v1/global-white: replaces plain_acl.yml's global white remote addresses on every 4.9 broker
// ({globalWhiteAddrs: [...]}, operator; audited).
import { api, readBody } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { updateGlobalWhiteAddrs } from '@/lib/console/acl-view.ts';
import { globalWhiteAddrsOf } from '@/lib/console/acl-input.ts';
import { requireOperatorAudited, writeAnswer } from '@/lib/console/acl-guard.ts';

export const dynamic = 'force-dynamic';

export const PUT = api(async (req: Request) => {
  const user = requireOperatorAudited(req, runtime().db, 'updateAclGlobalWhiteAddrs', 'globalWhiteAddrs');
  const ctx = requestContext(req);
  const addrs = globalWhiteAddrsOf(await readBody(req));
  const e = { username: user.username, action: 'updateAclGlobalWhiteAddrs', target: ctx.cluster.name, params: { globalWhiteAddrs: addrs } };
  return writeAnswer(await audited(ctx.db, e, () => updateGlobalWhiteAddrs(ctx.admin, addrs)));
});
