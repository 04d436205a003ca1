import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acquireEventLoopMonitor, eventLoopDelay, releaseEventLoopMonitor } from './event-loop.ts';
import { waitFor } from '../common/wait-for.ts';

test('a blocked event loop shows in the delay figures; nothing is measured once the last user released it', async () => {
  assert.equal(eventLoopDelay(), undefined);
  acquireEventLoopMonitor();
  acquireEventLoopMonitor();
  try {
    await waitFor('a first sample', async () => eventLoopDelay() !== undefined, 5_000, 20);
    const until = Date.now() + 120;
    while (Date.now() < until); // block the loop for 120 ms
    await waitFor('the block measured', async () => (eventLoopDelay()?.maxMs ?? 0) >= 100, 5_000, 20);
    const d = eventLoopDelay()!;
    assert.ok(d.maxMs >= d.p99Ms && d.p99Ms >= d.meanMs && d.meanMs > 0, JSON.stringify(d));
    releaseEventLoopMonitor();
    assert.notEqual(eventLoopDelay(), undefined, 'one user still holds it');
  } finally {
    releaseEventLoopMonitor();
  }
  assert.equal(eventLoopDelay(), undefined);
});
