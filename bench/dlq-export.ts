// Dead-letter export benchmark: a `rocketdeck broker` child holds N dead letters in %DLQ%<group> (4 queues, sent in
// batches with RETRY_TOPIC set, as the broker's send-back leaves them); then each export path runs in its own child
// process while this process samples the child's resident memory (/proc/<pid>/status VmRSS) every 50 ms:
//   cli:   `rocketdeck admin dlq export -g GROUP -f FORMAT -o FILE` (the CLI)
//   route: the console's export response (lib/console/dlq-view.ts exportResponse) read to the end
// Flat memory means the peak RSS does not grow with the number of messages: run with --messages 10000 and 100000.

import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setLogSink } from '../lib/common/log.ts';
import { Producer } from '../lib/client/producer.ts';
import { CLI_BIN } from '../lib/cluster/supervisor.ts';
import { MessageConst } from '../lib/protocol/message-const.ts';
import { createMessage } from '../lib/protocol/message.ts';
import { spawnBroker, spawnNamesrv, TestClient, tempDir, removeDir } from '../lib/broker/it/harness.ts';
import type { BenchMetric, BenchReport } from './run.ts';

setLogSink(() => {});
const ROUTE_CHILD = fileURLToPath(new URL('./children/dlq-export-route.ts', import.meta.url));

function rssKb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // exited
  }
}

/** Runs `args` under node, sampling its RSS; resolves with stdout, the peak and the samples over time. */
function sampled(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null; peakMb: number; samples: number[]; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const samples: number[] = [];
    const timer = setInterval(() => {
      const kb = rssKb(child.pid!);
      if (kb !== undefined) samples.push(kb / 1024);
    }, 50);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(timer);
      resolve({ stdout, stderr, code, peakMb: Math.max(0, ...samples), samples, ms: performance.now() - t0 });
    });
  });
}

const round = (v: number): number => Math.round(v * 10) / 10;

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({ args, options: { messages: { type: 'string', default: '100000' }, size: { type: 'string', default: '256' }, format: { type: 'string', default: 'jsonl' } } });
  const total = Number(values.messages);
  const size = Number(values.size);
  const format = values.format!;
  const group = 'bench_dlq_group';
  const topic = `%DLQ%${group}`;
  const ns = await spawnNamesrv();
  const dir = tempDir('bench-dlq');
  const broker = await spawnBroker({ namesrv: ns.address, props: { brokerName: 'bench-dlq' } });
  const producer = new Producer({ group: 'bench_dlq_filler', namesrvAddr: ns.address, sendMsgTimeout: 30_000 });
  try {
    await new TestClient(broker.address).createTopic(topic, 4);
    await producer.start();
    const body = Buffer.alloc(size, 'x');
    const BATCH = 200;
    for (let sent = 0; sent < total; sent += BATCH) {
      const n = Math.min(BATCH, total - sent);
      const msgs = Array.from({ length: n }, (_, i) => {
        const m = createMessage(topic, body, { tags: 'failed', keys: [`order-${sent + i}`] });
        m.properties[MessageConst.PROPERTY_RETRY_TOPIC] = 'BenchOrders';
        m.properties[MessageConst.PROPERTY_ORIGIN_MESSAGE_ID] = `ORIGIN${sent + i}`;
        return m;
      });
      await producer.sendBatch(msgs);
    }
    const file = join(dir, `out.${format}`);
    const cli = await sampled([CLI_BIN, 'admin', 'dlq', 'export', '-n', ns.address, '-g', group, '-f', format, '-o', file, '--timeout', '10000']);
    if (cli.code !== 0) throw new Error(`cli export exited ${cli.code}: ${cli.stderr}`);
    const exported = Number(/exported (\d+)/.exec(cli.stderr)?.[1] ?? -1);
    if (exported !== total) throw new Error(`cli exported ${exported} of ${total}`);
    const route = await sampled(['--import', 'tsx', ROUTE_CHILD, ns.address, group, format]);
    if (route.code !== 0) throw new Error(`route export exited ${route.code}: ${route.stderr}`);
    const r = JSON.parse(route.stdout) as { bytes: number; lines: number; ms: number };
    const expectLines = format === 'csv' ? total + 1 : total;
    if (r.lines < expectLines) throw new Error(`route exported ${r.lines} lines, want ${expectLines}`);
    const q = (s: number[], p: number) => [...s].sort((a, b) => a - b)[Math.floor((p / 100) * (s.length - 1))] ?? 0;
    const metrics: BenchMetric[] = [
      { metric: 'cli_peak_rss', value: round(cli.peakMb), unit: 'MiB' },
      { metric: 'cli_median_rss', value: round(q(cli.samples, 50)), unit: 'MiB' },
      { metric: 'cli_seconds', value: round(cli.ms / 1000), unit: 's' },
      { metric: 'cli_file_size', value: round(statSync(file).size / 1048576), unit: 'MiB' },
      { metric: 'route_peak_rss', value: round(route.peakMb), unit: 'MiB' },
      { metric: 'route_median_rss', value: round(q(route.samples, 50)), unit: 'MiB' },
      { metric: 'route_seconds', value: round(r.ms / 1000), unit: 's' },
      { metric: 'route_bytes', value: round(r.bytes / 1048576), unit: 'MiB' },
    ];
    // RSS over the run, in tenths of the export (shows whether it climbs)
    for (const [name, s] of [['cli', cli.samples], ['route', route.samples]] as const) {
      const tenth = Math.max(1, Math.floor(s.length / 10));
      metrics.push({ metric: `${name}_rss_by_tenth`, value: 0, unit: s.filter((_, i) => i % tenth === 0).map((v) => v.toFixed(0)).join(' ') + ' MiB' });
    }
    return { bench: 'dlq-export', params: { messages: total, bodyBytes: size, format }, metrics };
  } finally {
    await producer.shutdown();
    await broker.destroy();
    await ns.stop();
    removeDir(dir);
  }
}
