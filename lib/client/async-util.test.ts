import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncMutex, Signal, TaskPool, TimerSet } from './async-util.ts';

describe('AsyncMutex', () => {
  test('serves waiters in order and tryLock gives up at its timeout', async () => {
    const m = new AsyncMutex();
    await m.lock();
    const order: number[] = [];
    const a = m.lock().then(() => order.push(1));
    const b = m.lock().then(() => order.push(2));
    assert.equal(await m.tryLock(20), false);
    m.unlock();
    await a;
    m.unlock();
    await b;
    assert.deepEqual(order, [1, 2]);
    m.unlock();
    assert.equal(m.locked, false);
    assert.equal(await m.tryLock(0), true);
  });
});

describe('TaskPool', () => {
  test('never runs more than its concurrency and reports idle', async () => {
    const pool = new TaskPool(2);
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    for (let i = 0; i < 5; i++) {
      pool.submit(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running--;
      });
    }
    assert.equal(pool.active, 2);
    assert.equal(pool.queued, 3);
    while (release.length > 0 || pool.active > 0) {
      release.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await pool.whenIdle();
    assert.equal(peak, 2);
  });

  test('a failing task does not stop the pool; clear drops queued tasks', async () => {
    const pool = new TaskPool(1);
    let ran = 0;
    pool.submit(async () => {
      throw new Error('boom');
    });
    pool.submit(async () => {
      ran++;
    });
    await pool.whenIdle();
    assert.equal(ran, 1);
    let gate!: () => void;
    pool.submit(() => new Promise<void>((r) => (gate = r)));
    pool.submit(async () => {
      ran++;
    });
    pool.clear();
    gate();
    await pool.whenIdle();
    assert.equal(ran, 1);
  });
});

describe('Signal and TimerSet', () => {
  test('notify wakes waiters before their timeout; cleared timers never fire', async () => {
    const s = new Signal();
    const t0 = Date.now();
    const w = s.wait(5000);
    s.notify();
    await w;
    assert.ok(Date.now() - t0 < 1000);
    await s.wait(5);
    const timers = new TimerSet();
    let fired = false;
    timers.after(5, () => (fired = true));
    timers.clear();
    timers.after(1, () => (fired = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fired, false);
  });
});
