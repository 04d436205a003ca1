// Store benchmark: append throughput of 1 KiB messages (ASYNC_FLUSH, and SYNC_FLUSH with 1, 16 and 128 concurrent
// writers), read throughput, and peak RSS while filling a store with 10 million messages, next to this machine's
// raw sequential write bandwidth (one large write + fdatasync, three times around the append runs) measured in the
// same run.
//
// npm run bench -- store [--messages 10000000] [--seconds 5] [--repeat 3] [--read 2000000] [--dir /path] [--skip-fill]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setLogLevel } from '../lib/common/log.ts';
import { MessageStore } from '../lib/store/message-store.ts';
import type { FlushDiskType, MessageStoreConfig } from '../lib/store/config.ts';
import type { MessageExtBrokerInner } from '../lib/store/types.ts';
import type { BenchMetric, BenchReport } from './run.ts';

const MiB = 1024 * 1024;
const TOPIC = 'BenchTopic';
const QUEUES = 8;

const round1 = (v: number): number => Math.round(v * 10) / 10;

interface RawWrite {
  /** write + fdatasync, MB/s (10^6 bytes). */
  synced: number;
  /** The writes alone (into the page cache), MB/s. */
  written: number;
}

/** Plain sequential write of `bytes` in 4 MiB writes followed by one fdatasync. */
function rawWriteBandwidth(dir: string, bytes: number): RawWrite {
  const file = path.join(dir, 'raw-write-test');
  const chunk = Buffer.alloc(4 * MiB, 0x5a);
  const fd = fs.openSync(file, 'w');
  const t0 = process.hrtime.bigint();
  for (let pos = 0; pos < bytes; pos += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - pos), pos);
  const written = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.fdatasyncSync(fd);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.closeSync(fd);
  fs.rmSync(file);
  return { synced: bytes / secs / 1e6, written: bytes / written / 1e6 };
}

/** Median time of a 4 KiB positional write + fdatasync into an allocated file (the least one SYNC_FLUSH group commit costs), ms. */
function syncLatency(dir: string, seconds = 1): number {
  const file = path.join(dir, 'sync-latency-test');
  const fd = fs.openSync(file, 'w');
  const page = Buffer.alloc(4096, 0x5a);
  fs.writeSync(fd, Buffer.alloc(4 * MiB), 0, 4 * MiB, 0);
  fs.fdatasyncSync(fd);
  const samples: number[] = [];
  const end = Date.now() + seconds * 1000;
  for (let pos = 0; Date.now() < end; pos = (pos + 4096) % (4 * MiB)) {
    const t = process.hrtime.bigint();
    fs.writeSync(fd, page, 0, page.length, pos);
    fs.fdatasyncSync(fd);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  fs.closeSync(fd);
  fs.rmSync(file);
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

/**
 * A broker-like inner message: 1 KiB body, tags, a unique key per message (indexed). The broker receives the
 * properties as a string and hands both the string and the parsed map to the store.
 */
function message(body: Buffer, n: number, host: { address: string; port: number }, storeHost: { address: string; port: number }): MessageExtBrokerInner {
  const uniq = `7F0000010FA118B4AAC2${n}`;
  return {
    topic: TOPIC,
    flag: 0,
    properties: { TAGS: 'TagA', UNIQ_KEY: uniq, WAIT: 'true' },
    propertiesString: `TAGS\u0001TagA\u0002UNIQ_KEY\u0001${uniq}\u0002WAIT\u0001true`,
    body,
    queueId: n % QUEUES,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: host,
    storeHost,
  };
}

interface AppendFigures {
  messages: number;
  seconds: number;
  storedBytes: number;
}

/** `writers` loops each appending one message at a time until `seconds` pass or `limit` messages are stored. */
async function appendRun(store: MessageStore, writers: number, seconds: number, limit: number, startN = 0): Promise<AppendFigures> {
  const body = Buffer.alloc(1024, 0x61);
  const bornHost = { address: '127.0.0.1', port: 52000 };
  const storeHost = { address: '127.0.0.1', port: 10911 };
  const phy0 = store.getMaxPhyOffset();
  let n = startN;
  let done = 0;
  const t0 = process.hrtime.bigint();
  // Every writer looks at the clock flag before each append (a check every 1,024 appends of the shared count
  // could miss a writer forever: with 16 writers in lock step one of them may never see a multiple of 1,024).
  let timeUp = false;
  const timer = setTimeout(() => {
    timeUp = true;
  }, Math.min(seconds * 1000, 2 ** 31 - 1));
  let failed: string | null = null;
  async function writer(): Promise<void> {
    while (done < limit && failed === null && !timeUp) {
      done++;
      const r = await store.putMessage(message(body, n++, bornHost, storeHost));
      if (r.status !== 'PUT_OK') failed = `${r.status} ${r.remark ?? ''}`;
    }
  }
  await Promise.all(Array.from({ length: writers }, () => writer()));
  clearTimeout(timer);
  if (failed) throw new Error(`append failed: ${failed}`);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { messages: done, seconds: secs, storedBytes: store.getMaxPhyOffset() - phy0 };
}

/**
 * Reads `limit` messages spread over all queues with one pull (of up to 32) in flight per queue: from the queue
 * starts (`oldest`: data far behind the head, read through the thread pool) or ending at the queue ends
 * (`newest`: data near the head, likely in the page cache, read synchronously).
 */
async function readRun(store: MessageStore, limit: number, where: 'oldest' | 'newest'): Promise<{ messages: number; bytes: number; seconds: number }> {
  const t0 = process.hrtime.bigint();
  let messages = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: QUEUES }, async (_, q) => {
      const max = store.getMaxOffsetInQueue(TOPIC, q);
      const min = store.getMinOffsetInQueue(TOPIC, q);
      const perQueue = Math.ceil(limit / QUEUES);
      let offset = where === 'oldest' ? min : Math.max(min, max - perQueue);
      let mine = 0;
      while (offset < max && mine < perQueue) {
        const r = await store.getMessage('bench', TOPIC, q, offset, 32);
        if (r.status !== 'FOUND') throw new Error(`read ${q}/${offset}: ${r.status}`);
        mine += r.buffers.length;
        bytes += r.bufferTotalSize;
        offset = r.nextBeginOffset;
      }
      messages += mine;
    }),
  );
  return { messages, bytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

function storeConfig(dir: string, flushDiskType: FlushDiskType): Partial<MessageStoreConfig> {
  return { storePathRootDir: dir, flushDiskType };
}

async function withStore<T>(base: string, name: string, flushDiskType: FlushDiskType, fn: (s: MessageStore) => Promise<T>, keep = false): Promise<T> {
  const dir = path.join(base, name);
  fs.rmSync(dir, { recursive: true, force: true });
  const store = await MessageStore.open(storeConfig(dir, flushDiskType));
  try {
    return await fn(store);
  } finally {
    await store.shutdown();
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      messages: { type: 'string', default: '10000000' },
      seconds: { type: 'string', default: '5' },
      repeat: { type: 'string', default: '3' },
      read: { type: 'string', default: '2000000' },
      dir: { type: 'string' },
      'raw-bytes': { type: 'string', default: String(1024 * MiB) },
      'skip-fill': { type: 'boolean', default: false },
    },
  });
  setLogLevel('warn');
  const fillCount = Number(values.messages);
  const seconds = Number(values.seconds);
  const repeat = Math.max(1, Math.floor(Number(values.repeat)));
  const readCount = Number(values.read);
  const base = values.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rd-store-bench-'));
  const loadAverage = os.loadavg()[0]!;
  fs.mkdirSync(base, { recursive: true });
  const metrics: BenchMetric[] = [];
  const rawBytes = Number(values['raw-bytes']);
  try {
    // The raw figure of this VM swings by 2-3x from one minute to the next (the page cache copy alone does), so it
    // is measured three times around the append runs and the appends are compared with the median.
    const raws: RawWrite[] = [];
    const rawSample = (when: string): void => {
      const r = rawWriteBandwidth(base, rawBytes);
      raws.push(r);
      metrics.push({ metric: `raw sequential write + fdatasync (${when})`, value: round1(r.synced), unit: 'MB/s' });
      metrics.push({ metric: `raw sequential write, page cache only (${when})`, value: round1(r.written), unit: 'MB/s' });
    };
    rawSample('before ASYNC_FLUSH');
    metrics.push({ metric: '4 KiB write + fdatasync, median', value: Math.round(syncLatency(base) * 1000) / 1000, unit: 'ms' });
    const appendFigures: Array<{ label: string; mbps: number }> = [];

    // Each append scenario runs `repeat` times (a fresh store each time) and counts with its median run: the
    // appends are bound by one core, whose speed on this VM also changes from one minute to the next.
    const scenario = async (label: string, type: FlushDiskType, writers: number): Promise<void> => {
      const runs: AppendFigures[] = [];
      for (let i = 0; i < repeat; i++) runs.push(await withStore(base, `append-${type}-${writers}`, type, (s) => appendRun(s, writers, seconds, Number.MAX_SAFE_INTEGER)));
      const rate = (f: AppendFigures): number => f.messages / f.seconds;
      runs.sort((a, b) => rate(a) - rate(b));
      const f = runs[(runs.length - 1) >> 1]!;
      const mbps = f.storedBytes / f.seconds / 1e6;
      metrics.push({ metric: `${label} append`, value: Math.round(rate(f)), unit: 'msg/s' });
      metrics.push({ metric: `${label} append`, value: round1(mbps), unit: 'MB/s' });
      if (runs.length > 1) {
        metrics.push({ metric: `${label} append, slowest of ${runs.length}`, value: Math.round(rate(runs[0]!)), unit: 'msg/s' });
        metrics.push({ metric: `${label} append, fastest of ${runs.length}`, value: Math.round(rate(runs[runs.length - 1]!)), unit: 'msg/s' });
      }
      appendFigures.push({ label, mbps });
    };
    for (const w of [1, 16, 128]) await scenario(`ASYNC_FLUSH ${w} writers`, 'ASYNC_FLUSH', w);
    rawSample('before SYNC_FLUSH');
    for (const w of [1, 16, 128]) await scenario(`SYNC_FLUSH ${w} writers`, 'SYNC_FLUSH', w);
    rawSample('after SYNC_FLUSH');
    const raw = raws.map((r) => r.synced).sort((a, b) => a - b)[1]!;
    metrics.push({ metric: 'raw sequential write + fdatasync, median of 3', value: round1(raw), unit: 'MB/s' });
    for (const f of appendFigures) metrics.push({ metric: `${f.label} append / raw write (median)`, value: round1((f.mbps / raw) * 100), unit: '%' });

    if (!values['skip-fill']) {
      // Fill: fillCount messages with ASYNC_FLUSH and 128 writers, sampling RSS; then read back.
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 100);
      try {
        await withStore(base, 'fill', 'ASYNC_FLUSH', async (s) => {
          const f = await appendRun(s, 128, Number.MAX_SAFE_INTEGER, fillCount);
          metrics.push({ metric: `fill ${fillCount} messages (ASYNC_FLUSH, 128 writers)`, value: Math.round(f.messages / f.seconds), unit: 'msg/s' });
          metrics.push({ metric: `fill ${fillCount} messages (ASYNC_FLUSH, 128 writers)`, value: round1(f.storedBytes / f.seconds / 1e6), unit: 'MB/s' });
          metrics.push({ metric: `commit log size after fill`, value: round1(s.getMaxPhyOffset() / 1e9), unit: 'GB' });
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          for (const where of ['newest', 'oldest'] as const) {
            const r = await readRun(s, readCount, where);
            const label = `read ${r.messages} ${where} messages (8 queues, pulls of 32)`;
            metrics.push({ metric: label, value: Math.round(r.messages / r.seconds), unit: 'msg/s' });
            metrics.push({ metric: label, value: round1(r.bytes / r.seconds / 1e6), unit: 'MB/s' });
          }
        });
      } finally {
        clearInterval(sampler);
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      metrics.push({ metric: `peak RSS with ${fillCount} messages stored`, value: round1(peakRss / MiB), unit: 'MiB' });
      metrics.push({ metric: 'max RSS of the process (getrusage)', value: round1(process.resourceUsage().maxRSS / 1024), unit: 'MiB' });
    }
  } finally {
    if (!values.dir) fs.rmSync(base, { recursive: true, force: true });
  }
  return {
    bench: 'store',
    params: {
      messageBody: '1 KiB',
      queues: QUEUES,
      secondsPerAppendRun: seconds,
      appendRunsPerScenario: repeat,
      fillMessages: values['skip-fill'] ? 0 : fillCount,
      cpus: os.cpus().length,
      loadAverageAtStart: Math.round(loadAverage * 10) / 10,
    },
    metrics,
  };
}
