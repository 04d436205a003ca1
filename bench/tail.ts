// Live tail under load: 20 Server-Sent Events streams (read as a browser reads them) on one topic taking 5,000 msg/s
// across two broker groups; the console process's CPU and RSS; then one broker SIGSTOPped while the tails go on.
//
//   npm run bench -- tail [--streams 20] [--rate 5000] [--seconds 30] [--hung-seconds 10]
//
// Starts a nameserver, two brokers (broker-a, broker-b; the topic has 4 queues on each) and the console's production
// build (`next start`; build it first). Streams: half unfiltered, a quarter with a tag filter, a quarter with a SQL92
// filter, all at the default rate cap (100 msg/s each: the rest is dropped and counted on the server). One more
// stream follows marker messages sent to broker-a every 200 ms, for the store-to-browser latency. CPU is the console
// process tree's utime+stime over the window (/proc), RSS its peak of 1-second samples.

import { parseArgs } from 'node:util';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setLogSink } from '../lib/common/log.ts';
import { AdminClient } from '../lib/admin/index.ts';
import { spawnBroker, spawnNamesrv, TestClient, removeDir, tempDir, waitFor, type BrokerProcess } from '../lib/broker/it/harness.ts';
import { startConsole, type ConsoleProcess } from '../lib/cluster/console-process.ts';
import { freePort } from '../lib/common/free-port.ts';
import { openSse, type SseClient } from '../lib/console/it/sse-client.ts';
import { percentile, type BenchMetric, type BenchReport } from './run.ts';

const TOPIC = 'BenchTail';
const QUEUES = 4;
const TAGS = ['created', 'paid', 'shipped'];
const TICKS = 100; // /proc clock ticks a second (Linux default)

/** The process and its descendants (next start may run its server in a child). */
function tree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      // gone
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out;
}

/** CPU seconds (user + system) and RSS bytes of the process tree, and the largest RSS of one of its processes. */
function usage(root: number): { cpuSec: number; rss: number; maxRss: number } {
  let cpu = 0;
  let rss = 0;
  let maxRss = 0;
  for (const pid of tree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu += (Number(f[11]) + Number(f[12])) / TICKS;
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) {
        rss += Number(m[1]) * 1024;
        maxRss = Math.max(maxRss, Number(m[1]) * 1024);
      }
    } catch {
      // gone
    }
  }
  return { cpuSec: cpu, rss, maxRss };
}

const round = (v: number): number => Math.round(v * 10) / 10;

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      streams: { type: 'string', default: '20' },
      rate: { type: 'string', default: '5000' },
      seconds: { type: 'string', default: '30' },
      'hung-seconds': { type: 'string', default: '10' },
    },
  });
  const nStreams = Number(values.streams);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const hungSeconds = Number(values['hung-seconds']);
  setLogSink(() => {});

  const metrics: BenchMetric[] = [];
  const ns = await spawnNamesrv();
  const brokers: BrokerProcess[] = [];
  const clients: TestClient[] = [];
  const dir = tempDir('tail-bench');
  let consoleProc: ConsoleProcess | undefined;
  const streams: SseClient[] = [];
  let producing = false;
  let producer: Promise<void> = Promise.resolve();
  let hung: BrokerProcess | undefined;
  try {
    for (const name of ['broker-a', 'broker-b']) {
      const b = await spawnBroker({ namesrv: ns.address, props: { brokerName: name } });
      brokers.push(b);
      const c = new TestClient(b.address);
      clients.push(c);
      await c.createTopic(TOPIC, QUEUES);
    }
    const admin = new AdminClient({ namesrvAddr: ns.address });
    await waitFor('route with both brokers', async () => (await admin.topicRoute(TOPIC)).brokerDatas.length === 2, 30_000);
    await admin.close();
    consoleProc = await startConsole({
      port: await freePort(), host: '127.0.0.1', namesrvAddr: ns.address,
      env: { ROCKETDECK_CONSOLE_DB: join(dir, 'console.db'), ROCKETDECK_TAIL_MAX_PER_USER: String(nStreams + 5), ROCKETDECK_LOG_LEVEL: 'warn', ROCKETDECK_USERS: 'op:operator:op-pw' },
    });
    const url = consoleProc.url;
    const pid = consoleProc.child.pid!;
    // the console idle (its first page answered, the collector running), before any tail
    await fetch(`${url}/api/topics`);
    await new Promise((r) => setTimeout(r, 3000));
    const idle = usage(pid);

    // producer: batches of 50 round-robin over the 8 queues, paced to `rate` a second
    let produced = 0;
    let markerSeq = 0;
    const markerSent = new Map<string, number>();
    const BATCH = 50;
    let hungClient: TestClient | undefined;
    producing = true;
    producer = (async () => {
      let t0 = Date.now();
      let q = 0;
      let nextMarker = Date.now();
      while (producing) {
        let due = Math.floor(((Date.now() - t0) / 1000) * rate);
        // a stall (the machine is shared) is not made up for in a burst: at most half a second's worth comes late
        if (due - produced > rate / 2) {
          t0 += ((due - produced - rate / 2) / rate) * 1000;
          due = Math.floor(((Date.now() - t0) / 1000) * rate);
        }
        if (produced >= due) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        const inFlight: Promise<unknown>[] = [];
        while (produced < due && inFlight.length < 8) {
          const c = clients[q % 2]!;
          const queueId = Math.floor(q / 2) % QUEUES;
          q++;
          const msgs = Array.from({ length: BATCH }, (_, i) => {
            const n = produced + i;
            const tag = TAGS[n % TAGS.length]!;
            return {
              body: Buffer.from(JSON.stringify({ id: `order-${n}`, tag, amount: (n * 37) % 1000, at: new Date().toISOString() })),
              properties: { TAGS: tag, KEYS: `order-${n}`, region: n % 2 ? 'eu' : 'us', amount: String((n * 37) % 1000), WAIT: 'true' },
            };
          });
          produced += BATCH;
          if (c !== hungClient) inFlight.push(c.sendBatch(TOPIC, queueId, msgs).catch(() => {}));
        }
        if (Date.now() >= nextMarker) {
          nextMarker += 200;
          const body = `marker-${++markerSeq}`;
          markerSent.set(body, Date.now());
          inFlight.push(clients[0]!.send(TOPIC, body, { queueId: 0 }).then(() => markerSent.set(body, Date.now())).catch(() => {}));
        }
        await Promise.all(inFlight);
      }
    })();

    // the tails
    const filters = (i: number): string => (i % 4 === 1 ? 'tag=paid' : i % 4 === 3 ? `sql=${encodeURIComponent("region = 'eu' AND amount > 500")}` : '');
    for (let i = 0; i < nStreams; i++) {
      const s = await openSse(`${url}/api/tail?topic=${TOPIC}&${filters(i)}`, { keepData: false });
      if (s.status !== 200) throw new Error(`stream ${i}: ${s.status} ${JSON.stringify(s.error)}`);
      streams.push(s);
    }
    const markerLag: number[] = [];
    let phase: number[] = markerLag;
    const hungLag: number[] = [];
    let behind = 0;
    const markers = await openSse(`${url}/api/tail?topic=${TOPIC}&body=marker-&rate=1000`, {
      keepData: false,
      onEvent: (event, data) => {
        if (event === 'stats') behind = (JSON.parse(data) as { brokers: Array<{ behind: number }> }).brokers.reduce((n, b) => n + b.behind, 0);
        if (event !== 'message') return;
        const body = /"body":"(marker-\d+)"/.exec(data)?.[1];
        const at = body && markerSent.get(body);
        if (at) phase.push(Date.now() - at);
      },
    });
    streams.push(markers);
    // warm-up, then the measured window
    await new Promise((r) => setTimeout(r, 5000));
    markerLag.length = 0;
    type Feeds = { feeds: Array<{ messagesRead: number; skipped: number }>; streams: Array<{ sent: number; dropped: number }> };
    const feedsRead = async (): Promise<number> => ((await (await fetch(`${url}/api/tail/streams`)).json()) as Feeds).feeds.reduce((n, f) => n + f.messagesRead, 0);
    const readBefore = await feedsRead();
    const before = usage(pid);
    const sentBefore = streams.map((s) => s.counts.message ?? 0);
    const producedBefore = produced;
    const t0 = Date.now();
    let peakRss = before.rss;
    let peakServerRss = before.maxRss;
    const rssSamples: number[] = [];
    const sampler = setInterval(() => {
      const u = usage(pid);
      rssSamples.push(u.rss);
      peakRss = Math.max(peakRss, u.rss);
      peakServerRss = Math.max(peakServerRss, u.maxRss);
    }, 1000);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(sampler);
    const after = usage(pid);
    const elapsed = (Date.now() - t0) / 1000;
    const readAfter = await feedsRead();
    const list = (await (await fetch(`${url}/api/tail/streams`)).json()) as Feeds & { memory: Record<string, number> };
    const cpuPct = ((after.cpuSec - before.cpuSec) / elapsed) * 100;
    const delivered = streams.reduce((n, s, i) => n + (s.counts.message ?? 0) - sentBefore[i]!, 0);
    const lag = [...markerLag].sort((a, b) => a - b);
    metrics.push(
      { metric: 'produced', value: Math.round((produced - producedBefore) / elapsed), unit: 'msg/s' },
      { metric: 'read by the console (all feeds)', value: Math.round((readAfter - readBefore) / elapsed), unit: 'msg/s' },
      { metric: 'stored but not read yet at the end', value: behind, unit: 'messages' },
      { metric: 'skipped to stay live (since start)', value: list.feeds.reduce((n, f) => n + f.skipped, 0), unit: 'messages' },
      { metric: 'console CPU', value: round(cpuPct), unit: '% of one core' },
      { metric: 'console RSS peak (next-server process)', value: round(peakServerRss / 2 ** 20), unit: 'MiB' },
      { metric: 'console RSS peak (process tree: next start + next-server)', value: round(peakRss / 2 ** 20), unit: 'MiB' },
      { metric: 'console RSS median (process tree)', value: round(percentile([...rssSamples].sort((a, b) => a - b), 50) / 2 ** 20), unit: 'MiB' },
      { metric: 'console RSS idle, before any tail', value: round(idle.rss / 2 ** 20), unit: 'MiB' },
      { metric: 'console heap used at the end', value: round(list.memory.heapUsed! / 2 ** 20), unit: 'MiB' },
      { metric: 'console heap total at the end', value: round(list.memory.heapTotal! / 2 ** 20), unit: 'MiB' },
      { metric: 'console array buffers at the end', value: round(list.memory.arrayBuffers! / 2 ** 20), unit: 'MiB' },
      { metric: 'events delivered (all streams)', value: Math.round(delivered / elapsed), unit: 'msg/s' },
      { metric: 'dropped over the rate cap (all streams, since start)', value: list.streams.reduce((n, s) => n + s.dropped, 0), unit: 'messages' },
      { metric: 'marker store-to-stream p50', value: percentile(lag, 50), unit: 'ms' },
      { metric: 'marker store-to-stream p99', value: percentile(lag, 99), unit: 'ms' },
      { metric: 'markers seen', value: lag.length, unit: 'messages' },
    );

    // broker-b hung: the tails keep reading broker-a
    if (hungSeconds > 0) {
      hung = brokers[1]!;
      hungClient = clients[1];
      hung.child.kill('SIGSTOP');
      phase = hungLag;
      const countsAt = streams.map((s) => s.counts.message ?? 0);
      await new Promise((r) => setTimeout(r, hungSeconds * 1000));
      const moving = streams.filter((s, i) => (s.counts.message ?? 0) > countsAt[i]!).length;
      const hl = [...hungLag].sort((a, b) => a - b);
      metrics.push(
        { metric: 'hung broker-b: streams still receiving', value: moving, unit: `of ${streams.length}` },
        { metric: 'hung broker-b: marker p50 (broker-a)', value: percentile(hl, 50), unit: 'ms' },
        { metric: 'hung broker-b: marker max (broker-a)', value: hl.at(-1) ?? 0, unit: 'ms' },
        { metric: 'hung broker-b: markers seen', value: hl.length, unit: `of ~${Math.round(hungSeconds * 5)}` },
      );
      hung.child.kill('SIGCONT');
      hung = undefined;
    }
    return {
      bench: 'tail',
      params: { streams: nStreams, rate, seconds, hungSeconds, brokers: 2, queues: QUEUES * 2, rateCapPerStream: 100, cores: (await import('node:os')).cpus().length },
      metrics,
    };
  } finally {
    producing = false;
    await producer.catch(() => {});
    for (const s of streams) s.close();
    if (hung) hung.child.kill('SIGCONT');
    await consoleProc?.stop();
    for (const c of clients) await c.close();
    for (const b of brokers) await b.destroy();
    await ns.stop();
    removeDir(dir);
  }
}
