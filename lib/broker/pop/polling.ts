// Long polling of empty pops and notifications (5.x's PopLongPollingService, reduced): a held request waits per
// topic until messages arrive for the topic (or its group's retry topic), an orderly queue unlocks, or its poll
// time ends; then it is run again and answered.
import type { RemotingCommand } from '../../remoting/command.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';

export interface HeldPop {
  req: RemotingCommand;
  conn: RemotingConnection;
  expireAt: number;
  timer?: NodeJS.Timeout;
}

type Rerun = (held: HeldPop, expired: boolean) => void;

export class PopPolling {
  private readonly byTopic = new Map<string, Set<HeldPop>>();

  constructor(private readonly rerun: Rerun) {}

  /** Holds a request; false when `limit` requests already wait on the topic (POLLING_FULL). */
  hold(topic: string, group: string, held: HeldPop, limit: number): boolean {
    let set = this.byTopic.get(topic);
    if (!set) this.byTopic.set(topic, (set = new Set()));
    if (set.size >= limit) return false;
    set.add(held);
    void group;
    held.timer = setTimeout(() => {
      if (!set.delete(held)) return;
      this.rerun(held, true);
    }, Math.max(0, held.expireAt - Date.now()));
    held.timer.unref();
    return true;
  }

  /** Re-runs every request held on the topic. */
  notify(topic: string): void {
    const set = this.byTopic.get(topic);
    if (!set || set.size === 0) return;
    const all = [...set];
    set.clear();
    for (const held of all) {
      clearTimeout(held.timer);
      if (held.conn.closed) continue;
      this.rerun(held, false);
    }
  }

  /** Held requests on a topic (POLLING_INFO's pollingNum). */
  count(topic: string): number {
    return this.byTopic.get(topic)?.size ?? 0;
  }

  stop(): void {
    for (const set of this.byTopic.values()) for (const h of set) clearTimeout(h.timer);
    this.byTopic.clear();
  }
}
