// Broker traffic counters (the parts of RocketMQ's BrokerStatsManager, BrokerStats and StoreStatsService that
// GET_BROKER_RUNTIME_INFO and GET_CONSUME_STATS report): message totals, per topic and per group counts, and TPS
// over 10 s / 60 s / 600 s windows from one sample per second, and the keyed items VIEW_BROKER_STATS_DATA reads.
// Counting is a few additions per request.

import { StatsItems, StatsName } from './stats-items.ts';

/** One per-second sample of the running totals. */
interface Sample {
  t: number;
  put: number;
  getFound: number;
  getMiss: number;
  getTransferred: number;
}

const WINDOWS = [10, 60, 600] as const;
/** Upper bounds (ms, inclusive) and labels of the put latency histogram, as StoreStatsService buckets it. */
const LATENCY_BUCKETS: ReadonlyArray<readonly [number, string]> = [
  [0, '[<=0ms]'], [10, '[0~10ms]'], [50, '[10~50ms]'], [100, '[50~100ms]'], [200, '[100~200ms]'], [500, '[200~500ms]'],
  [1000, '[500ms~1s]'], [2000, '[1~2s]'], [3000, '[2~3s]'], [4000, '[3~4s]'], [5000, '[4~5s]'], [10000, '[5~10s]'],
  [Infinity, '[10s~]'],
];
const MAX_SAMPLES = 601;

export class BrokerStats {
  readonly bootTimestamp: number;
  putNums = 0;
  putSize = 0;
  putFailedTimes = 0;
  /** Pulls answered with messages / without. */
  getFoundTimes = 0;
  getMissTimes = 0;
  getNums = 0;
  getSize = 0;
  /** Slowest put seen (ms), as putMessageEntireTimeMax. */
  putMaxLatency = 0;
  private readonly topicPut = new Map<string, { nums: number; size: number }>();
  private readonly groupGet = new Map<string, { nums: number; size: number }>();
  private readonly groupGetSamples = new Map<string, Array<{ t: number; nums: number }>>();
  private readonly samples: Sample[] = [];
  private morning = { day: '', putToday: 0, getToday: 0, putYesterday: 0, getYesterday: 0 };
  private readonly latencies: number[] = [];
  private readonly latencyHistogram = new Array<number>(LATENCY_BUCKETS.length).fill(0);

  /** Keyed minute/hour/day items (TOPIC_PUT_NUMS@topic, GROUP_GET_NUMS@topic@group, ...). */
  readonly items: StatsItems;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly clusterName: () => string = () => 'DefaultCluster',
  ) {
    this.bootTimestamp = now();
    this.items = new StatsItems(now);
    this.sample();
  }

  incPut(topic: string, nums: number, size: number, latencyMs: number): void {
    this.putNums += nums;
    this.putSize += size;
    let t = this.topicPut.get(topic);
    if (!t) this.topicPut.set(topic, (t = { nums: 0, size: 0 }));
    t.nums += nums;
    t.size += size;
    if (latencyMs > this.putMaxLatency) this.putMaxLatency = latencyMs;
    let b = 0;
    while (latencyMs > LATENCY_BUCKETS[b]![0]) b++;
    this.latencyHistogram[b]!++;
    if (this.latencies.length < 100_000) this.latencies.push(latencyMs);
    this.items.add(StatsName.TOPIC_PUT_NUMS, topic, nums);
    this.items.add(StatsName.TOPIC_PUT_SIZE, topic, size);
    this.items.add(StatsName.BROKER_PUT_NUMS, this.clusterName(), nums);
  }

  incPutFailed(): void {
    this.putFailedTimes++;
  }

  incGet(group: string, topic: string, nums: number, size: number): void {
    this.getFoundTimes++;
    this.getNums += nums;
    this.getSize += size;
    const key = `${topic}@${group}`;
    let g = this.groupGet.get(key);
    if (!g) this.groupGet.set(key, (g = { nums: 0, size: 0 }));
    g.nums += nums;
    g.size += size;
    this.items.add(StatsName.GROUP_GET_NUMS, key, nums);
    this.items.add(StatsName.GROUP_GET_SIZE, key, size);
    this.items.add(StatsName.BROKER_GET_NUMS, this.clusterName(), nums);
  }

  /** A consumer sent a message back for retry (SNDBCK_PUT_NUMS@topic@group). */
  incSendBack(group: string, topic: string): void {
    this.items.add(StatsName.SNDBCK_PUT_NUMS, `${topic}@${group}`, 1);
  }

  /** A POP group acked messages of a topic (GROUP_ACK_NUMS@topic@group, as 5.x's AckMessageProcessor counts). */
  incGroupAck(group: string, topic: string, nums: number): void {
    this.items.add(StatsName.GROUP_ACK_NUMS, `${topic}@${group}`, nums);
  }

  incGetMiss(): void {
    this.getMissTimes++;
  }

  topicPutNums(topic: string): number {
    return this.topicPut.get(topic)?.nums ?? 0;
  }

  /** Takes the per-second sample; the broker calls it every second. */
  sample(): void {
    const t = this.now();
    this.items.sample();
    this.samples.push({ t, put: this.putNums, getFound: this.getFoundTimes, getMiss: this.getMissTimes, getTransferred: this.getNums });
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
    for (const [key, g] of this.groupGet) {
      let list = this.groupGetSamples.get(key);
      if (!list) this.groupGetSamples.set(key, (list = []));
      list.push({ t, nums: g.nums });
      if (list.length > 61) list.shift();
    }
    const day = new Date(t).toDateString();
    if (day !== this.morning.day) {
      this.morning = {
        day,
        putYesterday: this.morning.day ? this.morning.putToday : this.putNums,
        getYesterday: this.morning.day ? this.morning.getToday : this.getNums,
        putToday: this.putNums,
        getToday: this.getNums,
      };
    }
    // Latency percentiles cover roughly the last minute.
    if (this.samples.length % 60 === 0) this.latencies.length = 0;
  }

  private rate(fields: ReadonlyArray<keyof Omit<Sample, 't'>>, seconds: number): string {
    const last = this.samples[this.samples.length - 1];
    if (!last) return '';
    const older = this.samples[this.samples.length - 1 - seconds];
    if (!older) return '';
    const dt = (last.t - older.t) / 1000;
    let n = 0;
    for (const f of fields) n += last[f] - older[f];
    return dt > 0 ? (n / dt).toFixed(1) : '0.0';
  }

  /** "10s 60s 600s" TPS as StoreStatsService prints it (a window not yet covered prints empty); fields add up. */
  tps(...fields: Array<keyof Omit<Sample, 't'>>): string {
    return WINDOWS.map((w) => this.rate(fields, w)).join(' ');
  }

  /** Messages per second one group consumed of one topic over the last minute (GET_CONSUME_STATS consumeTps). */
  consumeTps(topic: string, group: string): number {
    const list = this.groupGetSamples.get(`${topic}@${group}`);
    if (!list || list.length < 2) return 0;
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const dt = (last.t - first.t) / 1000;
    return dt > 0 ? (last.nums - first.nums) / dt : 0;
  }

  /** p-th percentile of recent put latencies in ms. */
  putLatencyPercentile(p: number): number {
    if (this.latencies.length === 0) return 0;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }

  /** "[<=0ms]:n [0~10ms]:n ..." (putMessageDistributeTime). */
  putLatencyDistribution(): string {
    return LATENCY_BUCKETS.map(([, label], i) => `${label}:${this.latencyHistogram[i]} `).join('');
  }

  get msgPutTotalTodayMorning(): number {
    return this.morning.putToday;
  }

  get msgPutTotalYesterdayMorning(): number {
    return this.morning.putYesterday;
  }

  get msgGetTotalTodayMorning(): number {
    return this.morning.getToday;
  }

  get msgGetTotalYesterdayMorning(): number {
    return this.morning.getYesterday;
  }
}

/** "[ 0 days, 0 hours, 0 minutes, 19 seconds ]" as StoreStatsService formats the uptime. */
export function formatRuntime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `[ ${Math.floor(s / 86400)} days, ${Math.floor((s % 86400) / 3600)} hours, ${Math.floor((s % 3600) / 60)} minutes, ${s % 60} seconds ]`;
}

/** MixAll.humanReadableByteCount(bytes, si=false): "0 B", "1.5 KiB", "252.0 GiB". */
export function humanReadableByteCount(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const exp = Math.floor(Math.log(bytes) / Math.log(1024));
  return `${(bytes / 1024 ** exp).toFixed(1)} ${'KMGTPE'[exp - 1]}iB`;
}
