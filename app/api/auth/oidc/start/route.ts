// GET /api/auth/oidc/start?next=/path: begins an OpenID Connect sign-in (authorization code + PKCE) and sends the
// browser to the provider; the flow id goes in a short-lived cookie.
import { HttpError, api, sessionToken } from '@/lib/console/http.ts';
import { runtime } from '@/lib/console/context.ts';
import { redirectUriFor, startOidcFlow } from '@/lib/console/oidc.ts';
import { continueTo, flowCookie, oidcConfig, safeNext } from '@/lib/console/oidc-http.ts';
import { describe } from '@/lib/console/errors.ts';

export const dynamic = 'force-dynamic';

export const GET = api(async (req: Request) => {
  const cfg = oidcConfig();
  if (!cfg) throw new HttpError(404, 'OpenID Connect sign-in is not configured (ROCKETDECK_OIDC_ISSUER)');
  const url = new URL(req.url);
  const origin = `${req.headers.get('x-forwarded-proto') ?? url.protocol.replace(':', '')}://${req.headers.get('host') ?? url.host}`;
  try {
    const flow = await startOidcFlow(runtime().db, cfg, redirectUriFor(cfg, origin), safeNext(url.searchParams.get('next')), sessionToken(req));
    return new Response(null, { status: 302, headers: { location: flow.url.href, 'set-cookie': flowCookie(req, flow.flowId), 'cache-control': 'no-store' } });
  } catch (err) {
    return continueTo(`/login?error=${encodeURIComponent(describe(err))}`);
  }
});
