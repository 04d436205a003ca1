import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerAddrsOf, proxyAddrsOf } from './v5-view.ts';
import type { HttpError } from './http.ts';

test('proxy and controller addresses come from the environment and the query; a bad one is a 400 naming its parameter', () => {
  const saved = process.env.ROCKETDECK_PROXY_ADDRS;
  try {
    process.env.ROCKETDECK_PROXY_ADDRS = '10.0.0.1:8080;10.0.0.2:8080';
    assert.deepEqual(proxyAddrsOf(new URL('http://x/api/v5?proxy=10.0.0.3:8080,10.0.0.1:8080')), ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080']);
    delete process.env.ROCKETDECK_PROXY_ADDRS;
    assert.deepEqual(proxyAddrsOf(), []);
    const err = (() => { try { controllerAddrsOf(new URL('http://x/api/v5?controller=nohost')); } catch (e) { return e as HttpError; } return undefined; })();
    assert.equal(err?.status, 400);
    assert.equal(err?.field, 'controller');
  } finally {
    if (saved === undefined) delete process.env.ROCKETDECK_PROXY_ADDRS;
    else process.env.ROCKETDECK_PROXY_ADDRS = saved;
  }
});
