// Console users, roles and sessions: scrypt password hashes and hashed session tokens in the console database.

import { randomBytes, scryptSync, timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConsoleDb } from './db.ts';
import { RocketDeckError } from '../common/errors.ts';

export type Role = 'viewer' | 'operator';
export const ROLES: readonly Role[] = ['viewer', 'operator'];
export const SESSION_COOKIE = 'rd_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface UserSpec {
  username: string;
  role: Role;
  password?: string;
  passwordHash?: string;
}

export interface Session {
  username: string;
  role: Role;
  expiresAt: number;
}

export class AuthConfigError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, saltB64, keyB64] = stored.split('$');
  if (scheme !== 'scrypt' || !saltB64 || !keyB64) return false;
  const expected = Buffer.from(keyB64, 'base64');
  const actual = scryptSync(password, Buffer.from(saltB64, 'base64'), expected.length);
  return timingSafeEqual(expected, actual);
}

function checkUser(u: Partial<UserSpec>, where: string): UserSpec {
  if (!u.username || !/^[A-Za-z0-9_.-]{1,64}$/.test(u.username)) throw new AuthConfigError(`${where}: username must be 1-64 letters, digits, '.', '_' or '-'`);
  if (!ROLES.includes(u.role as Role)) throw new AuthConfigError(`${where}: role of '${u.username}' must be 'viewer' or 'operator'`);
  if (!u.password && !u.passwordHash) throw new AuthConfigError(`${where}: user '${u.username}' needs a password or passwordHash`);
  return u as UserSpec;
}

/**
 * Users from the environment: ROCKETDECK_USERS="name:role:password,..." or ROCKETDECK_USERS_FILE pointing to a JSON
 * array of {username, role, password | passwordHash}. Undefined when neither is set.
 */
export function usersFromEnv(env: Record<string, string | undefined> = process.env): UserSpec[] | undefined {
  if (env.ROCKETDECK_USERS_FILE) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(env.ROCKETDECK_USERS_FILE, 'utf8'));
    } catch (err) {
      throw new AuthConfigError(`ROCKETDECK_USERS_FILE ${env.ROCKETDECK_USERS_FILE}: ${(err as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new AuthConfigError('ROCKETDECK_USERS_FILE must hold a JSON array of {username, role, password}');
    return parsed.map((u, i) => checkUser(u as Partial<UserSpec>, `ROCKETDECK_USERS_FILE entry ${i}`));
  }
  if (env.ROCKETDECK_USERS) {
    return env.ROCKETDECK_USERS.split(',').filter(Boolean).map((entry, i) => {
      const [username, role, ...rest] = entry.split(':');
      return checkUser({ username, role: role as Role, password: rest.join(':') }, `ROCKETDECK_USERS entry ${i + 1} (name:role:password)`);
    });
  }
  return undefined;
}

/**
 * Makes the users table match the configuration. With no configured users and none stored, creates an
 * 'admin' operator with a random password and returns it (to be printed once); otherwise returns undefined.
 */
export function ensureUsers(db: ConsoleDb, configured: UserSpec[] | undefined): { username: string; password: string } | undefined {
  const now = Date.now();
  if (configured) {
    db.transaction(() => {
      // configured users are the whole list: a generated admin from an earlier start goes too
      db.prepare(`DELETE FROM users WHERE source IN ('config', 'generated')`).run();
      const insert = db.prepare(`INSERT OR REPLACE INTO users (username, role, password_hash, source, created_at) VALUES (?, ?, ?, 'config', ?)`);
      for (const u of configured) insert.run(u.username, u.role, u.passwordHash ?? hashPassword(u.password!), now);
    })();
    return undefined;
  }
  const count = (db.prepare(`SELECT COUNT(*) AS n FROM users`).get() as { n: number }).n;
  if (count > 0) return undefined;
  const password = randomBytes(12).toString('base64url');
  db.prepare(`INSERT INTO users (username, role, password_hash, source, created_at) VALUES ('admin', 'operator', ?, 'generated', ?)`).run(hashPassword(password), now);
  return { username: 'admin', password };
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Checks the password and opens a session; returns the cookie token, or undefined when the credentials are wrong. */
export function signIn(db: ConsoleDb, username: string, password: string): { token: string; session: Session } | undefined {
  const row = db.prepare(`SELECT role, password_hash FROM users WHERE username = ?`).get(username) as { role: Role; password_hash: string } | undefined;
  if (!row || !verifyPassword(password, row.password_hash)) return undefined;
  const token = randomBytes(32).toString('base64url');
  const session: Session = { username, role: row.role, expiresAt: Date.now() + SESSION_TTL_MS };
  db.prepare(`DELETE FROM sessions WHERE expires_at < ?`).run(Date.now());
  db.prepare(`INSERT INTO sessions (token_hash, username, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`).run(tokenHash(token), username, row.role, Date.now(), session.expiresAt);
  return { token, session };
}

export function sessionFor(db: ConsoleDb, token: string | undefined): Session | undefined {
  if (!token) return undefined;
  // the role comes from the users table, so a removed user or a changed role takes effect at once
  const row = db.prepare(
    `SELECT s.username AS username, u.role AS role, s.expires_at AS expires_at FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ?`,
  ).get(tokenHash(token)) as
    | { username: string; role: Role; expires_at: number }
    | undefined;
  if (!row || row.expires_at < Date.now()) return undefined;
  return { username: row.username, role: row.role, expiresAt: row.expires_at };
}

export function signOut(db: ConsoleDb, token: string | undefined): void {
  if (token) db.prepare(`DELETE FROM sessions WHERE token_hash = ?`).run(tokenHash(token));
}

/**
 * Failed sign-ins per username: after `max` failures within `windowMs`, further tries are refused until the oldest
 * of them has aged out, which keeps password guessing slow.
 */
export class LoginThrottle {
  private readonly fails = new Map<string, number[]>();

  constructor(
    readonly max = 5,
    readonly windowMs = 5 * 60_000,
  ) {}

  /** 0 when a try is allowed now, else how long to wait. */
  retryAfterMs(username: string, now = Date.now()): number {
    const recent = (this.fails.get(username) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length) this.fails.set(username, recent);
    else this.fails.delete(username);
    return recent.length >= this.max ? recent[0]! + this.windowMs - now : 0;
  }

  fail(username: string, now = Date.now()): void {
    this.fails.set(username, [...(this.fails.get(username) ?? []), now].slice(-this.max));
  }

  succeed(username: string): void {
    this.fails.delete(username);
  }
}

const throttleKey = Symbol.for('rocketdeck.loginThrottle');

export function sharedLoginThrottle(): LoginThrottle {
  const g = globalThis as unknown as Record<symbol, LoginThrottle | undefined>;
  return (g[throttleKey] ??= new LoginThrottle());
}
