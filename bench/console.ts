// Console benchmark: a real nameserver and broker holding N topics and M consumer groups with offsets (and lag),
// the console server on top, and how fast GET /api/consumer-groups (live lag of every group) and friends answer.

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { setLogSink } from '../lib/common/log.ts';
import { AdminClient } from '../lib/admin/index.ts';
import { spawnBroker, spawnNamesrv, TestClient, removeDir, tempDir, waitFor } from '../lib/broker/it/harness.ts';
import { startConsole } from '../lib/cluster/console-process.ts';
import { percentile, type BenchMetric, type BenchReport } from './run.ts';
import { freePort } from '../lib/common/free-port.ts';

const round = (v: number): number => Math.round(v * 10) / 10;


/** Runs `fn` over `items` with `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function timedGet(url: string): Promise<{ ms: number; status: number; bytes: number; body: string; serverTiming: Record<string, number> }> {
  const t0 = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const body = await res.text();
  const serverTiming: Record<string, number> = {};
  for (const part of (res.headers.get('server-timing') ?? '').split(',')) {
    const m = /^\s*(\w+);dur=([\d.]+)/.exec(part);
    if (m) serverTiming[m[1]!] = Number(m[2]);
  }
  return { ms: performance.now() - t0, status: res.status, bytes: body.length, body, serverTiming };
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      topics: { type: 'string', default: '2000' },
      groups: { type: 'string', default: '1000' },
      queues: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '10' },
      collector: { type: 'string', default: 'on' },
    },
  });
  const nTopics = Number(values.topics);
  const nGroups = Math.min(Number(values.groups), nTopics);
  const nQueues = Number(values.queues);
  const rounds = Number(values.rounds);
  setLogSink(() => {});

  const ns = await spawnNamesrv();
  const broker = await spawnBroker({ namesrv: ns.address });
  const client = new TestClient(broker.address);
  const admin = new AdminClient({ namesrvAddr: ns.address, timeoutMs: 30_000 });
  const dir = tempDir('console-bench');
  const metrics: BenchMetric[] = [];
  let consoleProc: Awaited<ReturnType<typeof startConsole>> | undefined;
  try {
    // topics; group i reads topic i: 5 messages per queue, 2 consumed, so every group lags 3 per queue
    const t0 = performance.now();
    const topics = Array.from({ length: nTopics }, (_, i) => `BenchTopic-${i}`);
    await pool(topics, 16, (t) => client.createTopic(t, nQueues));
    const groups = Array.from({ length: nGroups }, (_, i) => ({ group: `BenchGroup-${i}`, topic: topics[i]! }));
    await pool(groups, 16, (g) => admin.createOrUpdateSubGroup({ brokerAddrs: [broker.address] }, { groupName: g.group }));
    const queueWork = groups.flatMap((g) => Array.from({ length: nQueues }, (_, q) => ({ ...g, q })));
    await pool(queueWork, 16, async ({ topic, q }) => {
      const res = await client.sendBatch(topic, q, Array.from({ length: 5 }, (_, k) => ({ body: Buffer.from(`m${k}`), properties: {} })));
      if (res.code !== 0) throw new Error(`batch send to ${topic}/${q} answered ${res.code} ${res.remark}`);
    });
    await pool(queueWork, 16, ({ group, topic, q }) => client.updateOffset(group, topic, q, 2));
    metrics.push({ metric: 'setup (topics, groups, messages, offsets)', value: round((performance.now() - t0) / 1000), unit: 's' });

    const port = await freePort();
    const t1 = performance.now();
    consoleProc = await startConsole({
      port, host: '127.0.0.1', namesrvAddr: ns.address,
      env: {
        ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'), ROCKETDECK_USERS: 'bench:viewer:bench', ROCKETDECK_LOG_LEVEL: 'error',
        ROCKETDECK_COLLECTOR: values.collector === 'off' ? 'off' : 'on',
      },
    });
    metrics.push({ metric: 'console start (build excluded when present)', value: round((performance.now() - t1) / 1000), unit: 's' });
    const url = consoleProc.url;

    const first = await timedGet(`${url}/api/consumer-groups`);
    if (first.status !== 200) throw new Error(`GET /api/consumer-groups answered ${first.status}: ${first.body.slice(0, 300)}`);
    const total = (JSON.parse(first.body) as { total: number }).total;
    if (total < nGroups) throw new Error(`GET /api/consumer-groups lists ${total} groups, expected ${nGroups}`);
    metrics.push({ metric: 'GET /api/consumer-groups, first', value: round(first.ms), unit: 'ms' });
    metrics.push({ metric: '  of which asking the broker (groupList)', value: round(first.serverTiming.cluster ?? 0), unit: 'ms' });
    metrics.push({ metric: '  of which paging and history (shape)', value: round(first.serverTiming.shape ?? 0), unit: 'ms' });

    if (values.collector !== 'off') {
      // the collector's first cycle runs next to the requests: wait for it, so the figures are of a console at work
      const cycle = await waitFor('the collector\'s first cycle', async () => {
        const h = JSON.parse((await timedGet(`${url}/api/health`)).body) as { collector: { lastDurationMs: number | null } };
        return h.collector.lastDurationMs;
      }, 600_000, 500);
      metrics.push({ metric: `collector cycle (${nTopics} topics, ${nGroups} groups)`, value: round(cycle / 1000), unit: 's' });
    }

    const lat: number[] = [];
    const clusterMs: number[] = [];
    const ages: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await timedGet(`${url}/api/consumer-groups?sort=-lag`);
      lat.push(r.ms);
      if (r.serverTiming.cluster !== undefined) clusterMs.push(r.serverTiming.cluster);
      if (r.serverTiming.age !== undefined) ages.push(r.serverTiming.age);
    }
    ages.sort((a, b) => a - b);
    lat.sort((a, b) => a - b);
    clusterMs.sort((a, b) => a - b);
    metrics.push({ metric: 'GET /api/consumer-groups (live lag, sorted by lag) p50', value: round(percentile(lat, 50)), unit: 'ms' });
    metrics.push({ metric: 'GET /api/consumer-groups (live lag, sorted by lag) max', value: round(lat[lat.length - 1]!), unit: 'ms' });
    metrics.push({ metric: '  of which asking the broker (groupList) p50', value: round(percentile(clusterMs, 50)), unit: 'ms' });
    metrics.push({ metric: '  age of the lag shown (Server-Timing age), max', value: round(ages[ages.length - 1] ?? 0), unit: 'ms' });
    const search = await timedGet(`${url}/api/consumer-groups?search=BenchGroup-99&pageSize=50`);
    metrics.push({ metric: 'GET /api/consumer-groups?search=', value: round(search.ms), unit: 'ms' });
    const topicList = await timedGet(`${url}/api/topics?sort=-tps`);
    metrics.push({ metric: `GET /api/topics (${nTopics} topics, sorted by TPS)`, value: round(topicList.ms), unit: 'ms' });
    const detail = await timedGet(`${url}/api/consumer-groups/BenchGroup-7`);
    metrics.push({ metric: 'GET /api/consumer-groups/{group}', value: round(detail.ms), unit: 'ms' });
    const prom = await timedGet(`${url}/api/metrics`);
    metrics.push({ metric: 'GET /api/metrics', value: round(prom.ms), unit: 'ms' });
    metrics.push({ metric: 'GET /api/metrics size', value: Math.round(prom.bytes / 1024), unit: 'KiB' });
  } finally {
    await consoleProc?.stop();
    await admin.close();
    await client.close();
    await broker.destroy();
    await ns.stop();
    removeDir(dir);
  }
  return { bench: 'console', params: { topics: nTopics, groups: nGroups, queuesPerTopic: nQueues, rounds, collector: values.collector !== 'off' }, metrics };
}
