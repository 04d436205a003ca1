// Replication lag in time: the age of the oldest byte a slave has not acknowledged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OffsetTimeline } from './timeline.ts';

test('lag is the age of the first sample beyond the ack offset; 0 when nothing is behind', () => {
  const t = new OffsetTimeline();
  t.note(100, 1000);
  t.note(200, 1100);
  t.note(300, 1200);
  assert.equal(t.lagMs(0, 1500), 500);
  assert.equal(t.lagMs(100, 1500), 400);
  assert.equal(t.lagMs(150, 1500), 400);
  assert.equal(t.lagMs(300, 1500), 0);
});

test('writes within 10 ms share one sample that keeps the earlier time', () => {
  const t = new OffsetTimeline();
  t.note(100, 1000);
  t.note(150, 1005);
  assert.equal(t.size, 1);
  assert.equal(t.writtenAt(120), 1000);
  t.note(140, 1020);
  assert.equal(t.size, 1, 'offsets never go back');
});

test('prune drops samples everyone acknowledged, and the sample count is bounded', () => {
  const t = new OffsetTimeline();
  for (let i = 1; i <= 100; i++) t.note(i * 10, i * 20);
  t.prune(500);
  assert.equal(t.writtenAt(500), 1020);
  assert.equal(t.size, 50);
  const big = new OffsetTimeline();
  for (let i = 1; i <= 70_000; i++) big.note(i, i * 20);
  assert.ok(big.size <= 65_536);
  assert.equal(big.lagMs(70_000, 2_000_000), 0);
});
