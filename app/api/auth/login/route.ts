// POST /api/auth/login: checks the password, rate limited per remote address and per username, and sets a new
// session cookie (the session the browser held before, if any, ends: the session id rotates on sign-in).
import { HttpError, api, checkOriginAudited, json, readBody, remoteAddress, sessionCookie, sessionToken, str } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { signIn } from '@/lib/console/auth.ts';
import { sharedLoginLimiter } from '@/lib/console/rate-limit.ts';
import { recordAudit } from '@/lib/console/audit.ts';
import type { MeResponse } from '@/lib/console/api-types.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request) => {
  const { db } = runtime();
  checkOriginAudited(req, db, false);
  const body = await readBody(req);
  const username = str(body, 'username', { required: true });
  const password = str(body, 'password', { required: true });
  const address = remoteAddress(req);
  const limiter = sharedLoginLimiter();
  const verdict = limiter.check(address, username);
  if (verdict.retryAfterMs > 0) {
    const seconds = Math.ceil(verdict.retryAfterMs / 1000);
    const error = verdict.by === 'address' ? `too many failed sign-ins from ${address}: try again in ${seconds} s` : `too many failed sign-ins for '${username}': try again in ${seconds} s`;
    recordAudit(db, { username, action: 'login', target: username, params: { address }, ok: false, result: { error, status: 429 } });
    return json({ error }, 429, { 'retry-after': String(seconds) });
  }
  const s = signIn(db, username, password, sessionToken(req));
  recordAudit(db, { username, action: 'login', target: username, params: { address }, ok: s !== undefined, result: s ? null : { error: 'wrong username or password', status: 401 } });
  if (!s) {
    limiter.fail(address, username);
    throw new HttpError(401, 'wrong username or password');
  }
  limiter.succeed(username);
  return json({ username: s.session.username, role: s.session.role } satisfies MeResponse, 200, { 'set-cookie': sessionCookie(req, s.token) });
});
