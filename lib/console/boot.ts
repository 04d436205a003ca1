// Console start-up, once per server process: users (printing a generated admin password once), the saved cluster
// from NAMESRV_ADDR, and the background collector. instrumentation.ts calls it; route handlers reach it lazily.

import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createLogger } from '../common/log.ts';
import { ensureUsers, usersFromEnv } from './auth.ts';
import { oidcConfigFromEnv } from './oidc-config.ts';
import { loginLimitsFromEnv } from './rate-limit.ts';
import { seedDefaultCluster } from './clusters.ts';
import { Collector, DEFAULT_INTERVAL_MS } from './collector.ts';
import { checkStoredCredentials, consoleKey, SECRET_KEY_ENV } from './credentials.ts';
import { defaultDbPath, sharedConsoleDb, type ConsoleDb } from './db.ts';
import { AlertService } from './alerts/service.ts';
import { maskRulesFromEnv } from './masking.ts';
import { tailLimitsFromEnv } from './tail-hub.ts';

const log = createLogger('console');

export interface ConsoleRuntime {
  db: ConsoleDb;
  collector: Collector;
  alerts: AlertService;
  startedAt: number;
}

const bootKey = Symbol.for('rocketdeck.consoleRuntime');

/** Where a generated admin password is left for `rocketdeck up` and the browser tests: next to the database. */
export function initialPasswordPath(dbPath = defaultDbPath()): string {
  return join(dirname(dbPath), 'initial-admin-password');
}

function intervalFromEnv(env: Record<string, string | undefined>): number {
  const v = Number(env.ROCKETDECK_COLLECT_INTERVAL_MS);
  return Number.isFinite(v) && v >= 100 ? v : DEFAULT_INTERVAL_MS;
}

/** Users from the environment into the database; a first start without any prints and files the admin password. */
export function setUpUsers(db: ConsoleDb, env: Record<string, string | undefined>, dbPath: string, print: (line: string) => void): void {
  const configured = usersFromEnv(env);
  const created = ensureUsers(db, configured);
  const file = initialPasswordPath(dbPath);
  if (created) {
    print(`RocketDeck console: created user '${created.username}' with password ${created.password} (shown once; also in ${file})`);
    if (dbPath !== ':memory:') {
      writeFileSync(file, created.password + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
    }
  } else if (configured && dbPath !== ':memory:') {
    // configured users replace a generated admin: its password file no longer opens anything
    rmSync(file, { force: true });
  }
}

/** Loads the console's key (the first start makes the key file) and tries it on every stored secret, naming the setting when one does not open. */
function checkConsoleKey(db: ConsoleDb): void {
  try {
    const key = consoleKey();
    const unreadable = checkStoredCredentials(db, key);
    if (unreadable.length) {
      log.error('credentials_unreadable', {
        clusters: unreadable,
        reason: `the stored secret keys do not open with the console's key (${key.source}): start with the ${SECRET_KEY_ENV} (or key file) they were saved with, or save them again`,
      });
    }
  } catch (err) {
    log.error('console_key_unreadable', { error: err });
  }
}

export function bootConsole(opts: { env?: Record<string, string | undefined>; print?: (line: string) => void } = {}): ConsoleRuntime {
  const g = globalThis as unknown as Record<symbol, ConsoleRuntime | undefined>;
  const existing = g[bootKey];
  if (existing) return existing;
  const env = opts.env ?? process.env;
  // settings checked before anything starts: a bad value stops the console with its key named
  oidcConfigFromEnv(env);
  loginLimitsFromEnv(env);
  maskRulesFromEnv(env);
  tailLimitsFromEnv(env);
  const db = sharedConsoleDb();
  setUpUsers(db, env, defaultDbPath(), opts.print ?? ((line) => process.stdout.write(line + '\n')));
  seedDefaultCluster(db, env.NAMESRV_ADDR);
  checkConsoleKey(db);
  const alerts = new AlertService(db, env.ROCKETDECK_ALERTS_FILE ? { file: env.ROCKETDECK_ALERTS_FILE } : {});
  const collector = new Collector({ db, intervalMs: intervalFromEnv(env), afterCollect: (cluster, snap, admin) => alerts.afterCollect(cluster, snap, admin),
    afterCycle: (clusters) => alerts.retain(clusters),
  });
  const rt: ConsoleRuntime = { db, collector, alerts, startedAt: Date.now() };
  g[bootKey] = rt;
  if (env.ROCKETDECK_COLLECTOR !== 'off') collector.start();
  log.info('console_booted', { db: defaultDbPath(), collectIntervalMs: collector.intervalMs, collector: collector.running });
  return rt;
}
