import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBrokerProperties, defaultBrokerConfig, formatBrokerConfig } from '../config/broker-config.ts';
import { createLogger, setLogSink } from '../../common/log.ts';
import { verifySignature } from '../../auth/signature.ts';
import { createRequest } from '../../remoting/command.ts';
import { authSettingsOf } from './config.ts';
import { BrokerAuth } from './index.ts';

const withProps = (dir: string, props: Record<string, string>) =>
  applyBrokerProperties({ ...defaultBrokerConfig({}), store: { ...defaultBrokerConfig({}).store, storePathRootDir: dir } },
    Object.entries(props).map(([key, value], i) => ({ key, value, line: i + 1 })));

test('5.x auth keys are read from broker.conf; a bad value names its key; secrets are never reported back', () => {
  const cfg = withProps('/tmp/x', {
    authenticationEnabled: 'true', authorizationEnabled: 'true', authenticationWhitelist: '34, 35',
    initAuthenticationUser: '{"username":"root","password":"root-secret"}',
  });
  const s = authSettingsOf(cfg, {});
  assert.equal(s.authenticationEnabled, true);
  assert.deepEqual([...s.authenticationWhitelist], [34, 35]);
  assert.deepEqual(s.initUser, { username: 'root', password: 'root-secret' });
  assert.ok(!formatBrokerConfig(cfg).includes('root-secret'), 'GET_BROKER_CONFIG must not show the init user');
  assert.throws(() => authSettingsOf(withProps('/tmp/x', { innerClientAuthenticationCredentials: '{"accessKey":"a"}' }), {}),
    (e: Error & { key?: string }) => e.key === 'innerClientAuthenticationCredentials' && /secretKey/.test(e.message));
  assert.throws(() => authSettingsOf(withProps('/tmp/x', { authorizationWhitelist: 'HEART_BEAT' }), {}), /authorizationWhitelist/);
});

test('migrateAuthFromV1Enabled imports plain_acl.yml accounts once; the broker signs its own calls with the inner key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'broker-auth-'));
  const prev = setLogSink(() => {});
  try {
    mkdirSync(join(dir, 'conf'), { recursive: true });
    writeFileSync(join(dir, 'conf', 'plain_acl.yml'), 'accounts:\n  - accessKey: OldUser01\n    secretKey: OldSecret01\n    defaultTopicPerm: PUB\n    topicPerms: [secret=DENY]\n');
    const cfg = withProps(dir, {
      authenticationEnabled: 'true', migrateAuthFromV1Enabled: 'true',
      innerClientAuthenticationCredentials: '{"accessKey":"inner01","secretKey":"inner-secret"}',
    });
    const auth = new BrokerAuth(() => cfg, createLogger('auth'));
    auth.load();
    assert.equal(auth.store.getUser('OldUser01')?.password, 'OldSecret01');
    assert.equal(auth.store.getUser('OldUser01')?.userType, 'Normal');
    const entries = auth.store.getAcl('User:OldUser01')?.entries.map((e) => `${e.resource.type}:${e.resource.name ?? '*'}:${e.actions.join('|')}:${e.decision}`);
    assert.deepEqual(entries, ['Topic:secret:All:Deny', 'Topic:*:Pub:Allow', 'Group:*:All:Deny']);
    assert.equal(auth.store.getUser('inner01')?.userType, 'Super');
    const req = createRequest(105, { topic: 'T' });
    auth.signOwnRequest('ns:9876', req);
    assert.equal(req.extFields?.AccessKey, 'inner01');
    assert.ok(verifySignature(req, 'inner-secret'));
    auth.close();
  } finally {
    setLogSink(prev);
    rmSync(dir, { recursive: true, force: true });
  }
});
