// GET /api/brokers/{brokerAddr}/config: the broker's configuration; PUT changes keys of it (operator).
import { HttpError, api, bad, checkAddr, json, readBody, requireOperator } from '@/lib/console/http.ts';
import { requestContext, runtime } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import type { AdminClient } from '@/lib/admin/index.ts';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ brokerAddr: string }> };

/** Only brokers of the addressed cluster: the console does not dial any address a request names. */
async function knownBroker(admin: AdminClient, raw: string): Promise<string> {
  const addr = checkAddr(raw);
  const view = await admin.clusterInfo();
  if (!view.brokers.some((g) => Object.values(g.brokerAddrs).includes(addr))) throw new HttpError(404, `brokerAddr: ${addr} is not a broker of this cluster`, 'brokerAddr');
  return addr;
}

export const GET = api(async (req: Request, { params }: Ctx) => {
  const { admin } = requestContext(req);
  const addr = await knownBroker(admin, (await params).brokerAddr);
  return json(await admin.brokerConfig({ brokerAddrs: [addr] }));
});

export const PUT = api(async (req: Request, { params }: Ctx) => {
  const user = requireOperator(req, runtime().db);
  const { admin, db } = requestContext(req);
  const addr = await knownBroker(admin, (await params).brokerAddr);
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
