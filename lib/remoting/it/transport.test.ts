// Remoting client and server talking over real sockets on 127.0.0.1: correlation, serializations, errors, reconnects.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingClient } from '../client.ts';
import { RemotingServer } from '../server.ts';
import type { RemotingConnection } from '../connection.ts';
import { createRequest, createResponse, type RemotingCommand } from '../command.ts';
import { RemotingClosedError, RemotingSendError, RemotingTimeoutError } from '../errors.ts';
import { waitFor } from '../../common/wait-for.ts';
import { captureLogger } from './helpers.ts';

const ECHO = 1000;
const LATE = 1001;
const THROW = 1002;
const NEVER = 1003;
const ONEWAY = 1004;
const ASYNC_ECHO = 1005;
const NOTIFY_CONSUMER_IDS_CHANGED = 40;

function echo(req: RemotingCommand): RemotingCommand {
  return createResponse(req, 0, undefined, { ...req.extFields, echoed: true }, req.body);
}

describe('remoting transport over TCP', () => {
  const serverLog = captureLogger('server');
  const clientLog = captureLogger('client');
  const server = new RemotingServer({ logger: serverLog });
  let client: RemotingClient;
  let addr: string;
  const late: Array<{ req: RemotingCommand; conn: RemotingConnection }> = [];
  const oneways: RemotingCommand[] = [];

  before(async () => {
    server.registerProcessor(ECHO, echo);
    server.registerProcessor(LATE, (req, conn) => {
      late.push({ req, conn });
    });
    server.registerProcessor(THROW, () => {
      throw new Error('boom in handler');
    });
    server.registerProcessor(NEVER, () => undefined);
    server.registerProcessor(ONEWAY, (req) => {
      oneways.push(req);
      return createResponse(req, 0, 'must never be sent for a oneway request');
    });
    server.registerProcessor(ASYNC_ECHO, async (req) => {
      const n = Number(req.extFields?.i ?? 0);
      // Spread completions out so responses leave in a different order than requests came in.
      await new Promise((r) => (n % 3 === 0 ? setImmediate(r) : setTimeout(r, n % 7)));
      return echo(req);
    });
    await server.listen();
    addr = server.address;
    client = new RemotingClient({ logger: clientLog });
  });

  after(async () => {
    await client.close();
    await server.close(500);
  });

  test('a request is answered with the same opaque, header fields and body', async () => {
    const res = await client.invoke(addr, createRequest(ECHO, { topic: 'TopicA', queueId: 2 }, { body: Buffer.from('payload') }));
    assert.equal(res.code, 0);
    assert.equal(res.flag & 1, 1);
    assert.deepEqual(res.extFields, { topic: 'TopicA', queueId: '2', echoed: 'true' });
    assert.equal(res.body?.toString(), 'payload');
  });

  test('JSON and ROCKETMQ requests are answered in their own serialization', async () => {
    for (const serializeType of ['JSON', 'ROCKETMQ'] as const) {
      const res = await client.invoke(addr, createRequest(ECHO, { topic: 'T', k: serializeType }, { serializeType }));
      assert.equal(res.serializeType, serializeType);
      assert.equal(res.extFields?.k, serializeType);
    }
  });

  test('a oneway request reaches the handler and gets no answer', async () => {
    const before = clientLog.records.length;
    await client.invokeOneway(addr, createRequest(ONEWAY, { n: 1 }));
    await waitFor('the oneway request', () => oneways.length === 1);
    assert.equal(oneways[0]!.flag & 2, 2);
    // A request sent after the oneway one is answered first in line: had the server answered the oneway
    // request, that response would have reached the client before this one and been logged as unknown.
    await client.invoke(addr, createRequest(ECHO));
    assert.deepEqual(clientLog.records.slice(before).filter((r) => r.event === 'unknown_response'), []);
  });

  test('1,000 requests in flight at once are each answered with their own response', async () => {
    const n = 1000;
    const calls = Array.from({ length: n }, (_, i) =>
      client.invoke(
        addr,
        createRequest(ASYNC_ECHO, { i }, { body: Buffer.from(`body-${i}`), serializeType: i % 2 ? 'ROCKETMQ' : 'JSON' }),
        20_000,
      ),
    );
    const responses = await Promise.all(calls);
    responses.forEach((res, i) => {
      assert.equal(res.extFields?.i, String(i));
      assert.equal(res.body?.toString(), `body-${i}`);
      assert.equal(res.serializeType, i % 2 ? 'ROCKETMQ' : 'JSON');
    });
    assert.equal(new Set(responses.map((r) => r.opaque)).size, n);
    const conn = await client.getConnection(addr);
    assert.equal(conn.pendingInvokes, 0);
  });

  test('a handler may answer later itself over the connection (long polling)', async () => {
    const call = client.invoke(addr, createRequest(LATE, { wait: 1 }), 10_000);
    await waitFor('the held request', () => late.length === 1);
    const { req, conn } = late[0]!;
    assert.ok(conn.send(createResponse(req, 0, 'answered late')));
    const res = await call;
    assert.equal(res.remark, 'answered late');
  });

  test('a request without answer fails with RemotingTimeoutError naming address, code and timeout', async () => {
    const conn = await client.getConnection(addr);
    const err = await client.invoke(addr, createRequest(NEVER), 150).then(
      () => assert.fail('expected a timeout'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RemotingTimeoutError);
    assert.equal(err.timeoutMs, 150);
    assert.match(err.message, new RegExp(`${addr}.*`));
    assert.match(err.message, /request 1003/);
    assert.match(err.message, /150ms/);
    assert.equal(conn.pendingInvokes, 0);
  });

  test('an unknown request code is answered with REQUEST_CODE_NOT_SUPPORTED (3)', async () => {
    const res = await client.invoke(addr, createRequest(4242));
    assert.equal(res.code, 3);
    assert.equal(res.remark, ' request type 4242 not supported');
  });

  test('a throwing handler is answered with SYSTEM_ERROR (1) carrying its message, and logged', async () => {
    const res = await client.invoke(addr, createRequest(THROW, undefined, { serializeType: 'ROCKETMQ' }));
    assert.equal(res.code, 1);
    assert.equal(res.remark, 'boom in handler');
    assert.equal(res.serializeType, 'ROCKETMQ');
    assert.ok(serverLog.records.some((r) => r.level === 'error' && r.event === 'request_handler_failed' && r.fields.code === THROW));
  });

  test("the server can send a request over the client's connection and the client's processor answers", async () => {
    client.registerProcessor(NOTIFY_CONSUMER_IDS_CHANGED, (req) => createResponse(req, 0, `notified ${req.extFields?.consumerGroup}`));
    const clientConn = await client.getConnection(addr);
    const serverConn = [...server.connections].find((c) => c.remoteAddr === clientConn.localAddr);
    assert.ok(serverConn, 'server side of the client connection');
    const res = await serverConn.invoke(createRequest(NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: 'cg1' }), 3000);
    assert.equal(res.remark, 'notified cg1');
    const unknown = await serverConn.invoke(createRequest(4343), 3000);
    assert.equal(unknown.code, 3);
  });

  test('concurrent callers share one pending connect', async () => {
    const c2 = new RemotingClient({ logger: clientLog });
    try {
      const before = server.connections.size;
      const conns = await Promise.all(Array.from({ length: 8 }, () => c2.getConnection(addr)));
      assert.equal(new Set(conns).size, 1);
      await waitFor('the one new server connection', () => server.connections.size === before + 1);
    } finally {
      await c2.close();
    }
  });

  test('after the server closes a connection the next call connects again', async () => {
    const first = await client.getConnection(addr);
    const serverConn = [...server.connections].find((c) => c.remoteAddr === first.localAddr)!;
    serverConn.close('test closes it');
    await waitFor('the client to notice the close', () => first.closed);
    const res = await client.invoke(addr, createRequest(ECHO, { again: 1 }));
    assert.equal(res.extFields?.again, '1');
    const second = await client.getConnection(addr);
    assert.notEqual(second, first);
    assert.notEqual(second.id, first.id);
  });

  test('a closing connection fails its pending calls with RemotingSendError', async () => {
    const conn = await client.getConnection(addr);
    const call = client.invoke(addr, createRequest(NEVER), 10_000);
    await waitFor('the pending call', () => conn.pendingInvokes === 1);
    client.closeConnection(addr);
    await assert.rejects(call, RemotingSendError);
  });

  test('client.close rejects in-flight calls and every later call with RemotingClosedError', async () => {
    const c2 = new RemotingClient({ logger: clientLog });
    const outcomes = [c2.invoke(addr, createRequest(NEVER), 10_000), c2.invoke(addr, createRequest(NEVER), 10_000)].map((p) =>
      p.then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      ),
    );
    const conn = await c2.getConnection(addr);
    await waitFor('both calls to be sent', () => conn.pendingInvokes === 2);
    await c2.close();
    for (const e of await Promise.all(outcomes)) assert.ok(e instanceof RemotingClosedError, String(e));
    await assert.rejects(c2.invoke(addr, createRequest(ECHO)), RemotingClosedError);
    await assert.rejects(c2.invokeOneway(addr, createRequest(ONEWAY)), RemotingClosedError);
    assert.ok(conn.closed);
  });
});
