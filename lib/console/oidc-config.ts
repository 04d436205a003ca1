// OpenID Connect sign-in settings from the environment (ROCKETDECK_OIDC_*), checked once at start; a bad value
// names its key. Also maps the claims of a signed-in user to a console username and role.

import { AuthConfigError, ROLES, roleAtLeast, type Role } from './auth.ts';

export interface OidcConfig {
  issuer: URL;
  clientId: string;
  /** Absent: a public client (PKCE only, no client authentication at the token endpoint). */
  clientSecret?: string;
  /** Absent: `<console origin>/api/auth/oidc/callback`, from the request. */
  redirectUrl?: URL;
  /** The sign-in button says "Sign in with <name>". */
  name: string;
  scopes: string;
  /** Claim holding the role values (string or list of strings); a dotted path reaches nested claims. */
  roleClaim: string;
  /** Claim value → console role; with several mapped values the highest role wins. */
  roleMap: ReadonlyMap<string, Role>;
  /** Role of a user whose claim maps to none; absent: such a user is refused. */
  defaultRole?: Role;
  /** Claim used as console username (falls back to `sub`). */
  usernameClaim: string;
  /** http:// issuers are allowed only on loopback addresses (tests, a provider on the same host). */
  allowInsecure: boolean;
}

const KEYS = [
  'ROCKETDECK_OIDC_ISSUER', 'ROCKETDECK_OIDC_CLIENT_ID', 'ROCKETDECK_OIDC_CLIENT_SECRET', 'ROCKETDECK_OIDC_REDIRECT_URL',
  'ROCKETDECK_OIDC_NAME', 'ROCKETDECK_OIDC_SCOPES', 'ROCKETDECK_OIDC_ROLE_CLAIM', 'ROCKETDECK_OIDC_ROLES',
  'ROCKETDECK_OIDC_DEFAULT_ROLE', 'ROCKETDECK_OIDC_USERNAME_CLAIM',
];

const isLoopback = (host: string): boolean => host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

function parseUrl(key: string, raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AuthConfigError(`${key}: '${raw}' is not a URL`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopback(u.hostname))) {
    throw new AuthConfigError(`${key}: '${raw}' must be https:// (http:// only on localhost / 127.0.0.1)`);
  }
  return u;
}

function parseRole(key: string, raw: string): Role {
  const r = raw.trim() as Role;
  if (!ROLES.includes(r)) throw new AuthConfigError(`${key}: '${raw}' is not a role (viewer, operator or admin)`);
  return r;
}

/** The OIDC settings, or undefined when ROCKETDECK_OIDC_ISSUER is not set (and no other OIDC key is). */
export function oidcConfigFromEnv(env: Record<string, string | undefined> = process.env): OidcConfig | undefined {
  const v = (k: string): string | undefined => {
    const raw = env[k]?.trim();
    return raw ? raw : undefined;
  };
  const issuerRaw = v('ROCKETDECK_OIDC_ISSUER');
  if (!issuerRaw) {
    const stray = KEYS.find((k) => v(k) !== undefined);
    if (stray) throw new AuthConfigError(`ROCKETDECK_OIDC_ISSUER: is required when ${stray} is set`);
    return undefined;
  }
  const issuer = parseUrl('ROCKETDECK_OIDC_ISSUER', issuerRaw);
  const clientId = v('ROCKETDECK_OIDC_CLIENT_ID');
  if (!clientId) throw new AuthConfigError('ROCKETDECK_OIDC_CLIENT_ID: is required with ROCKETDECK_OIDC_ISSUER');
  const redirectRaw = v('ROCKETDECK_OIDC_REDIRECT_URL');
  const redirectUrl = redirectRaw ? parseUrl('ROCKETDECK_OIDC_REDIRECT_URL', redirectRaw) : undefined;
  if (redirectUrl && (redirectUrl.search || redirectUrl.hash)) throw new AuthConfigError(`ROCKETDECK_OIDC_REDIRECT_URL: '${redirectRaw}' must have no query or fragment`);

  const roleMap = new Map<string, Role>();
  for (const entry of (v('ROCKETDECK_OIDC_ROLES') ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const i = entry.lastIndexOf('=');
    if (i <= 0) throw new AuthConfigError(`ROCKETDECK_OIDC_ROLES: '${entry}' is not claim-value=role`);
    roleMap.set(entry.slice(0, i).trim(), parseRole('ROCKETDECK_OIDC_ROLES', entry.slice(i + 1)));
  }
  const defaultRaw = v('ROCKETDECK_OIDC_DEFAULT_ROLE');
  const defaultRole = defaultRaw ? parseRole('ROCKETDECK_OIDC_DEFAULT_ROLE', defaultRaw) : undefined;
  if (roleMap.size === 0 && !defaultRole) {
    throw new AuthConfigError('ROCKETDECK_OIDC_ROLES: needs at least one claim-value=role (e.g. rocketdeck-ops=operator) unless ROCKETDECK_OIDC_DEFAULT_ROLE is set');
  }
  const scopes = v('ROCKETDECK_OIDC_SCOPES') ?? 'openid email profile';
  if (!scopes.split(/\s+/).includes('openid')) throw new AuthConfigError(`ROCKETDECK_OIDC_SCOPES: '${scopes}' must include openid`);
  return {
    issuer,
    clientId,
    ...(v('ROCKETDECK_OIDC_CLIENT_SECRET') ? { clientSecret: v('ROCKETDECK_OIDC_CLIENT_SECRET')! } : {}),
    ...(redirectUrl ? { redirectUrl } : {}),
    name: v('ROCKETDECK_OIDC_NAME') ?? issuer.host,
    scopes,
    roleClaim: v('ROCKETDECK_OIDC_ROLE_CLAIM') ?? 'groups',
    roleMap,
    ...(defaultRole ? { defaultRole } : {}),
    usernameClaim: v('ROCKETDECK_OIDC_USERNAME_CLAIM') ?? 'email',
    allowInsecure: issuer.protocol === 'http:',
  };
}

function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let cur: unknown = claims;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The highest role the role claim maps to, the default role, or undefined (refused). */
export function roleFromClaims(cfg: OidcConfig, claims: Record<string, unknown>): Role | undefined {
  const raw = claimAt(claims, cfg.roleClaim);
  const values = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  let best: Role | undefined;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const r = cfg.roleMap.get(value);
    if (r && (!best || roleAtLeast(r, best))) best = r;
  }
  return best ?? cfg.defaultRole;
}

const USERNAME = /^[A-Za-z0-9_.@+-]{1,128}$/;

/** The console username of an OIDC user: the username claim when it is a plain name or e-mail, else the subject. */
export function usernameFromClaims(cfg: OidcConfig, claims: Record<string, unknown>): string {
  const preferred = claimAt(claims, cfg.usernameClaim);
  if (typeof preferred === 'string' && USERNAME.test(preferred)) return preferred;
  const sub = String(claims.sub ?? '');
  return USERNAME.test(sub) ? sub : `oidc-${Buffer.from(sub).toString('base64url').slice(0, 100)}`;
}
