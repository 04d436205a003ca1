// StoreTimeCache: bounded, keeps only real store times, forgets deleted topics.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StoreTimeCache } from './store-time-cache.ts';

describe('StoreTimeCache', () => {
  test('answers a remembered store time by topic, queue and offset', () => {
    const c = new StoreTimeCache();
    c.set('T', 0, 5, 1000);
    assert.equal(c.get('T', 0, 5), 1000);
    assert.equal(c.get('T', 0, 6), undefined);
    assert.equal(c.get('T', 1, 5), undefined);
  });

  test('keeps no missing message (-1 / 0): it may still arrive at that offset', () => {
    const c = new StoreTimeCache();
    c.set('T', 0, 5, -1);
    c.set('T', 0, 6, 0);
    assert.equal(c.size, 0);
  });

  test('never holds more than maxEntries, dropping the oldest', () => {
    const c = new StoreTimeCache(16);
    for (let i = 0; i < 100; i++) c.set('T', 0, i, 1000 + i);
    assert.ok(c.size <= 16);
    assert.equal(c.get('T', 0, 99), 1099);
    assert.equal(c.get('T', 0, 0), undefined);
  });

  test('forgets the entries of deleted topics only', () => {
    const c = new StoreTimeCache();
    c.set('T', 0, 1, 10);
    c.set('T2', 0, 1, 20);
    c.set('TT', 0, 1, 30);
    c.forgetTopics(['T']);
    assert.equal(c.get('T', 0, 1), undefined);
    assert.equal(c.get('T2', 0, 1), 20);
    assert.equal(c.get('TT', 0, 1), 30);
  });
});
