// Access keys of saved clusters, the secret key sealed with AES-256-GCM under the console's own key: that key comes
// from ROCKETDECK_SECRET_KEY, else from a key file made on first start next to the database (mode 0600).
// Stored text: "v1:" + base64(iv 12 bytes | tag 16 bytes | ciphertext); the cluster name is the additional data, so
// a sealed secret copied onto another cluster's row does not open.

import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RocketDeckError } from '../common/errors.ts';
import { defaultDbPath, type ConsoleDb } from './db.ts';

export const SECRET_KEY_ENV = 'ROCKETDECK_SECRET_KEY';
export const KEY_FILE_NAME = 'console-secret.key';
const FORMAT = 'v1:';

export interface SessionCredentials {
  accessKey: string;
  secretKey: string;
}

/** The console's key cannot be read, or does not open what the database holds: names the setting, never a secret. */
export class CredentialKeyError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialKeyError';
  }
}

export interface ConsoleKey {
  key: Buffer;
  /** Where it came from, for error messages: the setting's name or the key file's path. */
  source: string;
}

/** The key file next to a database. */
export const keyFilePath = (dbPath = defaultDbPath()): string => join(dirname(dbPath), KEY_FILE_NAME);

/**
 * ROCKETDECK_SECRET_KEY (any text: stretched with scrypt), else the key file beside the database, created with
 * 32 random bytes and mode 0600 when missing. An in-memory database without the setting gets a key for this run.
 */
export function loadConsoleKey(env: Record<string, string | undefined> = process.env, dbPath = defaultDbPath()): ConsoleKey {
  const given = env[SECRET_KEY_ENV];
  if (given !== undefined && given !== '') {
    if (given.length < 16) throw new CredentialKeyError(`${SECRET_KEY_ENV}: give at least 16 characters`);
    return { key: scryptSync(given, 'rocketdeck-console-credentials', 32), source: SECRET_KEY_ENV };
  }
  if (dbPath === ':memory:') return { key: randomBytes(32), source: 'a key of this process (in-memory database)' };
  const file = keyFilePath(dbPath);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CredentialKeyError(`key file ${file} (or set ${SECRET_KEY_ENV}): ${(err as Error).message}`);
  }
  if (text === undefined) {
    try {
      // 'wx': two starting processes must not write two keys
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new CredentialKeyError(`key file ${file} could not be created (or set ${SECRET_KEY_ENV}): ${(err as Error).message}`);
    }
    text = readFileSync(file, 'utf8');
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new CredentialKeyError(`key file ${file}: not 32 bytes of base64 (remove it only if no credentials are stored, or set ${SECRET_KEY_ENV})`);
  return { key, source: `key file ${file}` };
}

export function seal(k: ConsoleKey, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return FORMAT + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
}

export function unseal(k: ConsoleKey, sealed: string, context: string): string {
  const raw = sealed.startsWith(FORMAT) ? Buffer.from(sealed.slice(FORMAT.length), 'base64') : undefined;
  if (!raw || raw.length < 28) throw new CredentialKeyError(`the stored secret key of cluster '${context}' is not in a known format`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', k.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialKeyError(
      `the stored secret key of cluster '${context}' does not open with the console's key (${k.source}): ` +
        `start the console with the ${SECRET_KEY_ENV} (or key file) it was saved with, or save the cluster's credentials again`,
    );
  }
}

const keyHolder = Symbol.for('rocketdeck.consoleKey');

/** The console's key, loaded once per process. */
export function consoleKey(): ConsoleKey {
  const g = globalThis as unknown as Record<symbol, ConsoleKey | undefined>;
  return (g[keyHolder] ??= loadConsoleKey());
}

// --- per-cluster rows ----------------------------------------------------------------------------------------------

export interface CredentialsSummary {
  accessKey: string;
  secretKeySet: boolean;
  updatedAt: number;
}

interface Row {
  access_key: string;
  secret_enc: string;
  updated_at: number;
}

const row = (db: ConsoleDb, cluster: string): Row | undefined =>
  db.prepare(`SELECT access_key, secret_enc, updated_at FROM cluster_credentials WHERE cluster = ?`).get(cluster) as Row | undefined;

/** What may be shown of a cluster's credentials: the access key and that a secret is set. */
export function credentialsSummary(db: ConsoleDb, cluster: string): CredentialsSummary | undefined {
  const r = row(db, cluster);
  return r ? { accessKey: r.access_key, secretKeySet: r.secret_enc !== '', updatedAt: r.updated_at } : undefined;
}

export function saveCredentials(db: ConsoleDb, k: ConsoleKey, cluster: string, c: SessionCredentials): void {
  db.prepare(
    `INSERT INTO cluster_credentials (cluster, access_key, secret_enc, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (cluster) DO UPDATE SET access_key = excluded.access_key, secret_enc = excluded.secret_enc, updated_at = excluded.updated_at`,
  ).run(cluster, c.accessKey, seal(k, c.secretKey, cluster), Date.now());
}

export function deleteCredentials(db: ConsoleDb, cluster: string): boolean {
  return db.prepare(`DELETE FROM cluster_credentials WHERE cluster = ?`).run(cluster).changes > 0;
}

/** The credentials a cluster's admin client signs with; undefined when none are saved. Throws CredentialKeyError. */
export function openCredentials(db: ConsoleDb, k: ConsoleKey, cluster: string): (SessionCredentials & { fingerprint: string }) | undefined {
  const r = row(db, cluster);
  if (!r) return undefined;
  // the fingerprint tells a changed secret apart without holding the secret in the pool's key
  const fingerprint = createHash('sha256').update(`${r.access_key}\n${r.secret_enc}`).digest('base64url').slice(0, 16);
  return { accessKey: r.access_key, secretKey: unseal(k, r.secret_enc, cluster), fingerprint };
}

/** Opens every stored secret once (at start-up): a wrong key is reported then, naming the setting. */
export function checkStoredCredentials(db: ConsoleDb, k: ConsoleKey): string[] {
  const names = (db.prepare(`SELECT cluster FROM cluster_credentials`).all() as Array<{ cluster: string }>).map((r) => r.cluster);
  const bad: string[] = [];
  for (const name of names) {
    try {
      openCredentials(db, k, name);
    } catch {
      bad.push(name);
    }
  }
  return bad;
}
