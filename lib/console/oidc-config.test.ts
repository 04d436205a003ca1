// OpenID Connect settings from ROCKETDECK_OIDC_* (bad values name their key) and the claim → username/role mapping.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { oidcConfigFromEnv, roleFromClaims, usernameFromClaims } from './oidc-config.ts';
import { AuthConfigError } from './auth.ts';
import { bootConsole } from './boot.ts';

const base = { ROCKETDECK_OIDC_ISSUER: 'https://id.example.com/realms/ops', ROCKETDECK_OIDC_CLIENT_ID: 'rocketdeck', ROCKETDECK_OIDC_ROLES: 'rd-admins=admin,rd-ops=operator,staff=viewer' };
const named = (key: string) => (e: Error) => e instanceof AuthConfigError && e.message.startsWith(key);

describe('OIDC settings', () => {
  test('off without an issuer; a full setting parses with its defaults', () => {
    assert.equal(oidcConfigFromEnv({}), undefined);
    const c = oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_CLIENT_SECRET: 's' })!;
    assert.equal(c.issuer.href, 'https://id.example.com/realms/ops');
    assert.equal(c.clientSecret, 's');
    assert.equal(c.name, 'id.example.com');
    assert.equal(c.roleClaim, 'groups');
    assert.equal(c.scopes, 'openid email profile');
    assert.equal(c.allowInsecure, false);
    assert.equal(c.redirectUrl, undefined);
    assert.deepEqual([...c.roleMap], [['rd-admins', 'admin'], ['rd-ops', 'operator'], ['staff', 'viewer']]);
  });

  test('each bad value names its key', () => {
    assert.throws(() => oidcConfigFromEnv({ ROCKETDECK_OIDC_CLIENT_ID: 'x' }), named('ROCKETDECK_OIDC_ISSUER'));
    assert.throws(() => oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_ISSUER: 'not a url' }), named('ROCKETDECK_OIDC_ISSUER'));
    assert.throws(() => oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_ISSUER: 'http://id.example.com' }), named('ROCKETDECK_OIDC_ISSUER'), 'plain http off loopback');
    assert.throws(() => oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_CLIENT_ID: '' }), named('ROCKETDECK_OIDC_CLIENT_ID'));
    assert.throws(() => oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_ROLES: 'rd-ops=root' }), named('ROCKETDECK_OIDC_ROLES'));
    assert.throws(() => oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_ROLES: 'rd-ops' }), named('ROCKETDECK_OIDC_ROLES'));
    assert.throws(() => oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_ROLES: '' }), named('ROCKETDECK_OIDC_ROLES'));
    assert.throws(() => oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_DEFAULT_ROLE: 'boss' }), named('ROCKETDECK_OIDC_DEFAULT_ROLE'));
    assert.throws(() => oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_REDIRECT_URL: 'https://c.example.com/cb?x=1' }), named('ROCKETDECK_OIDC_REDIRECT_URL'));
    assert.throws(() => oidcConfigFromEnv({ ...base, ROCKETDECK_OIDC_SCOPES: 'email' }), named('ROCKETDECK_OIDC_SCOPES'));
  });

  test('the console does not start with a bad OIDC or sign-in limit setting, and says which key', () => {
    assert.throws(() => bootConsole({ env: { ...base, ROCKETDECK_OIDC_ROLES: 'ops=superuser' }, print: () => {} }), named('ROCKETDECK_OIDC_ROLES'));
    assert.throws(() => bootConsole({ env: { ROCKETDECK_LOGIN_WINDOW_MS: '-1' }, print: () => {} }), named('ROCKETDECK_LOGIN_WINDOW_MS'));
  });

  test('http:// is allowed for a provider on loopback; a default role alone is enough', () => {
    const c = oidcConfigFromEnv({ ROCKETDECK_OIDC_ISSUER: 'http://127.0.0.1:4000', ROCKETDECK_OIDC_CLIENT_ID: 'c', ROCKETDECK_OIDC_DEFAULT_ROLE: 'viewer' })!;
    assert.equal(c.allowInsecure, true);
    assert.equal(c.defaultRole, 'viewer');
  });
});

describe('claims to username and role', () => {
  const cfg = oidcConfigFromEnv(base)!;

  test('the highest mapped role wins; unmapped values are ignored; none mapped and no default is no role', () => {
    assert.equal(roleFromClaims(cfg, { groups: ['staff', 'rd-ops', 'other'] }), 'operator');
    assert.equal(roleFromClaims(cfg, { groups: ['rd-admins', 'staff'] }), 'admin');
    assert.equal(roleFromClaims(cfg, { groups: 'staff' }), 'viewer');
    assert.equal(roleFromClaims(cfg, { groups: ['other'] }), undefined);
    assert.equal(roleFromClaims(cfg, {}), undefined);
    assert.equal(roleFromClaims({ ...cfg, defaultRole: 'viewer' }, { groups: ['other'] }), 'viewer');
  });

  test('a dotted claim path reaches nested claims (realm_access.roles)', () => {
    const k = { ...cfg, roleClaim: 'realm_access.roles' };
    assert.equal(roleFromClaims(k, { realm_access: { roles: ['rd-ops'] } }), 'operator');
  });

  test('username: the e-mail when usable, else the subject', () => {
    assert.equal(usernameFromClaims(cfg, { sub: 'abc', email: 'ann@example.com' }), 'ann@example.com');
    assert.equal(usernameFromClaims(cfg, { sub: 'abc' }), 'abc');
    assert.match(usernameFromClaims(cfg, { sub: 'a b/c', email: 'not an email' }), /^oidc-/);
  });
});
