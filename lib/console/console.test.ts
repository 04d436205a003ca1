// Console storage: migrations, users and sessions, audit log, metric history with downsampling and retention.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConsoleDb } from './db.ts';
import { AuthConfigError, ensureUsers, hashPassword, sessionFor, signIn, signOut, usersFromEnv, verifyPassword } from './auth.ts';
import { listAudit, recordAudit } from './audit.ts';
import { downsample, querySeries, recentSeries, recordSamples } from './history.ts';
import { initialPasswordPath, setUpUsers } from './boot.ts';

describe('console auth', () => {
  test('password hashes verify only the right password', () => {
    const h = hashPassword('s3cret');
    assert.ok(verifyPassword('s3cret', h));
    assert.ok(!verifyPassword('S3cret', h));
    assert.notEqual(hashPassword('s3cret'), h, 'salted');
  });

  test('with no users configured the first start creates an admin once', () => {
    const db = openConsoleDb(':memory:');
    const first = ensureUsers(db, undefined);
    assert.equal(first?.username, 'admin');
    assert.equal(ensureUsers(db, undefined), undefined, 'not printed again');
    const s = signIn(db, 'admin', first!.password);
    assert.equal(s?.session.role, 'operator');
  });

  test('sessions open on the right password, resolve by token and end on sign-out', () => {
    const db = openConsoleDb(':memory:');
    ensureUsers(db, [
      { username: 'op', role: 'operator', password: 'pw1' },
      { username: 'view', role: 'viewer', password: 'pw2' },
    ]);
    assert.equal(signIn(db, 'op', 'wrong'), undefined);
    assert.equal(signIn(db, 'nobody', 'pw1'), undefined);
    const s = signIn(db, 'view', 'pw2')!;
    assert.deepEqual({ ...sessionFor(db, s.token)!, expiresAt: 0 }, { username: 'view', role: 'viewer', expiresAt: 0 });
    assert.equal(sessionFor(db, 'forged-token'), undefined);
    signOut(db, s.token);
    assert.equal(sessionFor(db, s.token), undefined);
  });

  test('signing in again rotates the session: a new token, and the one the browser held before no longer opens anything', () => {
    const db = openConsoleDb(':memory:');
    ensureUsers(db, [{ username: 'op', role: 'operator', password: 'pw1' }, { username: 'boss', role: 'admin', password: 'pw3' }]);
    const first = signIn(db, 'op', 'pw1')!;
    const second = signIn(db, 'boss', 'pw3', first.token)!;
    assert.notEqual(second.token, first.token);
    assert.equal(sessionFor(db, first.token), undefined, 'the earlier session ended');
    assert.equal(sessionFor(db, second.token)?.role, 'admin');
    // a wrong password leaves the current session alone
    assert.equal(signIn(db, 'op', 'wrong', second.token), undefined);
    assert.equal(sessionFor(db, second.token)?.username, 'boss');
    // another browser's session is untouched by this one's sign-in
    const other = signIn(db, 'op', 'pw1')!;
    signIn(db, 'op', 'pw1', second.token);
    assert.equal(sessionFor(db, other.token)?.username, 'op');
  });

  test('users come from ROCKETDECK_USERS or a JSON file, and bad entries are named', () => {
    assert.equal(usersFromEnv({}), undefined);
    assert.deepEqual(usersFromEnv({ ROCKETDECK_USERS: 'a:operator:x:y,b:viewer:z' }), [
      { username: 'a', role: 'operator', password: 'x:y' },
      { username: 'b', role: 'viewer', password: 'z' },
    ]);
    assert.throws(() => usersFromEnv({ ROCKETDECK_USERS: 'a:root:x' }), (e: Error) => e instanceof AuthConfigError && /entry 1.*'viewer', 'operator' or 'admin'/.test(e.message));
    assert.equal(usersFromEnv({ ROCKETDECK_USERS: 'a:admin:x' })![0]!.role, 'admin');
    const dir = mkdtempSync(join(tmpdir(), 'rd-users-'));
    try {
      const f = join(dir, 'users.json');
      writeFileSync(f, JSON.stringify([{ username: 'c', role: 'viewer', password: 'p' }]));
      assert.equal(usersFromEnv({ ROCKETDECK_USERS_FILE: f })![0]!.username, 'c');
      writeFileSync(f, '{not json');
      assert.throws(() => usersFromEnv({ ROCKETDECK_USERS_FILE: f }), /ROCKETDECK_USERS_FILE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('console audit log', () => {
  test('records entries newest first with params and results', () => {
    const db = openConsoleDb(':memory:');
    recordAudit(db, { username: 'op', action: 'createTopic', target: 'T1', params: { queues: 8 }, ok: true, result: { brokers: 2 } });
    recordAudit(db, { username: 'op', action: 'deleteTopic', target: 'T1', params: {}, ok: false, result: { error: 'x' } });
    const rows = listAudit(db);
    assert.deepEqual(rows.map((r) => [r.action, r.ok]), [['deleteTopic', false], ['createTopic', true]]);
    assert.deepEqual(rows[1]!.params, { queues: 8 });
  });
});

describe('console history', () => {
  test('raw samples downsample into minute averages and expire', () => {
    const db = openConsoleDb(':memory:');
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    for (let i = 0; i < 12; i++) recordSamples(db, t0 + i * 10_000, [{ kind: 'group', name: 'g1', metric: 'lag', value: i }]);
    const now = t0 + 3 * 60_000;
    downsample(db, now);
    const raw = querySeries(db, 'group', 'g1', 'lag', t0, now, now);
    assert.equal(raw.length, 12);
    // a week later only the minute tier covers the range
    const later = t0 + 24 * 3600_000;
    downsample(db, later);
    const minutes = querySeries(db, 'group', 'g1', 'lag', t0, later, later);
    assert.deepEqual(minutes, [
      { ts: t0, value: 2.5 },
      { ts: t0 + 60_000, value: 8.5 },
    ]);
    assert.equal(recentSeries(db, 'group', 'lag', t0).size, 0, 'raw rows past retention are gone');
  });

  test('history survives reopening the database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-db-'));
    try {
      const path = join(dir, 'console.db');
      const db = openConsoleDb(path);
      recordSamples(db, 1000, [{ kind: 'topic', name: 't', metric: 'tps', value: 5 }]);
      db.close();
      const again = openConsoleDb(path);
      assert.deepEqual(recentSeries(again, 'topic', 'tps', 0).get('t'), [{ ts: 1000, value: 5 }]);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('console start-up', () => {
  test('a first start without users prints the admin password once and leaves it in a 0600 file next to the database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-boot-'));
    try {
      const path = join(dir, 'console.db');
      const db = openConsoleDb(path);
      const lines: string[] = [];
      setUpUsers(db, {}, path, (l) => lines.push(l));
      assert.equal(lines.length, 1);
      const m = /^RocketDeck console: created user 'admin' with password (\S+) \(shown once/.exec(lines[0]!);
      assert.ok(m, lines[0]);
      const file = initialPasswordPath(path);
      assert.equal(readFileSync(file, 'utf8').trim(), m[1]);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(signIn(db, 'admin', m[1]!));
      setUpUsers(db, {}, path, (l) => lines.push(l));
      assert.equal(lines.length, 1, 'not printed again');
      // configured users replace the generated admin, and its password file goes
      setUpUsers(db, { ROCKETDECK_USERS: 'op:operator:pw' }, path, (l) => lines.push(l));
      assert.equal(existsSync(file), false);
      assert.equal(signIn(db, 'admin', m[1]!), undefined);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('console history reads', () => {
  test('recent series of named series only, in chunks', () => {
    const db = openConsoleDb(':memory:');
    recordSamples(db, 1000, Array.from({ length: 1200 }, (_, i) => ({ kind: 'group', name: `g${i}`, metric: 'lag', value: i })));
    const some = recentSeries(db, 'group', 'lag', 0, 'default', ['g1', 'g1100', 'missing']);
    assert.deepEqual([...some.keys()], ['g1', 'g1100']);
    assert.equal(recentSeries(db, 'group', 'lag', 0, 'default', Array.from({ length: 1200 }, (_, i) => `g${i}`)).size, 1200);
    assert.equal(recentSeries(db, 'group', 'lag', 0, 'other').size, 0, 'another cluster has its own series');
  });
});
