// Saved clusters: name -> nameserver addresses, seeded from NAMESRV_ADDR as 'default'; the request header picks one.

import { parseNamesrvAddr, validateNamesrvAddr } from '../common/namesrv-addr.ts';
import type { ConsoleDb } from './db.ts';
import { bad, bool, HttpError, type Body } from './http.ts';

export interface SavedCluster {
  name: string;
  namesrvAddr: string;
  /** Shown when the console signs this cluster's requests: the access key, and that a secret is stored (never the secret). */
  credentials?: { accessKey: string; secretKeySet: boolean };
}

interface ClusterRow {
  name: string;
  namesrvAddr: string;
  accessKey: string | null;
  secretSet: number | null;
}

const SELECT = `SELECT c.name, c.namesrv_addr AS namesrvAddr, k.access_key AS accessKey, k.secret_enc <> '' AS secretSet
  FROM clusters c LEFT JOIN cluster_credentials k ON k.cluster = c.name`;

const toCluster = (r: ClusterRow): SavedCluster =>
  r.accessKey === null ? { name: r.name, namesrvAddr: r.namesrvAddr } : { name: r.name, namesrvAddr: r.namesrvAddr, credentials: { accessKey: r.accessKey, secretKeySet: r.secretSet === 1 } };

export const CLUSTER_HEADER = 'x-rocketdeck-cluster';
const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

export function listClusters(db: ConsoleDb): SavedCluster[] {
  return (db.prepare(`${SELECT} ORDER BY c.position, c.name`).all() as ClusterRow[]).map(toCluster);
}

export function getCluster(db: ConsoleDb, name: string): SavedCluster | undefined {
  const r = db.prepare(`${SELECT} WHERE c.name = ?`).get(name) as ClusterRow | undefined;
  return r && toCluster(r);
}

/** Checks a cluster's name and address list; throws HttpError 400 naming the field. Returns the normalized address. */
export function checkCluster(name: unknown, namesrvAddr: unknown): SavedCluster {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new HttpError(400, `name: a cluster name is 1-64 letters, digits, '.', '_' or '-'`, 'name');
  }
  if (typeof namesrvAddr !== 'string' || parseNamesrvAddr(namesrvAddr).length === 0) {
    throw new HttpError(400, `namesrvAddr: give one or more host:port separated by ';'`, 'namesrvAddr');
  }
  let addrs: string[];
  try {
    addrs = validateNamesrvAddr(parseNamesrvAddr(namesrvAddr));
  } catch (err) {
    throw new HttpError(400, `namesrvAddr: ${(err as Error).message}`, 'namesrvAddr');
  }
  return { name, namesrvAddr: addrs.join(';') };
}

/** Adds or replaces a saved cluster (a new one goes last). */
export function saveCluster(db: ConsoleDb, c: SavedCluster): void {
  const existing = getCluster(db, c.name);
  if (existing) {
    db.prepare(`UPDATE clusters SET namesrv_addr = ? WHERE name = ?`).run(c.namesrvAddr, c.name);
    return;
  }
  const pos = (db.prepare(`SELECT COALESCE(MAX(position), -1) + 1 AS p FROM clusters`).get() as { p: number }).p;
  db.prepare(`INSERT INTO clusters (name, namesrv_addr, position, created_at) VALUES (?, ?, ?, ?)`).run(c.name, c.namesrvAddr, pos, Date.now());
}

export function deleteCluster(db: ConsoleDb, name: string): boolean {
  return db.transaction(() => {
    db.prepare(`DELETE FROM cluster_credentials WHERE cluster = ?`).run(name);
    return db.prepare(`DELETE FROM clusters WHERE name = ?`).run(name).changes > 0;
  })();
}

/** What a save asks of a cluster's credentials: keep them, set them (a missing secret keeps the stored one), or clear them. */
export type CredentialsChange = { kind: 'keep' } | { kind: 'clear' } | { kind: 'set'; accessKey: string; secretKey?: string };

const KEY_RE = /^[\x21-\x7e]{1,256}$/;

/** `accessKey`, `secretKey` and `clearCredentials` of a save; throws HttpError 400 naming the field. */
export function credentialsChangeOf(body: Body, existing: SavedCluster | undefined): CredentialsChange {
  if (bool(body, 'clearCredentials')) return { kind: 'clear' };
  const accessKey = body.accessKey;
  const secretKey = body.secretKey;
  if ((accessKey === undefined || accessKey === null || accessKey === '') && (secretKey === undefined || secretKey === null || secretKey === '')) return { kind: 'keep' };
  if (typeof accessKey !== 'string' || !KEY_RE.test(accessKey)) throw bad('accessKey', 'give the access key: 1-256 printable characters without spaces');
  if (secretKey === undefined || secretKey === null || secretKey === '') {
    if (!existing?.credentials?.secretKeySet) throw bad('secretKey', 'is required with a new access key');
    return { kind: 'set', accessKey };
  }
  if (typeof secretKey !== 'string' || secretKey.length > 1024 || /[\x00-\x1f]/.test(secretKey)) throw bad('secretKey', 'must be text of at most 1024 characters without control characters');
  return { kind: 'set', accessKey, secretKey };
}

/** How a credentials change is written to the audit log: never the secret. */
export function describeCredentialsChange(c: CredentialsChange): Record<string, unknown> {
  if (c.kind === 'keep') return {};
  if (c.kind === 'clear') return { credentials: 'cleared' };
  return { accessKey: c.accessKey, secretKey: c.secretKey === undefined ? 'unchanged' : 'set' };
}

/**
 * NAMESRV_ADDR becomes the saved cluster 'default' (first in the list when it is new); a changed address replaces
 * the stored one, since the command line is what the operator just asked for.
 */
export function seedDefaultCluster(db: ConsoleDb, namesrvAddr: string | undefined): void {
  const addrs = parseNamesrvAddr(namesrvAddr);
  if (addrs.length === 0) return;
  const c = checkCluster('default', addrs.join(';'));
  if (!getCluster(db, 'default')) {
    db.prepare(`UPDATE clusters SET position = position + 1`).run();
    db.prepare(`INSERT INTO clusters (name, namesrv_addr, position, created_at) VALUES (?, ?, 0, ?)`).run(c.name, c.namesrvAddr, Date.now());
  } else {
    saveCluster(db, c);
  }
}

/** The cluster a request addresses: header x-rocketdeck-cluster, else the first saved. */
export function clusterOf(db: ConsoleDb, headerValue: string | null | undefined): SavedCluster {
  if (headerValue) {
    const c = getCluster(db, headerValue);
    if (!c) throw new HttpError(400, `${CLUSTER_HEADER}: no saved cluster named '${headerValue}'`, CLUSTER_HEADER);
    return c;
  }
  const first = listClusters(db)[0];
  if (!first) throw new HttpError(400, `${CLUSTER_HEADER}: no cluster is configured: start the console with --namesrv or NAMESRV_ADDR, or add one`, CLUSTER_HEADER);
  return first;
}
