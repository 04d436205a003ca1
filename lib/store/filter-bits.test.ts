// The in-memory filter bits table: per queue offset, bounded per queue, dropped with its topic.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterBitTable } from './filter-bits.ts';

test('bits are kept per topic, queue and offset; 0 means none recorded', () => {
  const t = new FilterBitTable(10_000);
  t.set('T', 0, 5, 0x8000_0003);
  t.set('T', 1, 5, 0x8000_0001);
  assert.equal(t.get('T', 0, 5), 0x8000_0003);
  assert.equal(t.get('T', 1, 5), 0x8000_0001);
  assert.equal(t.get('T', 0, 6), 0);
  assert.equal(t.get('U', 0, 5), 0);
});

test('a queue keeps only its newest entries (whole chunks of 4096), older ones read as none', () => {
  const t = new FilterBitTable(8192);
  for (let i = 0; i < 20_000; i++) t.set('T', 0, i, 0x8000_0000 | (i % 2));
  assert.equal(t.get('T', 0, 0), 0, 'dropped');
  assert.equal(t.get('T', 0, 19_999), 0x8000_0001);
  assert.equal(t.get('T', 0, 16_384), 0x8000_0000);
  assert.equal(t.bytes(), 2 * 4096 * 4);
});

test('dropTopic forgets every queue of that topic only', () => {
  const t = new FilterBitTable(10_000);
  t.set('T', 0, 1, 0x8000_0001);
  t.set('T', 3, 1, 0x8000_0001);
  t.set('T@x', 0, 1, 0x8000_0001);
  t.dropTopic('T');
  assert.equal(t.get('T', 0, 1), 0);
  assert.equal(t.get('T', 3, 1), 0);
  assert.equal(t.get('T@x', 0, 1), 0x8000_0001);
});
