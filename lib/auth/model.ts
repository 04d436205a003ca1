// The ACL 2.0 model of RocketMQ 5.x: users, and per subject a list of policy entries (resource, actions, source
// IPs, decision). Wire shapes are 5.x's UserInfo and AclInfo bodies (AUTH_* admin codes); names are 5.x's enum names.

import { RocketDeckError } from '../common/errors.ts';

export const ACTIONS = ['All', 'Any', 'Pub', 'Sub', 'Create', 'Update', 'Delete', 'Get', 'List'] as const;
export type Action = (typeof ACTIONS)[number];
export type Decision = 'Allow' | 'Deny';
export type UserType = 'Super' | 'Normal';
export type UserStatus = 'enable' | 'disable';
export type ResourceType = 'Any' | 'Cluster' | 'Namespace' | 'Topic' | 'Group';
export type ResourcePattern = 'ANY' | 'LITERAL' | 'PREFIXED';

export interface User {
  username: string;
  password: string;
  userType: UserType;
  userStatus: UserStatus;
}

export interface Resource {
  type: ResourceType;
  /** Undefined for the ANY pattern. */
  name?: string;
  pattern: ResourcePattern;
}

export interface PolicyEntry {
  resource: Resource;
  actions: Action[];
  /** Source IPs or CIDR ranges; empty = any address. */
  sourceIps: string[];
  decision: Decision;
}

/** One subject's policies ("User:alice"); RocketDeck keeps only the Custom policy type. */
export interface Acl {
  subject: string;
  entries: PolicyEntry[];
}

export class AuthError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

const RESOURCE_TYPES: Record<string, ResourceType> = { any: 'Any', cluster: 'Cluster', namespace: 'Namespace', topic: 'Topic', group: 'Group' };

/** Resource.of(key): "*", "Topic:*", "Topic:name", "Topic:prefix*"; undefined for an unknown type. */
export function parseResource(key: string): Resource | undefined {
  const k = key.trim();
  if (!k) return undefined;
  if (k === '*') return { type: 'Any', pattern: 'ANY' };
  const colon = k.indexOf(':');
  const type = RESOURCE_TYPES[(colon < 0 ? k : k.slice(0, colon)).toLowerCase()];
  if (!type) return undefined;
  const name = colon < 0 ? '' : k.slice(colon + 1);
  if (name === '*') return { type, pattern: 'ANY' };
  if (name.endsWith('*')) return { type, name: name.slice(0, name.indexOf('*')), pattern: 'PREFIXED' };
  return { type, name, pattern: 'LITERAL' };
}

export function resourceKey(r: Resource): string {
  if (r.type === 'Any') return '*';
  if (r.pattern === 'ANY') return `${r.type}:*`;
  return `${r.type}:${r.name ?? ''}${r.pattern === 'PREFIXED' ? '*' : ''}`;
}

export const literal = (type: ResourceType, name: string): Resource => ({ type, name, pattern: 'LITERAL' });

export function resourceMatches(owned: Resource, wanted: Resource): boolean {
  if (owned.type === 'Any') return true;
  if (owned.type !== wanted.type) return false;
  if (owned.pattern === 'ANY') return true;
  if (owned.pattern === 'LITERAL') return owned.name === wanted.name;
  return (wanted.name ?? '').startsWith(owned.name ?? '');
}

export function parseAction(name: string): Action | undefined {
  const lower = name.trim().toLowerCase();
  return ACTIONS.find((a) => a.toLowerCase() === lower);
}

/** PolicyEntry.isMatchAction: any wanted action is granted, or the entry grants All. */
export function actionsMatch(owned: readonly Action[], wanted: readonly Action[]): boolean {
  if (owned.length === 0) return false;
  if (wanted.includes('Any')) return true;
  return wanted.some((a) => owned.includes(a) || owned.includes('All'));
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** Whether `ip` is `range`: an exact address, a CIDR block ("10.0.0.0/8"), or a RocketMQ 1.0 pattern ("10.1.*.*", "10.1.1.1-9"). */
export function ipInRange(ip: string, range: string): boolean {
  const r = range.trim();
  if (r === '*' || r === '*.*.*.*') return true;
  if (r === ip) return true;
  const slash = r.indexOf('/');
  if (slash > 0) {
    const base = ipv4ToInt(r.slice(0, slash));
    const bits = Number(r.slice(slash + 1));
    const addr = ipv4ToInt(ip);
    if (base === undefined || addr === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((base & mask) >>> 0) === ((addr & mask) >>> 0);
  }
  const ipParts = ip.split('.');
  const rParts = r.split('.');
  if (ipParts.length !== 4 || rParts.length !== 4) return false;
  return rParts.every((p, i) => {
    const v = Number(ipParts[i]);
    if (p === '*') return true;
    const dash = /^(\d+)-(\d+)$/.exec(p);
    if (dash) return v >= Number(dash[1]) && v <= Number(dash[2]);
    const set = p.startsWith('{') && p.endsWith('}') ? p.slice(1, -1).split(',') : [p];
    return set.some((s) => s.trim() === ipParts[i]);
  });
}

/** A syntactically valid source IP entry (what 5.x's IPAddressUtils.isValidIPOrCidr accepts, plus 1.0 patterns). */
export function isValidSourceIp(s: string): boolean {
  const t = s.trim();
  if (ipv4ToInt(t) !== undefined) return true;
  if (/^[\d.]+\/\d{1,2}$/.test(t)) return ipv4ToInt(t.split('/')[0]!) !== undefined && Number(t.split('/')[1]) <= 32;
  if (/^[0-9a-fA-F:]+(\/\d{1,3})?$/.test(t) && t.includes(':')) return true;
  return /^(\*|\d{1,3}(-\d{1,3})?|\{[\d,]+\})(\.(\*|\d{1,3}(-\d{1,3})?|\{[\d,]+\})){3}$/.test(t);
}

const specificity = (r: Resource): number =>
  r.type === 'Any' ? 0 : r.pattern === 'ANY' ? 1 : r.pattern === 'PREFIXED' ? 2 + (r.name?.length ?? 0) : 1_000_000;

/**
 * The entry that decides a request, or undefined when none matches: the most specific matching resource wins
 * (literal, then the longest prefix, then Type:*, then *); among equally specific entries a Deny wins.
 */
export function decidingEntry(entries: readonly PolicyEntry[], resource: Resource, actions: readonly Action[], sourceIp: string): PolicyEntry | undefined {
  let best: PolicyEntry | undefined;
  let bestScore = -1;
  for (const e of entries) {
    if (!resourceMatches(e.resource, resource) || !actionsMatch(e.actions, actions)) continue;
    if (e.sourceIps.length > 0 && !e.sourceIps.some((r) => ipInRange(sourceIp, r))) continue;
    const score = specificity(e.resource);
    if (score > bestScore || (score === bestScore && e.decision === 'Deny')) {
      best = e;
      bestScore = score;
    }
  }
  return best;
}

// ---- wire bodies (5.x UserInfo / AclInfo) ----

export interface UserInfo {
  username?: string;
  password?: string;
  userType?: string;
  userStatus?: string;
}

export interface PolicyEntryInfo {
  resource?: string;
  actions?: string[];
  sourceIps?: string[];
  decision?: string;
}

export interface AclInfo {
  subject?: string;
  policies?: Array<{ policyType?: string; entries?: PolicyEntryInfo[] }>;
}

export function userToInfo(u: User): UserInfo {
  return { username: u.username, password: u.password, userType: u.userType, userStatus: u.userStatus };
}

export function userFromInfo(info: UserInfo, username: string, old?: User): User {
  const type = info.userType ?? old?.userType ?? 'Normal';
  const status = info.userStatus ?? old?.userStatus ?? 'enable';
  const userType = type.toLowerCase() === 'super' ? 'Super' : type.toLowerCase() === 'normal' ? 'Normal' : undefined;
  const userStatus = status.toLowerCase() === 'enable' ? 'enable' : status.toLowerCase() === 'disable' ? 'disable' : undefined;
  if (!userType) throw new AuthError(`userType must be Super or Normal, got ${type}`);
  if (!userStatus) throw new AuthError(`userStatus must be enable or disable, got ${status}`);
  const password = info.password ?? old?.password;
  if (!password) throw new AuthError('password can not be blank');
  return { username, password, userType, userStatus };
}

export function aclToInfo(acl: Acl): AclInfo {
  return {
    subject: acl.subject,
    policies: [{
      policyType: 'Custom',
      entries: acl.entries.map((e) => ({
        resource: resourceKey(e.resource),
        actions: e.actions,
        sourceIps: e.sourceIps.length ? e.sourceIps : undefined,
        decision: e.decision,
      })),
    }],
  };
}

/** Entries of an AclInfo body, checked as 5.x's AuthorizationMetadataManagerImpl.validate checks them. */
export function entriesFromInfo(info: AclInfo): PolicyEntry[] {
  if (!info.policies || info.policies.length === 0) throw new AuthError('The policies is empty.');
  const out: PolicyEntry[] = [];
  for (const p of info.policies) {
    if (!p.entries || p.entries.length === 0) throw new AuthError('The policy entries is empty.');
    for (const e of p.entries) {
      const resource = e.resource ? parseResource(e.resource) : undefined;
      if (!resource) throw new AuthError('The resource is null.');
      const actions = (e.actions ?? []).map((a) => parseAction(a));
      if (actions.length === 0 || actions.some((a) => a === undefined)) throw new AuthError('The actions is empty.');
      if (actions.includes('Any')) throw new AuthError('The actions can not be Any.');
      for (const ip of e.sourceIps ?? []) {
        if (!ip.trim()) throw new AuthError('The source ip is empty.');
        if (!isValidSourceIp(ip)) throw new AuthError('The source ip is invalid.');
      }
      const d = (e.decision ?? '').toLowerCase();
      if (d !== 'allow' && d !== 'deny') throw new AuthError('The decision is null or illegal.');
      out.push({ resource, actions: actions as Action[], sourceIps: e.sourceIps ?? [], decision: d === 'allow' ? 'Allow' : 'Deny' });
    }
  }
  return out;
}

/** 5.x's createAcl/updateAcl merge: an entry for the same resource replaces the old one, others are kept. */
export function mergeEntries(old: readonly PolicyEntry[], incoming: readonly PolicyEntry[]): PolicyEntry[] {
  const out = [...old];
  for (const e of incoming) {
    const key = resourceKey(e.resource);
    const i = out.findIndex((o) => resourceKey(o.resource) === key);
    if (i >= 0) out[i] = e;
    else out.push(e);
  }
  return out;
}

/** "User:alice" for a bare or prefixed name. */
export function subjectKey(subject: string): string {
  return subject.includes(':') ? subject : `User:${subject}`;
}

export function subjectUsername(subject: string): string | undefined {
  return subject.startsWith('User:') ? subject.slice(5) : undefined;
}
