// Request guards and JSON plumbing for the console's route handlers: errors with status, Origin and role checks,
// session cookies, input parsing that names the bad field. Plain Web Request/Response, no Next.js imports.

import { createLogger } from '../common/log.ts';
import { isNotFoundCode, validateGroup, validateTopic } from '../admin/index.ts';
import { codeOf, describe, isClusterFailure, isTimeout } from './errors.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, roleAtLeast, sessionFor, type Role, type Session } from './auth.ts';
import { recordAudit } from './audit.ts';
import { sharedConsoleDb, type ConsoleDb } from './db.ts';
import { RocketDeckError } from '../common/errors.ts';

const log = createLogger('console.api');

/** An answer with a status: bad input (400, naming the field), not signed in (401), refused (403), unknown (404). */
export class HttpError extends RocketDeckError {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** Status and text for any failure: HttpError as is, cluster failures as 404/502/504. */
export function statusOf(err: unknown): { status: number; error: string; field?: string } {
  if (isHttpError(err)) return err.field ? { status: err.status, error: err.message, field: err.field } : { status: err.status, error: err.message };
  const code = codeOf(err);
  if (isNotFoundCode(code)) return { status: 404, error: describe(err) };
  if (isTimeout(err)) return { status: 504, error: describe(err) };
  if (isClusterFailure(err)) return { status: 502, error: describe(err) };
  return { status: 500, error: describe(err) };
}

/** By name and status, as an HttpError from another bundle's copy of this module is not an instance of this one. */
const isHttpError = (err: unknown): err is HttpError =>
  err instanceof HttpError || (err instanceof Error && err.name === 'HttpError' && typeof (err as HttpError).status === 'number');

export function errorResponse(err: unknown): Response {
  const s = statusOf(err);
  if (s.status >= 500) log.warn('request_failed', { status: s.status, error: err });
  const body: { error: string; field?: string } = { error: s.error };
  if (s.field) body.field = s.field;
  return json(body, s.status);
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Wraps a route handler: anything thrown becomes a JSON error answer. A write is first checked for an Origin of this
 * console (CSRF), before the handler reads anything, so no write route can forget it; only sign-in and sign-out
 * (/api/auth/) accept a request without Origin (scripts), never a foreign one.
 */
export function api<A extends unknown[]>(fn: (req: Request, ...rest: A) => Promise<Response> | Response) {
  return async (req: Request, ...rest: A): Promise<Response> => {
    try {
      if (WRITE_METHODS.has(req.method)) checkOriginAudited(req, sharedConsoleDb(), !new URL(req.url).pathname.startsWith('/api/auth/'));
      return await fn(req, ...rest);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

// --- cookies and sessions ------------------------------------------------------------------------------------

export function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export function sessionToken(req: Request): string | undefined {
  return parseCookies(req.headers.get('cookie'))[SESSION_COOKIE];
}

const isHttps = (req: Request): boolean =>
  req.headers.get('x-forwarded-proto') === 'https' || new URL(req.url).protocol === 'https:';

/** HttpOnly, SameSite=Strict session cookie (Secure behind https). */
export function sessionCookie(req: Request, token: string): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(SESSION_TTL_MS / 1000)}${isHttps(req) ? '; Secure' : ''}`;
}

export function clearedSessionCookie(req: Request): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${isHttps(req) ? '; Secure' : ''}`;
}

export function currentSession(req: Request, db: ConsoleDb): Session | undefined {
  return sessionFor(db, sessionToken(req));
}

/**
 * A browser names the page that sent a request in Origin; a request changing something must come from a page of
 * this console (same host), so another site cannot make a signed-in browser act. `required`: a missing Origin is
 * refused too (mutations); otherwise only a foreign one is (sign-in and sign-out from scripts).
 */
export function checkOrigin(req: Request, required = true): void {
  const origin = req.headers.get('origin');
  const host = req.headers.get('host');
  if (!origin) {
    if (required) throw new HttpError(403, 'Origin: a request that changes something must carry an Origin header of this console', 'origin');
    return;
  }
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new HttpError(403, `Origin: '${origin}' is not a URL`, 'origin');
  }
  if (!host || originHost.toLowerCase() !== host.toLowerCase()) {
    throw new HttpError(403, `Origin: '${origin}' does not match this console (${host ?? 'no Host header'})`, 'origin');
  }
}

/** Any signed-in user (401 otherwise). */
export function requireUser(req: Request, db: ConsoleDb): Session {
  const s = currentSession(req, db);
  if (!s) throw new HttpError(401, 'sign in first');
  return s;
}

/**
 * The client's address as Next.js passes it: `next start` puts the socket's address in X-Forwarded-For unless the
 * request already carries one, so behind a reverse proxy that proxy must set (not append to) the header.
 */
export function remoteAddress(req: Request): string {
  return req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
}

/** Writes a refused change to the audit log (who, which route, why, from where), then throws it. */
export function refuse(req: Request, db: ConsoleDb, username: string, err: HttpError): never {
  recordAudit(db, {
    username,
    action: 'refused',
    target: `${req.method} ${new URL(req.url).pathname}`,
    params: { status: err.status, address: remoteAddress(req) },
    ok: false,
    result: { error: err.message },
  });
  throw err;
}

/** checkOrigin, with a refusal written to the audit log. */
export function checkOriginAudited(req: Request, db: ConsoleDb, required = true): void {
  try {
    checkOrigin(req, required);
  } catch (err) {
    if (isHttpError(err)) refuse(req, db, currentSession(req, db)?.username ?? 'anonymous', err);
    throw err;
  }
}

/**
 * A change: Origin of this console (CSRF), then a signed-in user with at least role `min` (401 anonymous, 403 a
 * lesser role). Every refusal is in the audit log.
 */
export function requireRole(req: Request, db: ConsoleDb, min: Role): Session {
  const s = currentSession(req, db);
  try {
    checkOrigin(req, true);
  } catch (err) {
    if (isHttpError(err)) refuse(req, db, s?.username ?? 'anonymous', err);
    throw err;
  }
  if (!s) refuse(req, db, 'anonymous', new HttpError(401, 'sign in first'));
  if (!roleAtLeast(s.role, min)) refuse(req, db, s.username, new HttpError(403, `user '${s.username}' is a ${s.role}: this change needs the ${min} role`));
  return s;
}

/** A change to the cluster or the console's settings: operator or admin. */
export function requireOperator(req: Request, db: ConsoleDb): Session {
  return requireRole(req, db, 'operator');
}

/** A change to who may do what (users, credentials): admin only. */
export function requireAdmin(req: Request, db: ConsoleDb): Session {
  return requireRole(req, db, 'admin');
}

// --- input -----------------------------------------------------------------------------------------------------

export type Body = Record<string, unknown>;

export async function readBody(req: Request): Promise<Body> {
  let text: string;
  try {
    text = await req.text();
  } catch (err) {
    throw new HttpError(400, `body: could not be read (${(err as Error).message})`, 'body');
  }
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body: not valid JSON', 'body');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'body: must be a JSON object', 'body');
  return v as Body;
}

export function bad(field: string, message: string): HttpError {
  return new HttpError(400, `${field}: ${message}`, field);
}

export function str(body: Body, field: string, opts: { required: true }): string;
export function str(body: Body, field: string, opts?: { required?: boolean }): string | undefined;
export function str(body: Body, field: string, opts: { required?: boolean } = {}): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') {
    if (opts.required) throw bad(field, 'is required');
    return undefined;
  }
  if (typeof v !== 'string') throw bad(field, 'must be a string');
  return v;
}

export function int(body: Body, field: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw bad(field, 'must be an integer');
  if (opts.min !== undefined && n < opts.min) throw bad(field, `must be at least ${opts.min}`);
  if (opts.max !== undefined && n > opts.max) throw bad(field, `must be at most ${opts.max}`);
  return n;
}

export function bool(body: Body, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1' || v === 1) return true;
  if (v === 'false' || v === '0' || v === 0) return false;
  throw bad(field, 'must be true or false');
}

export function strList(body: Body, field: string): string[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw bad(field, 'must be a list of names');
  return v as string[];
}

/** Query parameter as an integer within bounds (400 naming it otherwise). */
export function intParam(url: URL, name: string, opts: { min?: number; max?: number; default: number }): number;
export function intParam(url: URL, name: string, opts?: { min?: number; max?: number }): number | undefined;
export function intParam(url: URL, name: string, opts: { min?: number; max?: number; default?: number } = {}): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw.trim() === '') return opts.default;
  return int({ [name]: raw.trim() }, name, opts);
}

/** Epoch milliseconds or ISO-8601 text. */
export function parseTime(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const t = value.trim();
    if (/^\d+$/.test(t)) return Number(t);
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  throw bad(field, 'must be epoch milliseconds or an ISO date-time');
}

export function timeParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  return raw === null || raw.trim() === '' ? fallback : parseTime(raw, name);
}

/** A yes/no query parameter: absent or empty is `fallback`; true/false/1/0 (any case); anything else is a 400. */
export function boolParam(url: URL, name: string, fallback = false): boolean {
  const raw = url.searchParams.get(name)?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw bad(name, `'${raw}' is not true or false`);
}

export function checkTopic(value: unknown, field = 'topic'): string {
  if (typeof value !== 'string') throw bad(field, 'is required');
  const why = validateTopic(value);
  if (why) throw bad(field, why);
  return value;
}

export function checkGroup(value: unknown, field = 'group'): string {
  if (typeof value !== 'string') throw bad(field, 'is required');
  const why = validateGroup(value);
  if (why) throw bad(field, why);
  return value;
}

/** host:port of a broker given in a path. */
export function checkAddr(value: string, field = 'brokerAddr'): string {
  const i = value.lastIndexOf(':');
  const port = Number(value.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw bad(field, `'${value}' is not host:port`);
  return value;
}
