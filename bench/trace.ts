// Message trace overhead: the same sends from a producer without and with enableMsgTrace (same process, same broker
// with traceTopicEnable=true), in alternating rounds so load on the machine hits both alike: send latency (sync send,
// `inflight` at a time) and throughput, then how many trace messages carried the records, and how many records the
// dispatcher dropped (queue full) or failed to send.

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setLogSink } from '../lib/common/log.ts';
import { AdminClient } from '../lib/admin/index.ts';
import { Producer } from '../lib/client/index.ts';
import { startCluster } from '../lib/client/it/harness.ts';
import { waitFor } from '../lib/common/wait-for.ts';
import { decodeTraceData } from '../lib/client/trace-data.ts';
import { percentile, type BenchMetric, type BenchReport } from './run.ts';

setLogSink(() => {});

async function round(p: Producer, topic: string, n: number, inflight: number, body: Buffer, lat: number[]): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inflight }, async () => {
    while (next < n) {
      next++;
      const s = performance.now();
      await p.send({ topic, body });
      lat.push(performance.now() - s);
    }
  }));
  return performance.now() - t0;
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({ args, options: { messages: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '10' }, inflight: { type: 'string', default: '16' }, size: { type: 'string', default: '1024' } } });
  const total = Number(values.messages);
  const rounds = Number(values.rounds);
  const inflight = Number(values.inflight);
  const body = Buffer.alloc(Number(values.size), 'x');
  const c = await startCluster(1, { traceTopicEnable: true });
  const admin = new AdminClient({ namesrvAddr: c.namesrvAddr });
  const plain = new Producer({ group: 'bench_trace_plain', namesrvAddr: c.namesrvAddr });
  const traced = new Producer({ group: 'bench_trace_on', namesrvAddr: c.namesrvAddr, enableMsgTrace: true });
  try {
    await c.createTopic('BenchTrace', 8);
    await plain.start();
    await traced.start();
    const t0 = Date.now();
    await round(plain, 'BenchTrace', 500, inflight, body, []); // warm-up
    await round(traced, 'BenchTrace', 500, inflight, body, []);
    const lat = { plain: [] as number[], traced: [] as number[] };
    const ms = { plain: 0, traced: 0 };
    const per = Math.ceil(total / rounds);
    for (let r = 0; r < rounds; r++) {
      // alternate which goes first
      for (const k of (r % 2 ? ['traced', 'plain'] : ['plain', 'traced']) as Array<'plain' | 'traced'>) {
        ms[k] += await round(k === 'plain' ? plain : traced, 'BenchTrace', per, inflight, body, lat[k]);
      }
    }
    // shutdown flushes what is queued; then every traced send's Pub record is read back from the trace topic
    const d = (traced as unknown as { traceDispatcher: { discarded: number; sendFailures: number } }).traceDispatcher;
    await traced.shutdown();
    const sent = per * rounds;
    let traceMessages = 0;
    let pubRecords = 0;
    await waitFor('the Pub record of every traced send', async () => {
      const found = await admin.queryMessageByTime({ topic: 'RMQ_SYS_TRACE_TOPIC', begin: t0, end: Date.now(), maxNum: 10_000 });
      traceMessages = found.messages.length;
      pubRecords = found.messages.reduce((n, m) => n + decodeTraceData(m.body).filter((x) => x.traceType === 'Pub').length, 0);
      return pubRecords >= sent + 500; // and the traced warm-up sends
    }, 30_000).catch(() => undefined);
    const metrics: BenchMetric[] = [];
    for (const k of ['plain', 'traced'] as const) {
      const s = [...lat[k]].sort((a, b) => a - b);
      metrics.push(
        { metric: `${k} send p50`, value: Math.round(percentile(s, 50) * 100) / 100, unit: 'ms' },
        { metric: `${k} send p99`, value: Math.round(percentile(s, 99) * 100) / 100, unit: 'ms' },
        { metric: `${k} throughput`, value: Math.round(sent / (ms[k] / 1000)), unit: 'msg/s' },
      );
    }
    metrics.push(
      { metric: 'trace messages', value: traceMessages, unit: `carrying the records of ${sent} traced sends` },
      { metric: 'Pub records read back', value: pubRecords, unit: `of ${sent + 500} traced sends (500 warm-up)` },
      { metric: 'trace records dropped', value: d.discarded, unit: 'records' },
      { metric: 'trace sends failed', value: d.sendFailures, unit: 'messages' },
    );
    return { bench: 'trace', params: { messages: sent, rounds, inflight, bodyBytes: body.length }, metrics };
  } finally {
    await traced.shutdown(); // again after a failure; a no-op once shut down
    await plain.shutdown();
    await admin.close();
    await c.stop();
  }
}
