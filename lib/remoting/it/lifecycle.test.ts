// Starting, connecting and stopping: listen/close of the server, connect failures and timeouts of the client.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { RemotingClient } from '../client.ts';
import { RemotingServer } from '../server.ts';
import type { RemotingConnection } from '../connection.ts';
import { createRequest, createResponse } from '../command.ts';
import { RemotingConnectError, RemotingError, RemotingSendError } from '../errors.ts';
import { waitFor } from '../../common/wait-for.ts';
import { captureLogger, withDeadline } from './helpers.ts';
import { freePort } from '../../common/free-port.ts';

const quiet = () => captureLogger();


describe('remoting server lifecycle', () => {
  test('address is known only after listen; a taken port is refused with RemotingError', async () => {
    const a = new RemotingServer({ logger: quiet() });
    assert.throws(() => a.address, RemotingError);
    const { host, port } = await a.listen();
    assert.equal(host, '127.0.0.1');
    assert.ok(port > 0);
    assert.equal(a.address, `127.0.0.1:${port}`);
    const b = new RemotingServer({ port, logger: quiet() });
    await assert.rejects(b.listen(), (e: unknown) => e instanceof RemotingError && e.message.includes(String(port)));
    await a.close();
    await b.close();
  });

  test('connection and disconnect events follow the clients', async () => {
    const server = new RemotingServer({ logger: quiet() });
    await server.listen();
    const seen: string[] = [];
    server.on('connection', (c: RemotingConnection) => seen.push(`+${c.remoteAddr}`));
    server.on('disconnect', (c: RemotingConnection, reason: string) => seen.push(`-${c.remoteAddr} ${reason}`));
    const client = new RemotingClient({ logger: quiet() });
    const conn = await client.getConnection(server.address);
    await waitFor('the server to see the client', () => server.connections.size === 1);
    client.closeConnection(server.address);
    await waitFor('the server to see the client leave', () => server.connections.size === 0);
    assert.equal(seen.length, 2);
    assert.equal(seen[0], `+${conn.localAddr}`);
    assert.ok(seen[1]!.startsWith(`-${conn.localAddr} `));
    await client.close();
    await server.close();
  });

  test('close lets running handlers answer, then refuses new connections', async () => {
    const server = new RemotingServer({ logger: quiet() });
    let started = false;
    server.registerProcessor(1, async (req) => {
      started = true;
      await new Promise((r) => setTimeout(r, 150)); // a handler that takes a while to answer
      return createResponse(req, 0, 'finished');
    });
    await server.listen();
    const addr = server.address;
    const client = new RemotingClient({ logger: quiet() });
    const call = client.invoke(addr, createRequest(1), 10_000);
    await waitFor('the handler to start', () => started);
    const closed = server.close(10_000);
    assert.equal((await call).remark, 'finished');
    await withDeadline(closed, 'server close');
    assert.equal(server.connections.size, 0);
    await assert.rejects(client.invoke(addr, createRequest(1)), RemotingConnectError);
    await client.close();
  });

  test('close does not wait past its grace for a handler that never answers', async () => {
    const server = new RemotingServer({ logger: quiet() });
    let started = false;
    server.registerProcessor(1, () => {
      started = true;
      return new Promise(() => {});
    });
    await server.listen();
    const client = new RemotingClient({ logger: quiet() });
    const call = client.invoke(server.address, createRequest(1), 30_000).catch((e: unknown) => e);
    await waitFor('the handler to start', () => started);
    const t0 = Date.now();
    await withDeadline(server.close(100), 'server close', 5000);
    assert.ok(Date.now() - t0 < 4000);
    assert.ok((await call) instanceof RemotingSendError);
    await client.close();
  });
});

describe('remoting client connecting', () => {
  test('a refused connect rejects with RemotingConnectError naming the address', async () => {
    const addr = `127.0.0.1:${await freePort()}`;
    const client = new RemotingClient({ logger: quiet() });
    const err = await client.invoke(addr, createRequest(1)).catch((e: unknown) => e);
    assert.ok(err instanceof RemotingConnectError);
    assert.equal(err.addr, addr);
    assert.ok(err.message.includes(addr));
    await client.close();
  });

  test('an address that is not host:port rejects with RemotingConnectError', async () => {
    const client = new RemotingClient({ logger: quiet() });
    for (const addr of ['localhost', 'host:', ':9876', 'host:99999', 'host:12ab']) {
      await assert.rejects(client.getConnection(addr), RemotingConnectError, addr);
    }
    await client.close();
  });

  test('a connect that hangs fails after connectTimeoutMs', async () => {
    // A listener in another process whose event loop is blocked never accepts: once its accept queue
    // (backlog 1) is full, the kernel drops further SYNs and our connect hangs.
    const script = `const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{process.stdout.write(s.address().port+'\\n');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0)})`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const fillers: net.Socket[] = [];
    const client = new RemotingClient({ connectTimeoutMs: 300, logger: quiet() });
    try {
      const port = await withDeadline(
        new Promise<number>((r) => child.stdout.once('data', (d: Buffer) => r(Number(d.toString().trim())))),
        'the blocked listener',
      );
      const addr = `127.0.0.1:${port}`;
      for (let i = 0; i < 4; i++) {
        const s = net.connect(port, '127.0.0.1');
        s.on('error', () => {});
        fillers.push(s);
      }
      await waitFor('the accept queue to fill', () => fillers.filter((s) => !s.connecting).length >= 1);
      const t0 = Date.now();
      const err = await client.invoke(addr, createRequest(1), 10_000).catch((e: unknown) => e);
      assert.ok(err instanceof RemotingConnectError, String(err));
      assert.match(err.message, new RegExp(`connect to ${addr} timed out after 300ms`));
      assert.ok(Date.now() - t0 >= 250);
    } finally {
      for (const s of fillers) s.destroy();
      child.kill();
      await client.close();
    }
  });
});
