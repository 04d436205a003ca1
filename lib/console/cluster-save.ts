// Saving a cluster with its credentials in one audited step: the address, and the access key with the secret sealed
// (lib/console/credentials.ts); the audit entry names the access key and whether a secret was set, never the secret.

import { audited } from './audit.ts';
import { dropAdmin } from './admin-pool.ts';
import { credentialsChangeOf, describeCredentialsChange, getCluster, saveCluster, type SavedCluster } from './clusters.ts';
import { consoleKey, deleteCredentials, openCredentials, saveCredentials } from './credentials.ts';
import type { ConsoleDb } from './db.ts';
import type { Body } from './http.ts';

export async function saveClusterWithCredentials(db: ConsoleDb, username: string, c: SavedCluster, body: Body, existing: SavedCluster | undefined): Promise<SavedCluster> {
  const change = credentialsChangeOf(body, existing);
  const params = { name: c.name, namesrvAddr: c.namesrvAddr, ...describeCredentialsChange(change) };
  await audited(db, { username, action: existing ? 'updateCluster' : 'saveCluster', target: c.name, params }, async () => {
    const key = consoleKey();
    // a kept secret is opened before anything is written: a wrong console key fails the save whole
    const secretKey = change.kind === 'set' ? (change.secretKey ?? openCredentials(db, key, c.name)?.secretKey) : undefined;
    db.transaction(() => {
      saveCluster(db, { name: c.name, namesrvAddr: c.namesrvAddr });
      if (change.kind === 'clear') deleteCredentials(db, c.name);
      if (change.kind === 'set') saveCredentials(db, key, c.name, { accessKey: change.accessKey, secretKey: secretKey! });
    })();
    // the next request builds a client with the new address or key
    if (change.kind !== 'keep') dropAdmin(c.name);
    return { saved: c.name, ...describeCredentialsChange(change) };
  });
  return getCluster(db, c.name)!;
}
