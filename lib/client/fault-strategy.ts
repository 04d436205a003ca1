// Latency-based fault avoidance of producers (MQFaultStrategy + LatencyFaultToleranceImpl): a broker whose last
// send was slow or failed is skipped for a while, and a retry never goes back to the broker that just failed.

import type { MessageQueue } from '../protocol/bodies/read.ts';
import type { TopicPublishInfo } from './publish-info.ts';

interface FaultItem {
  currentLatency: number;
  /** Time before which the broker counts as unavailable. */
  startTimestamp: number;
  reachable: boolean;
}

export interface FaultStrategyOptions {
  /** Skip slow or failed brokers (sendLatencyFaultEnable). */
  enabled?: boolean;
  /** Latency steps, ms (RocketMQ 5.x: 50 100 550 1800 3000 5000 15000). */
  latencyMax?: number[];
  /** How long a broker is skipped for the latency step it reached, ms (5.x: 0 0 2000 5000 6000 10000 30000). */
  notAvailableDuration?: number[];
  /** Clock, for tests. */
  now?: () => number;
}


/** A queue filter that avoids `brokerName` (any queue when undefined). A factory, not a named closure per send. */
function notOn(brokerName: string | undefined): (mq: MessageQueue) => boolean {
  return (mq) => brokerName === undefined || mq.brokerName !== brokerName;
}

export class MQFaultStrategy {
  readonly enabled: boolean;
  private readonly latencyMax: number[];
  private readonly notAvailableDuration: number[];
  private readonly now: () => number;
  private readonly items = new Map<string, FaultItem>();

  constructor(opts: FaultStrategyOptions = {}) {
    this.enabled = opts.enabled ?? true;
    this.latencyMax = opts.latencyMax ?? [50, 100, 550, 1800, 3000, 5000, 15000];
    this.notAvailableDuration = opts.notAvailableDuration ?? [0, 0, 2000, 5000, 6000, 10000, 30000];
    this.now = opts.now ?? Date.now;
  }

  isAvailable(brokerName: string): boolean {
    const item = this.items.get(brokerName);
    return !item || this.now() >= item.startTimestamp;
  }

  /** Unreachable brokers (connect failures) become reachable again once their isolation has passed. */
  isReachable(brokerName: string): boolean {
    const item = this.items.get(brokerName);
    return !item || item.reachable || this.now() >= item.startTimestamp;
  }

  /**
   * Records one send. `isolation` (a failed send) counts as a 10 s latency, which isolates the broker for the
   * step reached; `reachable` false marks a broker we could not talk to at all.
   */
  updateFaultItem(brokerName: string, currentLatency: number, isolation: boolean, reachable: boolean): void {
    if (!this.enabled) return;
    const duration = this.computeNotAvailableDuration(isolation ? 10_000 : currentLatency);
    let item = this.items.get(brokerName);
    if (!item) {
      item = { currentLatency, startTimestamp: 0, reachable };
      this.items.set(brokerName, item);
    }
    item.currentLatency = currentLatency;
    item.reachable = reachable;
    const until = this.now() + duration;
    if (duration > 0 && until > item.startTimestamp) item.startTimestamp = until;
  }

  /** The queue for the next attempt: available brokers first, then reachable ones, then any; never `lastBrokerName` if avoidable. */
  selectOneMessageQueue(tpInfo: TopicPublishInfo, lastBrokerName: string | undefined, resetIndex: boolean): MessageQueue | undefined {
    const notLast = notOn(lastBrokerName);
    if (this.enabled) {
      if (resetIndex) tpInfo.resetIndex();
      return (
        tpInfo.selectOneMessageQueue((mq) => this.isAvailable(mq.brokerName), notLast) ??
        tpInfo.selectOneMessageQueue((mq) => this.isReachable(mq.brokerName), notLast) ??
        tpInfo.selectOneMessageQueue()
      );
    }
    return tpInfo.selectOneMessageQueue(notLast) ?? tpInfo.selectOneMessageQueue();
  }

  private computeNotAvailableDuration(latency: number): number {
    for (let i = this.latencyMax.length - 1; i >= 0; i--) {
      if (latency >= this.latencyMax[i]!) return this.notAvailableDuration[i] ?? 0;
    }
    return 0;
  }
}
