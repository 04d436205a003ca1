// POST /api/auth/logout: ends the session and clears the cookie.
import { api, checkOriginAudited, clearedSessionCookie, currentSession, json, sessionToken } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { signOut } from '@/lib/console/auth.ts';
import { recordAudit } from '@/lib/console/audit.ts';

export const dynamic = 'force-dynamic';

export const POST = api((req: Request) => {
  const { db } = runtime();
  checkOriginAudited(req, db, false);
  const s = currentSession(req, db);
  signOut(db, sessionToken(req));
  if (s) recordAudit(db, { username: s.username, action: 'logout', target: s.username, params: {}, ok: true, result: null });
  return json({ username: null, role: null }, 200, { 'set-cookie': clearedSessionCookie(req) });
});
