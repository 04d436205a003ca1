// Inputs of the console's access-control writes, checked field by field (400 naming the field): ACL 2.0 users and
// policy entries, ACL 1.0 accounts and global white addresses.

import { ACL_ACTIONS, isValidSourceIp, parseAclResource, type PlainAccountInput, type PolicyEntryInput, type UserInput } from '../admin/index.ts';
import { bad, bool, str, type Body } from './http.ts';

const NAME_RE = /^[A-Za-z0-9_.@-]{1,64}$/;
const PERM_RE = /^(PUB|SUB|PUB\|SUB|SUB\|PUB|DENY)$/;

export function checkUsername(v: unknown, field = 'username'): string {
  if (typeof v !== 'string' || !NAME_RE.test(v)) throw bad(field, "a user name is 1-64 letters, digits, '.', '_', '@' or '-'");
  return v;
}

/** A user to create (password required) or update (password optional: unchanged when left out). */
export function userInputOf(body: Body, opts: { create: boolean; username?: string }): UserInput {
  const username = opts.username ?? checkUsername(body.username);
  const password = str(body, 'password', { required: opts.create });
  if (password !== undefined && (password.length < 6 || password.length > 256)) throw bad('password', 'must be 6-256 characters');
  const userType = str(body, 'userType');
  if (userType !== undefined && userType !== 'Super' && userType !== 'Normal') throw bad('userType', "must be 'Super' or 'Normal'");
  const userStatus = str(body, 'userStatus');
  if (userStatus !== undefined && userStatus !== 'enable' && userStatus !== 'disable') throw bad('userStatus', "must be 'enable' or 'disable'");
  const out: UserInput = { username };
  if (password !== undefined) out.password = password;
  if (userType !== undefined) out.userType = userType;
  if (userStatus !== undefined) out.userStatus = userStatus;
  if (opts.create) out.userType ??= 'Normal';
  return out;
}

/** "User:bob" from "bob" or "User:bob". */
export function checkSubject(v: unknown, field = 'subject'): string {
  if (typeof v !== 'string' || v.trim() === '') throw bad(field, 'is required: a user name or User:<name>');
  const name = v.startsWith('User:') ? v.slice(5) : v;
  checkUsername(name, field);
  return `User:${name}`;
}

export function checkResource(v: unknown, field: string): string {
  if (typeof v !== 'string' || !parseAclResource(v)) throw bad(field, "a resource is '*', or Topic:, Group:, Cluster: followed by a name, a prefix ending in '*', or '*'");
  return v.trim();
}

export function policyEntriesOf(body: Body): PolicyEntryInput[] {
  const list = body.entries;
  if (!Array.isArray(list) || list.length === 0) throw bad('entries', 'give [{resource, actions, sourceIps?, decision}]');
  return list.map((raw, i): PolicyEntryInput => {
    const f = `entries[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad(f, 'must be {resource, actions, sourceIps?, decision}');
    const e = raw as Body;
    const resource = checkResource(e.resource, `${f}.resource`);
    const actions = e.actions;
    if (!Array.isArray(actions) || actions.length === 0) throw bad(`${f}.actions`, `give one or more of ${ACL_ACTIONS.filter((a) => a !== 'Any').join(', ')}`);
    const known = new Map(ACL_ACTIONS.map((a) => [a.toLowerCase(), a]));
    const acts = actions.map((a) => {
      const name = typeof a === 'string' ? known.get(a.trim().toLowerCase()) : undefined;
      if (!name) throw bad(`${f}.actions`, `'${String(a)}' is not one of ${ACL_ACTIONS.filter((x) => x !== 'Any').join(', ')}`);
      return name;
    });
    const ips = e.sourceIps ?? [];
    if (!Array.isArray(ips) || ips.some((ip) => typeof ip !== 'string' || !isValidSourceIp(ip.trim()))) throw bad(`${f}.sourceIps`, 'give IP addresses or CIDR blocks');
    const decision = e.decision ?? 'Allow';
    if (decision !== 'Allow' && decision !== 'Deny') throw bad(`${f}.decision`, "must be 'Allow' or 'Deny'");
    return { resource, actions: [...new Set(acts)], sourceIps: (ips as string[]).map((s) => s.trim()), decision };
  });
}

function permList(body: Body, field: string): string[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw bad(field, "give a list of 'Name=PUB|SUB'");
  return v.map((x, i) => {
    if (typeof x !== 'string' || !/^[^=,\s]+=(PUB|SUB|PUB\|SUB|SUB\|PUB|DENY)$/.test(x.trim())) throw bad(`${field}[${i}]`, "must be 'Name=PUB', 'Name=SUB', 'Name=PUB|SUB' or 'Name=DENY'");
    return x.trim();
  });
}

/** A plain_acl.yml account; 4.9 wants access and secret keys longer than 6 characters (secret optional on update). */
export function plainAccountOf(body: Body, opts: { create: boolean; accessKey?: string }): PlainAccountInput {
  const accessKey = opts.accessKey ?? str(body, 'accessKey', { required: true });
  if (!/^[\x21-\x7e]{7,256}$/.test(accessKey)) throw bad('accessKey', 'must be 7-256 printable characters without spaces');
  const secretKey = str(body, 'secretKey', { required: opts.create });
  if (secretKey !== undefined && !/^[\x21-\x7e]{7,256}$/.test(secretKey)) throw bad('secretKey', 'must be 7-256 printable characters without spaces');
  const out: PlainAccountInput = { accessKey };
  if (secretKey !== undefined) out.secretKey = secretKey;
  const white = str(body, 'whiteRemoteAddress');
  if (white !== undefined) out.whiteRemoteAddress = white.trim();
  const admin = bool(body, 'admin');
  if (admin !== undefined) out.admin = admin;
  for (const k of ['defaultTopicPerm', 'defaultGroupPerm'] as const) {
    const v = str(body, k);
    if (v !== undefined && !PERM_RE.test(v)) throw bad(k, "must be PUB, SUB, PUB|SUB or DENY");
    if (v !== undefined) out[k] = v;
  }
  const topicPerms = permList(body, 'topicPerms');
  const groupPerms = permList(body, 'groupPerms');
  if (topicPerms) out.topicPerms = topicPerms;
  if (groupPerms) out.groupPerms = groupPerms;
  return out;
}

export function globalWhiteAddrsOf(body: Body): string[] {
  const v = body.globalWhiteAddrs;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.trim() === '' || /[,\s]/.test(x.trim()))) throw bad('globalWhiteAddrs', "give a list of addresses or patterns such as '10.0.0.*'");
  return (v as string[]).map((x) => x.trim());
}

/** What the audit log keeps of a write: everything but passwords and secret keys. */
export function withoutSecrets<T extends object>(input: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === 'password' || k === 'secretKey') out[k] = v === undefined ? undefined : 'set';
    else out[k] = v;
  }
  return out;
}
