// The console's whole-group offset operations with their previews: cloning a group's offsets on a topic to another
// group (old offsets of the destination beside the source's), and skipping a group's backlog (each queue's committed
// offset beside the max offset it would move to). Both changes are audited by their routes.

import type { AdminClient, QueueProgress } from '../admin/index.ts';
import type { CloneOffsetPreview, OffsetChange, SkipBacklogPreview } from './api-types.ts';
import { bad, bool, checkGroup, checkTopic, type Body } from './http.ts';

export interface CloneRequest { destGroup: string; topic: string; offline: boolean; preview: boolean }

export function cloneRequestOf(srcGroup: string, body: Body): CloneRequest {
  const destGroup = checkGroup(body.destGroup, 'destGroup');
  if (destGroup === srcGroup) throw bad('destGroup', 'must differ from the group whose offsets are cloned');
  return { destGroup, topic: checkTopic(body.topic, 'topic'), offline: bool(body, 'offline') ?? false, preview: bool(body, 'preview') ?? false };
}

export interface SkipRequest { topic?: string; preview: boolean }

export function skipRequestOf(body: Body): SkipRequest {
  const r: SkipRequest = { preview: bool(body, 'preview') ?? false };
  if (body.topic !== undefined && body.topic !== null && body.topic !== '') r.topic = checkTopic(body.topic, 'topic');
  return r;
}

const key = (q: { brokerName: string; queueId: number }) => `${q.brokerName} ${q.queueId}`;

/** Per queue of the source group on the topic: the destination's offset now (-1: none) and the one it would get. */
export async function clonePreview(admin: AdminClient, srcGroup: string, r: CloneRequest): Promise<CloneOffsetPreview> {
  const [src, dest] = await Promise.all([admin.consumerProgress(srcGroup, { topic: r.topic }), admin.consumerProgress(r.destGroup, { topic: r.topic })]);
  const old = new Map(dest.queues.map((q) => [key(q), q.consumerOffset]));
  const queues: OffsetChange[] = src.queues.filter((q) => q.topic === r.topic).map((q) => ({
    topic: q.topic, brokerName: q.brokerName, queueId: q.queueId, oldOffset: old.get(key(q)) ?? -1, newOffset: q.consumerOffset, maxOffset: q.brokerOffset,
  }));
  return { preview: true, srcGroup, destGroup: r.destGroup, topic: r.topic, queues, errors: [...src.errors, ...dest.errors] };
}

/** The destination's offsets after a clone, in the same shape as the preview (newOffset = what it has now). */
export async function cloneOutcome(admin: AdminClient, r: CloneRequest): Promise<OffsetChange[]> {
  const dest = await admin.consumerProgress(r.destGroup, { topic: r.topic });
  return dest.queues.filter((q) => q.topic === r.topic).map((q) => ({ topic: q.topic, brokerName: q.brokerName, queueId: q.queueId, oldOffset: -1, newOffset: q.consumerOffset, maxOffset: q.brokerOffset }));
}

const behind = (q: QueueProgress): OffsetChange => ({ topic: q.topic, brokerName: q.brokerName, queueId: q.queueId, oldOffset: q.consumerOffset, newOffset: q.brokerOffset, maxOffset: q.brokerOffset });

/** The queues with a backlog and the max offset each would move to (new messages may raise it before the apply). */
export async function skipPreview(admin: AdminClient, group: string, r: SkipRequest): Promise<SkipBacklogPreview> {
  const progress = await admin.consumerProgress(group, r.topic ? { topic: r.topic } : {});
  const queues = progress.queues.filter((q) => q.diff > 0).map(behind);
  return { preview: true, group, ...(r.topic ? { topic: r.topic } : {}), queues, skipped: queues.reduce((n, q) => n + q.newOffset - q.oldOffset, 0), errors: progress.errors };
}
