// NameServer benchmark: route lookups per second and REGISTER_BROKER latency against a `rocketdeck namesrv`
// child process holding N topics served by M broker pairs (every topic on every pair, as `updateTopic -c` makes).

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setLogSink } from '../lib/common/log.ts';
import { RequestCode, ResponseCode } from '../lib/protocol/codes.ts';
import { stringifyFastJson } from '../lib/protocol/fastjson.ts';
import { RemotingClient } from '../lib/remoting/client.ts';
import { createRequest } from '../lib/remoting/command.ts';
import { registerRequest, spawnNamesrv, type TestBroker } from '../lib/namesrv/it/harness.ts';
import { RouteInfoManager } from '../lib/namesrv/route-info-manager.ts';
import { percentile, type BenchMetric, type BenchReport } from './run.ts';


function latencyMetrics(name: string, samples: number[]): BenchMetric[] {
  const s = [...samples].sort((a, b) => a - b);
  return [
    { metric: `${name} p50`, value: round(percentile(s, 50)), unit: 'ms' },
    { metric: `${name} p99`, value: round(percentile(s, 99)), unit: 'ms' },
  ];
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

function brokers(pairs: number, topics: string[]): TestBroker[] {
  const out: TestBroker[] = [];
  for (let p = 0; p < pairs; p++) {
    for (const id of [0, 1]) {
      const port = 20000 + p * 100 + id * 10 + 11;
      out.push({
        cluster: 'BenchCluster',
        brokerName: `broker-${p}`,
        brokerId: id,
        brokerAddr: `127.0.0.1:${port}`,
        haServerAddr: `127.0.0.1:${port + 1}`,
        topics: topics.map((topicName) => ({ topicName, queues: 8 })),
        dataVersion: { counter: 0, timestamp: 1_700_000_000_000 + p },
      });
    }
  }
  return out;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      topics: { type: 'string', default: '1000' },
      pairs: { type: 'string', default: '8' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '4' },
      depth: { type: 'string', default: '16' },
      registrations: { type: 'string', default: '160' },
    },
  });
  const nTopics = Number(values.topics);
  const nPairs = Number(values.pairs);
  const durationMs = Number(values.duration) * 1000;
  const nConns = Number(values.connections);
  const depth = Number(values.depth);
  const nRegs = Number(values.registrations);
  setLogSink(() => {});

  const topics = Array.from({ length: nTopics }, (_, i) => `BenchTopic-${i}`);
  const all = brokers(nPairs, topics);
  const ns = await spawnNamesrv();
  const brokerClients = all.map(() => new RemotingClient({ defaultTimeoutMs: 10_000 }));
  const readers = Array.from({ length: nConns }, () => new RemotingClient({ defaultTimeoutMs: 10_000 }));
  const metrics: BenchMetric[] = [];
  try {
    const register = async (i: number) => {
      const res = await brokerClients[i].invoke(ns.address, registerRequest(all[i]), 10_000);
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`REGISTER_BROKER failed: ${res.code} ${res.remark}`);
    };
    // First registrations: every master writes all its topics into the topic table.
    const first: number[] = [];
    for (let i = 0; i < all.length; i++) first.push((await timed(() => register(i)))[1]);
    metrics.push(...latencyMetrics('register (first, topics applied)', first));
    metrics.push({ metric: 'register body size', value: registerRequest(all[0]).body!.length, unit: 'bytes' });

    // Periodic re-registration with an unchanged data version (what brokers send every 30 s).
    const same: number[] = [];
    for (let n = 0; n < nRegs; n++) same.push((await timed(() => register(n % all.length)))[1]);
    metrics.push(...latencyMetrics('register (unchanged version)', same));

    // A master whose topic config changed: the whole table is applied again.
    const changed: number[] = [];
    const masters = all.map((b, i) => [b, i] as const).filter(([b]) => b.brokerId === 0);
    for (let n = 0; n < nRegs / 2; n++) {
      const [b, i] = masters[n % masters.length];
      b.dataVersion = { counter: b.dataVersion.counter + 1, timestamp: b.dataVersion.timestamp + 1 };
      changed.push((await timed(() => register(i)))[1]);
    }
    metrics.push(...latencyMetrics('register (changed version)', changed));

    // Route lookups over the wire: `connections` clients each keeping `depth` requests in flight.
    const latencies: number[] = [];
    let done = 0;
    let failed = 0;
    const stopAt = performance.now() + durationMs;
    const worker = async (client: RemotingClient, seed: number) => {
      let k = seed;
      while (performance.now() < stopAt) {
        k = (k * 1103515245 + 12345) >>> 0;
        const topic = topics[k % topics.length];
        const [res, ms] = await timed(() => client.invoke(ns.address, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 10_000));
        if (res.code === ResponseCode.SUCCESS) done++;
        else failed++;
        latencies.push(ms);
      }
    };
    const t0 = performance.now();
    await Promise.all(readers.flatMap((c, ci) => Array.from({ length: depth }, (_, d) => worker(c, ci * 1000 + d + 1))));
    const elapsed = (performance.now() - t0) / 1000;
    if (failed > 0) throw new Error(`${failed} route lookups failed`);
    metrics.push({ metric: 'route lookups (over TCP)', value: Math.round(done / elapsed), unit: 'ops/s' });
    metrics.push(...latencyMetrics('route lookup', latencies));
  } finally {
    await Promise.all([...brokerClients, ...readers].map((c) => c.close()));
    await ns.stop();
  }

  // The registry alone (no transport): pickupTopicRouteData + encoding the body, in this process.
  const rim = new RouteInfoManager({ logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } } });
  for (const b of all) {
    rim.registerBroker({
      clusterName: b.cluster,
      brokerAddr: b.brokerAddr,
      brokerName: b.brokerName,
      brokerId: b.brokerId,
      haServerAddr: b.haServerAddr,
      topicConfigWrapper: {
        dataVersion: b.dataVersion,
        topicConfigTable: b.topics.map((t) => ({ topicName: t.topicName, readQueueNums: t.queues, writeQueueNums: t.queues, perm: 6, topicSysFlag: 0 })),
      },
    });
  }
  let n = 0;
  const t1 = performance.now();
  while (performance.now() - t1 < 1000) {
    for (let i = 0; i < 1000; i++) stringifyFastJson(rim.pickupTopicRouteData(topics[(n + i) % topics.length]), { standard: true });
    n += 1000;
  }
  metrics.push({ metric: 'route lookups (registry + encode, uncached)', value: Math.round(n / ((performance.now() - t1) / 1000)), unit: 'ops/s' });

  return {
    bench: 'namesrv',
    params: { topics: nTopics, brokerPairs: nPairs, durationS: durationMs / 1000, connections: nConns, inFlightPerConnection: depth },
    metrics,
  };
}
