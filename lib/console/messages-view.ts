// Message lookups for the pages: by id, by key or by store time range, and which groups have consumed a message.

import { mapBounded } from '../admin/index.ts';
import type { AdminClient } from '../admin/index.ts';
import { describe as describeError } from './errors.ts';
import type { MessageConsumersResponse, MessagesResponse } from './api-types.ts';
import { HttpError, bad, checkTopic, intParam, parseTime } from './http.ts';

export const MAX_MESSAGES = 256;

export async function findMessages(admin: AdminClient, url: URL): Promise<MessagesResponse> {
  const p = url.searchParams;
  const msgId = p.get('msgId')?.trim();
  const topicRaw = p.get('topic');
  const topic = topicRaw ? checkTopic(topicRaw, 'topic') : undefined;
  if (!topic) throw bad('topic', 'is required');
  if (msgId) {
    if (!/^[0-9A-Fa-f]{16,64}$/.test(msgId)) throw bad('msgId', 'must be a message id (hex)');
    // with the topic, an offset id is only read from a broker on the topic's route, never from any address it names
    return { messages: await admin.viewMessage(msgId, { topic }), errors: [] };
  }
  const maxNum = intParam(url, 'maxNum', { min: 1, max: MAX_MESSAGES });
  const key = p.get('key')?.trim();
  if (key) return admin.queryMessageByKey({ topic, key, ...(maxNum ? { maxNum } : {}) });
  const beginRaw = p.get('begin');
  const endRaw = p.get('end');
  if (beginRaw || endRaw) {
    const begin = beginRaw ? parseTime(beginRaw, 'begin') : 0;
    const end = endRaw ? parseTime(endRaw, 'end') : Date.now();
    if (begin > end) throw bad('begin', 'must not be after end');
    return admin.queryMessageByTime({ topic, begin, end, ...(maxNum ? { maxNum } : {}) });
  }
  throw bad('key', 'give key, or begin/end, or msgId');
}

/** Whether each group reading the message's topic has moved past it on its queue. */
export async function messageConsumers(admin: AdminClient, msgId: string, topicRaw: string | null): Promise<MessageConsumersResponse> {
  const topic = checkTopic(topicRaw ?? undefined, 'topic');
  const [m] = await admin.viewMessage(msgId, { topic });
  if (!m) throw new HttpError(404, `msgId: no message ${msgId} in topic ${topic}`, 'msgId');
  const [route, who] = await Promise.all([admin.topicRoute(topic), admin.topicConsumers(topic)]);
  // the broker group that stored it: the one whose address is the message's store host
  const brokerName = route.brokerDatas.find((g) => Object.values(g.brokerAddrs).includes(m.storeHost))?.brokerName;
  const settled = await mapBounded(who.groups, (g) => admin.consumerProgress(g, { topic }), { limit: 8 });
  const groups = who.groups.map((group, i) => {
    const s = settled[i]!;
    if (!s.ok) return { group, consumed: false, consumerOffset: null, error: describeError(s.error) };
    const qs = s.value.queues.filter((q) => q.queueId === m.queueId && (brokerName === undefined || q.brokerName === brokerName));
    const q = qs.length === 1 ? qs[0] : undefined;
    if (!q) return { group, consumed: false, consumerOffset: null, error: qs.length ? 'the storing broker is not on the route' : 'no offset on this queue' };
    return { group, consumed: q.consumerOffset > m.queueOffset, consumerOffset: q.consumerOffset };
  });
  return { msgId, topic, groups, errors: who.errors };
}
