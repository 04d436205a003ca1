// Access control as the console shows and changes it: whether the cluster's brokers accept the console's key (the
// access banner), the users and policies of ACL 2.0 brokers, the accounts and global white addresses of 4.9 (ACL 1.0)
// brokers. Reads ask the first master that answers; writes go to every broker of the cluster, masters and slaves,
// as `mqadmin ... -c` does. Passwords and secret keys are never part of an answer.

import { AdminCode, mapBounded, responseCodeName, type AdminClient, type BrokerFailure, type BrokerTarget, type PlainAccountInput, type PolicyEntryInput, type UserInput } from '../admin/index.ts';
import { codeOf, describe } from './errors.ts';

/** A refusal for access reasons, read by shape (another bundle's AccessDeniedError is not an instance of this one's). */
export function isAccessDenied(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AccessDeniedError';
}

export interface AccessDenial {
  brokerName: string;
  brokerAddr: string;
  code: number | undefined;
  codeName: string;
  remark: string;
}

export interface AccessCheck {
  /** The access key the console signs this cluster's requests with (null: unsigned). */
  accessKey: string | null;
  brokers: number;
  denied: AccessDenial[];
  /** A nameserver refusing the key (RocketMQ nameservers do not check by default). */
  namesrvDenied: string | null;
  checkedAt: number;
}

const remarkOf = (err: unknown): string => {
  const r = (err as { remark?: unknown }).remark;
  return typeof r === 'string' ? r : describe(err);
};

/** Every broker of the cluster in the nameserver's view (masters first). */
export async function allBrokers(admin: AdminClient): Promise<BrokerTarget[]> {
  const view = await admin.clusterInfo();
  const out: BrokerTarget[] = [];
  for (const [clusterName, names] of Object.entries(view.clusters)) {
    for (const brokerName of names) {
      const g = view.brokers.find((b) => b.brokerName === brokerName);
      for (const [id, addr] of Object.entries(g?.brokerAddrs ?? {})) out.push({ clusterName, brokerName, brokerId: Number(id), brokerAddr: addr });
    }
  }
  return out.sort((a, b) => a.brokerId - b.brokerId || a.brokerName.localeCompare(b.brokerName));
}

/** An access check answers every open page's banner: one per client this often at most. */
const ACCESS_CHECK_FRESH_MS = 5000;
const lastChecks = new WeakMap<AdminClient, AccessCheck>();

/** Asks every broker one signed read (GET_BROKER_RUNTIME_INFO) and names each that refuses the console's key. */
export async function checkAccess(admin: AdminClient, accessKey: string | null): Promise<AccessCheck> {
  const last = lastChecks.get(admin);
  if (last && Date.now() - last.checkedAt < ACCESS_CHECK_FRESH_MS) return last;
  const fresh = await askAccess(admin, accessKey);
  lastChecks.set(admin, fresh);
  return fresh;
}

function askAccess(admin: AdminClient, accessKey: string | null): Promise<AccessCheck> {
  return admin.shared('console:access-check', async () => {
    const checkedAt = Date.now();
    let targets: BrokerTarget[];
    try {
      targets = await allBrokers(admin);
    } catch (err) {
      if (isAccessDenied(err)) return { accessKey, brokers: 0, denied: [], namesrvDenied: remarkOf(err), checkedAt };
      throw err;
    }
    const res = await admin.brokersRuntimeInfo(targets);
    const denied: AccessDenial[] = [];
    // the fan-out keeps the text only; the refusal itself is asked again of the refusing brokers for its code
    const failed = targets.filter((t) => res.errors.some((e) => e.brokerAddr === t.brokerAddr && /not allowed|AclException|permission|signature/i.test(e.error)));
    const again = await mapBounded(failed, (t) => admin.brokerRuntimeInfo(t.brokerAddr), { limit: 8 });
    again.forEach((s, i) => {
      if (s.ok || !isAccessDenied(s.error)) return;
      const code = codeOf(s.error);
      denied.push({ brokerName: failed[i]!.brokerName, brokerAddr: failed[i]!.brokerAddr, code, codeName: code === undefined ? '' : responseCodeName(code), remark: remarkOf(s.error) });
    });
    return { accessKey, brokers: targets.length, denied, namesrvDenied: null, checkedAt };
  });
}

// --- reading users and policies -------------------------------------------------------------------------------

export interface AclUserView {
  username: string;
  userType: string;
  userStatus: string;
}

export interface AclPolicyView {
  subject: string;
  entries: Array<{ resource: string; actions: string[]; sourceIps: string[]; decision: string }>;
}

export interface PlainAccountView {
  accessKey: string;
  secretKeySet: boolean;
  whiteRemoteAddress: string;
  admin: boolean;
  defaultTopicPerm: string;
  defaultGroupPerm: string;
  topicPerms: string[];
  groupPerms: string[];
}

export interface AclOverview {
  /** 'acl2': users and policies (5.x codes); 'acl1': plain_acl.yml accounts (4.9 codes); 'unavailable': neither answered. */
  mode: 'acl2' | 'acl1' | 'unavailable';
  /** The broker read from. */
  readFrom: { brokerName: string; brokerAddr: string } | null;
  users: AclUserView[];
  policies: AclPolicyView[];
  /**
   * ACL 1.0: `listed` false when the broker does not send its accounts (Apache 4.9.8 dropped
   * GET_BROKER_CLUSTER_ACL_CONFIG): accounts can be written, not read; `version` is the ACL file's data version.
   */
  plain: { listed: boolean; globalWhiteAddrs: string[]; accounts: PlainAccountView[]; version: string | null } | null;
  /** Why a broker could not be read (access refused, not supported, down). */
  errors: BrokerFailure[];
}

const failureOf = (t: BrokerTarget, err: unknown): BrokerFailure => {
  const out: BrokerFailure = { brokerName: t.brokerName, brokerAddr: t.brokerAddr, error: describe(err) };
  const code = codeOf(err);
  if (code !== undefined) out.code = code;
  return out;
};

const notSupported = (err: unknown): boolean => codeOf(err) === AdminCode.REQUEST_CODE_NOT_SUPPORTED;

export async function aclOverview(admin: AdminClient): Promise<AclOverview> {
  const masters = (await allBrokers(admin)).filter((t) => t.brokerId === 0);
  const errors: BrokerFailure[] = [];
  for (const t of masters) {
    try {
      const [users, acls] = await Promise.all([admin.listUsers(t.brokerAddr), admin.listAcls(t.brokerAddr)]);
      return {
        mode: 'acl2',
        readFrom: { brokerName: t.brokerName, brokerAddr: t.brokerAddr },
        users: users.map((u) => ({ username: u.username ?? '', userType: u.userType ?? 'Normal', userStatus: u.userStatus ?? 'enable' })).sort((a, b) => a.username.localeCompare(b.username)),
        policies: acls.map((a) => ({
          subject: a.subject ?? '',
          entries: (a.policies ?? []).flatMap((p) => p.entries ?? []).map((e) => ({ resource: e.resource ?? '', actions: e.actions ?? [], sourceIps: e.sourceIps ?? [], decision: e.decision ?? 'Allow' })),
        })).sort((a, b) => a.subject.localeCompare(b.subject)),
        plain: null,
        errors,
      };
    } catch (err) {
      if (!notSupported(err)) {
        errors.push(failureOf(t, err));
        continue;
      }
    }
    // a 4.9 broker: ACL 1.0
    try {
      const readFrom = { brokerName: t.brokerName, brokerAddr: t.brokerAddr };
      const version = await admin.plainAclVersion(t.brokerAddr).then((v) => v.version || null, () => null);
      let cfg;
      try {
        cfg = await admin.plainAclConfig(t.brokerAddr);
      } catch (err) {
        if (!notSupported(err) || version === null) throw err;
        return { mode: 'acl1', readFrom, users: [], policies: [], plain: { listed: false, globalWhiteAddrs: [], accounts: [], version }, errors };
      }
      return {
        mode: 'acl1',
        readFrom,
        users: [],
        policies: [],
        plain: {
          listed: true,
          version,
          globalWhiteAddrs: cfg.globalWhiteAddrs,
          accounts: cfg.plainAccessConfigs.map((a) => ({
            accessKey: a.accessKey, secretKeySet: !!a.secretKey, whiteRemoteAddress: a.whiteRemoteAddress ?? '', admin: !!a.admin,
            defaultTopicPerm: a.defaultTopicPerm ?? '', defaultGroupPerm: a.defaultGroupPerm ?? '', topicPerms: a.topicPerms ?? [], groupPerms: a.groupPerms ?? [],
          })).sort((a, b) => a.accessKey.localeCompare(b.accessKey)),
        },
        errors,
      };
    } catch (err) {
      errors.push(failureOf(t, err));
    }
  }
  return { mode: 'unavailable', readFrom: null, users: [], policies: [], plain: null, errors };
}

// --- writes: every broker of the cluster ---------------------------------------------------------------------------

export interface AclWriteResult {
  done: string[];
  errors: BrokerFailure[];
}

async function toEveryBroker(admin: AdminClient, fn: (addr: string) => Promise<void>): Promise<AclWriteResult> {
  const targets = await allBrokers(admin);
  const settled = await mapBounded(targets, (t) => fn(t.brokerAddr), { limit: 8 });
  const out: AclWriteResult = { done: [], errors: [] };
  settled.forEach((s, i) => (s.ok ? out.done.push(targets[i]!.brokerAddr) : out.errors.push(failureOf(targets[i]!, s.error))));
  return out;
}

export const createUser = (admin: AdminClient, u: UserInput): Promise<AclWriteResult> => toEveryBroker(admin, (a) => admin.createUser(a, u));
export const updateUser = (admin: AdminClient, u: UserInput): Promise<AclWriteResult> => toEveryBroker(admin, (a) => admin.updateUser(a, u));
export const deleteUser = (admin: AdminClient, username: string): Promise<AclWriteResult> => toEveryBroker(admin, (a) => admin.deleteUser(a, username));
export const putPolicy = (admin: AdminClient, subject: string, entries: PolicyEntryInput[], update: boolean): Promise<AclWriteResult> =>
  toEveryBroker(admin, (a) => admin.putAcl(a, subject, entries, update));
export const deletePolicy = (admin: AdminClient, subject: string, resource?: string): Promise<AclWriteResult> =>
  toEveryBroker(admin, (a) => admin.deleteAcl(a, subject, resource));
export const updatePlainAccount = (admin: AdminClient, a: PlainAccountInput): Promise<AclWriteResult> => toEveryBroker(admin, (addr) => admin.updatePlainAccount(addr, a));
export const deletePlainAccount = (admin: AdminClient, accessKey: string): Promise<AclWriteResult> => toEveryBroker(admin, (addr) => admin.deletePlainAccount(addr, accessKey));
export const updateGlobalWhiteAddrs = (admin: AdminClient, addrs: string[]): Promise<AclWriteResult> => toEveryBroker(admin, (addr) => admin.updateGlobalWhiteAddrs(addr, addrs));
