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
  // 2: samples per saved cluster; downsampling watermarks; saved clusters; queue assignments and rebalance history
  `ALTER TABLE samples RENAME TO samples_v1;
   DROP INDEX samples_ts;
   CREATE TABLE samples (
     cluster TEXT NOT NULL,
     kind TEXT NOT NULL,
     name TEXT NOT NULL,
     metric TEXT NOT NULL,
     resolution INTEGER NOT NULL,
     ts INTEGER NOT NULL,
     value REAL NOT NULL,
     PRIMARY KEY (cluster, kind, name, metric, resolution, ts)
   ) WITHOUT ROWID;
   INSERT INTO samples SELECT 'default', kind, name, metric, resolution, ts, value FROM samples_v1;
   DROP TABLE samples_v1;
   CREATE INDEX samples_ts ON samples (resolution, ts);
   CREATE TABLE downsample_state (
     resolution INTEGER PRIMARY KEY,
     done_before INTEGER NOT NULL
   );
   CREATE TABLE clusters (
     name TEXT PRIMARY KEY,
     namesrv_addr TEXT NOT NULL,
     position INTEGER NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE group_assignments (
     cluster TEXT NOT NULL,
     group_name TEXT NOT NULL,
     ts INTEGER NOT NULL,
     members TEXT NOT NULL,
     queues TEXT NOT NULL,
     PRIMARY KEY (cluster, group_name)
   );
   CREATE TABLE rebalance_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     cluster TEXT NOT NULL,
     group_name TEXT NOT NULL,
     ts INTEGER NOT NULL,
     members TEXT NOT NULL,
     joined TEXT NOT NULL,
     left_members TEXT NOT NULL,
     moved INTEGER NOT NULL,
     shares TEXT NOT NULL
   );
   CREATE INDEX rebalance_events_group ON rebalance_events (cluster, group_name, ts);`,
  // 3: alerts (lib/console/alerts): rules, channels, alert history, silences, notifications and their delivery log
  `CREATE TABLE alert_rules (id TEXT PRIMARY KEY, spec TEXT NOT NULL, source TEXT NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE alert_channels (id TEXT PRIMARY KEY, spec TEXT NOT NULL, source TEXT NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE alerts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     cluster TEXT NOT NULL,
     rule_id TEXT NOT NULL,
     subject TEXT NOT NULL,
     severity TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
     message TEXT NOT NULL,
     value REAL NOT NULL,
     labels TEXT NOT NULL,
     pending_since INTEGER NOT NULL,
     started_at INTEGER NOT NULL,
     resolved_at INTEGER,
     flapping INTEGER NOT NULL DEFAULT 0,
     acked_by TEXT,
     acked_at INTEGER
   );
   CREATE INDEX alerts_state ON alerts (state, started_at);
   CREATE INDEX alerts_key ON alerts (cluster, rule_id, subject, started_at);
   CREATE TABLE alert_silences (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     rule_id TEXT NOT NULL,
     cluster TEXT NOT NULL,
     subject TEXT NOT NULL,
     reason TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     ends_at INTEGER NOT NULL
   );
   CREATE TABLE alert_notifications (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     alert_id INTEGER,
     channel_id TEXT NOT NULL,
     event TEXT NOT NULL,
     ts INTEGER NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     payload TEXT NOT NULL
   );
   CREATE INDEX alert_notifications_alert ON alert_notifications (alert_id);
   CREATE TABLE alert_deliveries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     notification_id INTEGER NOT NULL,
     attempt INTEGER NOT NULL,
     ts INTEGER NOT NULL,
     ok INTEGER NOT NULL,
     status_code INTEGER,
     error TEXT,
     duration_ms INTEGER NOT NULL
   );
   CREATE INDEX alert_deliveries_notification ON alert_deliveries (notification_id);
   CREATE TABLE alert_known_brokers (
     cluster TEXT NOT NULL,
     broker_addr TEXT NOT NULL,
     broker_name TEXT NOT NULL,
     broker_id INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (cluster, broker_addr)
   );`,
  // 4: the admin role; users signed in through OpenID Connect (source 'oidc', their subject and e-mail); sign-ins
  // under way at the provider (state, nonce, PKCE verifier: kept here, the browser holds only the flow id)
  `CREATE TABLE users_v4 (
     username TEXT PRIMARY KEY,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
     password_hash TEXT NOT NULL,
     source TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     subject TEXT,
     email TEXT
   );
   INSERT INTO users_v4 (username, role, password_hash, source, created_at) SELECT username, role, password_hash, source, created_at FROM users;
   DROP TABLE users;
   ALTER TABLE users_v4 RENAME TO users;
   CREATE TABLE oidc_flows (
     id_hash TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     nonce TEXT NOT NULL,
     code_verifier TEXT NOT NULL,
     redirect_uri TEXT NOT NULL,
     next_path TEXT NOT NULL,
     prev_session_hash TEXT,
     expires_at INTEGER NOT NULL
   );`,
  // 5: access keys of saved clusters; the secret key sealed by lib/console/credentials.ts (never in clear)
  `CREATE TABLE cluster_credentials (
     cluster TEXT PRIMARY KEY,
     access_key TEXT NOT NULL,
     secret_enc TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
];

export function defaultDbPath(): string {
  // a path chosen at run time: the bundler must not trace the project for it
  return resolve(/*turbopackIgnore: true*/ process.env.ROCKETDECK_CONSOLE_DB ?? '.rocketdeck/console.db');
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
