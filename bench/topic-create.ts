// Topic creation benchmark: UPDATE_AND_CREATE_TOPIC round trips, one after another, against a `rocketdeck broker`
// child process that already holds N topics (written into its topics.json before it starts) and registers with
// two `rocketdeck namesrv` child processes. The answer comes once the nameservers have the new topic, so the time
// includes the registration the creation triggers; every created topic is then checked on both nameservers.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setLogSink } from '../lib/common/log.ts';
import { RequestCode, ResponseCode } from '../lib/protocol/codes.ts';
import { decodeTopicList } from '../lib/protocol/bodies/route.ts';
import { encodeTopicConfigSerializeWrapper, type TopicConfig } from '../lib/protocol/bodies/topic.ts';
import { RemotingClient } from '../lib/remoting/client.ts';
import { createRequest } from '../lib/remoting/command.ts';
import { spawnBroker, spawnNamesrv, tempDir, TestClient, type BrokerProcess, type NamesrvProcess } from '../lib/broker/it/harness.ts';
import { percentile, type BenchMetric, type BenchReport } from './run.ts';

const round = (v: number): number => Math.round(v * 1000) / 1000;

function seedTopics(storeDir: string, count: number): void {
  const table = new Map<string, TopicConfig>();
  for (let i = 0; i < count; i++) {
    const topicName = `BenchSeed_${i}`;
    table.set(topicName, { topicName, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false });
  }
  mkdirSync(join(storeDir, 'config'), { recursive: true });
  const body = encodeTopicConfigSerializeWrapper({ topicConfigTable: table, dataVersion: { timestamp: Date.now(), counter: count } });
  writeFileSync(join(storeDir, 'config', 'topics.json'), body);
}

async function namesrvTopicCount(remoting: RemotingClient, addr: string): Promise<Set<string>> {
  const res = await remoting.invoke(addr, createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER), 30_000);
  if (res.code !== ResponseCode.SUCCESS) throw new Error(`topic list from ${addr}: ${res.code} ${res.remark}`);
  return new Set(decodeTopicList(res.body).topicList);
}

/** Per-creation times (ms) with `existing` topics on the broker; checks every topic reached every nameserver. */
async function level(existing: number, creations: number, namesrvs: NamesrvProcess[]): Promise<number[]> {
  const dir = tempDir('bench-topic-create');
  seedTopics(join(dir, 'store'), existing);
  let broker: BrokerProcess | undefined;
  const remoting = new RemotingClient({ defaultTimeoutMs: 30_000 });
  try {
    broker = await spawnBroker({ dir, namesrv: namesrvs.map((n) => n.address).join(';'), props: { autoCreateTopicEnable: false } });
    const client = new TestClient(broker.address, remoting);
    // Both nameservers hold the seeded table before timing starts (the broker's start-up registration).
    for (const n of namesrvs) {
      const deadline = Date.now() + 60_000;
      while ((await namesrvTopicCount(remoting, n.address)).size < existing) {
        if (Date.now() > deadline) throw new Error(`nameserver ${n.address} did not list ${existing} topics within 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    for (let i = 0; i < 5; i++) await client.createTopic(`BenchWarm_${existing}_${i}`, 4);
    const times: number[] = [];
    for (let i = 0; i < creations; i++) {
      const t0 = performance.now();
      await client.createTopic(`BenchNew_${existing}_${i}`, 4);
      times.push(performance.now() - t0);
    }
    for (const n of namesrvs) {
      const topics = await namesrvTopicCount(remoting, n.address);
      const missing = [...Array(creations).keys()].map((i) => `BenchNew_${existing}_${i}`).filter((t) => !topics.has(t));
      if (missing.length > 0) throw new Error(`nameserver ${n.address} lacks ${missing.length} created topics (${missing[0]}, ...)`);
      const seedMissing = [...Array(existing).keys()].filter((i) => !topics.has(`BenchSeed_${i}`)).length;
      if (seedMissing > 0) throw new Error(`nameserver ${n.address} lost ${seedMissing} of the seeded topics`);
    }
    return times;
  } finally {
    await remoting.close();
    await broker?.destroy();
  }
}

export async function run(args: string[]): Promise<BenchReport> {
  const { values } = parseArgs({
    args,
    options: {
      topics: { type: 'string', default: '100,2000,10000' },
      creations: { type: 'string', default: '500' },
    },
  });
  setLogSink(() => {});
  const levels = values.topics!.split(',').map((s) => Number(s.trim()));
  const creations = Number(values.creations);
  if (levels.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--topics must be a comma-separated list of counts, got '${values.topics}'`);
  if (!Number.isInteger(creations) || creations < 1) throw new Error(`--creations must be a positive integer, got '${values.creations}'`);
  const namesrvs = await Promise.all([spawnNamesrv(), spawnNamesrv()]);
  const metrics: BenchMetric[] = [];
  try {
    for (const n of levels) {
      const times = (await level(n, creations, namesrvs)).sort((a, b) => a - b);
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      metrics.push(
        { metric: `create at ${n} topics mean`, value: round(mean), unit: 'ms' },
        { metric: `create at ${n} topics p50`, value: round(percentile(times, 50)), unit: 'ms' },
        { metric: `create at ${n} topics p99`, value: round(percentile(times, 99)), unit: 'ms' },
      );
    }
  } finally {
    await Promise.all(namesrvs.map((n) => n.stop()));
  }
  return { bench: 'topic-create', params: { topics: levels.join(','), creations, namesrvs: 2 }, metrics };
}
