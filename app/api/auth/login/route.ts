// POST /api/auth/login: checks the password and sets the session cookie.
import { HttpError, api, checkOrigin, json, readBody, sessionCookie, str } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { sharedLoginThrottle, signIn } from '@/lib/console/auth.ts';
import { recordAudit } from '@/lib/console/audit.ts';
import type { MeResponse } from '@/lib/console/api-types.ts';

export const dynamic = 'force-dynamic';

export const POST = api(async (req: Request) => {
  checkOrigin(req, false);
  const { db } = runtime();
  const body = await readBody(req);
  const username = str(body, 'username', { required: true });
  const password = str(body, 'password', { required: true });
  const throttle = sharedLoginThrottle();
  const wait = throttle.retryAfterMs(username);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    return json({ error: `too many failed sign-ins for '${username}': try again in ${seconds} s` }, 429, { 'retry-after': String(seconds) });
  }
  const s = signIn(db, username, password);
  recordAudit(db, { username, action: 'login', target: username, params: {}, ok: s !== undefined, result: null });
  if (!s) {
    throttle.fail(username);
    throw new HttpError(401, 'wrong username or password');
  }
  throttle.succeed(username);
  return json({ username: s.session.username, role: s.session.role } satisfies MeResponse, 200, { 'set-cookie': sessionCookie(req, s.token) });
});
