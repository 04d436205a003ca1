// Broker CPU per 100k messages delivered to a consumer, A/B: a `rocketdeck broker` from checkout A and one from
// checkout B, alternately, each given the same backlog (1 KB messages sent round robin over 8 queues, so a queue's
// records are interleaved with the others' in the commit log, as Apache's benchmark Producer leaves them) and then
// drained the way Apache's push Consumer drains it: one connection, one PULL_MESSAGE per queue in flight (the next
// sent when its answer arrives), maxMsgNums 32, sysFlag COMMIT_OFFSET (once an offset is held) | SUSPEND, no
// subscription in the pull (the broker takes it from the group's heartbeat), suspendTimeoutMillis 15000.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolve, join } from 'node:path';
import { setLogSink } from '../lib/common/log.ts';
import { RequestCode, ResponseCode } from '../lib/protocol/codes.ts';
import { encodeHeartbeatData } from '../lib/protocol/bodies/consumer.ts';
import { RemotingClient } from '../lib/remoting/client.ts';
import { createRequest } from '../lib/remoting/command.ts';
import { TestClient } from '../lib/broker/it/harness.ts';
import { AB_OPTIONS } from './checkout-broker.ts';
import { cpuTicks, startBroker } from './send-cost.ts';
import type { BenchMetric, BenchReport } from './run.ts';

const TOPIC = 'PullCostTopic';
const GROUP = 'pull_cost_consumer';
const QUEUES = 8;
/** PullSysFlag bits as DefaultMQPushConsumerImpl sets them (PullSysFlag.buildSysFlag). */
const COMMIT_OFFSET = 0x1;
const SUSPEND = 0x2;

/** The broker's read and write syscalls so far (/proc/PID/io syscr, syscw: writev counts as one write). */
function syscalls(pid: number): { r: number; w: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return { r: Number(/syscr: (\d+)/.exec(io)![1]), w: Number(/syscw: (\d+)/.exec(io)![1]) };
}

/** `count` sends of `body` round robin over the queues, 32 in flight on one connection. */
async function fill(addr: string, count: number, body: Buffer): Promise<void> {
  const c = new RemotingClient({ defaultTimeoutMs: 30_000 });
  let q = 0;
  let left = count;
  let n = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (left-- > 0) {
      const props = `TAGS\u0001TagA\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001${(n++).toString(16).padStart(32, '0')}`;
      const header = { a: 'bench_producer', b: TOPIC, c: 'TBW102', d: QUEUES, e: q++ % QUEUES, f: 0, g: Date.now(), h: 0, i: props, j: 0, k: false, m: false };
      const res = await c.invoke(addr, createRequest(RequestCode.SEND_MESSAGE_V2, header, { body }));
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`send answered ${res.code} ${res.remark}`);
    }
  }));
  await c.close();
}

/** Subscribes `group` to all of `topic` (TAG `*`) with a heartbeat on `c`'s connection; returns the subVersion. */
export async function subscribeAll(c: RemotingClient, addr: string, group: string, topic: string): Promise<number> {
  const subVersion = Date.now();
  const hb = encodeHeartbeatData({
    clientID: `127.0.0.1@${group}`,
    producerDataSet: [],
    consumerDataSet: [{
      groupName: group, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', unitMode: false,
      subscriptionDataSet: [{ topic, subString: '*', tagsSet: [], codeSet: [], subVersion, expressionType: 'TAG', classFilterMode: false }],
    }],
  });
  const res = await c.invoke(addr, createRequest(RequestCode.HEART_BEAT, undefined, { body: hb }));
  if (res.code !== ResponseCode.SUCCESS) throw new Error(`heartbeat answered ${res.code} ${res.remark}`);
  return subVersion;
}

/**
 * Drains every queue of `topic` from `from[q]` up to `until[q]` (exclusive) with one pull per queue in flight over
 * `c`, as Apache's push Consumer pulls; returns the messages delivered and leaves `from` at the next offsets.
 */
export async function drain(c: RemotingClient, addr: string, group: string, topic: string, from: number[], until: number[], subVersion: number): Promise<number> {
  let delivered = 0;
  await Promise.all(from.map(async (_, q) => {
    while (from[q]! < until[q]!) {
      const offset = from[q]!;
      const header = {
        consumerGroup: group, topic, queueId: q, queueOffset: offset, maxMsgNums: 32,
        sysFlag: (offset > 0 ? COMMIT_OFFSET : 0) | SUSPEND, commitOffset: offset, suspendTimeoutMillis: 15_000,
        subVersion, expressionType: 'TAG',
      };
      const res = await c.invoke(addr, createRequest(RequestCode.PULL_MESSAGE, header), 30_000);
      if (res.code !== ResponseCode.SUCCESS) throw new Error(`pull of queue ${q} at ${offset} answered ${res.code} ${res.remark}`);
      const next = Number(res.extFields!.nextBeginOffset);
      if (!res.body || next <= offset) throw new Error(`pull of queue ${q} at ${offset} delivered nothing (next ${next})`);
      delivered += next - offset;
      from[q] = next;
    }
  }));
  return delivered;
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      ...AB_OPTIONS,
      messages: { type: 'string', default: '200000' },
      warmup: { type: 'string', default: '20000' },
    },
  });
  if (!values.a) throw new Error('--a: the checkout to compare against (a directory with lib/cli/bin.mjs) is required');
  const roots = { A: resolve(values.a), B: resolve(values.b!) };
  const messages = Number(values.messages);
  const warmup = Number(values.warmup);
  if (!(warmup < messages)) throw new Error('--warmup must be smaller than --messages');
  const body = Buffer.alloc(Number(values.size), 0x61);
  setLogSink(() => {});
  const cpu: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const side of (r % 2 === 0 ? ['A', 'B'] : ['B', 'A']) as Array<'A' | 'B'>) {
      const b = await startBroker(roots[side], 'ASYNC_FLUSH', values['cpu-prof'] ? join(resolve(values['cpu-prof']), side) : undefined);
      const c = new RemotingClient({ defaultTimeoutMs: 30_000 });
      try {
        const admin = new TestClient(b.address);
        await admin.createTopic(TOPIC, QUEUES);
        await fill(b.address, messages, body);
        const max = await Promise.all(Array.from({ length: QUEUES }, (_, q) => admin.maxOffset(TOPIC, q)));
        await admin.close();
        const subVersion = await subscribeAll(c, b.address, GROUP, TOPIC);
        const from = max.map(() => 0);
        await drain(c, b.address, GROUP, TOPIC, from, max.map((m) => Math.min(m, Math.ceil(warmup / QUEUES))), subVersion); // warm-up (JIT)
        const t0 = cpuTicks(b.pid);
        const io0 = syscalls(b.pid);
        const n = await drain(c, b.address, GROUP, TOPIC, from, max, subVersion);
        const s = (cpuTicks(b.pid) - t0) / 100;
        const io1 = syscalls(b.pid);
        cpu[side].push((s * 100_000) / n);
        // syscalls per 100k messages show how the answers batched (a writev per pull or fewer) and what reads cost
        process.stderr.write(`round ${r + 1} ${side}: ${((s * 100_000) / n).toFixed(2)} CPU s / 100k messages (${n} delivered; ` +
          `per 100k: ${Math.round(((io1.r - io0.r) * 100_000) / n)} read and ${Math.round(((io1.w - io0.w) * 100_000) / n)} write syscalls)\n`);
      } finally {
        await c.close();
        await b.stop();
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const metrics: BenchMetric[] = [
    { metric: `A (${roots.A}) broker CPU per 100k messages pulled, median`, value: Math.round(median(cpu.A) * 100) / 100, unit: 's' },
    { metric: `B (${roots.B}) broker CPU per 100k messages pulled, median`, value: Math.round(median(cpu.B) * 100) / 100, unit: 's' },
    { metric: 'B / A', value: Math.round((median(cpu.B) / median(cpu.A)) * 1000) / 1000, unit: 'x' },
  ];
  return { bench: 'pull-cost', params: { rounds: Number(values.rounds), messages, warmup, size: Number(values.size) }, metrics };
}
