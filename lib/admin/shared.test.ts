// AdminCore.shared: concurrent identical reads share one call; a settled call is never reused.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { AdminCore } from './core.ts';

describe('AdminCore.shared', () => {
  test('concurrent callers with one key get one call; other keys and later callers get their own', async () => {
    const core = new AdminCore({ namesrvAddr: '127.0.0.1:9876' });
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fn = async () => {
      calls++;
      await gate;
      return calls;
    };
    const a = core.shared('k', fn);
    const b = core.shared('k', fn);
    const c = core.shared('other', fn);
    release();
    assert.equal(await a, await b);
    await c;
    assert.equal(calls, 2);
    await core.shared('k', fn);
    assert.equal(calls, 3, 'a finished call is not reused');
    await core.close();
  });

  test('a failure reaches every waiting caller and is not kept', async () => {
    const core = new AdminCore({ namesrvAddr: '127.0.0.1:9876' });
    let calls = 0;
    const boom = async () => {
      calls++;
      throw new Error('boom');
    };
    const results = await Promise.allSettled([core.shared('k', boom), core.shared('k', boom)]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(calls, 1);
    assert.equal(await core.shared('k', async () => 'ok'), 'ok');
    await core.close();
  });
});
