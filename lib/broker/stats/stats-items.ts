// Named, keyed counters with minute/hour/day snapshots (RocketMQ's StatsItemSet as BrokerStatsManager keeps them),
// answered by VIEW_BROKER_STATS_DATA: e.g. TOPIC_PUT_NUMS@<topic>, GROUP_GET_NUMS@<topic>@<group>,
// BROKER_PUT_NUMS@<cluster>. Sampling keeps a few points per window, so memory stays small per key.

import type { BrokerStatsData, BrokerStatsItem } from '../../protocol/bodies/stats.ts';

/** Stats names of RocketMQ's BrokerStatsManager that this broker counts. */
export const StatsName = {
  TOPIC_PUT_NUMS: 'TOPIC_PUT_NUMS',
  TOPIC_PUT_SIZE: 'TOPIC_PUT_SIZE',
  GROUP_GET_NUMS: 'GROUP_GET_NUMS',
  GROUP_GET_SIZE: 'GROUP_GET_SIZE',
  /** 5.x: messages a POP group acked (ACK_MESSAGE, BATCH_ACK_MESSAGE), keyed <topic>@<group>. */
  GROUP_ACK_NUMS: 'GROUP_ACK_NUMS',
  SNDBCK_PUT_NUMS: 'SNDBCK_PUT_NUMS',
  BROKER_PUT_NUMS: 'BROKER_PUT_NUMS',
  BROKER_GET_NUMS: 'BROKER_GET_NUMS',
} as const;

interface Point {
  t: number;
  value: number;
  times: number;
}

/** Window length and sampling step of each snapshot, as StatsItem samples them. */
const WINDOWS = {
  minute: { span: 60_000, step: 10_000 },
  hour: { span: 3_600_000, step: 600_000 },
  day: { span: 86_400_000, step: 3_600_000 },
} as const;

class StatsItem {
  value = 0;
  times = 0;
  private readonly points: Record<keyof typeof WINDOWS, Point[]> = { minute: [], hour: [], day: [] };

  constructor(now: number) {
    for (const w of Object.keys(WINDOWS) as Array<keyof typeof WINDOWS>) this.points[w].push({ t: now, value: 0, times: 0 });
  }

  add(value: number): void {
    this.value += value;
    this.times++;
  }

  sample(now: number): void {
    for (const [w, { span, step }] of Object.entries(WINDOWS) as Array<[keyof typeof WINDOWS, { span: number; step: number }]>) {
      const list = this.points[w];
      if (now - list[list.length - 1]!.t < step) continue;
      list.push({ t: now, value: this.value, times: this.times });
      while (list.length > 2 && now - list[1]!.t >= span) list.shift();
    }
  }

  /** Sum, per-second rate and average per call over the window (up to the last sample). */
  snapshot(w: keyof typeof WINDOWS, now: number): BrokerStatsItem {
    const list = this.points[w];
    const first = list[0]!;
    const sum = this.value - first.value;
    const times = this.times - first.times;
    const secs = Math.max(1, (now - first.t) / 1000);
    return { sum, tps: sum / secs, avgpt: times > 0 ? sum / times : 0 };
  }
}

export class StatsItems {
  private readonly sets = new Map<string, Map<string, StatsItem>>();
  private lastSample = 0;

  constructor(private readonly now: () => number = Date.now) {}

  add(name: string, key: string, value: number): void {
    let set = this.sets.get(name);
    if (!set) this.sets.set(name, (set = new Map()));
    let item = set.get(key);
    if (!item) set.set(key, (item = new StatsItem(this.now())));
    item.add(value);
  }

  /** Takes due samples; cheap to call every second (works only every 10 s). */
  sample(): void {
    const now = this.now();
    if (now - this.lastSample < WINDOWS.minute.step) return;
    this.lastSample = now;
    for (const set of this.sets.values()) for (const item of set.values()) item.sample(now);
  }

  /** undefined when nothing was ever counted under this name and key (RocketMQ answers "not exist"). */
  get(name: string, key: string): BrokerStatsData | undefined {
    const item = this.sets.get(name)?.get(key);
    if (!item) return undefined;
    const now = this.now();
    return { statsMinute: item.snapshot('minute', now), statsHour: item.snapshot('hour', now), statsDay: item.snapshot('day', now) };
  }

  /** Drops every key of a topic (topic deleted). */
  removeTopic(topic: string): void {
    for (const set of this.sets.values()) for (const key of [...set.keys()]) if (key === topic || key.startsWith(`${topic}@`)) set.delete(key);
  }
}
