// Access-control settings of a broker: 5.x's AuthConfig keys and 4.9's aclEnable, read from broker.conf (accepted by
// lib/cluster as passive keys) and checked here; a bad value names its key.

import path from 'node:path';
import type { BrokerConfig } from '../config/broker-config.ts';
import { BrokerConfigError } from '../config/broker-config.ts';
import type { SessionCredentials } from '../../auth/signature.ts';

export interface AuthSettings {
  authenticationEnabled: boolean;
  authorizationEnabled: boolean;
  /** ACL 1.0: plain_acl.yml decides (4.9's aclEnable). */
  aclEnable: boolean;
  /** Imports plain_acl.yml into the 2.0 store once (users not yet there). */
  migrateAuthFromV1Enabled: boolean;
  /** The super user created at first start ({"username":..,"password":..}). */
  initUser?: { username: string; password: string };
  /** What this broker signs its own calls with, and a super user others accept ({"accessKey":..,"secretKey":..}). */
  innerCredentials?: SessionCredentials;
  /** Request codes that skip authentication / authorization ("34,35"). */
  authenticationWhitelist: Set<number>;
  authorizationWhitelist: Set<number>;
  /** Where plain_acl.yml is read from. */
  plainAclFile: string;
}

const bool = (cfg: BrokerConfig, key: string): boolean => cfg.passive.get(key) === 'true';

function json<T>(cfg: BrokerConfig, key: string, fields: [string, string]): T | undefined {
  const text = cfg.passive.get(key)?.trim();
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new BrokerConfigError(`${key} must be JSON such as {"${fields[0]}":"...","${fields[1]}":"..."}`, key);
  }
  const o = v as Record<string, unknown>;
  for (const f of fields) {
    if (typeof o?.[f] !== 'string' || o[f] === '') throw new BrokerConfigError(`${key} needs a non-empty "${f}"`, key);
  }
  return v as T;
}

function codes(cfg: BrokerConfig, key: string): Set<number> {
  const out = new Set<number>();
  for (const part of (cfg.passive.get(key) ?? '').split(',')) {
    const t = part.trim();
    if (!t) continue;
    if (!/^-?\d+$/.test(t)) throw new BrokerConfigError(`${key} must list request codes separated by commas, got '${t}'`, key);
    out.add(Number(t));
  }
  return out;
}

export function authSettingsOf(cfg: BrokerConfig, env: Record<string, string | undefined> = process.env): AuthSettings {
  const home = env.ROCKETMQ_HOME;
  return {
    authenticationEnabled: bool(cfg, 'authenticationEnabled'),
    authorizationEnabled: bool(cfg, 'authorizationEnabled'),
    aclEnable: bool(cfg, 'aclEnable'),
    migrateAuthFromV1Enabled: bool(cfg, 'migrateAuthFromV1Enabled'),
    initUser: json(cfg, 'initAuthenticationUser', ['username', 'password']),
    innerCredentials: json(cfg, 'innerClientAuthenticationCredentials', ['accessKey', 'secretKey']),
    authenticationWhitelist: codes(cfg, 'authenticationWhitelist'),
    authorizationWhitelist: codes(cfg, 'authorizationWhitelist'),
    // 4.9 reads ${ROCKETMQ_HOME}/conf/plain_acl.yml (the rocketmq.acl.plain.file property moves it).
    plainAclFile: env.ROCKETMQ_ACL_PLAIN_FILE ?? (home ? path.join(home, 'conf', 'plain_acl.yml') : path.join(cfg.store.storePathRootDir, 'conf', 'plain_acl.yml')),
  };
}

export const authActive = (s: AuthSettings): boolean => s.authenticationEnabled || s.authorizationEnabled || s.aclEnable;
