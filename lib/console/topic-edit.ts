// Changing a topic's queue counts and permission safely, broker by broker: a shrink of read queues waits until the
// write queues above the new count were closed in an earlier step (producers stop writing there first), and a shrink
// of read queues that would leave unconsumed messages on the removed queues (lag > 0 for a group) is warned about
// in the preview and refused on apply unless the operator accepts it.

import { PermName, mapBounded, type AdminClient, type BrokerFailure, type TopicWriteResult } from '../admin/index.ts';
import { bad, bool, checkTopic, int, strList, type Body } from './http.ts';

export interface TopicEditRequest {
  topic: string;
  readQueueNums?: number;
  writeQueueNums?: number;
  perm?: number;
  brokerNames?: string[];
  preview: boolean;
  /** Apply a read-queue shrink even though the removed queues still hold unconsumed messages. */
  acceptStranded: boolean;
}

const PERMS = [PermName.PERM_READ, PermName.PERM_WRITE, PermName.PERM_READ | PermName.PERM_WRITE];

export function topicEditOf(topic: string, body: Body): TopicEditRequest {
  const r: TopicEditRequest = { topic: checkTopic(topic, 'topic'), preview: bool(body, 'preview') ?? false, acceptStranded: bool(body, 'acceptStranded') ?? false };
  const read = int(body, 'readQueueNums', { min: 1, max: 1024 });
  const write = int(body, 'writeQueueNums', { min: 1, max: 1024 });
  const perm = int(body, 'perm');
  if (perm !== undefined && !PERMS.includes(perm)) throw bad('perm', `must be ${PERMS.join(', ')} (4 read, 2 write, 6 both: RocketMQ PermName)`);
  if (read !== undefined) r.readQueueNums = read;
  if (write !== undefined) r.writeQueueNums = write;
  if (perm !== undefined) r.perm = perm;
  const names = strList(body, 'brokerNames');
  if (names?.length) r.brokerNames = names;
  if (read === undefined && write === undefined && perm === undefined) throw bad('readQueueNums', 'give readQueueNums, writeQueueNums or perm to change');
  return r;
}

export interface QueueCounts { readQueueNums: number; writeQueueNums: number; perm: number }

export interface StrandedQueue { group: string; queueId: number; lag: number }

export interface TopicEditBroker {
  brokerName: string;
  brokerAddr: string;
  /** Kept as they are: an ordered topic's flag (its ORDER_TOPIC_CONFIG entry) and the topic's sys flag. */
  order: boolean;
  topicSysFlag: number;
  current: QueueCounts;
  /** What this broker ends at once every step ran. */
  target: QueueCounts;
  /** The change the next apply makes here (null: nothing to do). */
  next: QueueCounts | null;
  /** Steps left after the next one (a write shrink goes first, the read shrink in a later apply). */
  later: QueueCounts | null;
  /** Groups with messages left on the read queues the next step removes. */
  stranded: StrandedQueue[];
}

export interface TopicEditPlan {
  topic: string;
  brokers: TopicEditBroker[];
  warnings: string[];
  errors: BrokerFailure[];
}

/** The two-step plan of one broker: write queues shrink (or anything grows) first; read queues shrink only after. */
export function stepsFor(cur: QueueCounts, target: QueueCounts): { next: QueueCounts | null; later: QueueCounts | null } {
  const same = (a: QueueCounts, b: QueueCounts) => a.readQueueNums === b.readQueueNums && a.writeQueueNums === b.writeQueueNums && a.perm === b.perm;
  if (same(cur, target)) return { next: null, later: null };
  if (target.readQueueNums < cur.readQueueNums && cur.writeQueueNums > target.writeQueueNums) {
    // close the write queues first, keep every read queue so what was written there is still consumed
    return { next: { ...target, readQueueNums: cur.readQueueNums }, later: target };
  }
  return { next: target, later: null };
}

export async function planTopicEdit(admin: AdminClient, r: TopicEditRequest): Promise<TopicEditPlan> {
  const route = await admin.topicRoute(r.topic);
  const plan: TopicEditPlan = { topic: r.topic, brokers: [], warnings: [], errors: [] };
  const datas = route.queueDatas.filter((q) => !r.brokerNames || r.brokerNames.includes(q.brokerName));
  for (const n of r.brokerNames ?? []) if (!route.queueDatas.some((q) => q.brokerName === n)) throw bad('brokerNames', `topic ${r.topic} is not on broker '${n}'`);
  for (const q of datas) {
    const master = route.brokerDatas.find((b) => b.brokerName === q.brokerName)?.brokerAddrs['0'];
    if (!master) {
      plan.errors.push({ brokerName: q.brokerName, brokerAddr: '', error: 'no master online: the topic can only be changed on a master' });
      continue;
    }
    const current = { readQueueNums: q.readQueueNums, writeQueueNums: q.writeQueueNums, perm: q.perm };
    const target = { readQueueNums: r.readQueueNums ?? current.readQueueNums, writeQueueNums: r.writeQueueNums ?? current.writeQueueNums, perm: r.perm ?? current.perm };
    if (target.readQueueNums < target.writeQueueNums) throw bad('readQueueNums', `${target.readQueueNums} read queues < ${target.writeQueueNums} write queues on ${q.brokerName}: messages written to the queues above would never be read`);
    const order = (route.orderTopicConf ?? '').split(';').some((e) => e.split(':')[0] === q.brokerName);
    plan.brokers.push({ brokerName: q.brokerName, brokerAddr: master, order, topicSysFlag: q.topicSysFlag, current, target, ...stepsFor(current, target), stranded: [] });
  }
  const shrinking = plan.brokers.filter((b) => b.next && b.next.readQueueNums < b.current.readQueueNums);
  if (shrinking.length > 0) {
    const consumers = await admin.topicConsumers(r.topic);
    plan.errors.push(...consumers.errors);
    const progress = await mapBounded(consumers.groups, (g) => admin.consumerProgress(g, { topic: r.topic }), { limit: 4 });
    progress.forEach((p, i) => {
      if (!p.ok) {
        plan.errors.push({ brokerName: '', brokerAddr: '', error: `group ${consumers.groups[i]}: ${p.error instanceof Error ? p.error.message : String(p.error)}` });
        return;
      }
      for (const q of p.value.queues) {
        const b = shrinking.find((x) => x.brokerName === q.brokerName);
        if (b && q.topic === r.topic && q.queueId >= b.next!.readQueueNums && q.diff > 0) b.stranded.push({ group: consumers.groups[i]!, queueId: q.queueId, lag: q.diff });
      }
    });
    for (const b of shrinking) {
      if (b.stranded.length === 0) continue;
      const lag = b.stranded.reduce((n, s) => n + s.lag, 0);
      const groups = [...new Set(b.stranded.map((s) => s.group))];
      plan.warnings.push(`${b.brokerName}: shrinking read queues ${b.current.readQueueNums} → ${b.next!.readQueueNums} strands ${lag} unconsumed message(s) of ${groups.join(', ')} on queue(s) ${[...new Set(b.stranded.map((s) => s.queueId))].sort((x, y) => x - y).join(', ')}`);
    }
  }
  for (const b of plan.brokers) {
    if (b.later) plan.warnings.push(`${b.brokerName}: two steps: write queues ${b.current.writeQueueNums} → ${b.next!.writeQueueNums} now; read queues ${b.current.readQueueNums} → ${b.later.readQueueNums} in a second apply, once consumers have read what is left on the closed queues`);
  }
  return plan;
}

export interface TopicEditResult { plan: TopicEditPlan; writes: Array<{ brokerName: string; counts: QueueCounts; result: TopicWriteResult }> }

/** Runs the next step of every broker (the plan must carry no stranded messages unless accepted). */
export async function applyTopicEdit(admin: AdminClient, r: TopicEditRequest, plan: TopicEditPlan): Promise<TopicEditResult> {
  const out: TopicEditResult = { plan, writes: [] };
  for (const b of plan.brokers) {
    if (!b.next) continue;
    const result = await admin.createOrUpdateTopic({ brokerAddrs: [b.brokerAddr] }, { topic: r.topic, ...b.next, order: b.order, topicSysFlag: b.topicSysFlag });
    out.writes.push({ brokerName: b.brokerName, counts: b.next, result });
  }
  return out;
}
