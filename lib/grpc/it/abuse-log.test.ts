// HTTP/2 abuse and malformed protobuf against `rocketdeck proxy`: each closed session or stream is one structured
// log line (grpc_session_closed / grpc_stream_closed) naming the reason and the peer's address, and the proxy keeps
// answering.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http2 from 'node:http2';
import { randomBytes, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { setLogSink } from '../../common/log.ts';
import { messagingServiceClient } from '../proto.ts';
import { startGrpcCluster, waitFor, type GrpcCluster } from './harness.ts';

setLogSink(() => {});

type Rec = { event?: string; remoteAddr?: string; reason?: string; path?: string };

describe('abuse of the gRPC port is logged one line per closed session or stream', () => {
  let c: GrpcCluster;
  let port: number;

  before(async () => {
    c = await startGrpcCluster('proxy');
    await c.createTopic('AbuseTopic', 'NORMAL');
    port = Number(c.endpoint.split(':')[1]);
  });
  after(async () => {
    await c?.stop();
  });

  const records = (event: string): Rec[] =>
    c.proxy!.logs.flatMap((l) => { try { return [JSON.parse(l) as Rec]; } catch { return []; } }).filter((r) => r.event === event);

  /** Waits for the line about `remoteAddr`, then checks no second one follows for it. */
  async function oneLine(event: string, remoteAddr: string): Promise<Rec> {
    await waitFor(`${event} for ${remoteAddr}`, () => records(event).some((r) => r.remoteAddr === remoteAddr), 10_000);
    await routeAnswers(); // a later request has been served, so a duplicate line would be there by now
    const lines = records(event).filter((r) => r.remoteAddr === remoteAddr);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    return lines[0]!;
  }

  async function routeAnswers(): Promise<void> {
    const Ctor = messagingServiceClient();
    const client = new Ctor(c.endpoint, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      const res = await new Promise<Record<string, any>>((resolve, reject) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const m = new grpc.Metadata();
        m.set('x-mq-client-id', `abuse-${randomUUID()}`);
        client.QueryRoute({ topic: { name: 'AbuseTopic' } }, m, { deadline: Date.now() + 5_000 }, (e: Error | null, r: Record<string, any>) => (e ? reject(e) : resolve(r))); // eslint-disable-line @typescript-eslint/no-explicit-any
      });
      assert.equal(res.status.code, 'OK');
    } finally {
      client.close();
    }
  }

  test('garbage bytes: the session is closed and logged with the peer address and the reason', async () => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('error', () => undefined);
    sock.resume();
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const me = `127.0.0.1:${sock.localPort}`;
    sock.write(randomBytes(16 * 1024));
    const rec = await oneLine('grpc_session_closed', me);
    assert.match(rec.reason ?? '', /\S/);
    sock.destroy();
  });

  /** A raw HTTP/2 session to the port: its own local address identifies its log lines. */
  async function session(): Promise<{ s: http2.ClientHttp2Session; me: string }> {
    const s = http2.connect(`http://${c.endpoint}`);
    s.on('error', () => undefined);
    await new Promise<void>((resolve) => s.once('connect', () => resolve()));
    return { s, me: `127.0.0.1:${(s.socket as net.Socket).localPort}` };
  }

  const GRPC_HEADERS = { ':method': 'POST', 'content-type': 'application/grpc', te: 'trailers', 'x-mq-client-id': 'abuse-raw' };

  /** A gRPC length-prefixed message frame. */
  const frame = (payload: Buffer): Buffer => Buffer.concat([Buffer.from([0, ...[24, 16, 8, 0].map((s) => (payload.length >>> s) & 0xff)]), payload]);

  test('a malformed protobuf request: the stream is logged with the RPC, the peer and the decode failure', async () => {
    const { s, me } = await session();
    const req = s.request({ ...GRPC_HEADERS, ':path': '/apache.rocketmq.v2.MessagingService/QueryRoute' });
    req.on('error', () => undefined);
    req.resume();
    req.end(frame(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1])));
    const rec = await oneLine('grpc_stream_closed', me);
    assert.equal(rec.path, '/apache.rocketmq.v2.MessagingService/QueryRoute');
    assert.match(rec.reason ?? '', /grpc-status 13: .*deserializ/i);
    s.destroy();
  });

  test('a stream the client resets with PROTOCOL_ERROR is logged with that code; the session keeps serving', async () => {
    const { s, me } = await session();
    const req = s.request({ ...GRPC_HEADERS, ':path': '/apache.rocketmq.v2.MessagingService/SendMessage' }, { endStream: false });
    req.on('error', () => undefined);
    req.write(Buffer.from([0, 0, 0])); // half a frame header, then the reset
    req.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
    const rec = await oneLine('grpc_stream_closed', me);
    assert.equal(rec.reason, 'stream reset PROTOCOL_ERROR');
    assert.equal(rec.path, '/apache.rocketmq.v2.MessagingService/SendMessage');
    s.destroy();
  });

  test('an unknown RPC is logged as UNIMPLEMENTED with the peer', async () => {
    const { s, me } = await session();
    const req = s.request({ ...GRPC_HEADERS, ':path': '/apache.rocketmq.v2.MessagingService/NoSuchRpc' });
    req.on('error', () => undefined);
    req.resume();
    req.end(frame(Buffer.from([8, 1])));
    const rec = await oneLine('grpc_stream_closed', me);
    assert.match(rec.reason ?? '', /^grpc-status 12: /);
    s.destroy();
  });

  test('an ordinary client closing its connection leaves no such line', async () => {
    const { s, me } = await session();
    s.close();
    await routeAnswers();
    assert.deepEqual([...records('grpc_session_closed'), ...records('grpc_stream_closed')].filter((r) => r.remoteAddr === me), []);
  });
});
