// Whole-group offset operations: cloning a group's offsets to another group (CLONE_GROUP_OFFSET on each master of
// the topic, mqadmin cloneGroupOffset) and skipping a group's backlog (every queue to its max offset, mqadmin
// skipAccumulatedMessage, for one topic or every topic the group has offsets for).

import { RequestCode } from '../protocol/codes.ts';
import { CloneGroupOffsetRequestHeader } from '../protocol/headers.ts';
import { AdminError, brokerFailure, type BrokerFailure } from './errors.ts';
import type { AdminCore } from './core.ts';
import { consumerProgress } from './groups.ts';
import { resetOffsetByTime, type ResetOffsetResult } from './offsets.ts';
import { getTopicRoute, masterAddr } from './route.ts';

const NAME_RE = /^[%|A-Za-z0-9_-]{1,255}$/;

export interface CloneOffsetResult {
  srcGroup: string;
  destGroup: string;
  topic: string;
  /** Masters that cloned the offsets. */
  done: Array<{ brokerName: string; brokerAddr: string }>;
  errors: BrokerFailure[];
}

/** CLONE_GROUP_OFFSET to every master of the topic's route: destGroup's offsets on the topic become srcGroup's. */
export async function cloneGroupOffset(core: AdminCore, opts: { srcGroup: string; destGroup: string; topic: string; offline?: boolean }): Promise<CloneOffsetResult> {
  const { srcGroup, destGroup, topic } = opts;
  for (const [k, v] of [['srcGroup', srcGroup], ['destGroup', destGroup], ['topic', topic]] as const) {
    if (!NAME_RE.test(v)) throw new AdminError(`${k} '${v}' is not a valid name`);
  }
  if (srcGroup === destGroup) throw new AdminError('srcGroup and destGroup are the same group');
  const route = await getTopicRoute(core, topic);
  const out: CloneOffsetResult = { srcGroup, destGroup, topic, done: [], errors: [] };
  await Promise.all(route.brokerDatas.map(async (g) => {
    const addr = masterAddr(g);
    if (!addr) {
      out.errors.push({ brokerName: g.brokerName, brokerAddr: '', error: 'no master online: offsets can only be changed on a master' });
      return;
    }
    try {
      await core.call(addr, RequestCode.CLONE_GROUP_OFFSET, { srcGroup, destGroup, topic, offline: opts.offline ?? false }, { spec: CloneGroupOffsetRequestHeader });
      out.done.push({ brokerName: g.brokerName, brokerAddr: addr });
    } catch (err) {
      out.errors.push(brokerFailure(g.brokerName, addr, err));
    }
  }));
  out.done.sort((a, b) => (a.brokerName < b.brokerName ? -1 : 1));
  return out;
}

export interface SkipBacklogResult {
  group: string;
  /** One reset per topic that had messages left to consume. */
  topics: ResetOffsetResult[];
  errors: BrokerFailure[];
}

/** Moves the group to the max offset of every queue of `topic` (or of every topic with a backlog) it consumes. */
export async function skipBacklog(core: AdminCore, opts: { group: string; topic?: string }): Promise<SkipBacklogResult> {
  const progress = await consumerProgress(core, opts.group, opts.topic ? { topic: opts.topic } : {});
  const behind = [...new Set(progress.queues.filter((q) => q.diff > 0).map((q) => q.topic))].sort();
  const out: SkipBacklogResult = { group: opts.group, topics: [], errors: [...progress.errors] };
  for (const topic of behind) {
    try {
      const r = await resetOffsetByTime(core, { group: opts.group, topic, point: 'latest', force: true });
      out.topics.push(r);
      out.errors.push(...r.errors);
    } catch (err) {
      out.errors.push({ brokerName: '', brokerAddr: '', error: `topic ${topic}: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return out;
}
