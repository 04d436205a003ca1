// ACL 2.0 metadata of one broker (users and their policies), kept in memory and written to
// <storePathRootDir>/config/auth.json (mode 0600: it holds the users' secret keys) on every change, atomically.
// A slave replaces its copy with its master's (snapshot/replaceAll); `dataVersion` tells it when to.

import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../common/log.ts';
import { AuthError, mergeEntries, resourceKey, subjectKey, type Acl, type PolicyEntry, type Resource, type User } from '../../auth/model.ts';
import { configDir, loadConfigFile } from '../config/config-file.ts';

export const authFile = (storePathRootDir: string): string => path.join(configDir(storePathRootDir), 'auth.json');

export interface AuthSnapshot {
  dataVersion: number;
  users: User[];
  acls: Acl[];
}

export class AuthMetadataStore {
  private users = new Map<string, User>();
  private acls = new Map<string, Acl>();
  private version = 0;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  get dataVersion(): number {
    return this.version;
  }

  load(): void {
    loadConfigFile(this.file, (text) => this.apply(JSON.parse(text) as AuthSnapshot), this.log);
  }

  snapshot(): AuthSnapshot {
    return { dataVersion: this.version, users: [...this.users.values()], acls: [...this.acls.values()] };
  }

  /** A slave taking its master's metadata as a whole. */
  replaceAll(snap: AuthSnapshot): void {
    this.apply(snap);
    this.persist();
  }

  getUser(username: string): User | undefined {
    return this.users.get(username);
  }

  listUsers(filter?: string): User[] {
    return [...this.users.values()].filter((u) => !filter || u.username.includes(filter));
  }

  createUser(user: User): void {
    if (this.users.has(user.username)) throw new AuthError('The user is existed');
    this.users.set(user.username, user);
    this.changed();
  }

  updateUser(user: User): void {
    if (!this.users.has(user.username)) throw new AuthError('The user is not exist');
    this.users.set(user.username, user);
    this.changed();
  }

  /** Deleting a user drops its policies too (as 5.x's deleteUser does). */
  deleteUser(username: string): void {
    if (!this.users.delete(username)) return;
    this.acls.delete(subjectKey(username));
    this.changed();
  }

  getAcl(subject: string): Acl | undefined {
    return this.acls.get(subjectKey(subject));
  }

  listAcls(subjectFilter?: string, resourceFilter?: string): Acl[] {
    const out: Acl[] = [];
    for (const acl of this.acls.values()) {
      if (subjectFilter && !acl.subject.includes(subjectFilter)) continue;
      const entries = resourceFilter ? acl.entries.filter((e) => resourceKey(e.resource).includes(resourceFilter)) : acl.entries;
      if (entries.length) out.push({ subject: acl.subject, entries });
    }
    return out;
  }

  /** createAcl/updateAcl: entries for a resource the subject already has replace the old ones. */
  putAcl(subject: string, entries: PolicyEntry[]): void {
    const key = subjectKey(subject);
    const username = key.slice('User:'.length);
    if (!key.startsWith('User:') || !this.users.has(username)) throw new AuthError(`The subject of ${key} is not exist.`);
    const old = this.acls.get(key)?.entries ?? [];
    this.acls.set(key, { subject: key, entries: mergeEntries(old, entries) });
    this.changed();
  }

  /** deleteAcl: one resource's entries, or all of the subject's when `resource` is undefined. */
  deleteAcl(subject: string, resource?: Resource): void {
    const key = subjectKey(subject);
    const acl = this.acls.get(key);
    if (!acl) throw new AuthError('The subject is not exist.');
    if (!resource) {
      this.acls.delete(key);
    } else {
      const k = resourceKey(resource);
      const left = acl.entries.filter((e) => resourceKey(e.resource) !== k);
      if (left.length === acl.entries.length) throw new AuthError('The acl is not exist.');
      if (left.length) this.acls.set(key, { subject: key, entries: left });
      else this.acls.delete(key);
    }
    this.changed();
  }

  private apply(snap: AuthSnapshot): void {
    this.users = new Map(snap.users.map((u) => [u.username, u]));
    this.acls = new Map(snap.acls.map((a) => [subjectKey(a.subject), { ...a, subject: subjectKey(a.subject) }]));
    this.version = snap.dataVersion ?? 0;
  }

  private changed(): void {
    this.version++;
    this.persist();
  }

  private persist(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot(), null, 2), { mode: 0o600 });
    if (existsSync(this.file)) {
      copyFileSync(this.file, `${this.file}.bak`);
      chmodSync(`${this.file}.bak`, 0o600);
    }
    renameSync(tmp, this.file);
  }
}
