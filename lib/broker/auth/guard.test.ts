import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, setLogSink } from '../../common/log.ts';
import { signRequest } from '../../auth/signature.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { createRequest } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { AuthSettings } from './config.ts';
import { AuthGuard, FAILURE_BURST, FAILURE_WINDOW_MS } from './guard.ts';
import { PlainAclFile, parsePlainAcl, PlainAclError } from './plain-acl.ts';
import { AuthMetadataStore } from './store.ts';

const settings: AuthSettings = {
  authenticationEnabled: true, authorizationEnabled: true, aclEnable: false, migrateAuthFromV1Enabled: false,
  authenticationWhitelist: new Set(), authorizationWhitelist: new Set(), plainAclFile: '/nonexistent/plain_acl.yml',
};

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'guard-'));
  const lines: string[] = [];
  const prev = setLogSink((l) => lines.push(l));
  const log = createLogger('auth');
  const store = new AuthMetadataStore(join(dir, 'auth.json'), log);
  store.createUser({ username: 'alice', password: 'alice-secret', userType: 'Normal', userStatus: 'enable' });
  let now = 1_000_000;
  const guard = new AuthGuard({ settings: () => settings, store, plain: new PlainAclFile(join(dir, 'none.yml'), log), clusterName: () => 'c', log, now: () => now });
  const conn = { remoteAddr: '10.1.2.3:4567' } as RemotingConnection;
  return { dir, lines, store, guard, conn, prev, advance: (ms: number) => (now += ms) };
}

const req = (secret: string) => {
  const r = createRequest(RequestCode.GET_MAX_OFFSET, { topic: 'T', queueId: 0 });
  signRequest(r, { accessKey: 'alice', secretKey: secret });
  return r;
};

test('a burst of failed authentications from one address is refused outright until the window passes', () => {
  const t = setup();
  try {
    t.store.putAcl('User:alice', [{ resource: { type: 'Topic', pattern: 'ANY' }, actions: ['Get'], sourceIps: [], decision: 'Allow' }]);
    assert.equal(t.guard.check(req('alice-secret'), t.conn), undefined);
    for (let i = 0; i < FAILURE_BURST; i++) assert.equal(t.guard.check(req('wrong'), t.conn)?.remark, 'check signature failed.');
    const limited = t.guard.check(req('alice-secret'), t.conn);
    assert.equal(limited?.code, ResponseCode.NO_PERMISSION);
    assert.match(limited?.remark ?? '', /too many failed authentications from 10\.1\.2\.3/);
    assert.equal(t.guard.check(req('alice-secret'), { remoteAddr: '10.9.9.9:1' } as RemotingConnection), undefined, 'other addresses go on');
    t.advance(FAILURE_WINDOW_MS + 1);
    assert.equal(t.guard.check(req('alice-secret'), t.conn), undefined);
    assert.ok(t.lines.some((l) => l.includes('access_rate_limited') && l.includes('10.1.2.3')));
    assert.ok(t.lines.filter((l) => l.includes('access_refused')).every((l) => l.includes('"remoteAddr":"10.1.2.3:4567"')));
    assert.ok(!t.lines.some((l) => l.includes('alice-secret')), 'secrets never logged');
  } finally {
    setLogSink(t.prev);
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test('users and policies are written to disk and read back', () => {
  const t = setup();
  try {
    t.store.putAcl('alice', [{ resource: { type: 'Group', name: 'g', pattern: 'LITERAL' }, actions: ['Sub'], sourceIps: [], decision: 'Deny' }]);
    const again = new AuthMetadataStore(join(t.dir, 'auth.json'), createLogger('auth'));
    again.load();
    assert.equal(again.getUser('alice')?.password, 'alice-secret');
    assert.equal(again.getAcl('User:alice')?.entries[0]?.decision, 'Deny');
    assert.throws(() => t.store.putAcl('User:bob', []), /The subject of User:bob is not exist\./);
  } finally {
    setLogSink(t.prev);
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test('plain_acl.yml errors name the account and the key', () => {
  assert.throws(() => parsePlainAcl('accounts:\n  - accessKey: short\n    secretKey: 12345678\n'), (e: Error) => e instanceof PlainAclError && /accounts\[0\] \(short\): accessKey must be longer/.test(e.message));
  assert.throws(() => parsePlainAcl('accounts:\n  - accessKey: RocketMQ1\n    secretKey: 12345678\n    topicPerms: [a=ALL]\n'), /accounts\[0\] \(RocketMQ1\)\.topicPerms: 'a=ALL' wants/);
  const cfg = parsePlainAcl('globalWhiteRemoteAddresses: [10.10.103.*]\naccounts:\n  - accessKey: RocketMQ1\n    secretKey: 12345678\n    admin: true\n');
  assert.deepEqual(cfg.globalWhiteRemoteAddresses, ['10.10.103.*']);
  assert.equal(cfg.accounts[0]?.admin, true);
});
