// Saved clusters: name -> nameserver addresses, seeded from NAMESRV_ADDR as 'default'; the request header picks one.

import { parseNamesrvAddr, validateNamesrvAddr } from '../common/namesrv-addr.ts';
import type { ConsoleDb } from './db.ts';
import { HttpError } from './http.ts';

export interface SavedCluster {
  name: string;
  namesrvAddr: string;
}

export const CLUSTER_HEADER = 'x-rocketdeck-cluster';
const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

export function listClusters(db: ConsoleDb): SavedCluster[] {
  return db.prepare(`SELECT name, namesrv_addr AS namesrvAddr FROM clusters ORDER BY position, name`).all() as SavedCluster[];
}

export function getCluster(db: ConsoleDb, name: string): SavedCluster | undefined {
  return db.prepare(`SELECT name, namesrv_addr AS namesrvAddr FROM clusters WHERE name = ?`).get(name) as SavedCluster | undefined;
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
  return db.prepare(`DELETE FROM clusters WHERE name = ?`).run(name).changes > 0;
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
