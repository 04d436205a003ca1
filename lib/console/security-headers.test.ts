// Page CSP: the nonce in script-src, unsafe-eval only in development, framing refused; nonces are fresh and long.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_CSP, newNonce, pageCsp } from './security-headers.ts';

test('the page policy allows scripts by nonce only, never eval outside development, and refuses framing', () => {
  const prod = pageCsp('abc');
  assert.match(prod, /script-src 'self' 'nonce-abc' 'strict-dynamic'(;|$)/);
  assert.ok(!prod.includes('unsafe-eval'));
  assert.match(prod, /frame-ancestors 'none'/);
  assert.match(prod, /object-src 'none'/);
  assert.match(pageCsp('abc', true), /'unsafe-eval'/);
  assert.match(API_CSP, /^default-src 'none'; frame-ancestors 'none'/);
});

test('nonces are 128 random bits and differ each time', () => {
  const seen = new Set(Array.from({ length: 1000 }, () => newNonce()));
  assert.equal(seen.size, 1000);
  for (const n of seen) assert.equal(Buffer.from(n, 'base64').length, 16);
});
