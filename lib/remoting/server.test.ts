// RemotingServer states that need no peer: before listen and after close.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingServer, DEFAULT_WRITE_HIGH_WATER_MARK } from './server.ts';
import { RemotingClosedError, RemotingError } from './errors.ts';
import { captureLogger } from './it/helpers.ts';

describe('RemotingServer', () => {
  test('has no address before listen and no connections', () => {
    const server = new RemotingServer({ logger: captureLogger() });
    assert.throws(() => server.address, RemotingError);
    assert.equal(server.connections.size, 0);
  });

  test('close before listen resolves, and a closed server does not listen again', async () => {
    const server = new RemotingServer({ logger: captureLogger() });
    await server.close();
    await assert.rejects(server.listen(), RemotingClosedError);
  });

  test('the default write high-water mark is 4 MiB', () => {
    assert.equal(DEFAULT_WRITE_HIGH_WATER_MARK, 4 * 1024 * 1024);
  });
});
