// One AdminClient per saved cluster per server process, kept on globalThis (Next.js may load route modules twice).

import { AdminClient } from '../admin/index.ts';
import type { SavedCluster } from './clusters.ts';
import { consoleKey, openCredentials } from './credentials.ts';
import type { ConsoleDb } from './db.ts';

interface Pooled {
  /** Nameservers and credentials' fingerprint: a change of either replaces the client. */
  key: string;
  client: AdminClient;
}

const poolKey = Symbol.for('rocketdeck.adminPool');

function pool(): Map<string, Pooled> {
  const g = globalThis as unknown as Record<symbol, Map<string, Pooled> | undefined>;
  return (g[poolKey] ??= new Map());
}

const positiveEnv = (name: string): number | undefined => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
};

/**
 * Calls in flight per fan-out. Above the admin default (16): a broker without GET_BROKER_CONSUME_STATS is asked
 * once per group for the group list, and those small calls overlap well.
 */
export const CONSOLE_CONCURRENCY = 32;

/**
 * How long a page's read waits for one broker (ms). A broker that misses it is left out of the answer, named with
 * its error, and not waited on again until it answers a background probe: a hung broker costs a page at most this
 * once, and nothing after.
 */
export const CONSOLE_DEADLINE_MS = 600;

/**
 * The cluster's client, signing every request with the cluster's saved credentials (none saved: the process's
 * ROCKETMQ_ACCESS_KEY / ROCKETMQ_SECRET_KEY, if any). A changed address list or changed credentials replace it (the
 * old one is closed). Throws CredentialKeyError when the stored secret does not open with the console's key.
 */
export function adminFor(cluster: SavedCluster, db: ConsoleDb): AdminClient {
  const p = pool();
  const creds = cluster.credentials ? openCredentials(db, consoleKey(), cluster.name) : undefined;
  const key = `${cluster.namesrvAddr}|${creds?.fingerprint ?? ''}`;
  const cur = p.get(cluster.name);
  if (cur && cur.key === key) return cur.client;
  if (cur) void cur.client.close();
  const client = new AdminClient({
    ...(creds ? { accessKey: creds.accessKey, secretKey: creds.secretKey } : {}),
    namesrvAddr: cluster.namesrvAddr,
    timeoutMs: positiveEnv('ROCKETDECK_ADMIN_TIMEOUT_MS'),
    deadlineMs: positiveEnv('ROCKETDECK_ADMIN_DEADLINE_MS') ?? CONSOLE_DEADLINE_MS,
    concurrency: positiveEnv('ROCKETDECK_ADMIN_CONCURRENCY') ?? CONSOLE_CONCURRENCY,
  });
  p.set(cluster.name, { key, client });
  return client;
}

/** Closes and forgets a cluster's client (after the cluster is deleted). */
export function dropAdmin(name: string): void {
  const p = pool();
  const cur = p.get(name);
  if (cur) void cur.client.close();
  p.delete(name);
}

export async function closeAllAdmins(): Promise<void> {
  const p = pool();
  const all = [...p.values()];
  p.clear();
  await Promise.all(all.map((x) => x.client.close()));
}
