// RemotingConnection over a scripted fake socket: correlation, dispatch rules, timeouts, bad frames, back-pressure.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { RemotingConnection, ProcessorRegistry, type RequestHandler } from './connection.ts';
import { createRequest, createResponse, FLAG_ONEWAY, type RemotingCommand } from './command.ts';
import { decodeFrameWithLength, encodeFrame } from './codec.ts';
import { RemotingSendError, RemotingTimeoutError } from './errors.ts';
import { captureLogger } from './it/helpers.ts';

/** Just enough of net.Socket for RemotingConnection; records what is written. */
class FakeSocket extends EventEmitter {
  remoteAddress = '::ffff:10.0.0.7';
  remotePort = 4000;
  localAddress = '127.0.0.1';
  localPort = 5000;
  written: Buffer[] = [];
  writableLength = 0;
  writableNeedDrain = false;
  /** When set, writes stay queued: writableLength grows as if the peer did not read. */
  stalled = false;
  writeError?: Error;
  destroyed = false;
  ended = false;
  paused = false;

  setNoDelay() {
    return this;
  }
  write(buf: Buffer, cb?: (err?: Error | null) => void): boolean {
    this.written.push(buf);
    if (this.stalled) {
      this.writableLength += buf.length;
      if (this.writableLength >= 16384) this.writableNeedDrain = true;
    }
    const err = this.writeError;
    process.nextTick(() => cb?.(err));
    return !this.writableNeedDrain;
  }
  cork() {}
  uncork() {}
  end() {
    this.ended = true;
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    process.nextTick(() => this.emit('close'));
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  /** Lets the queued bytes go, as when the peer reads again. */
  drain() {
    this.writableLength = 0;
    this.writableNeedDrain = false;
    this.emit('drain');
  }
  sent(): RemotingCommand[] {
    return this.written.map((b) => decodeFrameWithLength(b));
  }
}

function setup(handlers: Record<number, RequestHandler> = {}, opts: { writeHighWaterMark?: number; fallback?: RequestHandler } = {}) {
  const socket = new FakeSocket();
  const log = captureLogger();
  const processors = new ProcessorRegistry(new Map(Object.entries(handlers).map(([k, v]) => [Number(k), v])));
  processors.fallback = opts.fallback;
  const conn = new RemotingConnection(socket as unknown as Socket, { processors, logger: log, writeHighWaterMark: opts.writeHighWaterMark });
  const receive = (...cmds: RemotingCommand[]) => socket.emit('data', Buffer.concat(cmds.map(encodeFrame)));
  return { socket, log, conn, receive };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('RemotingConnection', () => {
  test('names itself after the peer, IPv4-mapped addresses shown as plain IPv4', () => {
    const { conn } = setup();
    assert.equal(conn.remoteAddr, '10.0.0.7:4000');
    assert.equal(conn.localAddr, '127.0.0.1:5000');
    assert.match(conn.id, /^10\.0\.0\.7:4000#\d+$/);
  });

  test('invoke assigns fresh opaques without touching the caller request and resolves with the matching response', async () => {
    const { socket, conn, receive } = setup();
    const req = createRequest(105, { topic: 'T' }, { oneway: true });
    const a = conn.invoke(req, 1000);
    const b = conn.invoke(req, 1000);
    const [sa, sb] = socket.sent();
    assert.equal(req.opaque, 0);
    assert.equal(sa!.flag, 0, 'a two-way call never carries the oneway flag');
    assert.notEqual(sa!.opaque, sb!.opaque);
    receive(createResponse(sb!, 0, 'second'), createResponse(sa!, 0, 'first'));
    assert.equal((await a).remark, 'first');
    assert.equal((await b).remark, 'second');
    assert.equal(conn.pendingInvokes, 0);
  });

  test('opaques stay positive int32 and wrap around', () => {
    const { socket, conn } = setup();
    (conn as unknown as { nextOpaque: number }).nextOpaque = 0x7ffffffe;
    for (let i = 0; i < 3; i++) conn.invoke(createRequest(1), 1000).catch(() => {});
    assert.deepEqual(socket.sent().map((c) => c.opaque), [0x7fffffff, 1, 2]);
    conn.close('done');
  });

  test('a response with an unknown opaque is logged and dropped', () => {
    const { log, receive } = setup();
    receive({ ...createResponse(createRequest(1), 0), opaque: 999 });
    const warns = log.records.filter((r) => r.level === 'warn');
    assert.equal(warns.length, 1);
    assert.equal(warns[0]!.event, 'unknown_response');
    assert.equal(warns[0]!.fields.opaque, 999);
  });

  test('a call without response times out with RemotingTimeoutError and leaves no pending entry', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { conn } = setup();
    const call = conn.invoke(createRequest(11), 250);
    t.mock.timers.tick(249);
    assert.equal(conn.pendingInvokes, 1);
    t.mock.timers.tick(1);
    const err = await call.catch((e: unknown) => e);
    assert.ok(err instanceof RemotingTimeoutError);
    assert.equal(err.addr, '10.0.0.7:4000');
    assert.match(err.message, /request 11 to 10\.0\.0\.7:4000 timed out after 250ms/);
    assert.equal(conn.pendingInvokes, 0);
  });

  test('closing fails pending calls with RemotingSendError, emits close once, refuses later calls', async () => {
    const { socket, conn } = setup();
    const reasons: string[] = [];
    conn.on('close', (r: string) => reasons.push(r));
    const call = conn.invoke(createRequest(11), 10_000);
    conn.close('bye');
    conn.close('again');
    await assert.rejects(call, (e: unknown) => e instanceof RemotingSendError && /bye/.test(e.message));
    assert.deepEqual(reasons, ['bye']);
    assert.ok(conn.closed && socket.ended);
    await assert.rejects(conn.invoke(createRequest(11), 100), RemotingSendError);
    await assert.rejects(conn.invokeOneway(createRequest(11)), RemotingSendError);
    assert.equal(conn.send(createRequest(1)), false);
  });

  test('a failed write fails its call with RemotingSendError', async () => {
    const { socket, conn } = setup();
    socket.writeError = new Error('EPIPE');
    await assert.rejects(conn.invoke(createRequest(11), 10_000), RemotingSendError);
    await assert.rejects(conn.invokeOneway(createRequest(11)), RemotingSendError);
    assert.equal(conn.pendingInvokes, 0);
  });

  test('invokeOneway sends with the oneway flag and resolves once written', async () => {
    const { socket, conn } = setup();
    await conn.invokeOneway(createRequest(310));
    assert.equal(socket.sent()[0]!.flag, FLAG_ONEWAY);
  });

  test('an unknown code is answered 3 " request type N not supported", in the request serialization', () => {
    const { socket, receive } = setup();
    receive({ ...createRequest(777, undefined, { serializeType: 'ROCKETMQ' }), opaque: 5 });
    const [res] = socket.sent();
    assert.equal(res!.code, 3);
    assert.equal(res!.remark, ' request type 777 not supported');
    assert.equal(res!.opaque, 5);
    assert.equal(res!.flag, 1);
    assert.equal(res!.serializeType, 'ROCKETMQ');
  });

  test('the default processor takes codes without their own handler', () => {
    const { socket, receive } = setup({}, { fallback: (req) => createResponse(req, 0, 'fallback') });
    receive({ ...createRequest(777), opaque: 5 });
    assert.equal(socket.sent()[0]!.remark, 'fallback');
  });

  test('a throwing or rejecting handler is answered 1 with its message and logged', async () => {
    const { socket, log, receive } = setup({
      1: () => {
        throw new Error('sync boom');
      },
      2: async () => {
        throw new Error('async boom');
      },
    });
    receive({ ...createRequest(1), opaque: 1 }, { ...createRequest(2), opaque: 2 });
    await tick();
    assert.deepEqual(
      socket.sent().map((c) => [c.opaque, c.code, c.remark]),
      [
        [1, 1, 'sync boom'],
        [2, 1, 'async boom'],
      ],
    );
    assert.equal(log.records.filter((r) => r.event === 'request_handler_failed').length, 2);
  });

  test('oneway requests are never answered, not even errors or unknown codes', async () => {
    const { socket, receive } = setup({
      1: (req) => createResponse(req, 0),
      2: () => {
        throw new Error('x');
      },
    });
    receive(createRequest(1, {}, { oneway: true }), createRequest(2, {}, { oneway: true }), createRequest(3, {}, { oneway: true }));
    await tick();
    assert.equal(socket.written.length, 0);
  });

  test('a handler returning undefined sends nothing; it may answer later itself', async () => {
    let held: { req: RemotingCommand; conn: RemotingConnection } | undefined;
    const { socket, receive } = setup({ 11: (req, conn) => void (held = { req, conn }) });
    receive({ ...createRequest(11), opaque: 8 });
    await tick();
    assert.equal(socket.written.length, 0);
    assert.ok(held!.conn.send(createResponse(held!.req, 0, 'later')));
    assert.equal(socket.sent()[0]!.opaque, 8);
  });

  test('a response is forced onto the request opaque, serialization and response flag', () => {
    const { socket, receive } = setup({ 1: () => ({ ...createRequest(0), opaque: 123 }) });
    receive({ ...createRequest(1, undefined, { serializeType: 'ROCKETMQ' }), opaque: 9 });
    const [res] = socket.sent();
    assert.deepEqual([res!.opaque, res!.flag, res!.serializeType], [9, 1, 'ROCKETMQ']);
  });

  test('a large immutable body is written after its header as is; the bytes equal the one-buffer frame', () => {
    for (const serializeType of ['JSON', 'ROCKETMQ'] as const) {
      const body = Buffer.alloc(40_000, 7);
      body.write('records', 100);
      const { socket, receive } = setup({ 11: (req) => ({ ...createResponse(req, 0, 'FOUND', { nextBeginOffset: 32 }), body, bodyImmutable: true }) });
      receive({ ...createRequest(11, undefined, { serializeType }), opaque: 5 });
      assert.equal(socket.written.length, 2);
      assert.equal(socket.written[1], body, 'the body itself is handed to the socket, not a copy');
      const wire = Buffer.concat(socket.written);
      const expected = encodeFrame({ ...createResponse({ ...createRequest(11, undefined, { serializeType }), opaque: 5 }, 0, 'FOUND', { nextBeginOffset: 32 }), body });
      assert.ok(wire.equals(expected), `${serializeType}: header + body differ from the concatenated frame`);
      const res = decodeFrameWithLength(wire);
      assert.deepEqual([res.opaque, res.extFields!.nextBeginOffset, res.body!.length], [5, '32', 40_000]);
    }
  });

  test('small immutable bodies and large mutable ones are copied into one frame buffer', () => {
    const small = Buffer.alloc(8 * 1024 - 1, 1);
    const large = Buffer.alloc(40_000, 2);
    const { socket, receive } = setup({
      1: (req) => ({ ...createResponse(req, 0), body: small, bodyImmutable: true }),
      2: (req) => ({ ...createResponse(req, 0), body: large }),
    });
    receive({ ...createRequest(1), opaque: 1 }, { ...createRequest(2), opaque: 2 });
    assert.equal(socket.written.length, 2);
    assert.deepEqual(socket.sent().map((r) => [r.opaque, r.body!.length]), [[1, small.length], [2, large.length]]);
    assert.notEqual(socket.written[1], large);
  });

  test('handlers of one connection run concurrently', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { socket, conn, receive } = setup({
      1: async (req) => {
        await gate;
        return createResponse(req, 0, 'slow');
      },
      2: (req) => createResponse(req, 0, 'fast'),
    });
    receive({ ...createRequest(1), opaque: 1 }, { ...createRequest(2), opaque: 2 });
    await tick();
    assert.deepEqual(socket.sent().map((c) => c.remark), ['fast']);
    assert.equal(conn.runningHandlers, 1);
    const idle = conn.whenHandlersIdle();
    release();
    await idle;
    assert.deepEqual(socket.sent().map((c) => c.remark), ['fast', 'slow']);
  });

  test('a frame split over many chunks is dispatched once complete', () => {
    const { socket } = setup({ 1: (req) => createResponse(req, 0) });
    const frame = encodeFrame({ ...createRequest(1, { k: 'v' }), opaque: 3 });
    for (const b of frame) socket.emit('data', Buffer.from([b]));
    assert.equal(socket.sent().length, 1);
  });

  test('a bad frame destroys the connection with exactly one warn line', async () => {
    const { socket, log, conn } = setup();
    const reasons: string[] = [];
    conn.on('close', (r: string) => reasons.push(r));
    socket.emit('data', Buffer.from([0xff, 0xff, 0xff, 0xf0]));
    socket.emit('data', Buffer.from([0, 0, 0, 8])); // after close: ignored
    await tick();
    assert.ok(socket.destroyed && conn.closed);
    const warns = log.records.filter((r) => r.level === 'warn');
    assert.equal(warns.length, 1);
    assert.equal(warns[0]!.fields.remoteAddr, '10.0.0.7:4000');
    assert.match(String(warns[0]!.fields.reason), /frame length -16/);
    assert.equal(reasons.length, 1);
  });

  test('socket errors are logged and close the connection', () => {
    const { socket, log, conn } = setup();
    socket.emit('error', Object.assign(new Error('boom'), { code: 'EIO' }));
    assert.ok(conn.closed);
    assert.equal(log.records.filter((r) => r.level === 'warn' && r.event === 'socket_error').length, 1);
  });

  test('past the write high-water mark reading pauses, later frames wait, and drain resumes them', () => {
    const big = Buffer.alloc(40_000);
    const { socket, conn, receive } = setup({ 1: (req) => createResponse(req, 0, undefined, undefined, big) }, { writeHighWaterMark: 64_000 });
    socket.stalled = true;
    receive(...[1, 2, 3, 4].map((opaque) => ({ ...createRequest(1), opaque })));
    // The second response crosses the mark: the two frames after it are held back.
    assert.ok(conn.readingPaused && socket.paused);
    assert.deepEqual(socket.sent().map((c) => c.opaque), [1, 2]);
    receive({ ...createRequest(1), opaque: 5 }); // still delivered by a socket that had it buffered: queued behind
    assert.equal(socket.written.length, 2);
    socket.drain();
    assert.deepEqual(socket.sent().map((c) => c.opaque), [1, 2, 3, 4]);
    assert.ok(conn.readingPaused, 'paused again by responses 3 and 4');
    socket.drain();
    assert.deepEqual(socket.sent().map((c) => c.opaque), [1, 2, 3, 4, 5]);
    assert.ok(!conn.readingPaused && !socket.paused);
  });

  test('without a high-water mark reading never pauses', () => {
    const { socket, conn, receive } = setup({ 1: (req) => createResponse(req, 0, undefined, undefined, Buffer.alloc(40_000)) });
    socket.stalled = true;
    receive(...[1, 2, 3, 4].map((opaque) => ({ ...createRequest(1), opaque })));
    assert.equal(socket.written.length, 4);
    assert.ok(!conn.readingPaused);
  });
});
