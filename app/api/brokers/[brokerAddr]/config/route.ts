// GET /api/brokers/{brokerAddr}/config: the broker's configuration; PUT changes keys of it (operator).
import { api, bad, checkAddr, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ brokerAddr: string }> };

export const GET = api(async (req: Request, { params }: Ctx) => {
  const addr = checkAddr((await params).brokerAddr);
  const { admin } = requestContext(req);
  return json(await admin.brokerConfig({ brokerAddrs: [addr] }));
});

export const PUT = api(async (req: Request, { params }: Ctx) => {
  const user = requireOperator(req, runtime().db);
  const addr = checkAddr((await params).brokerAddr);
  const { admin, db } = requestContext(req);
  const body = await readBody(req);
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(k)) throw bad(k, 'is not a broker configuration key');
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw bad(k, 'must be a string, number or boolean');
    props[k] = String(v);
  }
  if (Object.keys(props).length === 0) throw bad('body', 'give at least one key: value');
  const result = await audited(db, { username: user.username, action: 'updateBrokerConfig', target: addr, params: props },
    () => admin.updateBrokerConfig({ brokerAddrs: [addr] }, props));
  return json(result);
});
