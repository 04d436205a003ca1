// Start-up route warm-up: each list route is asked once over HTTP, and readiness waits for it (bounded).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WARM_ROUTES, warmRoutesOverHttp, whenRoutesWarm } from './warm-up.ts';

describe('console warm-up', () => {
  test('readiness does not wait when no warm-up runs', async () => {
    const t0 = Date.now();
    await whenRoutesWarm(10_000);
    assert.ok(Date.now() - t0 < 1000);
  });

  test('asks every list route once, and readiness resolves after it', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const done = warmRoutesOverHttp(origin);
      assert.equal(warmRoutesOverHttp(origin), done, 'one warm-up per process');
      await whenRoutesWarm(10_000);
      await done;
      assert.deepEqual(seen, WARM_ROUTES);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
