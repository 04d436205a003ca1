import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepsFor } from './topic-edit.ts';

const c = (readQueueNums: number, writeQueueNums: number, perm = 6) => ({ readQueueNums, writeQueueNums, perm });

test('shrinking read and write queues closes the write queues first and the read queues in a later step', () => {
  assert.deepEqual(stepsFor(c(8, 8), c(4, 4)), { next: c(8, 4), later: c(4, 4) });
});

test('after the write queues were closed, the read shrink is the one step left', () => {
  assert.deepEqual(stepsFor(c(8, 4), c(4, 4)), { next: c(4, 4), later: null });
});

test('growing, a write-only shrink or a permission change is one step; no change is none', () => {
  assert.deepEqual(stepsFor(c(4, 4), c(8, 8)), { next: c(8, 8), later: null });
  assert.deepEqual(stepsFor(c(8, 8), c(8, 4)), { next: c(8, 4), later: null });
  assert.deepEqual(stepsFor(c(8, 8), c(8, 8, 4)), { next: c(8, 8, 4), later: null });
  assert.deepEqual(stepsFor(c(8, 8), c(8, 8)), { next: null, later: null });
});
