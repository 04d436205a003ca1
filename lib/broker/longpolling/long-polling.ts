// Long polling (RocketMQ's PullRequestHoldService): a pull that finds nothing new is held per topic@queueId and
// re-run as soon as the store reports new messages for that queue, or when its suspend timeout ends.

import type { SubscriptionData } from '../../protocol/bodies/consumer.ts';
import type { RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { MessageFilter } from '../../store/types.ts';

export interface HeldPull {
  req: RemotingCommand;
  conn: RemotingConnection;
  topic: string;
  queueId: number;
  /** The offset the consumer asked for; any max offset beyond it means there is something to return. */
  pullFromThisOffset: number;
  subscription: SubscriptionData | undefined;
  filter: MessageFilter;
  suspendTimestamp: number;
  timeoutMillis: number;
}

export interface PullRequestHoldOptions {
  /** Re-runs a pull without suspending again and sends its answer. */
  wake: (held: HeldPull) => void;
  maxOffset: (topic: string, queueId: number) => number;
  now?: () => number;
}

const key = (topic: string, queueId: number): string => `${topic}@${queueId}`;

export class PullRequestHoldService {
  private readonly table = new Map<string, HeldPull[]>();
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: PullRequestHoldOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Number of pulls held now. */
  get size(): number {
    let n = 0;
    for (const list of this.table.values()) n += list.length;
    return n;
  }

  suspend(held: HeldPull): void {
    const k = key(held.topic, held.queueId);
    let list = this.table.get(k);
    if (!list) this.table.set(k, (list = []));
    list.push(held);
  }

  /**
   * New messages in a queue: wakes the held pulls they concern. `tagsCode` (when the new messages share one) lets a
   * pull whose tags do not match stay held; timed-out pulls are answered whatever happens.
   */
  notifyMessageArriving(topic: string, queueId: number, maxOffset: number, tagsCode?: number): void {
    const k = key(topic, queueId);
    const list = this.table.get(k);
    if (!list) return;
    const now = this.now();
    const keep: HeldPull[] = [];
    for (const held of list) {
      if (held.conn.closed) continue;
      const arrived = maxOffset > held.pullFromThisOffset && held.filter.isMatchedByConsumeQueue(tagsCode);
      if (arrived || now - held.suspendTimestamp >= held.timeoutMillis) this.opts.wake(held);
      else keep.push(held);
    }
    if (keep.length > 0) this.table.set(k, keep);
    else this.table.delete(k);
  }

  /** Checks every held queue against the store's max offset (catches timeouts and missed notifications). */
  checkHoldRequest(): void {
    for (const k of [...this.table.keys()]) {
      const list = this.table.get(k);
      const first = list?.[0];
      if (!first) continue;
      this.notifyMessageArriving(first.topic, first.queueId, this.opts.maxOffset(first.topic, first.queueId));
    }
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.checkHoldRequest(), intervalMs);
    this.timer.unref();
  }

  /** Stops the scan and answers every held pull now (shutdown). */
  stop(): void {
    clearInterval(this.timer);
    const all = [...this.table.values()].flat();
    this.table.clear();
    for (const held of all) if (!held.conn.closed) this.opts.wake(held);
  }
}
