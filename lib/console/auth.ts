// Console users, roles and sessions: scrypt password hashes and hashed session tokens in the console database.

import { randomBytes, scryptSync, timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConsoleDb } from './db.ts';
import { RocketDeckError } from '../common/errors.ts';

/** viewer: reads; operator: also changes topics, groups, offsets and alerts; admin: also manages access (users, keys). */
export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** Whether `role` has at least the rights of `min` (viewer < operator < admin). */
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}
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
  if (!ROLES.includes(u.role as Role)) throw new AuthConfigError(`${where}: role of '${u.username}' must be 'viewer', 'operator' or 'admin'`);
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

/**
 * Opens a session with a new random token. The token the browser held before (`previousToken`) is ended in the same
 * step: a signed-in browser always gets a new session id, so a token planted or seen before sign-in is worth nothing.
 */
export function openSession(db: ConsoleDb, username: string, role: Role, previousToken?: string): { token: string; session: Session } {
  const token = randomBytes(32).toString('base64url');
  const session: Session = { username, role, expiresAt: Date.now() + SESSION_TTL_MS };
  db.transaction(() => {
    if (previousToken) db.prepare(`DELETE FROM sessions WHERE token_hash = ?`).run(tokenHash(previousToken));
    db.prepare(`DELETE FROM sessions WHERE expires_at < ?`).run(Date.now());
    db.prepare(`INSERT INTO sessions (token_hash, username, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`).run(tokenHash(token), username, role, Date.now(), session.expiresAt);
  })();
  return { token, session };
}

/** Checks the password and opens a session (ending `previousToken`'s); undefined when the credentials are wrong. */
export function signIn(db: ConsoleDb, username: string, password: string, previousToken?: string): { token: string; session: Session } | undefined {
  // users who sign in through OpenID Connect have no password here
  const row = db.prepare(`SELECT role, password_hash FROM users WHERE username = ? AND source != 'oidc'`).get(username) as { role: Role; password_hash: string } | undefined;
  if (!row || !verifyPassword(password, row.password_hash)) return undefined;
  return openSession(db, username, row.role, previousToken);
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

/** The stored form of a session token (what the sessions table keys by). */
export function sessionTokenHash(token: string): string {
  return tokenHash(token);
}

/** Ends a session known by its stored hash (an OIDC sign-in ends the session that started it this way). */
export function endSessionByHash(db: ConsoleDb, hash: string): void {
  db.prepare(`DELETE FROM sessions WHERE token_hash = ?`).run(hash);
}

export function signOut(db: ConsoleDb, token: string | undefined): void {
  if (token) db.prepare(`DELETE FROM sessions WHERE token_hash = ?`).run(tokenHash(token));
}
