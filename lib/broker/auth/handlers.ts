// Admin codes of access control. 5.x ACL 2.0: AUTH_CREATE_USER (3001) .. AUTH_LIST_ACL (3010), headers
// {username} / {filter} / {subject} / {subject, policyType, resource} / {subjectFilter, resourceFilter}, bodies
// UserInfo / AclInfo JSON. 4.9 ACL 1.0: UPDATE_AND_CREATE_ACL_CONFIG (50), DELETE_ACL_CONFIG (51),
// GET_BROKER_CLUSTER_ACL_INFO (52), UPDATE_GLOBAL_WHITE_ADDRS_CONFIG (53), GET_BROKER_CLUSTER_ACL_CONFIG (54),
// which edit plain_acl.yml. A slave takes these writes too, as 5.x brokers do (`mqadmin createUser -c` sends to
// masters and slaves alike); its next sync from the master replaces what it holds, so the master's copy lasts.

import {
  aclToInfo, AuthError, entriesFromInfo, parseResource, subjectKey, userFromInfo, userToInfo,
  type AclInfo, type UserInfo,
} from '../../auth/model.ts';
import { ACCESS_KEY } from '../../auth/signature.ts';
import { RequestCode as C, ResponseCode } from '../../protocol/codes.ts';
import type { RemotingCommand } from '../../remoting/command.ts';
import { fail, ok, okWithHeader, type BrokerContext, type BrokerHandler } from '../context.ts';
import type { PlainAccessConfig, PlainAclFile } from './plain-acl.ts';
import { PlainAclError } from './plain-acl.ts';
import type { AuthMetadataStore } from './store.ts';

export interface AuthAdminDeps {
  store: AuthMetadataStore;
  plain: PlainAclFile;
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

function body<T>(req: RemotingCommand): T | undefined {
  if (!req.body || req.body.length === 0) return undefined;
  try {
    return JSON.parse(req.body.toString('utf8')) as T;
  } catch {
    throw new AuthError('The body is not valid JSON');
  }
}

/** isNotSuperUserLogin: the caller's AccessKey is not a super user (no AccessKey: authentication is off). */
function notSuper(deps: AuthAdminDeps, req: RemotingCommand): boolean {
  const ak = req.extFields?.[ACCESS_KEY];
  if (!ak) return false;
  return (deps.store.getUser(ak) ?? deps.plain.user(ak))?.userType !== 'Super';
}

/** handleAuthException: auth failures answer NO_PERMISSION with their message. */
function guarded(fn: (req: RemotingCommand) => RemotingCommand): (ctx: BrokerContext, req: RemotingCommand) => RemotingCommand {
  return (ctx, req) => {
    try {
      return fn(req);
    } catch (err) {
      if (err instanceof AuthError) return fail(req, ResponseCode.NO_PERMISSION, err.message);
      ctx.log.error('auth_admin_failed', { code: req.code, error: err });
      return fail(req, ResponseCode.SYSTEM_ERROR, 'An system error occurred, please try again later.');
    }
  };
}

export function authAdminHandlers(deps: AuthAdminDeps): Array<[number, BrokerHandler]> {
  const { store } = deps;
  const field = (req: RemotingCommand, name: string): string | undefined => req.extFields?.[name];

  const createUser = (req: RemotingCommand): RemotingCommand => {
    const username = field(req, 'username');
    if (!username) return fail(req, ResponseCode.INVALID_PARAMETER, 'The username is blank');
    const user = userFromInfo(body<UserInfo>(req) ?? {}, username);
    if (user.userType === 'Super' && notSuper(deps, req)) return fail(req, ResponseCode.SYSTEM_ERROR, 'The super user can only be create by super user');
    store.createUser(user);
    return ok(req);
  };
  const updateUser = (req: RemotingCommand): RemotingCommand => {
    const username = field(req, 'username');
    if (!username) return fail(req, ResponseCode.INVALID_PARAMETER, 'The username is blank');
    const old = store.getUser(username);
    if (!old) throw new AuthError('The user is not exist');
    const user = userFromInfo(body<UserInfo>(req) ?? {}, username, old);
    if (user.userType === 'Super' && notSuper(deps, req)) return fail(req, ResponseCode.SYSTEM_ERROR, 'The super user can only be update by super user');
    if (old.userType === 'Super' && notSuper(deps, req)) throw new AuthError('The super user can only be update by super user');
    store.updateUser(user);
    return ok(req);
  };
  const deleteUser = (req: RemotingCommand): RemotingCommand => {
    const username = field(req, 'username');
    if (!username) throw new AuthError('username can not be blank');
    const old = store.getUser(username);
    if (old?.userType === 'Super' && notSuper(deps, req)) throw new AuthError('The super user can only be update by super user');
    store.deleteUser(username);
    return ok(req);
  };
  const getUser = (req: RemotingCommand): RemotingCommand => {
    const username = field(req, 'username');
    if (!username?.trim()) return fail(req, ResponseCode.INVALID_PARAMETER, 'The username is blank');
    const user = store.getUser(username);
    return ok(req, user ? json(userToInfo(user)) : undefined);
  };
  const listUser = (req: RemotingCommand): RemotingCommand => {
    const users = store.listUsers(field(req, 'filter'));
    return ok(req, users.length ? json(users.map(userToInfo)) : undefined);
  };
  const putAcl = (req: RemotingCommand): RemotingCommand => {
    const info = body<AclInfo>(req);
    if (!info || !info.policies?.length) throw new AuthError('The body of acl is null');
    const subject = info.subject || field(req, 'subject');
    if (!subject) throw new AuthError('The subject is null.');
    store.putAcl(subject, entriesFromInfo(info));
    return ok(req);
  };
  const deleteAcl = (req: RemotingCommand): RemotingCommand => {
    const subject = field(req, 'subject');
    if (!subject) throw new AuthError('The subject is null.');
    const resourceText = field(req, 'resource');
    const resource = resourceText ? parseResource(resourceText) : undefined;
    if (resourceText && !resource) throw new AuthError(`The resource ${resourceText} is illegal.`);
    store.deleteAcl(subject, resource);
    return ok(req);
  };
  const getAcl = (req: RemotingCommand): RemotingCommand => {
    const subject = field(req, 'subject');
    if (!subject) throw new AuthError('The subject is null.');
    const username = subjectKey(subject).slice('User:'.length);
    if (!store.getUser(username)) throw new AuthError('The subject is not exist.');
    const acl = store.getAcl(subject);
    return ok(req, acl ? json(aclToInfo(acl)) : undefined);
  };
  const listAcl = (req: RemotingCommand): RemotingCommand => {
    const acls = store.listAcls(field(req, 'subjectFilter'), field(req, 'resourceFilter'));
    return ok(req, acls.length ? json(acls.map(aclToInfo)) : undefined);
  };

  // ---- ACL 1.0 (plain_acl.yml) ----
  const plainWrite = (code: number, fn: (req: RemotingCommand) => void) => (req: RemotingCommand): RemotingCommand => {
    try {
      fn(req);
      return ok(req);
    } catch (err) {
      if (err instanceof PlainAclError || err instanceof AuthError) return fail(req, code, err.message);
      throw err;
    }
  };
  const splitList = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const updateAccessConfig = plainWrite(ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED, (req) => {
    const f = req.extFields ?? {};
    const cfg = deps.plain.config;
    const accessKey = f.accessKey ?? '';
    const old = cfg.accounts.find((a) => a.accessKey === accessKey);
    const account: PlainAccessConfig = {
      accessKey,
      secretKey: f.secretKey ?? old?.secretKey ?? '',
      whiteRemoteAddress: f.whiteRemoteAddress ?? old?.whiteRemoteAddress,
      admin: f.admin === undefined ? (old?.admin ?? false) : f.admin === 'true',
      defaultTopicPerm: f.defaultTopicPerm ?? old?.defaultTopicPerm,
      defaultGroupPerm: f.defaultGroupPerm ?? old?.defaultGroupPerm,
      topicPerms: f.topicPerms !== undefined ? splitList(f.topicPerms) : (old?.topicPerms ?? []),
      groupPerms: f.groupPerms !== undefined ? splitList(f.groupPerms) : (old?.groupPerms ?? []),
    };
    if (account.accessKey.length <= 6 || account.secretKey.length <= 6) {
      throw new PlainAclError(`The accessKey=${account.accessKey} and secretKey cannot be null and length should longer than 6`);
    }
    deps.plain.save({ ...cfg, accounts: [...cfg.accounts.filter((a) => a.accessKey !== accessKey), account] });
  });
  const deleteAccessConfig = plainWrite(ResponseCode.DELETE_ACL_CONFIG_FAILED, (req) => {
    const accessKey = req.extFields?.accessKey ?? '';
    const cfg = deps.plain.config;
    if (!cfg.accounts.some((a) => a.accessKey === accessKey)) {
      throw new PlainAclError(`The accesskey[${accessKey}] corresponding to accessConfig has been deleted failed.`);
    }
    deps.plain.save({ ...cfg, accounts: cfg.accounts.filter((a) => a.accessKey !== accessKey) });
  });
  const updateGlobalWhite = plainWrite(ResponseCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED, (req) => {
    deps.plain.save({ ...deps.plain.config, globalWhiteRemoteAddresses: splitList(req.extFields?.globalWhiteAddrs) });
  });

  const wrap = (fn: (req: RemotingCommand) => RemotingCommand): BrokerHandler => guarded(fn);
  return [
    [C.AUTH_CREATE_USER, wrap(createUser)],
    [C.AUTH_UPDATE_USER, wrap(updateUser)],
    [C.AUTH_DELETE_USER, wrap(deleteUser)],
    [C.AUTH_GET_USER, wrap(getUser)],
    [C.AUTH_LIST_USER, wrap(listUser)],
    [C.AUTH_CREATE_ACL, wrap(putAcl)],
    [C.AUTH_UPDATE_ACL, wrap(putAcl)],
    [C.AUTH_DELETE_ACL, wrap(deleteAcl)],
    [C.AUTH_GET_ACL, wrap(getAcl)],
    [C.AUTH_LIST_ACL, wrap(listAcl)],
    [C.UPDATE_AND_CREATE_ACL_CONFIG, wrap(updateAccessConfig)],
    [C.DELETE_ACL_CONFIG, wrap(deleteAccessConfig)],
    [C.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, wrap(updateGlobalWhite)],
    [C.GET_BROKER_CLUSTER_ACL_INFO, (ctx, req) =>
      okWithHeader(req, {
        version: JSON.stringify({ counter: deps.plain.dataVersion, timestamp: 0 }),
        brokerName: ctx.config().brokerName,
        brokerAddr: ctx.brokerAddr(),
        clusterName: ctx.config().brokerClusterName,
      })],
    [C.GET_BROKER_CLUSTER_ACL_CONFIG, (_ctx, req) => {
      const cfg = deps.plain.config;
      // 4.9's AclConfig body; secret keys are part of it there too (admins only may ask: Cluster Get).
      return ok(req, json({ globalWhiteAddrs: cfg.globalWhiteRemoteAddresses, plainAccessConfigs: cfg.accounts }));
    }],
  ];
}
