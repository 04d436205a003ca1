// The broker's access check, run before every request's processor: authentication (AccessKey + Signature against
// the user's secret) and authorization (the request's resources and actions against the user's policies).
// Refusals answer as Apache does: 5.x (authenticationEnabled/authorizationEnabled) NO_PERMISSION with the 5.x
// message; 4.9 (aclEnable) SYSTEM_ERROR with RemotingHelper.exceptionSimpleDesc of the AclException.
// Every refusal is logged with the remote address (never a secret); an address whose authentication keeps
// failing is refused outright for a while.

import { RocketDeckError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { decidingEntry, ipInRange, resourceKey, type Acl, type User } from '../../auth/model.ts';
import { accessWanted } from '../../auth/request-actions.ts';
import { ACCESS_KEY, verifySignature } from '../../auth/signature.ts';
import { RequestCode, ResponseCode, requestCodeName } from '../../protocol/codes.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { AuthSettings } from './config.ts';
import type { PlainAclFile } from './plain-acl.ts';
import type { AuthMetadataStore } from './store.ts';

/** Failed authentications from one address within the window before it is refused outright. */
export const FAILURE_BURST = 20;
export const FAILURE_WINDOW_MS = 10_000;

/**
 * 4.9's Permission.ADMIN_CODE: only admin accounts may send these. RocketDeck adds the ACL admin codes themselves
 * (50-54 and 3001-3010), which 4.9.8 lets any valid account send.
 */
const V1_ADMIN_CODES = new Set<number>([
  RequestCode.UPDATE_AND_CREATE_TOPIC, RequestCode.UPDATE_BROKER_CONFIG, RequestCode.DELETE_TOPIC_IN_BROKER,
  RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, RequestCode.DELETE_SUBSCRIPTIONGROUP,
  RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, RequestCode.DELETE_ACL_CONFIG, RequestCode.GET_BROKER_CLUSTER_ACL_INFO,
  RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, RequestCode.GET_BROKER_CLUSTER_ACL_CONFIG,
  ...Array.from({ length: 10 }, (_, i) => 3001 + i),
]);
/** Codes 4.9's PlainAccessValidator checks resources for (others pass once authenticated). */
const V1_CHECKED_CODES = new Set<number>([
  RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.CONSUMER_SEND_MSG_BACK, RequestCode.PULL_MESSAGE,
  RequestCode.QUERY_MESSAGE, RequestCode.HEART_BEAT, RequestCode.UNREGISTER_CLIENT, RequestCode.GET_CONSUMER_LIST_BY_GROUP,
  RequestCode.UPDATE_CONSUMER_OFFSET,
]);

/** Where 4.9.8 throws each AclException (the remark carries the first stack frame). */
const V1_FRAMES = {
  noKey: 'org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:664)',
  unknown: 'org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:668)',
  signature: 'org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:684)',
  admin: 'org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:581)',
  perm: 'org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:611)',
};

/** Thrown inside the check and turned into the refusal response (never leaves the guard). */
class Refusal extends RocketDeckError {
  constructor(
    message: string,
    readonly authentication: boolean,
    readonly frame?: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export interface AuthGuardDeps {
  settings: () => AuthSettings;
  store: AuthMetadataStore;
  plain: PlainAclFile;
  clusterName: () => string;
  log: Logger;
  now?: () => number;
}

export class AuthGuard {
  private readonly failures = new Map<string, number[]>();
  private readonly limited = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: AuthGuardDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The request pipeline: a refusal response, or undefined to let the request through. */
  check = (req: RemotingCommand, conn: RemotingConnection): RemotingCommand | undefined => {
    const s = this.deps.settings();
    if (!s.aclEnable && !s.authenticationEnabled && !s.authorizationEnabled) return undefined;
    const ip = sourceIp(conn.remoteAddr);
    const v1 = s.aclEnable && !s.authenticationEnabled && !s.authorizationEnabled;
    if (this.isLimited(ip)) {
      return this.refuse(req, conn, v1, new Refusal(`too many failed authentications from ${ip}, try again later`, false), false);
    }
    try {
      if (v1) this.checkV1(req, ip);
      else this.checkV2(req, ip, s);
      return undefined;
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      return this.refuse(req, conn, v1, err, true);
    }
  };

  private refuse(req: RemotingCommand, conn: RemotingConnection, v1: boolean, r: Refusal, count: boolean): RemotingCommand {
    const ip = sourceIp(conn.remoteAddr);
    if (count && r.authentication) this.countFailure(ip);
    this.deps.log.warn('access_refused', {
      remoteAddr: conn.remoteAddr, code: req.code, request: requestCodeName(req.code),
      accessKey: req.extFields?.[ACCESS_KEY], reason: r.message,
    });
    if (v1) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, `org.apache.rocketmq.acl.common.AclException: ${r.message}${r.frame ? `, ${r.frame}` : ''}`);
    }
    return createResponse(req, ResponseCode.NO_PERMISSION, r.message);
  }

  private countFailure(ip: string): void {
    const now = this.now();
    const list = (this.failures.get(ip) ?? []).filter((t) => now - t < FAILURE_WINDOW_MS);
    list.push(now);
    this.failures.set(ip, list);
    if (list.length >= FAILURE_BURST && !this.limited.has(ip)) {
      this.limited.add(ip);
      this.deps.log.warn('access_rate_limited', { remoteAddr: ip, failures: list.length, windowMs: FAILURE_WINDOW_MS });
    }
    if (this.failures.size > 10_000) this.prune(now);
  }

  private isLimited(ip: string): boolean {
    if (!this.limited.has(ip)) return false;
    const list = this.failures.get(ip) ?? [];
    const now = this.now();
    if (list.length && now - list[list.length - 1]! < FAILURE_WINDOW_MS) return true;
    this.limited.delete(ip);
    this.failures.delete(ip);
    return false;
  }

  private prune(now: number): void {
    for (const [ip, list] of this.failures) if (!list.length || now - list[list.length - 1]! >= FAILURE_WINDOW_MS) this.failures.delete(ip);
  }

  /** A user from the 2.0 store, else from plain_acl.yml (1.0 accounts imported into the same model). */
  private user(name: string): User | undefined {
    return this.deps.store.getUser(name) ?? this.deps.plain.user(name);
  }

  private acl(name: string): Acl | undefined {
    const subject = `User:${name}`;
    return this.deps.store.getAcl(subject) ?? this.deps.plain.acl(subject);
  }

  private checkV2(req: RemotingCommand, ip: string, s: AuthSettings): void {
    const name = req.extFields?.[ACCESS_KEY];
    if (s.authenticationEnabled && !s.authenticationWhitelist.has(req.code)) {
      if (!name) throw new Refusal('username cannot be null.', true);
      const user = this.user(name);
      if (!user) throw new Refusal(`User:${name} is not found.`, true);
      if (user.userStatus === 'disable') throw new Refusal(`User:${name} is disabled.`, true);
      if (!verifySignature(req, user.password)) throw new Refusal('check signature failed.', true);
    }
    if (!s.authorizationEnabled || s.authorizationWhitelist.has(req.code)) return;
    const wanted = this.wanted(req);
    if (wanted.length === 0) return;
    if (!name) throw new Refusal('username cannot be null.', true);
    const user = this.user(name);
    if (!user) throw new Refusal(`User:${name} not found.`, false);
    if (user.userStatus === 'disable') throw new Refusal(`User:${name} is disabled.`, true);
    if (user.userType === 'Super') return;
    const acl = this.acl(name);
    for (const w of wanted) {
      const entry = acl ? decidingEntry(acl.entries, w.resource, w.actions, ip) : undefined;
      const head = `User:${name} has no permission to access ${resourceKey(w.resource)} from ${ip}, `;
      if (!entry) throw new Refusal(`${head}no matched policies.`, false);
      if (entry.decision === 'Deny') throw new Refusal(`${head}the decision is deny.`, false);
    }
  }

  private wanted(req: RemotingCommand): ReturnType<typeof accessWanted> {
    try {
      return accessWanted(req, this.deps.clusterName());
    } catch {
      throw new Refusal('parse authorization context error.', false);
    }
  }

  /** 4.9's PlainPermissionManager.validate, over the imported model. */
  private checkV1(req: RemotingCommand, ip: string): void {
    const plain = this.deps.plain;
    if (plain.config.globalWhiteRemoteAddresses.some((r) => ipInRange(ip, r))) return;
    const name = req.extFields?.[ACCESS_KEY];
    if (!name) throw new Refusal('No accessKey is configured', true, V1_FRAMES.noKey);
    const user = plain.user(name);
    if (!user) throw new Refusal(`No acl config for ${name}`, true, V1_FRAMES.unknown);
    const white = plain.account(name)?.whiteRemoteAddress;
    if (white && ipInRange(ip, white)) return;
    if (!verifySignature(req, user.password)) throw new Refusal(`Check signature failed for accessKey=${name}`, true, V1_FRAMES.signature);
    if (user.userType === 'Super') return;
    if (V1_ADMIN_CODES.has(req.code)) {
      throw new Refusal(`Need admin permission for request code=${req.code}, but accessKey=${name} is not`, false, V1_FRAMES.admin);
    }
    if (!V1_CHECKED_CODES.has(req.code)) return;
    const acl = plain.acl(`User:${name}`);
    for (const w of this.wanted(req)) {
      if (w.resource.type !== 'Topic' && w.resource.type !== 'Group') continue;
      // The trace topic is always writable (4.9 skips the check for RMQ_SYS_TRACE_TOPIC Pub).
      if (w.resource.type === 'Topic' && w.resource.name === 'RMQ_SYS_TRACE_TOPIC' && w.actions.includes('Pub')) return;
      const entry = acl ? decidingEntry(acl.entries, w.resource, w.actions, ip) : undefined;
      if (!entry || entry.decision === 'Deny') {
        const what = w.resource.type === 'Group' ? `group:${w.resource.name}` : `topic:${w.resource.name}`;
        throw new Refusal(`No default permission for ${what}`, false, V1_FRAMES.perm);
      }
    }
  }
}

/** "1.2.3.4:5678" -> "1.2.3.4" (StringUtils.substringBeforeLast(remoteAddr, ":")). */
export function sourceIp(remoteAddr: string): string {
  const i = remoteAddr.lastIndexOf(':');
  return i > 0 ? remoteAddr.slice(0, i) : remoteAddr;
}
