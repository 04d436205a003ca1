// Replication benchmark: send throughput and latency of a master with no slave, an ASYNC_MASTER with a slave and a
// SYNC_MASTER with a slave, each under ASYNC_FLUSH and SYNC_FLUSH (`rocketdeck broker` child processes on 127.0.0.1;
// the slave finds its master by haMasterAddress), and how long an ASYNC_MASTER's slave takes to catch up.

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setLogSink } from '../lib/common/log.ts';
import { RequestCode, ResponseCode } from '../lib/protocol/codes.ts';
import { RemotingClient } from '../lib/remoting/client.ts';
import { createRequest } from '../lib/remoting/command.ts';
import { waitFor, type BrokerProcess } from '../lib/broker/it/harness.ts';
import { freePort, runtimeNumber, spawnMaster, spawnSlave, TestClient, type PairOptions } from '../lib/broker/it/ha-harness.ts';
import { percentile, type BenchMetric, type BenchReport } from './run.ts';

type Flush = 'ASYNC_FLUSH' | 'SYNC_FLUSH';
type Mode = 'no slave' | 'ASYNC_MASTER' | 'SYNC_MASTER';

const TOPIC = 'HaBenchTopic';
const QUEUES = 8;
const PROPS = 'TAGS\u0001TagA\u0002WAIT\u0001true';

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

interface Load {
  conns: number;
  depth: number;
}

/** `conns` connections with `depth` sends in flight each, for `durationMs`; any answer but SUCCESS fails the bench. */
async function produce(addr: string, load: Load, durationMs: number, body: Buffer): Promise<{ perSec: number; p50: number; p99: number }> {
  const clients = Array.from({ length: load.conns }, () => new RemotingClient({ defaultTimeoutMs: 30_000 }));
  await Promise.all(clients.map((c) => c.getConnection(addr)));
  const latencies: number[] = [];
  const bad = new Map<number, number>();
  let sent = 0;
  let q = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(clients.flatMap((c) => Array.from({ length: load.depth }, async () => {
    while (performance.now() < end) {
      const header = { a: 'bench_producer', b: TOPIC, c: 'TBW102', d: QUEUES, e: q++ % QUEUES, f: 0, g: Date.now(), h: 0, i: PROPS, j: 0, k: false, m: false };
      const t0 = performance.now();
      const res = await c.invoke(addr, createRequest(RequestCode.SEND_MESSAGE_V2, header, { body }));
      latencies.push(performance.now() - t0);
      if (res.code === ResponseCode.SUCCESS) sent++;
      else bad.set(res.code, (bad.get(res.code) ?? 0) + 1);
    }
  })));
  const elapsed = performance.now() - start;
  await Promise.all(clients.map((c) => c.close()));
  if (bad.size > 0) throw new Error(`sends not answered SUCCESS (code: count): ${[...bad].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  latencies.sort((a, b) => a - b);
  return { perSec: (sent / elapsed) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function startGroup(mode: Mode, flush: Flush, extra: Record<string, string>): Promise<{ master: BrokerProcess; slave?: BrokerProcess; admin: TestClient }> {
  const haPort = await freePort();
  const opts: PairOptions = {
    namesrv: '',
    masterRole: mode === 'SYNC_MASTER' ? 'SYNC_MASTER' : 'ASYNC_MASTER',
    props: { flushDiskType: flush, mappedFileSizeCommitLog: 256 * 1024 * 1024, ...extra },
    masterProps: { listenPort: await freePort(), haListenPort: haPort },
    slaveProps: { haMasterAddress: `127.0.0.1:${haPort}` },
  };
  const master = await spawnMaster(opts);
  const admin = new TestClient(master.address);
  await admin.createTopic(TOPIC, QUEUES);
  if (mode === 'no slave') return { master, admin };
  const slave = await spawnSlave(opts);
  await waitFor('slave connected', async () => (await runtimeNumber(admin, 'haConnectionCount')) === 1, 30_000);
  return { master, slave, admin };
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '5' },
      size: { type: 'string', default: '1024' },
      load: { type: 'string', default: '1x1,4x16' },
      flush: { type: 'string', default: 'ASYNC_FLUSH,SYNC_FLUSH' },
      modes: { type: 'string', default: 'no slave,ASYNC_MASTER,SYNC_MASTER' },
      // broker.conf keys for master and slave, e.g. --set syncFlushWithDsync=false
      set: { type: 'string', multiple: true, default: [] },
    },
  });
  const extra: Record<string, string> = {};
  for (const kv of values.set!) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new Error(`--set ${kv}: expected key=value`);
    extra[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const durationMs = Number(values.duration) * 1000;
  const body = Buffer.alloc(Number(values.size), 0x61);
  const loads: Load[] = values.load!.split(',').map((l) => {
    const [conns, depth] = l.split('x').map(Number);
    return { conns: conns!, depth: depth! };
  });
  const flushes = values.flush!.split(',') as Flush[];
  const modes = values.modes!.split(',') as Mode[];
  setLogSink(() => {});
  const metrics: BenchMetric[] = [];
  for (const flush of flushes) {
    for (const mode of modes) {
      const g = await startGroup(mode, flush, extra);
      try {
        // Unmeasured warm-up: JIT, connections, first commit log file.
        await produce(g.master.address, loads[loads.length - 1]!, Math.min(1000, durationMs), body);
        for (const load of loads) {
          const r = await produce(g.master.address, load, durationMs, body);
          const tag = `${mode === 'no slave' ? 'master, no slave' : `${mode} + slave`}, ${flush}, ${load.conns}x${load.depth}`;
          metrics.push({ metric: `produce ${tag}`, value: round(r.perSec), unit: 'msg/s' });
          metrics.push({ metric: `send latency p50 ${tag}`, value: round(r.p50, 2), unit: 'ms' });
          metrics.push({ metric: `send latency p99 ${tag}`, value: round(r.p99, 2), unit: 'ms' });
        }
        if (g.slave) {
          // Once the sends stop: how long until the slave has everything (0 for SYNC_MASTER, whose sends waited).
          // The time counts to when the request that saw no lag was sent, not to its answer.
          const t0 = performance.now();
          let caughtUp = -1;
          let first = true;
          await waitFor('slave caught up', async () => {
            const asked = performance.now();
            const lag = await runtimeNumber(g.admin, 'haLagBytes');
            if (lag === 0) caughtUp = first ? 0 : asked - t0;
            first = false;
            return lag === 0;
          }, 60_000, 5);
          metrics.push({ metric: `slave caught up after the last send, ${mode}, ${flush}`, value: round(caughtUp, 0), unit: 'ms' });
        }
      } finally {
        await g.admin.close();
        await g.slave?.destroy();
        await g.master.destroy();
      }
    }
  }
  return {
    bench: 'ha',
    params: { size: body.length, duration: durationMs / 1000, load: values.load!, flush: flushes.join('+'), ...(values.set!.length > 0 ? { set: values.set!.join(' ') } : {}) },
    metrics,
  };
}
