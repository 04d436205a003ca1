// Hostile and careless peers: broken frames close only their own connection, slow readers cannot make us buffer without bound.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RemotingClient } from '../client.ts';
import { RemotingServer } from '../server.ts';
import { createRequest, createResponse } from '../command.ts';
import { encodeFrame, FrameDecoder, decodeFrame } from '../codec.ts';
import { waitFor } from '../../common/wait-for.ts';
import { captureLogger, withDeadline } from './helpers.ts';

const ECHO = 1000;
const BIG = 1001;
const BIG_BODY = Buffer.alloc(256 * 1024, 0x61);
const HIGH_WATER_MARK = 512 * 1024;

function lengthPrefixed(length: number, rest: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(length);
  return Buffer.concat([b, rest]);
}

/** A frame whose header is `header` verbatim with the JSON serialize type. */
function jsonFrame(header: string): Buffer {
  const h = Buffer.from(header, 'utf8');
  const word = Buffer.alloc(4);
  word.writeInt32BE(h.length);
  return lengthPrefixed(4 + h.length, Buffer.concat([word, h]));
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be replayed. */
function garbage(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

function connectRaw(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {}); // the server hangs up on these sockets; resets are expected
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

describe('remoting server facing bad input', () => {
  const log = captureLogger('server');
  const server = new RemotingServer({ logger: log, writeHighWaterMark: HIGH_WATER_MARK });
  const client = new RemotingClient({ logger: captureLogger('client') });
  let port: number;
  let bigHandled = 0;
  // A well-behaved client keeps calling for the whole run; every call must succeed.
  let polling = true;
  let goodCalls = 0;
  const goodErrors: unknown[] = [];
  let poller: Promise<void>;

  before(async () => {
    server.registerProcessor(ECHO, (req) => createResponse(req, 0, undefined, req.extFields));
    server.registerProcessor(BIG, (req) => {
      bigHandled++;
      return createResponse(req, 0, undefined, undefined, BIG_BODY);
    });
    ({ port } = await server.listen());
    poller = (async () => {
      while (polling) {
        try {
          const res = await client.invoke(server.address, createRequest(ECHO, { n: goodCalls }), 5000);
          assert.equal(res.extFields?.n, String(goodCalls));
          goodCalls++;
        } catch (err) {
          goodErrors.push(err);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
  });

  after(async () => {
    polling = false;
    await poller;
    await client.close();
    await server.close(500);
  });

  /** Sends `bytes` on a fresh socket, waits for the server to hang up, returns the warn lines about that peer. */
  async function sendBad(bytes: Buffer) {
    const s = await connectRaw(port);
    const peer = `127.0.0.1:${s.localPort}`;
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.resume();
    s.write(bytes);
    const callsBefore = goodCalls;
    await withDeadline(closed, 'the server to close the connection');
    await waitFor('the good client to get another answer', () => goodCalls > callsBefore);
    return log.records.filter((r) => r.level === 'warn' && r.fields.remoteAddr === peer);
  }

  const cases: Array<[string, () => Buffer, RegExp]> = [
    ['a length above maxFrameLength', () => lengthPrefixed(17 * 1024 * 1024, Buffer.alloc(100)), /exceeds the maximum/],
    ['the largest int32 as length', () => lengthPrefixed(0x7fffffff), /exceeds the maximum/],
    ['a truncated JSON header', () => jsonFrame('{"code":10,"opaque":'), /JSON header does not parse/],
    ['a JSON header that is not an object', () => jsonFrame('["code",10]'), /not an object/],
    ['a JSON header without code', () => jsonFrame('{"opaque":1,"flag":0}'), /no integer "code"/],
    ['a negative length', () => lengthPrefixed(-8, Buffer.alloc(8)), /smaller than the 4-byte/],
    ['a length below 4', () => lengthPrefixed(2, Buffer.alloc(8)), /smaller than the 4-byte/],
    ['an HTTP request', () => Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), /exceeds the maximum/],
    ['random bytes', () => garbage(4096, 0x5eed), /./],
    ['random bytes inside a valid length prefix', () => lengthPrefixed(4096, Buffer.concat([Buffer.from([0, 0, 0x0f, 0xfc]), garbage(4092, 7)])), /./],
  ];

  for (const [name, bytes, reason] of cases) {
    test(`${name}: only that connection is closed, with one warn line naming reason and peer`, async () => {
      const warns = await sendBad(bytes());
      assert.equal(warns.length, 1, JSON.stringify(warns));
      assert.equal(warns[0]!.event, 'bad_frame');
      assert.match(String(warns[0]!.fields.reason), reason);
    });
  }

  test('frames before a broken one in the same chunk are still answered', async () => {
    const s = await connectRaw(port);
    const got: number[] = [];
    const decoder = new FrameDecoder();
    s.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) got.push(decodeFrame(f).opaque);
    });
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    const good = encodeFrame({ ...createRequest(ECHO), opaque: 41 });
    s.write(Buffer.concat([good, jsonFrame('{nope')]));
    await withDeadline(closed, 'the server to close the connection');
    assert.deepEqual(got, [41]);
  });

  test('a peer that sends requests but never reads is paused at the high-water mark; others are still served', async () => {
    const s = await connectRaw(port);
    const peer = `127.0.0.1:${s.localPort}`;
    const total = 2000;
    const requests = Buffer.concat(Array.from({ length: total }, (_, i) => encodeFrame({ ...createRequest(BIG, { i }), opaque: i + 1 })));
    s.write(requests); // and never read: Node stops pulling from the kernel once its own small read buffer is full
    await waitFor('the server to pause the slow reader', () => [...server.connections].some((c) => c.remoteAddr === peer && c.readingPaused));
    const conn = [...server.connections].find((c) => c.remoteAddr === peer)!;
    // At most one response past the mark sits in our memory; the rest of the 2000 x 256 KiB was never produced.
    const frameSize = encodeFrame(createResponse(createRequest(BIG), 0, undefined, undefined, BIG_BODY)).length;
    assert.ok(conn.writableLength <= HIGH_WATER_MARK + frameSize, `buffered ${conn.writableLength} bytes`);
    const handledAtPause = bigHandled;
    assert.ok(handledAtPause < total, `all ${total} requests were handled`);

    const callsBefore = goodCalls;
    await waitFor('twenty more answers for the good client', () => goodCalls >= callsBefore + 20);
    assert.equal(bigHandled, handledAtPause, 'requests kept being read from a paused peer');
    assert.ok(conn.readingPaused);
    assert.ok(conn.writableLength <= HIGH_WATER_MARK + frameSize);

    s.destroy();
    await waitFor('the server to drop the slow reader', () => conn.closed);
  });

  test('the good client was answered throughout', () => {
    assert.deepEqual(goodErrors, []);
    assert.ok(goodCalls > 0);
  });
});
