// gRPC endpoint benchmark: the official Node client (rocketmq-client-nodejs) against the endpoint inside a broker
// process, next to RocketDeck's remoting SDK on the same broker in the same run: send throughput and
// receive+ack throughput of 1 KB messages with 64 in flight.
//   npm run bench -- grpc [--messages 20000]

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Producer as GrpcProducer, SimpleConsumer as GrpcSimpleConsumer } from 'rocketmq-client-nodejs';
import { setLogSink } from '../lib/common/log.ts';
import { Producer, SimpleConsumer } from '../lib/client/index.ts';
import { silentLogger } from '../lib/client/it/fake-cluster.ts';
import { quietLogger, startGrpcCluster } from '../lib/grpc/it/harness.ts';
import type { BenchMetric, BenchReport } from './run.ts';

const IN_FLIGHT = 64;
const round = (v: number): number => Math.round(v * 10) / 10;

/** Runs `send` `n` times with IN_FLIGHT concurrent loops; returns calls per second. */
async function sendRate(n: number, send: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < n) await send(next++);
  }));
  return (n / (performance.now() - start)) * 1000;
}

/** `loops` receive loops of `batch` messages each (loops x batch in flight), acking every message, until `n` are acked. */
async function receiveRate<M>(n: number, loops: number, receive: () => Promise<M[]>, ack: (m: M) => Promise<unknown>): Promise<number> {
  let acked = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: loops }, async () => {
    while (acked < n) {
      const got = await receive();
      await Promise.all(got.map((m) => ack(m)));
      acked += got.length;
    }
  }));
  return (acked / (performance.now() - start)) * 1000;
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({ args, options: { messages: { type: 'string', default: '20000' } } });
  const n = Number(values.messages);
  setLogSink(() => {});
  const c = await startGrpcCluster('local');
  const metrics: BenchMetric[] = [];
  try {
    await c.createTopic('BenchGrpc', 'NORMAL', 8);
    await c.createTopic('BenchRemoting', 'NORMAL', 8);
    const body = Buffer.alloc(1024, 0x61);

    const gp = new GrpcProducer({ endpoints: c.endpoint, namespace: '', logger: quietLogger as never });
    await gp.startup();
    const rp = new Producer({ group: 'bench_remoting_producer', namesrvAddr: c.ns.address, logger: silentLogger });
    await rp.start();
    // Warm both paths (routes, connections) before timing.
    await sendRate(IN_FLIGHT * 4, () => gp.send({ topic: 'BenchGrpc', body }));
    await sendRate(IN_FLIGHT * 4, () => rp.send({ topic: 'BenchRemoting', body }));
    const grpcSend = await sendRate(n, () => gp.send({ topic: 'BenchGrpc', body }));
    const remotingSend = await sendRate(n, () => rp.send({ topic: 'BenchRemoting', body }));
    metrics.push({ metric: 'send, official Node client over gRPC (64 in flight)', value: round(grpcSend), unit: 'msg/s' });
    metrics.push({ metric: 'send, RocketDeck SDK over remoting (64 in flight)', value: round(remotingSend), unit: 'msg/s' });
    metrics.push({ metric: 'send gRPC / remoting', value: round((grpcSend / remotingSend) * 100), unit: '%' });
    await gp.shutdown();
    await rp.shutdown();

    const total = n + IN_FLIGHT * 4;
    const gc = new GrpcSimpleConsumer({
      endpoints: c.endpoint, namespace: '', consumerGroup: 'bench_grpc', subscriptions: new Map([['BenchGrpc', '*']]), awaitDuration: 1_000, logger: quietLogger as never,
    });
    await gc.startup();
    const rc = new SimpleConsumer({ consumerGroup: 'bench_remoting', namesrvAddr: c.ns.address, subscriptions: { BenchRemoting: '*' }, awaitDuration: 1_000, logger: silentLogger });
    await rc.start();
    const grpcRecv = await receiveRate(total, 4, () => gc.receive(16, 60_000), (m) => gc.ack(m));
    const remotingRecv = await receiveRate(total, 4, () => rc.receive(16, 60_000), (m) => rc.ack(m));
    metrics.push({ metric: 'receive + ack, official Node client over gRPC (4 x 16 in flight)', value: round(grpcRecv), unit: 'msg/s' });
    metrics.push({ metric: 'receive + ack, RocketDeck SimpleConsumer over remoting (4 x 16)', value: round(remotingRecv), unit: 'msg/s' });
    metrics.push({ metric: 'receive + ack gRPC / remoting', value: round((grpcRecv / remotingRecv) * 100), unit: '%' });
    await gc.shutdown();
    await rc.close();
  } finally {
    await c.stop();
  }
  return { bench: 'grpc', params: { messages: n, bodyBytes: 1024, inFlight: IN_FLIGHT, queues: 8 }, metrics };
}
