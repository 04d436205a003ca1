// One client process of `npm run bench -- grpc`: starts a client of one kind, warms it up, prints
// {"event":"ready"}, then on "go" (stdin) drives its load and reports; on "stop" it reports its CPU and exits.
//   argv[2]: JSON WorkerSpec
// Kinds: the official Node client over gRPC ("grpc"), RocketDeck's SDK over remoting ("remoting"), a bare
// @grpc/grpc-js unary client of SendMessage ("raw", the per-call ceiling of grpc-js itself), and "echo-server",
// a grpc-js server answering SendMessage with a fixed OK (prints {"event":"ready","port":N}).
import { createInterface } from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { Producer as GrpcProducer, SimpleConsumer as GrpcSimpleConsumer } from 'rocketmq-client-nodejs';
import { setLogSink } from '../../lib/common/log.ts';
import { Producer, SimpleConsumer } from '../../lib/client/index.ts';
import { silentLogger } from '../../lib/client/it/fake-cluster.ts';
import { messagingServiceClient, messagingServiceDefinition } from '../../lib/grpc/proto.ts';

export interface WorkerSpec {
  kind: 'grpc' | 'remoting' | 'raw' | 'echo-server';
  op: 'send' | 'receive';
  /** gRPC endpoint host:port (grpc, raw) or nameserver address (remoting). */
  address: string;
  topic: string;
  group: string;
  /** Sends this worker makes (send); receives run until "stop". */
  count: number;
  /** Calls in flight: concurrent send loops, or receive loops x 16 messages. */
  inFlight: number;
  bodyBytes: number;
}

const quiet = { info() {}, warn() {}, error() {}, debug() {}, close() {} };
const out = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

interface Load {
  /** One send. */
  send?: () => Promise<unknown>;
  /** One receive of up to 16 messages, each acked; resolves to the number acked. */
  receiveAndAck?: () => Promise<number>;
  close(): Promise<void>;
}

async function rawClient(spec: WorkerSpec, body: Buffer): Promise<Load> {
  const Client = messagingServiceClient();
  const client = new Client(spec.address, grpc.credentials.createInsecure()) as unknown as {
    SendMessage(req: object, md: grpc.Metadata, o: grpc.CallOptions, cb: (err: Error | null, res?: { status: { code: string } }) => void): void;
    close(): void;
  };
  const md = new grpc.Metadata();
  md.set('x-mq-client-id', `bench-raw-${process.pid}`);
  md.set('x-mq-language', 'NODEJS');
  md.set('x-mq-client-version', '5.0.0');
  let seq = 0;
  const pid = process.pid.toString(16).padStart(8, '0');
  return {
    send: () => new Promise((resolve, reject) => {
      const messageId = `01${pid}${(seq++).toString(16).padStart(22, '0')}`;
      const req = {
        messages: [{
          topic: { name: spec.topic, resourceNamespace: '' }, body, userProperties: {},
          systemProperties: { messageId, messageType: 'NORMAL', bornTimestamp: { seconds: Math.floor(Date.now() / 1000), nanos: 0 }, bornHost: 'bench', bodyEncoding: 'IDENTITY' },
        }],
      };
      client.SendMessage(req, md, { deadline: Date.now() + 30_000 }, (err, res) => {
        if (err) reject(err);
        else if (res?.status.code !== 'OK') reject(new Error(`SendMessage answered ${JSON.stringify(res?.status)}`));
        else resolve(res);
      });
    }),
    async close() { client.close(); },
  };
}

async function startLoad(spec: WorkerSpec): Promise<Load> {
  const body = Buffer.alloc(spec.bodyBytes, 0x61);
  if (spec.kind === 'raw') return rawClient(spec, body);
  if (spec.kind === 'grpc' && spec.op === 'send') {
    const p = new GrpcProducer({ endpoints: spec.address, namespace: '', logger: quiet as never });
    await p.startup();
    return { send: () => p.send({ topic: spec.topic, body }), close: () => p.shutdown() };
  }
  if (spec.kind === 'remoting' && spec.op === 'send') {
    const p = new Producer({ group: spec.group, namesrvAddr: spec.address, logger: silentLogger });
    await p.start();
    return { send: () => p.send({ topic: spec.topic, body }), close: () => p.shutdown() };
  }
  if (spec.kind === 'grpc') {
    const c = new GrpcSimpleConsumer({
      endpoints: spec.address, namespace: '', consumerGroup: spec.group, subscriptions: new Map([[spec.topic, '*']]), awaitDuration: 1_000, logger: quiet as never,
    });
    await c.startup();
    return {
      async receiveAndAck() {
        const got = await c.receive(16, 60_000);
        await Promise.all(got.map((m) => c.ack(m)));
        return got.length;
      },
      close: () => c.shutdown(),
    };
  }
  const c = new SimpleConsumer({ consumerGroup: spec.group, namesrvAddr: spec.address, subscriptions: { [spec.topic]: '*' }, awaitDuration: 1_000, logger: silentLogger });
  await c.start();
  return {
    async receiveAndAck() {
      const got = await c.receive(16, 60_000);
      await Promise.all(got.map((m) => c.ack(m)));
      return got.length;
    },
    close: () => c.close(),
  };
}

/** A grpc-js server whose SendMessage decodes the request and answers OK for its message: the trivial server. */
function startEchoServer(): void {
  const def = messagingServiceDefinition();
  const server = new grpc.Server({ 'grpc.max_concurrent_streams': 1000, 'grpc.enable_channelz': 0 });
  server.addService({ SendMessage: def.SendMessage! } as grpc.ServiceDefinition, {
    SendMessage: (call: grpc.ServerUnaryCall<{ messages: Array<{ systemProperties: { messageId: string } }> }, object>, cb: grpc.sendUnaryData<object>) => {
      const ok = { code: 'OK', message: 'OK' };
      cb(null, { status: ok, entries: [{ status: ok, messageId: call.request.messages[0]?.systemProperties.messageId ?? '', transactionId: '', offset: 0, recallHandle: '' }] });
    },
  });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) throw err;
    out({ event: 'ready', port });
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as WorkerSpec;
  setLogSink(() => {});
  if (spec.kind === 'echo-server') {
    startEchoServer();
    return;
  }
  const load = await startLoad(spec);
  // Warm-up: connections, routes, JIT.
  if (load.send) for (let i = 0; i < 64; i++) await load.send();
  out({ event: 'ready' });
  let stopped = false;
  let cpu0 = process.cpuUsage();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'go') {
      cpu0 = process.cpuUsage();
      void run();
    } else if (line === 'stop') {
      stopped = true;
      // The measurement is over: an error of a client shutting down (its timers, calls in flight) is not news.
      process.on('uncaughtException', () => process.exit(0));
      process.on('unhandledRejection', () => process.exit(0));
      const c = process.cpuUsage(cpu0);
      out({ event: 'cpu', cpuMs: (c.user + c.system) / 1000 });
      void load.close().catch(() => undefined).finally(() => process.exit(0));
    }
  });
  async function run(): Promise<void> {
    if (load.send) {
      let next = 0;
      await Promise.all(Array.from({ length: spec.inFlight }, async () => {
        while (next < spec.count) {
          next++;
          await load.send!();
        }
      }));
      out({ event: 'done', count: spec.count });
      return;
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.round(spec.inFlight / 16)) }, async () => {
      while (!stopped) {
        const n = await load.receiveAndAck!();
        if (n > 0) out({ event: 'acked', count: n });
      }
    }));
  }
}

await main();
