// Credentials of `rocketdeck up --acl`: an admin (super user) and the brokers' own inner key, generated on the first
// start and kept in <dir>/conf/acl-credentials.json (mode 0600), so later starts reuse them.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SessionCredentials } from '../auth/signature.ts';

export interface DemoAcl {
  admin: SessionCredentials;
  inner: SessionCredentials;
  file: string;
  /** True when this call created them (the only time `up` prints the secret). */
  generated: boolean;
}

const secret = (): string => randomBytes(18).toString('base64url');

export function demoAclCredentials(dir: string): DemoAcl {
  const file = join(dir, 'conf', 'acl-credentials.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { admin: SessionCredentials; inner: SessionCredentials };
    return { ...saved, file, generated: false };
  }
  const creds = { admin: { accessKey: 'rocketdeck-admin', secretKey: secret() }, inner: { accessKey: 'rocketdeck-broker', secretKey: secret() } };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return { ...creds, file, generated: true };
}

/** broker.conf keys that switch ACL 2.0 on with these credentials. */
export const demoAclBrokerProps = (acl: DemoAcl): Record<string, string | boolean> => ({
  authenticationEnabled: true,
  authorizationEnabled: true,
  initAuthenticationUser: JSON.stringify({ username: acl.admin.accessKey, password: acl.admin.secretKey }),
  innerClientAuthenticationCredentials: JSON.stringify(acl.inner),
});
