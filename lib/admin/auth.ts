// Users and policies of a broker (5.x ACL 2.0 admin codes AUTH_CREATE_USER 3001 .. AUTH_LIST_ACL 3010): what
// `mqadmin createUser/createAcl/...` send, one broker address at a time.

import type { AclInfo, UserInfo } from '../auth/model.ts';
import { RequestCode } from '../protocol/codes.ts';
import type { AdminCore } from './core.ts';

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');
const parse = <T>(body: Buffer | undefined, empty: T): T => (body?.length ? (JSON.parse(body.toString('utf8')) as T) : empty);

export interface UserInput {
  username: string;
  password?: string;
  userType?: 'Super' | 'Normal';
  userStatus?: 'enable' | 'disable';
}

export interface PolicyEntryInput {
  /** "Topic:name", "Topic:prefix*", "Group:*", "Cluster:name", "*". */
  resource: string;
  actions: string[];
  sourceIps?: string[];
  decision: 'Allow' | 'Deny';
}

const userBody = (u: UserInput): UserInfo => ({ username: u.username, password: u.password, userType: u.userType, userStatus: u.userStatus });
const aclBody = (subject: string, entries: PolicyEntryInput[]): AclInfo => ({ subject, policies: [{ policyType: 'Custom', entries }] });

export const createUser = async (core: AdminCore, addr: string, u: UserInput): Promise<void> => {
  await core.call(addr, RequestCode.AUTH_CREATE_USER, { username: u.username }, { body: json(userBody(u)) });
};
export const updateUser = async (core: AdminCore, addr: string, u: UserInput): Promise<void> => {
  await core.call(addr, RequestCode.AUTH_UPDATE_USER, { username: u.username }, { body: json(userBody(u)) });
};
export const deleteUser = async (core: AdminCore, addr: string, username: string): Promise<void> => {
  await core.call(addr, RequestCode.AUTH_DELETE_USER, { username });
};
export const getUser = async (core: AdminCore, addr: string, username: string): Promise<UserInfo | undefined> =>
  parse<UserInfo | undefined>((await core.call(addr, RequestCode.AUTH_GET_USER, { username })).body, undefined);
export const listUsers = async (core: AdminCore, addr: string, filter?: string): Promise<UserInfo[]> =>
  parse<UserInfo[]>((await core.call(addr, RequestCode.AUTH_LIST_USER, { filter })).body, []);

/** AUTH_CREATE_ACL / AUTH_UPDATE_ACL: entries for a resource the subject already has replace the old ones. */
export const putAcl = async (core: AdminCore, addr: string, subject: string, entries: PolicyEntryInput[], update = false): Promise<void> => {
  const code = update ? RequestCode.AUTH_UPDATE_ACL : RequestCode.AUTH_CREATE_ACL;
  await core.call(addr, code, { subject }, { body: json(aclBody(subject, entries)) });
};
export const deleteAcl = async (core: AdminCore, addr: string, subject: string, resource?: string): Promise<void> => {
  await core.call(addr, RequestCode.AUTH_DELETE_ACL, { subject, resource });
};
export const getAcl = async (core: AdminCore, addr: string, subject: string): Promise<AclInfo | undefined> =>
  parse<AclInfo | undefined>((await core.call(addr, RequestCode.AUTH_GET_ACL, { subject })).body, undefined);
export const listAcls = async (core: AdminCore, addr: string, subjectFilter?: string, resourceFilter?: string): Promise<AclInfo[]> =>
  parse<AclInfo[]>((await core.call(addr, RequestCode.AUTH_LIST_ACL, { subjectFilter, resourceFilter })).body, []);
