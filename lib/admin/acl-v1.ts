// ACL 1.0 of a 4.9 broker (plain_acl.yml): UPDATE_AND_CREATE_ACL_CONFIG (50), DELETE_ACL_CONFIG (51),
// GET_BROKER_CLUSTER_ACL_INFO (52), UPDATE_GLOBAL_WHITE_ADDRS_CONFIG (53), as `mqadmin updateAclConfig /
// deleteAccessConfig / clusterAclConfigVersion / updateGlobalWhiteAddr` of 4.9.8 send them, one broker at a time; and
// GET_BROKER_CLUSTER_ACL_CONFIG (54), which lists the accounts: RocketDeck's brokers and 4.7-4.8 answer it, 4.9.8
// dropped it (REQUEST_CODE_NOT_SUPPORTED), so a 4.9.8 broker's accounts cannot be read over the wire.

import { RequestCode } from '../protocol/codes.ts';
import type { AdminCore } from './core.ts';

/** One account of plain_acl.yml; perms are "PUB", "SUB", "PUB|SUB" or "DENY"; topicPerms entries "Topic=PUB|SUB". */
export interface PlainAccountInput {
  accessKey: string;
  secretKey?: string;
  whiteRemoteAddress?: string;
  admin?: boolean;
  defaultTopicPerm?: string;
  defaultGroupPerm?: string;
  topicPerms?: string[];
  groupPerms?: string[];
}

/** GET_BROKER_CLUSTER_ACL_CONFIG's body (4.9's GetBrokerClusterAclConfigResponseBody); secret keys included as sent. */
export interface PlainAclView {
  globalWhiteAddrs: string[];
  plainAccessConfigs: Array<PlainAccountInput & { secretKey?: string }>;
}

export const updatePlainAccount = async (core: AdminCore, addr: string, a: PlainAccountInput): Promise<void> => {
  const header: Record<string, string | boolean | undefined> = {
    accessKey: a.accessKey,
    secretKey: a.secretKey,
    whiteRemoteAddress: a.whiteRemoteAddress,
    admin: a.admin,
    defaultTopicPerm: a.defaultTopicPerm,
    defaultGroupPerm: a.defaultGroupPerm,
    topicPerms: a.topicPerms?.join(','),
    groupPerms: a.groupPerms?.join(','),
  };
  await core.call(addr, RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, header);
};

export const deletePlainAccount = async (core: AdminCore, addr: string, accessKey: string): Promise<void> => {
  await core.call(addr, RequestCode.DELETE_ACL_CONFIG, { accessKey });
};

export const updateGlobalWhiteAddrs = async (core: AdminCore, addr: string, addrs: string[]): Promise<void> => {
  await core.call(addr, RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, { globalWhiteAddrs: addrs.join(',') });
};

/** GET_BROKER_CLUSTER_ACL_INFO's response header: the ACL file's data version (4.9.8: also every file's). */
export interface PlainAclVersion {
  brokerName: string;
  brokerAddr: string;
  clusterName: string;
  version: string;
  allAclFileVersion?: string;
}

export const getPlainAclVersion = async (core: AdminCore, addr: string): Promise<PlainAclVersion> => {
  const f = (await core.call(addr, RequestCode.GET_BROKER_CLUSTER_ACL_INFO)).extFields ?? {};
  const out: PlainAclVersion = { brokerName: f.brokerName ?? '', brokerAddr: f.brokerAddr ?? addr, clusterName: f.clusterName ?? '', version: f.version ?? '' };
  if (f.allAclFileVersion !== undefined) out.allAclFileVersion = f.allAclFileVersion;
  return out;
};

export const getPlainAclConfig = async (core: AdminCore, addr: string): Promise<PlainAclView> => {
  const res = await core.call(addr, RequestCode.GET_BROKER_CLUSTER_ACL_CONFIG);
  const body = res.body?.length ? (JSON.parse(res.body.toString('utf8')) as Partial<PlainAclView>) : {};
  return { globalWhiteAddrs: body.globalWhiteAddrs ?? [], plainAccessConfigs: body.plainAccessConfigs ?? [] };
};
