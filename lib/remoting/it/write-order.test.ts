// The server's write path over a real socket: answers written in one turn of the event loop leave together, and the
// answers on one connection arrive in the order their requests came, whether a handler answers at once, after a
// promise, or turns of the event loop later (as store acknowledgements come in batches).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RemotingServer } from '../server.ts';
import { createRequest, createResponse, type RemotingCommand } from '../command.ts';
import { encodeFrame, decodeFrame, FrameDecoder } from '../codec.ts';
import { waitFor } from '../../common/wait-for.ts';
import { captureLogger } from './helpers.ts';

const SYNC = 1100;
const FIFO = 1101;

test('answers on one connection leave in request order, several to a write, under pipelined load', async () => {
  const server = new RemotingServer({ logger: captureLogger('server') });
  // FIFO answers in arrival order, a few at a time and some turns of the event loop later, like a store's acks.
  const queue: Array<{ req: RemotingCommand; resolve: (r: RemotingCommand) => void }> = [];
  let releasing = false;
  const release = () => {
    releasing = false;
    for (const p of queue.splice(0, 1 + Math.floor(Math.random() * 5))) p.resolve(createResponse(p.req, 0, undefined, { n: p.req.extFields!.n }));
    if (queue.length > 0 && !releasing) {
      releasing = true;
      setImmediate(release);
    }
  };
  server.registerProcessor(SYNC, (req) => createResponse(req, 0, undefined, { n: req.extFields!.n }));
  server.registerProcessor(FIFO, (req) => new Promise<RemotingCommand>((resolve) => {
    queue.push({ req, resolve });
    if (!releasing) {
      releasing = true;
      setImmediate(release);
    }
  }));
  await server.listen();
  const [host, port] = server.address.split(':');
  const socket = net.connect(Number(port), host);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const decoder = new FrameDecoder();
  const answers: RemotingCommand[] = [];
  let chunksWithSeveral = 0;
  socket.on('data', (chunk: Buffer) => {
    const frames = decoder.push(chunk);
    if (frames.length > 1) chunksWithSeveral++;
    for (const f of frames) answers.push(decodeFrame(f, true));
  });
  try {
    // 2,000 requests, FIFO ones only (a SYNC answer may rightly overtake a FIFO one still waiting), written in bursts.
    const total = 2000;
    for (let n = 0; n < total;) {
      const burst: Buffer[] = [];
      for (let i = 0; i < 50 && n < total; i++, n++) {
        const req = createRequest(FIFO, { n }, { body: Buffer.alloc(1024, n & 0xff) });
        burst.push(encodeFrame({ ...req, opaque: n + 1 }));
      }
      socket.write(Buffer.concat(burst));
      await new Promise((r) => setImmediate(r));
    }
    await waitFor('every FIFO answer', () => answers.length === total, 20_000);
    assert.deepEqual(answers.map((a) => a.opaque), Array.from({ length: total }, (_, i) => i + 1));
    assert.deepEqual(answers.map((a) => Number(a.extFields!.n)), Array.from({ length: total }, (_, i) => i));
    assert.ok(chunksWithSeveral > 0, 'answers of one turn should share a write');

    // Synchronous answers interleaved: each still answers its own request, in order.
    answers.length = 0;
    const burst: Buffer[] = [];
    for (let n = 0; n < 200; n++) burst.push(encodeFrame({ ...createRequest(SYNC, { n }), opaque: 10_000 + n }));
    socket.write(Buffer.concat(burst));
    await waitFor('every SYNC answer', () => answers.length === 200, 20_000);
    assert.deepEqual(answers.map((a) => a.opaque), Array.from({ length: 200 }, (_, i) => 10_000 + i));
  } finally {
    socket.destroy();
    await server.close(100);
  }
});

test('immutable bodies sent after their headers arrive byte for byte as one-buffer frames, in request order', async () => {
  const server = new RemotingServer({ logger: captureLogger('server') });
  // answer n: a body of a size around the separate-write threshold, immutable or not by turns (after a promise, so
  // the answers keep request order and the expected bytes are the frames back to back)
  const sizes = [0, 100, 8191, 8192, 33_000, 70_000, 1_000_000];
  const answerFor = (req: RemotingCommand): RemotingCommand => {
    const n = Number(req.extFields!.n);
    const size = sizes[n % sizes.length]!;
    const res = createResponse(req, 0, 'FOUND', { n });
    if (size > 0) res.body = Buffer.alloc(size, n & 0xff);
    if (n % 2 === 0) res.bodyImmutable = true;
    return res;
  };
  server.registerProcessor(SYNC, (req) => Promise.resolve().then(() => answerFor(req)));
  await server.listen();
  const [host, port] = server.address.split(':');
  const socket = net.connect(Number(port), host);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const received: Buffer[] = [];
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => {
    received.push(chunk);
    bytes += chunk.length;
  });
  try {
    const total = 60;
    const requests = Array.from({ length: total }, (_, n) => ({ ...createRequest(SYNC, { n }), opaque: n + 1 }));
    socket.write(Buffer.concat(requests.map(encodeFrame)));
    const expected = Buffer.concat(requests.map((req) => encodeFrame(answerFor(req))));
    await waitFor('every answer', () => bytes >= expected.length, 20_000);
    assert.equal(bytes, expected.length);
    assert.ok(Buffer.concat(received).equals(expected), 'the bytes on the wire differ from the concatenated frames');
  } finally {
    socket.destroy();
    await server.close(100);
  }
});
