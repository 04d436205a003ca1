// ACL 1.0 (RocketMQ 4.9): plain_acl.yml, its accounts imported into the 2.0 model the way 5.x's AuthMigrator does
// (admin -> Super user; topicPerms/groupPerms -> entries on Topic:x / Group:x; default perms -> Topic:* / Group:*),
// and the file written back for the 1.0 admin codes (50-54).
//
// File layout (4.9's plain_acl.yml):
//   globalWhiteRemoteAddresses: [10.10.103.*, 192.168.0.*]
//   accounts:
//     - accessKey: RocketMQ
//       secretKey: 12345678
//       whiteRemoteAddress: 192.168.0.*
//       admin: false
//       defaultTopicPerm: DENY
//       defaultGroupPerm: SUB
//       topicPerms: [topicA=DENY, topicB=PUB|SUB]
//       groupPerms: [groupA=DENY, groupB=PUB|SUB]

import { RocketDeckError } from '../../common/errors.ts';
import { existsSync, readFileSync, renameSync, unwatchFile, watchFile, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Logger } from '../../common/log.ts';
import { literal, type Acl, type Action, type PolicyEntry, type User } from '../../auth/model.ts';
import { groupResource } from '../../auth/request-actions.ts';

export interface PlainAccessConfig {
  accessKey: string;
  secretKey: string;
  whiteRemoteAddress?: string;
  admin: boolean;
  defaultTopicPerm?: string;
  defaultGroupPerm?: string;
  topicPerms: string[];
  groupPerms: string[];
}

export interface PlainAclConfig {
  globalWhiteRemoteAddresses: string[];
  accounts: PlainAccessConfig[];
}

export class PlainAclError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'PlainAclError';
  }
}

const PERMS = new Set(['PUB', 'SUB', 'PUB|SUB', 'SUB|PUB', 'DENY']);

function strList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new PlainAclError(`${where} must be a list`);
  return v.map((x) => String(x).trim()).filter(Boolean);
}

function checkPerms(list: string[], where: string): void {
  for (const r of list) {
    const parts = r.split('=');
    if (parts.length !== 2 || !parts[0]!.trim()) {
      throw new PlainAclError(`${where}: '${r}' is not in the form 'Res=Perm' (for example topicA=SUB)`);
    }
    if (!PERMS.has(parts[1]!.trim())) throw new PlainAclError(`${where}: '${r}' wants SUB, PUB, PUB|SUB, SUB|PUB or DENY`);
  }
}

/** Parses and checks plain_acl.yml text; errors name the account and key. */
export function parsePlainAcl(text: string): PlainAclConfig {
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new PlainAclError('plain_acl.yml must be a mapping');
  const globalWhiteRemoteAddresses = strList(doc.globalWhiteRemoteAddresses, 'globalWhiteRemoteAddresses');
  const rawAccounts = doc.accounts ?? [];
  if (!Array.isArray(rawAccounts)) throw new PlainAclError('accounts must be a list');
  const seen = new Set<string>();
  const accounts = rawAccounts.map((raw, i): PlainAccessConfig => {
    const a = (raw ?? {}) as Record<string, unknown>;
    const accessKey = a.accessKey === undefined ? '' : String(a.accessKey);
    const secretKey = a.secretKey === undefined ? '' : String(a.secretKey);
    const where = `accounts[${i}]${accessKey ? ` (${accessKey})` : ''}`;
    // AclConstants.ACCESS_KEY_MIN_LENGTH / SECRET_KEY_MIN_LENGTH: 6, and the check is "length <= 6".
    if (accessKey.length <= 6) throw new PlainAclError(`${where}: accessKey must be longer than 6 characters`);
    if (secretKey.length <= 6) throw new PlainAclError(`${where}: secretKey must be longer than 6 characters`);
    if (seen.has(accessKey)) throw new PlainAclError(`${where}: accessKey is listed twice`);
    seen.add(accessKey);
    const topicPerms = strList(a.topicPerms, `${where}.topicPerms`);
    const groupPerms = strList(a.groupPerms, `${where}.groupPerms`);
    checkPerms(topicPerms, `${where}.topicPerms`);
    checkPerms(groupPerms, `${where}.groupPerms`);
    for (const k of ['defaultTopicPerm', 'defaultGroupPerm'] as const) {
      if (a[k] !== undefined && a[k] !== null && !PERMS.has(String(a[k]).trim())) throw new PlainAclError(`${where}.${k} wants SUB, PUB, PUB|SUB or DENY`);
    }
    return {
      accessKey,
      secretKey,
      whiteRemoteAddress: a.whiteRemoteAddress ? String(a.whiteRemoteAddress) : undefined,
      admin: a.admin === true || a.admin === 'true',
      defaultTopicPerm: a.defaultTopicPerm ? String(a.defaultTopicPerm).trim() : undefined,
      defaultGroupPerm: a.defaultGroupPerm ? String(a.defaultGroupPerm).trim() : undefined,
      topicPerms,
      groupPerms,
    };
  });
  return { globalWhiteRemoteAddresses, accounts };
}

export function formatPlainAcl(cfg: PlainAclConfig): string {
  return stringify({
    globalWhiteRemoteAddresses: cfg.globalWhiteRemoteAddresses,
    accounts: cfg.accounts.map((a) => ({
      accessKey: a.accessKey,
      secretKey: a.secretKey,
      ...(a.whiteRemoteAddress ? { whiteRemoteAddress: a.whiteRemoteAddress } : {}),
      admin: a.admin,
      ...(a.defaultTopicPerm ? { defaultTopicPerm: a.defaultTopicPerm } : {}),
      ...(a.defaultGroupPerm ? { defaultGroupPerm: a.defaultGroupPerm } : {}),
      topicPerms: a.topicPerms,
      groupPerms: a.groupPerms,
    })),
  });
}

function actionsOf(perm: string): { actions: Action[]; decision: 'Allow' | 'Deny' } {
  switch (perm.trim()) {
    case 'PUB':
      return { actions: ['Pub'], decision: 'Allow' };
    case 'SUB':
      return { actions: ['Sub'], decision: 'Allow' };
    case 'PUB|SUB':
    case 'SUB|PUB':
      return { actions: ['Pub', 'Sub'], decision: 'Allow' };
    default:
      return { actions: ['All'], decision: 'Deny' };
  }
}

/** The 2.0 users and policies a 1.0 configuration stands for (AuthMigrator's conversion). */
export function importPlainAcl(cfg: PlainAclConfig): { users: User[]; acls: Acl[] } {
  const users: User[] = [];
  const acls: Acl[] = [];
  for (const a of cfg.accounts) {
    users.push({ username: a.accessKey, password: a.secretKey, userType: a.admin ? 'Super' : 'Normal', userStatus: 'enable' });
    // whiteRemoteAddress is not a policy: in 1.0 it lets the account in without a signature (see AuthGuard.checkV1).
    const entries: PolicyEntry[] = [];
    for (const tp of a.topicPerms) {
      const [name, perm] = tp.split('=') as [string, string];
      entries.push({ resource: literal('Topic', name.trim()), ...actionsOf(perm), sourceIps: [] });
    }
    for (const gp of a.groupPerms) {
      const [name, perm] = gp.split('=') as [string, string];
      entries.push({ resource: groupResource(name.trim()), ...actionsOf(perm), sourceIps: [] });
    }
    // 4.9 treats a missing default as DENY.
    entries.push({ resource: { type: 'Topic', pattern: 'ANY' }, ...actionsOf(a.defaultTopicPerm ?? 'DENY'), sourceIps: [] });
    entries.push({ resource: { type: 'Group', pattern: 'ANY' }, ...actionsOf(a.defaultGroupPerm ?? 'DENY'), sourceIps: [] });
    acls.push({ subject: `User:${a.accessKey}`, entries });
  }
  return { users, acls };
}

/** plain_acl.yml, read at start and again whenever it changes (4.9's AclFileWatchService polls every 500 ms). */
export class PlainAclFile {
  private current: PlainAclConfig = { globalWhiteRemoteAddresses: [], accounts: [] };
  private imported: { users: Map<string, User>; acls: Map<string, Acl> } = { users: new Map(), acls: new Map() };
  private version = 0;
  private watching = false;

  constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {}

  get config(): PlainAclConfig {
    return this.current;
  }

  get dataVersion(): number {
    return this.version;
  }

  user(accessKey: string): User | undefined {
    return this.imported.users.get(accessKey);
  }

  account(accessKey: string): PlainAccessConfig | undefined {
    return this.current.accounts.find((a) => a.accessKey === accessKey);
  }

  acl(subject: string): Acl | undefined {
    return this.imported.acls.get(subject);
  }

  /** Loads the file; a missing file is an empty configuration, a bad one throws naming the problem. */
  load(): void {
    if (!existsSync(this.file)) {
      this.apply({ globalWhiteRemoteAddresses: [], accounts: [] });
      return;
    }
    this.apply(parsePlainAcl(readFileSync(this.file, 'utf8')));
  }

  watch(intervalMs = 500): void {
    if (this.watching) return;
    this.watching = true;
    watchFile(this.file, { interval: intervalMs, persistent: false }, () => {
      try {
        this.load();
        this.log.info('plain_acl_reloaded', { file: this.file, accounts: this.current.accounts.length });
      } catch (err) {
        // The last good configuration stays in force.
        this.log.error('plain_acl_reload_failed', { file: this.file, error: (err as Error).message });
      }
    });
  }

  close(): void {
    if (this.watching) unwatchFile(this.file);
    this.watching = false;
  }

  /** Writes a new configuration (1.0 admin codes) and applies it at once. */
  save(cfg: PlainAclConfig): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, formatPlainAcl(cfg), { mode: 0o600 });
    renameSync(tmp, this.file);
    this.apply(cfg);
  }

  private apply(cfg: PlainAclConfig): void {
    const { users, acls } = importPlainAcl(cfg);
    this.current = cfg;
    this.imported = { users: new Map(users.map((u) => [u.username, u])), acls: new Map(acls.map((a) => [a.subject, a])) };
    this.version++;
  }
}
