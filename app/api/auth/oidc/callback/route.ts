// GET /api/auth/oidc/callback: the provider sends the browser back here with a code; the code becomes a session
// (a new session id; the one the browser held before ends), or the sign-in page shows why it did not.
import { api, parseCookies, remoteAddress, sessionCookie, sessionToken } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { endSessionByHash, openSession } from '@/lib/console/auth.ts';
import { recordAudit } from '@/lib/console/audit.ts';
import { finishOidcFlow, OIDC_FLOW_COOKIE } from '@/lib/console/oidc.ts';
import { clearedFlowCookie, continueTo, oidcConfig } from '@/lib/console/oidc-http.ts';
import { describe } from '@/lib/console/errors.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  const { db } = runtime();
  const cfg = oidcConfig();
  if (!cfg) return continueTo(`/login?error=${encodeURIComponent('OpenID Connect sign-in is not configured')}`);
  const address = remoteAddress(req);
  try {
    const who = await finishOidcFlow(db, cfg, parseCookies(req.headers.get('cookie'))[OIDC_FLOW_COOKIE], new URL(req.url).searchParams);
    const s = openSession(db, who.username, who.role, sessionToken(req));
    if (who.previousSessionHash) endSessionByHash(db, who.previousSessionHash);
    recordAudit(db, {
      username: who.username, action: 'login', target: who.username,
      params: { method: 'oidc', issuer: who.issuer, subject: who.subject, email: who.email ?? null, role: who.role, address }, ok: true, result: null,
    });
    return continueTo(who.nextPath, { 'set-cookie': [sessionCookie(req, s.token), clearedFlowCookie(req)] });
  } catch (err) {
    const error = describe(err);
    recordAudit(db, { username: 'anonymous', action: 'login', target: cfg.name, params: { method: 'oidc', issuer: cfg.issuer.href, address }, ok: false, result: { error } });
    return continueTo(`/login?error=${encodeURIComponent(error)}`, { 'set-cookie': clearedFlowCookie(req) });
  }
});
