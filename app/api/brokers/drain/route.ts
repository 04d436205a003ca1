// GET /api/brokers/drain?brokerName=: what draining the broker group affects and how far it has drained.
// POST {brokerName, action: "drain" | "restore", confirm: brokerName}: takes its write permission off the nameservers'
// routes or gives it back (operator, audited).
import { HttpError, api, bad, json, readBody, requireOperator, str } from '@/lib/console/http.ts';
import { requestContext } from '@/lib/console/context.ts';
import { audited } from '@/lib/console/audit.ts';
import { applyDrain, drainView, type DrainAction } from '@/lib/console/drain.ts';

export const dynamic = 'force-dynamic';

const NAME_RE = /^[A-Za-z0-9_.:-]{1,127}$/;

function brokerNameOf(v: string | null | undefined): string {
  if (!v) throw bad('brokerName', 'is required');
  if (!NAME_RE.test(v)) throw bad('brokerName', 'is not a broker name');
  return v;
}

export const GET = api(async (req: Request) => {
  const ctx = requestContext(req);
  const brokerName = brokerNameOf(new URL(req.url).searchParams.get('brokerName'));
  const view = await drainView(ctx.admin, brokerName, ctx.collector.latest(ctx.cluster.name));
  if (!view) throw new HttpError(404, `brokerName: no broker group '${brokerName}' in cluster ${ctx.cluster.name}`, 'brokerName');
  return json(view);
});

export const POST = api(async (req: Request) => {
  const ctx = requestContext(req);
  const user = requireOperator(req, ctx.db);
  const body = await readBody(req);
  const brokerName = brokerNameOf(str(body, 'brokerName', { required: true }));
  const action = str(body, 'action', { required: true });
  if (action !== 'drain' && action !== 'restore') throw bad('action', "must be 'drain' or 'restore'");
  if (str(body, 'confirm') !== brokerName) throw bad('confirm', `type the broker name '${brokerName}' to confirm`);
  const before = await drainView(ctx.admin, brokerName, ctx.collector.latest(ctx.cluster.name));
  if (!before) throw new HttpError(404, `brokerName: no broker group '${brokerName}' in cluster ${ctx.cluster.name}`, 'brokerName');
  const result = await audited(ctx.db, {
    username: user.username, action: action === 'drain' ? 'drainBroker' : 'restoreBroker', target: brokerName,
    params: { cluster: ctx.cluster.name, topics: before.topics.length },
  }, async () => {
    const r = await applyDrain(ctx.admin, brokerName, action as DrainAction);
    if (r.done.length === 0) throw new HttpError(502, `no nameserver applied it: ${r.errors.map((e) => `${e.namesrvAddr}: ${e.error}`).join('; ')}`);
    return r;
  });
  return json({ result, view: await drainView(ctx.admin, brokerName, ctx.collector.latest(ctx.cluster.name)) });
});
