// RemotingClient without a peer: address parsing and the closed state.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingClient, parseAddr } from './client.ts';
import { createRequest } from './command.ts';
import { RemotingClosedError, RemotingConnectError } from './errors.ts';
import { captureLogger } from './it/helpers.ts';

describe('parseAddr', () => {
  test('splits host:port, including bracketed IPv6 hosts', () => {
    assert.deepEqual(parseAddr('127.0.0.1:9876'), { host: '127.0.0.1', port: 9876 });
    assert.deepEqual(parseAddr('namesrv.local:10911'), { host: 'namesrv.local', port: 10911 });
    assert.deepEqual(parseAddr('[::1]:9876'), { host: '::1', port: 9876 });
  });

  test('rejects anything that is not host:port', () => {
    for (const a of ['', '9876', 'host', 'host:', ':9876', 'host:0', 'host:65536', 'host:98a', 'host:-1', '[]:1']) {
      assert.equal(parseAddr(a), undefined, a);
    }
  });
});

describe('RemotingClient', () => {
  test('an invalid address fails the call with RemotingConnectError', async () => {
    const client = new RemotingClient({ logger: captureLogger() });
    await assert.rejects(client.invoke('nonsense', createRequest(1)), (e: unknown) => e instanceof RemotingConnectError && e.addr === 'nonsense');
    await client.close();
  });

  test('after close every call rejects with RemotingClosedError', async () => {
    const client = new RemotingClient({ logger: captureLogger() });
    await client.close();
    await client.close();
    await assert.rejects(client.invoke('127.0.0.1:9876', createRequest(1)), RemotingClosedError);
    await assert.rejects(client.invokeOneway('127.0.0.1:9876', createRequest(1)), RemotingClosedError);
    await assert.rejects(client.getConnection('127.0.0.1:9876'), RemotingClosedError);
    client.closeConnection('127.0.0.1:9876');
  });
});
