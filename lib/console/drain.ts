// Draining a broker group for maintenance: what taking its write permission off the nameservers affects (preview),
// how far it has drained (its put TPS and the lag left on it per group, from the collector), and the change itself
// (operators, confirmed by typing the broker name, audited).

import { PermName, mapBounded, type AdminClient, type WritePermResult } from '../admin/index.ts';
import { firstNumber, type Snapshot } from './collect.ts';

export interface DrainTopic {
  topic: string;
  /** Queues producers can write to on this broker (its own config). */
  writeQueueNums: number;
  readQueueNums: number;
  /** Permission the nameserver routes give this broker's queues now; null when the route could not be read. */
  routePerm: number | null;
}

export interface DrainView {
  brokerName: string;
  /** Every topic the broker group holds, user topics first. */
  topics: DrainTopic[];
  /** Topics whose route still lets producers write here. */
  writableTopics: number;
  /** true when no route of the broker is writable any more. */
  drained: boolean;
  /** Put TPS of the group's master, from the collector's last cycle. */
  putTps: number | null;
  /** Messages still to be consumed on this broker, per group (from the collector's last cycle). */
  lag: Array<{ group: string; topic: string; diff: number }>;
  asOf: number | null;
}

/** Routes looked at per preview: enough to tell "drained" without one request per topic of a large broker. */
export const ROUTES_CHECKED = 50;

export async function drainView(admin: AdminClient, brokerName: string, snap: Snapshot | undefined): Promise<DrainView | undefined> {
  const map = await admin.topicBrokerMap();
  const held = map.topics.flatMap((t) => {
    const p = t.brokers.find((b) => b.brokerName === brokerName);
    return p ? [{ topic: t.topic, system: t.system, p }] : [];
  });
  if (held.length === 0 && !snap?.brokers.some((b) => b.brokerName === brokerName)) return undefined;
  held.sort((a, b) => Number(a.system) - Number(b.system) || (a.topic < b.topic ? -1 : 1));
  const checked = held.filter((h) => !h.system).slice(0, ROUTES_CHECKED);
  const routes = await mapBounded(checked, (h) => admin.topicRoute(h.topic), { limit: 4 });
  const routePerm = new Map<string, number>();
  routes.forEach((r, i) => {
    if (!r.ok) return;
    const qd = r.value.queueDatas.find((q) => q.brokerName === brokerName);
    if (qd) routePerm.set(checked[i]!.topic, qd.perm);
  });
  const topics: DrainTopic[] = held.map((h) => ({ topic: h.topic, writeQueueNums: h.p.writeQueueNums, readQueueNums: h.p.readQueueNums, routePerm: routePerm.get(h.topic) ?? null }));
  const writableTopics = topics.filter((t) => t.routePerm !== null && PermName.isWriteable(t.routePerm)).length;
  const master = snap?.brokers.find((b) => b.brokerName === brokerName && b.brokerId === 0);
  const lag: DrainView['lag'] = [];
  for (const g of snap?.groups.values() ?? []) {
    if (g.system) continue;
    for (const t of g.perTopic) if (t.brokerName === brokerName && t.diff > 0) lag.push({ group: g.group, topic: t.topic, diff: t.diff });
  }
  lag.sort((a, b) => b.diff - a.diff);
  return {
    brokerName, topics, writableTopics,
    drained: routePerm.size > 0 && writableTopics === 0,
    putTps: master?.runtime ? firstNumber(master.runtime.putTps) ?? null : null,
    lag, asOf: snap?.ts ?? null,
  };
}

export type DrainAction = 'drain' | 'restore';

export function applyDrain(admin: AdminClient, brokerName: string, action: DrainAction): Promise<WritePermResult> {
  return action === 'drain' ? admin.wipeWritePerm(brokerName) : admin.addWritePerm(brokerName);
}
