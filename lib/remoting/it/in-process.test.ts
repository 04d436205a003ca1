// A client with dispatchInProcess and a server of the same process: requests reach the server's processors
// through the accepted connection without touching the socket; everything else behaves as over TCP.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingClient } from '../client.ts';
import { RemotingServer } from '../server.ts';
import type { RemotingConnection } from '../connection.ts';
import { createRequest, createResponse, type RemotingCommand } from '../command.ts';
import { RemotingTimeoutError } from '../errors.ts';
import { waitFor } from '../../common/wait-for.ts';
import { captureLogger } from './helpers.ts';

const ECHO = 1000;
const LATE = 1001;
const THROW = 1002;
const NEVER = 1003;
const ONEWAY = 1004;

describe('remoting requests dispatched in process', () => {
  const server = new RemotingServer({ logger: captureLogger('server') });
  const seen: Array<{ req: RemotingCommand; conn: RemotingConnection }> = [];
  const late: Array<{ req: RemotingCommand; conn: RemotingConnection }> = [];
  const oneways: RemotingCommand[] = [];
  let addr: string;

  before(async () => {
    server.registerProcessor(ECHO, (req, conn) => {
      seen.push({ req, conn });
      return createResponse(req, 0, 'echo', { ...req.extFields, echoed: true }, req.body);
    });
    server.registerProcessor(LATE, (req, conn) => {
      late.push({ req, conn });
    });
    server.registerProcessor(THROW, () => {
      throw new Error('boom in handler');
    });
    server.registerProcessor(NEVER, () => undefined);
    server.registerProcessor(ONEWAY, (req) => {
      oneways.push(req);
    });
    const a = await server.listen();
    addr = `${a.host}:${a.port}`;
  });

  after(async () => {
    await server.close(0);
  });

  test('answers come back without a byte on the socket, and the handler sees the accepted connection', async () => {
    const client = new RemotingClient({ logger: captureLogger('client'), dispatchInProcess: true });
    try {
      // The first request may go over the wire while the server is still accepting the connection.
      await client.invoke(addr, createRequest(ECHO, { warm: 1 }), 3_000);
      await waitFor('connection accepted', () => server.connections.size === 1, 3_000);
      const serverConn = [...server.connections][0]!;
      const socket = (serverConn as unknown as { socket: { bytesRead: number; bytesWritten: number } }).socket;
      const [read0, written0] = [socket.bytesRead, socket.bytesWritten];
      seen.length = 0;
      const body = Buffer.from('payload');
      const res = await client.invoke(addr, createRequest(ECHO, { topic: 'T', queueId: 3 }, { body }), 3_000);
      assert.equal(res.code, 0);
      assert.equal(res.remark, 'echo');
      assert.deepEqual(res.extFields, { topic: 'T', queueId: '3', echoed: 'true' });
      assert.deepEqual(res.body, body);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.conn, serverConn);
      assert.equal(seen[0]!.req.extFields?.queueId, '3', 'header values arrive as strings, as decoded from the wire');
      assert.equal(socket.bytesRead, read0);
      assert.equal(socket.bytesWritten, written0);
    } finally {
      await client.close();
    }
  });

  test('an answer given later (long polling) reaches the waiting caller', async () => {
    const client = new RemotingClient({ logger: captureLogger('client'), dispatchInProcess: true });
    try {
      await client.invoke(addr, createRequest(ECHO), 3_000);
      await waitFor('connection accepted', () => server.connections.size >= 1, 3_000);
      late.length = 0;
      const pending = client.invoke(addr, createRequest(LATE, { n: 7 }), 3_000);
      await waitFor('request held', () => late.length === 1, 3_000);
      const held = late[0]!;
      assert.ok(held.conn.send(createResponse(held.req, 0, 'later', { n: held.req.extFields!.n })));
      const res = await pending;
      assert.equal(res.remark, 'later');
      assert.equal(res.extFields?.n, '7');
    } finally {
      await client.close();
    }
  });

  test('a failing handler gives SYSTEM_ERROR, a silent one a timeout, and oneway requests still arrive', async () => {
    const log = captureLogger('client');
    const client = new RemotingClient({ logger: log, dispatchInProcess: true });
    try {
      await client.invoke(addr, createRequest(ECHO), 3_000);
      await waitFor('connection accepted', () => server.connections.size >= 1, 3_000);
      const failed = await client.invoke(addr, createRequest(THROW), 3_000);
      assert.equal(failed.code, 1);
      assert.match(failed.remark ?? '', /boom in handler/);
      await assert.rejects(client.invoke(addr, createRequest(NEVER), 200), RemotingTimeoutError);
      oneways.length = 0;
      await client.invokeOneway(addr, createRequest(ONEWAY, { k: 'v' }));
      await waitFor('oneway delivered', () => oneways.length === 1, 3_000);
      assert.equal(oneways[0]!.extFields?.k, 'v');
    } finally {
      await client.close();
    }
  });

  test('a client without the option keeps the wire', async () => {
    const client = new RemotingClient({ logger: captureLogger('client') });
    try {
      await client.invoke(addr, createRequest(ECHO), 3_000);
      await waitFor('connection accepted', () => server.connections.size >= 1, 3_000);
      const conns = [...server.connections];
      const before = conns.map((c) => (c as unknown as { socket: { bytesRead: number } }).socket.bytesRead);
      await client.invoke(addr, createRequest(ECHO, { x: 1 }), 3_000);
      const after = conns.map((c) => (c as unknown as { socket: { bytesRead: number } }).socket.bytesRead);
      assert.ok(after.some((b, i) => b > before[i]!), 'the request was read from a socket');
    } finally {
      await client.close();
    }
  });
});
