// Per-topic consume/pull rates of a consumer (ConsumerStatsManager) for GET_CONSUMER_RUNNING_INFO's statusTable.

import type { ConsumeStatus } from '../protocol/bodies/running-info.ts';

const WINDOW_MS = 60_000;

/** Counts and sums in one-second buckets over the last minute. */
class RateWindow {
  private readonly buckets = new Map<number, { count: number; sum: number }>();

  add(count: number, sum = 0, now = Date.now()): void {
    const sec = Math.floor(now / 1000);
    const b = this.buckets.get(sec);
    if (b) {
      b.count += count;
      b.sum += sum;
    } else {
      this.buckets.set(sec, { count, sum });
      this.prune(now);
    }
  }

  /** Events per second and average of the summed value per event over the window. */
  snapshot(now = Date.now()): { tps: number; avg: number; count: number } {
    this.prune(now);
    let count = 0;
    let sum = 0;
    for (const b of this.buckets.values()) {
      count += b.count;
      sum += b.sum;
    }
    return { tps: count / (WINDOW_MS / 1000), avg: count > 0 ? sum / count : 0, count };
  }

  private prune(now: number): void {
    const oldest = Math.floor((now - WINDOW_MS) / 1000);
    for (const sec of this.buckets.keys()) if (sec <= oldest) this.buckets.delete(sec);
  }
}

interface TopicStats {
  pullRT: RateWindow;
  pullTPS: RateWindow;
  consumeRT: RateWindow;
  consumeOK: RateWindow;
  consumeFailed: RateWindow;
  consumeFailedMsgs: number;
}

export class ConsumerStats {
  private readonly topics = new Map<string, TopicStats>();

  private of(topic: string): TopicStats {
    let s = this.topics.get(topic);
    if (!s) {
      s = { pullRT: new RateWindow(), pullTPS: new RateWindow(), consumeRT: new RateWindow(), consumeOK: new RateWindow(), consumeFailed: new RateWindow(), consumeFailedMsgs: 0 };
      this.topics.set(topic, s);
    }
    return s;
  }

  incPullRT(topic: string, rt: number): void {
    this.of(topic).pullRT.add(1, rt);
  }

  incPullTPS(topic: string, msgs: number): void {
    this.of(topic).pullTPS.add(msgs);
  }

  incConsumeRT(topic: string, rt: number): void {
    this.of(topic).consumeRT.add(1, rt);
  }

  incConsumeOKTPS(topic: string, msgs: number): void {
    this.of(topic).consumeOK.add(msgs);
  }

  incConsumeFailedTPS(topic: string, msgs: number): void {
    const s = this.of(topic);
    s.consumeFailed.add(msgs);
    s.consumeFailedMsgs += msgs;
  }

  consumeStatus(topic: string): ConsumeStatus {
    const s = this.of(topic);
    return {
      pullRT: s.pullRT.snapshot().avg,
      pullTPS: s.pullTPS.snapshot().tps,
      consumeRT: s.consumeRT.snapshot().avg,
      consumeOKTPS: s.consumeOK.snapshot().tps,
      consumeFailedTPS: s.consumeFailed.snapshot().tps,
      consumeFailedMsgs: s.consumeFailedMsgs,
    };
  }
}
