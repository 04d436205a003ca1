// The console's embedded SQLite database (better-sqlite3): schema, migrations and the shared handle.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type ConsoleDb = Database.Database;

/** Schema versions, applied in order; each entry moves the database one version up. */
const MIGRATIONS: string[] = [
  `CREATE TABLE users (
     username TEXT PRIMARY KEY,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'operator')),
     password_hash TEXT NOT NULL,
     source TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     username TEXT NOT NULL,
     role TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ts INTEGER NOT NULL,
     username TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     params TEXT NOT NULL,
     ok INTEGER NOT NULL,
     result TEXT NOT NULL
   );
   CREATE INDEX audit_log_ts ON audit_log (ts);
   CREATE TABLE samples (
     kind TEXT NOT NULL,
     name TEXT NOT NULL,
     metric TEXT NOT NULL,
     resolution INTEGER NOT NULL,
     ts INTEGER NOT NULL,
     value REAL NOT NULL,
     PRIMARY KEY (kind, name, metric, resolution, ts)
   ) WITHOUT ROWID;
   CREATE INDEX samples_ts ON samples (resolution, ts);`,
];

export function defaultDbPath(): string {
  return resolve(process.env.ROCKETDECK_CONSOLE_DB ?? '.rocketdeck/console.db');
}

export function openConsoleDb(path = defaultDbPath()): ConsoleDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}

const globalKey = Symbol.for('rocketdeck.consoleDb');

/** One handle per server process (Next.js may evaluate route modules more than once). */
export function sharedConsoleDb(): ConsoleDb {
  const g = globalThis as unknown as Record<symbol, ConsoleDb | undefined>;
  if (!g[globalKey]) g[globalKey] = openConsoleDb();
  return g[globalKey]!;
}
