import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStoredCredentials, CredentialKeyError, credentialsSummary, keyFilePath, loadConsoleKey, openCredentials, saveCredentials, seal, unseal } from './credentials.ts';
import { openConsoleDb } from './db.ts';
import { checkCluster, credentialsChangeOf, describeCredentialsChange, getCluster, listClusters, saveCluster } from './clusters.ts';

const SECRET = 'very-secret-value-0123456789';

test('a sealed secret opens with the same key and cluster name only', () => {
  const k = loadConsoleKey({ ROCKETDECK_SECRET_KEY: 'a console key of some length' }, ':memory:');
  const sealed = seal(k, SECRET, 'prod');
  assert.ok(sealed.startsWith('v1:'));
  assert.ok(!sealed.includes(SECRET));
  assert.notEqual(seal(k, SECRET, 'prod'), sealed, 'a fresh IV each time');
  assert.equal(unseal(k, sealed, 'prod'), SECRET);
  assert.throws(() => unseal(k, sealed, 'staging'), CredentialKeyError);
  const other = loadConsoleKey({ ROCKETDECK_SECRET_KEY: 'another console key entirely' }, ':memory:');
  assert.throws(() => unseal(other, sealed, 'prod'), (err: Error) => {
    assert.equal(err.name, 'CredentialKeyError');
    assert.match(err.message, /ROCKETDECK_SECRET_KEY/);
    assert.ok(!err.message.includes('another console key') && !err.message.includes(SECRET));
    return true;
  });
  assert.throws(() => loadConsoleKey({ ROCKETDECK_SECRET_KEY: 'short' }, ':memory:'), /ROCKETDECK_SECRET_KEY: give at least 16/);
});

test('without ROCKETDECK_SECRET_KEY the first start writes a 0600 key file next to the database and later starts reuse it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rd-key-'));
  try {
    const dbPath = join(dir, 'console.db');
    const k1 = loadConsoleKey({}, dbPath);
    const file = keyFilePath(dbPath);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
    const k2 = loadConsoleKey({}, dbPath);
    assert.deepEqual(k2.key, k1.key);
    assert.match(k1.source, /key file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('saved clusters show the access key and that a secret is set, never the secret; a wrong key is reported per cluster', () => {
  const db = openConsoleDb(':memory:');
  const k = loadConsoleKey({ ROCKETDECK_SECRET_KEY: 'a console key of some length' }, ':memory:');
  saveCluster(db, checkCluster('prod', '127.0.0.1:9876'));
  saveCluster(db, checkCluster('plain', '127.0.0.1:9877'));
  saveCredentials(db, k, 'prod', { accessKey: 'console-ak', secretKey: SECRET });
  assert.deepEqual(getCluster(db, 'prod'), { name: 'prod', namesrvAddr: '127.0.0.1:9876', credentials: { accessKey: 'console-ak', secretKeySet: true } });
  assert.deepEqual(getCluster(db, 'plain'), { name: 'plain', namesrvAddr: '127.0.0.1:9877' });
  assert.ok(!JSON.stringify(listClusters(db)).includes(SECRET));
  assert.equal(credentialsSummary(db, 'prod')?.accessKey, 'console-ak');
  assert.equal(openCredentials(db, k, 'prod')?.secretKey, SECRET);
  const stored = (db.prepare('SELECT secret_enc FROM cluster_credentials').get() as { secret_enc: string }).secret_enc;
  assert.ok(!stored.includes(SECRET));
  const wrong = loadConsoleKey({ ROCKETDECK_SECRET_KEY: 'not the key it was saved with' }, ':memory:');
  assert.deepEqual(checkStoredCredentials(db, wrong), ['prod']);
  assert.deepEqual(checkStoredCredentials(db, k), []);
});

test('a credentials change names the bad field and is audited without the secret', () => {
  const withSecret = { name: 'prod', namesrvAddr: 'a:1', credentials: { accessKey: 'ak', secretKeySet: true } };
  assert.deepEqual(credentialsChangeOf({}, undefined), { kind: 'keep' });
  assert.deepEqual(credentialsChangeOf({ clearCredentials: true }, withSecret), { kind: 'clear' });
  assert.deepEqual(credentialsChangeOf({ accessKey: 'ak2' }, withSecret), { kind: 'set', accessKey: 'ak2' });
  assert.throws(() => credentialsChangeOf({ accessKey: 'ak2' }, undefined), { field: 'secretKey' });
  assert.throws(() => credentialsChangeOf({ secretKey: 's' }, undefined), { field: 'accessKey' });
  assert.throws(() => credentialsChangeOf({ accessKey: 'has space', secretKey: 's' }, undefined), { field: 'accessKey' });
  assert.throws(() => credentialsChangeOf({ accessKey: 'ak', secretKey: 42 }, undefined), { field: 'secretKey' });
  const audit = describeCredentialsChange(credentialsChangeOf({ accessKey: 'ak', secretKey: SECRET }, undefined));
  assert.deepEqual(audit, { accessKey: 'ak', secretKey: 'set' });
});
