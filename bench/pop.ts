// POP and timer benchmark against a `rocketdeck broker` child process: pop+batch-ack throughput of 1 KB messages
// from 8 queues (32 messages in flight) next to pull consumption of the same messages, timer insert and delivery
// rate with 100,000 timers pending, and the broker's RSS with 1,000,000 pending timers.
//   npm run bench -- pop [--messages 100000] [--timers 1000000]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setLogSink } from '../lib/common/log.ts';
import { RequestCode, ResponseCode } from '../lib/protocol/codes.ts';
import { encodeBatchAckMessageRequestBody, type BatchAck } from '../lib/protocol/bodies/pop.ts';
import { parseMsgOffsetInfo, parseStartOffsetInfo } from '../lib/protocol/pop-extra-info.ts';
import { messageProperties2String } from '../lib/protocol/message-properties.ts';
import { spawnBroker, TestClient, type BrokerProcess } from '../lib/broker/it/harness.ts';
import type { BenchMetric, BenchReport } from './run.ts';

const QUEUES = 8;
const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** VmRSS (everything resident, including touched pages of the mapped commit log) or RssAnon (heap and stacks). */
function rssMiB(pid: number, field: 'VmRSS' | 'RssAnon' = 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function fill(c: TestClient, topic: string, n: number, body: Buffer): Promise<void> {
  const per = Math.ceil(n / QUEUES);
  await Promise.all(Array.from({ length: QUEUES }, async (_, q) => {
    for (let i = 0; i < per; i += 64) {
      const batch = Array.from({ length: Math.min(64, per - i) }, () => ({ body, properties: { WAIT: 'true' } }));
      const r = await c.sendBatch(topic, q, batch);
      if (r.code !== 0) throw new Error(`fill: ${r.remark}`);
    }
  }));
}

async function pullAll(c: TestClient, topic: string): Promise<number> {
  const ends = await Promise.all(Array.from({ length: QUEUES }, (_, q) => c.maxOffset(topic, q)));
  const start = performance.now();
  let msgs = 0;
  await Promise.all(ends.map(async (end, q) => {
    let offset = 0;
    while (offset < end) {
      const res = await c.pull('bench_pull', topic, q, offset, { max: 32 });
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`pull: ${res.code} ${res.remark}`);
      offset = Number(res.extFields!.nextBeginOffset);
    }
    msgs += end;
  }));
  return (msgs / (performance.now() - start)) * 1000;
}

/** `workers` loops, each popping `max` messages and acking them with one BATCH_ACK_MESSAGE, until `total` are acked. */
async function popAll(c: TestClient, topic: string, group: string, total: number, workers: number, max: number): Promise<number> {
  let acked = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: workers }, async () => {
    while (acked < total) {
      const res = await c.call(RequestCode.POP_MESSAGE, {
        consumerGroup: group, topic, queueId: -1, maxMsgNums: max, invisibleTime: 60_000, pollTime: 1000, bornTime: Date.now(), initMode: 0,
      }, undefined, 10_000);
      if (res.code === ResponseCode.POLLING_TIMEOUT) continue;
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`pop: ${res.code} ${res.remark}`);
      const h = res.extFields!;
      const starts = parseStartOffsetInfo(h.startOffsetInfo);
      const offs = parseMsgOffsetInfo(h.msgOffsetInfo);
      const acks: BatchAck[] = [];
      for (const [key, so] of starts) {
        const [retry, qid] = key.split('@');
        acks.push({
          consumerGroup: group, topic, retry: retry!, startOffset: so, queueId: Number(qid), reviveQueueId: Number(h.reviveQid),
          popTime: Number(h.popTime), invisibleTime: 60_000, bitSet: offs.get(key)!.map((o) => o - so),
        });
      }
      const r = await c.call(RequestCode.BATCH_ACK_MESSAGE, undefined, encodeBatchAckMessageRequestBody({ brokerName: 'broker-it', acks }));
      if (r.code !== 0) throw new Error(`batch ack: ${r.remark}`);
      acked += acks.reduce((n, a) => n + a.bitSet.length, 0);
    }
  }));
  return (acked / (performance.now() - start)) * 1000;
}

/** Sends `n` timer messages (`dueAt(i)`), 256 in flight; returns sends per second. */
async function sendTimers(c: TestClient, topic: string, n: number, dueAt: (i: number) => number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: 256 }, async () => {
    while (next < n) {
      const i = next++;
      const props = messageProperties2String({ TIMER_DELIVER_MS: String(dueAt(i)), WAIT: 'true' });
      const v2 = { a: 'bench_timer', b: topic, c: 'TBW102', d: QUEUES, e: i % QUEUES, f: 0, g: Date.now(), h: 0, i: props, j: 0, k: false, m: false };
      const r = await c.call(RequestCode.SEND_MESSAGE_V2, v2, Buffer.alloc(128, 0x61));
      if (r.code !== 0) throw new Error(`timer send: ${r.code} ${r.remark}`);
    }
  }));
  return (n / (performance.now() - start)) * 1000;
}

async function queueTotal(c: TestClient, topic: string): Promise<number> {
  const all = await Promise.all(Array.from({ length: QUEUES }, (_, q) => c.maxOffset(topic, q)));
  return all.reduce((a, b) => a + b, 0);
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({ args, options: { messages: { type: 'string', default: '100000' }, timers: { type: 'string', default: '1000000' } } });
  const messages = Number(values.messages);
  const timers = Number(values.timers);
  setLogSink(() => {});
  const metrics: BenchMetric[] = [];
  let broker: BrokerProcess | undefined;
  try {
    broker = await spawnBroker({ namesrv: '', props: { brokerName: 'broker-it', mappedFileSizeCommitLog: 256 * 1024 * 1024 } });
    const c = new TestClient(broker.address);
    await c.createTopic('BenchPop', QUEUES);
    await c.createTopic('BenchTimer', QUEUES);
    await c.createTopic('BenchTimerSlow', QUEUES);
    const body = Buffer.alloc(1024, 0x61);
    await fill(c, 'BenchPop', messages, body);
    metrics.push({ metric: 'pull consume (8 queues, 32 a pull)', value: round(await pullAll(c, 'BenchPop')), unit: 'msg/s' });
    metrics.push({ metric: 'pop + batch ack (4 x 8 in flight)', value: round(await popAll(c, 'BenchPop', 'bench_pop_a', messages, 4, 8)), unit: 'msg/s' });
    metrics.push({ metric: 'pop + batch ack (1 x 32 in flight)', value: round(await popAll(c, 'BenchPop', 'bench_pop_b', messages, 1, 32)), unit: 'msg/s' });

    // 100,000 timers pending far out, then 20,000 due together: how fast do they land?
    const far = Date.now() + 3_600_000;
    metrics.push({ metric: 'timer insert (100,000, 256 in flight)', value: round(await sendTimers(c, 'BenchTimerSlow', 100_000, (i) => far + i)), unit: 'msg/s' });
    const dueAt = Date.now() + 15_000;
    await sendTimers(c, 'BenchTimer', 20_000, () => dueAt);
    while (Date.now() < dueAt) await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    while ((await queueTotal(c, 'BenchTimer')) < 20_000) await new Promise((r) => setTimeout(r, 20));
    metrics.push({ metric: 'timer delivery (20,000 due at once, 100,000 pending)', value: round(20_000 / ((performance.now() - t0) / 1000)), unit: 'msg/s' });

    await c.close();
    await broker.destroy();
    broker = undefined;

    if (timers > 0) {
      // A fresh broker: what 1 M pending timers cost on their own.
      broker = await spawnBroker({ namesrv: '', props: { brokerName: 'broker-it', mappedFileSizeCommitLog: 256 * 1024 * 1024 } });
      const t = new TestClient(broker.address);
      await t.createTopic('BenchTimerSlow', QUEUES);
      await new Promise((r) => setTimeout(r, 1000));
      metrics.push({ metric: 'fresh broker VmRSS', value: round(rssMiB(broker.child.pid!)), unit: 'MiB' });
      const far2 = Date.now() + 3_600_000;
      await sendTimers(t, 'BenchTimerSlow', timers, (i) => far2 + (i % 100_000));
      await new Promise((r) => setTimeout(r, 2000));
      metrics.push({ metric: `broker VmRSS with ${timers.toLocaleString('en-US')} pending timers`, value: round(rssMiB(broker.child.pid!)), unit: 'MiB' });
      metrics.push({ metric: `broker RssAnon with ${timers.toLocaleString('en-US')} pending timers`, value: round(rssMiB(broker.child.pid!, 'RssAnon')), unit: 'MiB' });
      const cp = await t.ok(RequestCode.GET_TIMER_CHECK_POINT);
      metrics.push({ metric: 'timer queue offset read (checkpoint)', value: Number(cp.body!.readBigInt64BE(24)), unit: 'msgs' });
      await t.close();
    }
  } finally {
    await broker?.destroy();
  }
  return { bench: 'pop', params: { messages, bodyBytes: 1024, queues: QUEUES, timers }, metrics };
}
