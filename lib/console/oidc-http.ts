// The HTTP side of OpenID Connect sign-in for the route handlers: the process's OIDC settings, the flow cookie and
// the answers that move the browser on (to the provider, to the console, back to the sign-in page with a message).

import { OIDC_FLOW_COOKIE, OIDC_FLOW_TTL_MS } from './oidc.ts';
import { oidcConfigFromEnv, type OidcConfig } from './oidc-config.ts';

const configKey = Symbol.for('rocketdeck.oidcConfig');

/** ROCKETDECK_OIDC_* read once per process (boot checks them first, so a bad value stops the start naming its key). */
export function oidcConfig(): OidcConfig | undefined {
  const g = globalThis as unknown as Record<symbol, { cfg: OidcConfig | undefined } | undefined>;
  return (g[configKey] ??= { cfg: oidcConfigFromEnv() }).cfg;
}

const secure = (req: Request): string =>
  req.headers.get('x-forwarded-proto') === 'https' || new URL(req.url).protocol === 'https:' ? '; Secure' : '';

/**
 * The flow id cookie. SameSite=Lax, not Strict: the provider sends the browser back with a cross-site top-level GET,
 * which must carry it. Scoped to the callback path and ten minutes.
 */
export function flowCookie(req: Request, flowId: string): string {
  return `${OIDC_FLOW_COOKIE}=${flowId}; HttpOnly; SameSite=Lax; Path=/api/auth/oidc; Max-Age=${OIDC_FLOW_TTL_MS / 1000}${secure(req)}`;
}

export function clearedFlowCookie(req: Request): string {
  return `${OIDC_FLOW_COOKIE}=; HttpOnly; SameSite=Lax; Path=/api/auth/oidc; Max-Age=0${secure(req)}`;
}

/** Only same-site paths are followed after sign-in. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && !next.startsWith('/login') ? next : '/';
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Moves the browser to a console path with a tiny page instead of a redirect: the callback arrives as a cross-site
 * navigation, and a redirect would carry that on, so the SameSite=Strict session cookie would be left off the first
 * console page. A navigation started by this page is same-site. No script: a meta refresh and a link.
 */
export function continueTo(path: string, headers: Record<string, string | string[]> = {}): Response {
  const href = escapeHtml(path);
  const h = new Headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  for (const [k, v] of Object.entries(headers)) for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>RocketDeck</title></head>` +
      `<body><p>Signing in… <a href="${href}">continue</a></p></body></html>`,
    { status: 200, headers: h },
  );
}
