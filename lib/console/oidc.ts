// Console sign-in through OpenID Connect (openid-client): authorization code with PKCE. The state, nonce and PKCE
// verifier of a sign-in under way stay in the console database; the browser holds only a random flow id in a
// short-lived cookie, so a callback is accepted once, within ten minutes, in the browser that started it.

import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { RocketDeckError } from '../common/errors.ts';
import { createLogger } from '../common/log.ts';
import { sessionTokenHash, type Role } from './auth.ts';
import type { ConsoleDb } from './db.ts';
import { roleFromClaims, usernameFromClaims, type OidcConfig } from './oidc-config.ts';

const log = createLogger('console.oidc');

export const OIDC_FLOW_COOKIE = 'rd_oidc_flow';
export const OIDC_FLOW_TTL_MS = 10 * 60_000;
const PROVIDER_TIMEOUT_S = 10;

/** A sign-in through the provider that did not end in a session; the message is shown on the sign-in page. */
export class OidcSignInError extends RocketDeckError {
  constructor(message: string, options?: { cause?: unknown; retriable?: boolean }) {
    super(message, options);
    this.name = 'OidcSignInError';
  }
}

const hash = (s: string): string => createHash('sha256').update(s).digest('hex');

const discoveryKey = Symbol.for('rocketdeck.oidcDiscovery');

/** The provider's metadata, fetched once per process and issuer/client; a failed fetch is tried again next time. */
async function providerConfig(cfg: OidcConfig): Promise<client.Configuration> {
  const g = globalThis as unknown as Record<symbol, { key: string; config: Promise<client.Configuration> } | undefined>;
  const key = `${cfg.issuer.href}|${cfg.clientId}`;
  const cached = g[discoveryKey];
  if (cached && cached.key === key) return cached.config;
  const config = client
    .discovery(
      cfg.issuer,
      cfg.clientId,
      cfg.clientSecret ? { client_secret: cfg.clientSecret } : undefined,
      cfg.clientSecret ? client.ClientSecretPost(cfg.clientSecret) : client.None(),
      { execute: cfg.allowInsecure ? [client.allowInsecureRequests] : [], timeout: PROVIDER_TIMEOUT_S },
    )
    .catch((err: unknown) => {
      if (g[discoveryKey]?.config === config) g[discoveryKey] = undefined;
      throw new OidcSignInError(`the identity provider ${cfg.issuer.href} could not be reached: ${(err as Error).message}`, { cause: err, retriable: true });
    });
  g[discoveryKey] = { key, config };
  return config;
}

/** Where the provider sends the browser back: the configured URL, else this console's callback route. */
export function redirectUriFor(cfg: OidcConfig, requestOrigin: string): string {
  return cfg.redirectUrl?.href ?? new URL('/api/auth/oidc/callback', requestOrigin).href;
}

/**
 * Starts a sign-in: remembers state, nonce and verifier under a new flow id, and the session the browser holds now
 * (`currentToken`: the provider's redirect back is cross-site, so the SameSite=Strict cookie will not come along to
 * the callback, which ends that session); returns the URL to send the browser to.
 */
export async function startOidcFlow(db: ConsoleDb, cfg: OidcConfig, redirectUri: string, nextPath: string, currentToken?: string): Promise<{ url: URL; flowId: string }> {
  const config = await providerConfig(cfg);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const flowId = randomBytes(32).toString('base64url');
  const now = Date.now();
  db.prepare(`DELETE FROM oidc_flows WHERE expires_at < ?`).run(now);
  db.prepare(`INSERT INTO oidc_flows (id_hash, state, nonce, code_verifier, redirect_uri, next_path, prev_session_hash, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(
    hash(flowId), state, nonce, codeVerifier, redirectUri, nextPath, currentToken ? sessionTokenHash(currentToken) : null, now + OIDC_FLOW_TTL_MS,
  );
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: cfg.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url, flowId };
}

export interface OidcIdentity {
  username: string;
  role: Role;
  subject: string;
  email?: string;
  issuer: string;
  /** The console page the user started from. */
  nextPath: string;
  /** Stored hash of the session the browser held when it started (to be ended: the session id rotates). */
  previousSessionHash?: string;
}

/**
 * Finishes a sign-in from the provider's answer (`params`: the callback's query): the flow must be this browser's
 * and unused, the code is exchanged with the PKCE verifier, the ID token's state and nonce checked, and the user's
 * claims (ID token, then UserInfo) mapped to a console username and role. The user is stored with source 'oidc'.
 */
export async function finishOidcFlow(db: ConsoleDb, cfg: OidcConfig, flowId: string | undefined, params: URLSearchParams): Promise<OidcIdentity> {
  const row = flowId
    ? (db.prepare(`DELETE FROM oidc_flows WHERE id_hash = ? RETURNING state, nonce, code_verifier, redirect_uri, next_path, prev_session_hash, expires_at`).get(hash(flowId)) as
        | { state: string; nonce: string; code_verifier: string; redirect_uri: string; next_path: string; prev_session_hash: string | null; expires_at: number }
        | undefined)
    : undefined;
  if (!row || row.expires_at < Date.now()) {
    throw new OidcSignInError('this sign-in was not started in this browser, was already used, or took longer than 10 minutes: start again');
  }
  const providerError = params.get('error');
  if (providerError) {
    const description = params.get('error_description');
    throw new OidcSignInError(`the identity provider refused the sign-in: ${providerError}${description ? ` (${description})` : ''}`);
  }
  const config = await providerConfig(cfg);
  const currentUrl = new URL(row.redirect_uri);
  currentUrl.search = params.toString();
  let claims: Record<string, unknown>;
  try {
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: row.code_verifier,
      expectedState: row.state,
      expectedNonce: row.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims() as Record<string, unknown> | undefined;
    if (!idClaims) throw new OidcSignInError('the identity provider answered without an ID token');
    claims = { ...idClaims };
    try {
      // many providers (oidc-provider by default) give e-mail and groups only through UserInfo
      const info = await client.fetchUserInfo(config, tokens.access_token, String(idClaims.sub));
      claims = { ...info, ...idClaims };
    } catch (err) {
      log.warn('oidc_userinfo_failed', { issuer: cfg.issuer.href, error: (err as Error).message });
    }
  } catch (err) {
    if (err instanceof OidcSignInError) throw err;
    // openid-client says what failed in the cause ('unexpected "state" response parameter value')
    const cause = (err as Error).cause instanceof Error ? `: ${((err as Error).cause as Error).message}` : '';
    throw new OidcSignInError(`the identity provider's answer was not accepted: ${(err as Error).message}${cause}`, { cause: err });
  }
  const subject = String(claims.sub);
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  const username = usernameFromClaims(cfg, claims);
  const role = roleFromClaims(cfg, claims);
  if (!role) {
    throw new OidcSignInError(`'${username}' has no console role: claim '${cfg.roleClaim}' (${JSON.stringify(claims[cfg.roleClaim] ?? null)}) maps to none`);
  }
  const existing = db.prepare(`SELECT source, subject FROM users WHERE username = ?`).get(username) as { source: string; subject: string | null } | undefined;
  if (existing && existing.source !== 'oidc') throw new OidcSignInError(`'${username}' is a local console user: sign in with its password`);
  if (existing && existing.subject !== subject) throw new OidcSignInError(`'${username}' belongs to another identity of the provider (subject differs)`);
  db.prepare(
    `INSERT INTO users (username, role, password_hash, source, created_at, subject, email) VALUES (?, ?, '!', 'oidc', ?, ?, ?)
     ON CONFLICT (username) DO UPDATE SET role = excluded.role, email = excluded.email`,
  ).run(username, role, Date.now(), subject, email ?? null);
  return {
    username, role, subject, ...(email ? { email } : {}), issuer: cfg.issuer.href, nextPath: row.next_path,
    ...(row.prev_session_hash ? { previousSessionHash: row.prev_session_hash } : {}),
  };
}
