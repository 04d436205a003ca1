import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineError, mapBounded, withDeadline } from './fanout.ts';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapBounded', () => {
  test('never runs more than the limit at once and keeps the input order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0, 6, 2], async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await delay(n);
      inFlight--;
      return n * 10;
    }, { limit: 3 });
    assert.equal(most, 3);
    assert.deepEqual(out.map((s) => (s.ok ? s.value : undefined)), [50, 10, 40, 20, 30, 0, 60, 20]);
  });

  test('a failing item settles as an error and the others still answer', async () => {
    const out = await mapBounded(['a', 'b', 'c'], async (s) => {
      if (s === 'b') throw new Error('b is down');
      return s.toUpperCase();
    });
    assert.deepEqual(out[0], { ok: true, value: 'A' });
    assert.equal(out[1]!.ok, false);
    assert.match(String((out[1] as { error: Error }).error.message), /b is down/);
    assert.deepEqual(out[2], { ok: true, value: 'C' });
  });

  test('an item past its deadline fails with a DeadlineError naming it, without holding the rest', async () => {
    const started = Date.now();
    const out = await mapBounded(['slow', 'fast'], async (s) => {
      if (s === 'slow') await new Promise(() => {}); // never settles
      return s;
    }, { itemDeadlineMs: 50, describe: (s) => `broker ${s}` });
    assert.ok(Date.now() - started < 2000);
    assert.equal(out[0]!.ok, false);
    assert.ok((out[0] as { error: unknown }).error instanceof DeadlineError);
    assert.match(((out[0] as { error: Error }).error).message, /broker slow did not answer within 50ms/);
    assert.deepEqual(out[1], { ok: true, value: 'fast' });
  });

  test('no items: no work, empty answer', async () => {
    assert.deepEqual(await mapBounded([], async () => 1), []);
  });
});

describe('withDeadline', () => {
  test('passes the value through when in time and rejects when late', async () => {
    assert.equal(await withDeadline(Promise.resolve(7), 100, () => new Error('late')), 7);
    await assert.rejects(withDeadline(delay(200), 20, () => new Error('late')), /late/);
  });
});
