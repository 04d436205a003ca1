// The live tail's HTTP side: GET /api/tail opens a Server-Sent Events stream of a topic's new messages (query:
// topic, queues, from, rate, and the filter fields of tail-filter.ts); pause/resume/close and the list of open tails.

import { currentSession, HttpError, bad, checkTopic, intParam, json, parseTime, type Body } from './http.ts';
import type { RequestContext } from './context.ts';
import type { Role } from './auth.ts';
import { compileTailFilter, parseTailFilter, type Sql92Compiler } from './tail-filter.ts';
import { tailHub } from './tail-hub.ts';
import { hasRules, maskRulesFromEnv, masksFor } from './masking.ts';
import { compileSql92, propertiesOf } from '../filter/index.ts';

/** RocketMQ's SQL92 selector language (lib/filter) as the tail's expression filter; a fault's position is its 0-based offset. */
export const tailSql92: Sql92Compiler = (text) => {
  const c = compileSql92(text);
  if (!c.ok) return { ok: false, message: c.message, position: c.position.offset };
  return { ok: true, evaluate: (props) => c.evaluate(propertiesOf(props)) };
};

/** Who a tail belongs to, for the per-user limit and control: the signed-in user, or all anonymous readers as one. */
export function tailUser(req: Request, ctx: RequestContext): { user: string; role: Role | undefined } {
  const s = currentSession(req, ctx.db);
  return s ? { user: s.username, role: s.role } : { user: 'anonymous', role: undefined };
}

const QUEUE = /^([^:\s]+):(\d+)$/;

/** The SSE response of a new tail, or a 4xx naming the bad field (a SQL92 fault with its `position`). */
export function openTail(req: Request, ctx: RequestContext, sql92: Sql92Compiler = tailSql92): Response {
  const url = new URL(req.url);
  const p = url.searchParams;
  const topic = checkTopic(p.get('topic') ?? undefined, 'topic');
  const hub = tailHub();
  const queuesRaw = p.get('queues')?.trim();
  const queues = queuesRaw ? queuesRaw.split(',').map((q) => q.trim()).filter(Boolean) : undefined;
  for (const q of queues ?? []) if (!QUEUE.test(q)) throw bad('queues', `'${q}' is not brokerName:queueId`);
  const fromRaw = p.get('from')?.trim();
  const from = fromRaw && fromRaw !== 'now' ? parseTime(fromRaw, 'from') : undefined;
  if (from !== undefined && from > Date.now() + 60_000) throw bad('from', 'is in the future');
  const rate = intParam(url, 'rate', { min: 1, max: hub.limits.maxRate }) ?? hub.limits.rateLimit;
  let filter;
  try {
    filter = compileTailFilter(parseTailFilter(url), sql92);
  } catch (err) {
    const pos = (err as { position?: unknown }).position;
    if (err instanceof HttpError && typeof pos === 'number') return json({ error: err.message, field: err.field, position: pos }, 400);
    throw err;
  }
  const { user, role } = tailUser(req, ctx);
  const rules = maskRulesFromEnv();
  const mask = masksFor(role) && hasRules(rules) ? rules : undefined;
  const { stream, body } = hub.open({
    cluster: ctx.cluster.name, admin: ctx.admin, topic, user, filter, rateLimit: rate,
    ...(from !== undefined ? { from } : {}), ...(queues ? { queues } : {}), ...(mask ? { mask } : {}),
  });
  // the page went away: stop pulling for it (the body's cancel says so too, whichever comes first)
  req.signal?.addEventListener('abort', () => hub.close(stream.id, 'request_aborted'), { once: true });
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform: the server's compression would hold events back
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
      'x-tail-id': stream.id,
    },
  });
}

/** POST /api/tail/{id}: {action: pause|resume|close}. */
export function controlTail(req: Request, ctx: RequestContext, id: string, body: Body): Response {
  const { user } = tailUser(req, ctx);
  const action = body.action;
  if (action !== 'pause' && action !== 'resume' && action !== 'close') throw bad('action', 'must be pause, resume or close');
  if (action === 'close') {
    const hub = tailHub();
    if (!hub.list().streams.some((s) => s.id === id && s.user === user)) throw new HttpError(404, `id: no live tail ${id} of yours`, 'id');
    hub.close(id, 'closed_by_user');
    return json({ closed: true });
  }
  return json(tailHub().control(id, user, action));
}
