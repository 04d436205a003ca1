// One queue read by offset as the tools consumer (PULL_MESSAGE, no consumer group of its own, nothing committed):
// what the console's live tail polls.

import { ResponseCode } from '../protocol/codes.ts';
import { formatSocketHost, getKeyList, getTags, getUniqKey } from '../protocol/message.ts';
import type { AdminCore, BrokerTarget } from './core.ts';
import { pullOnce } from './message-stream.ts';


/** A pulled message with its body as bytes (a tail filters many more messages than it shows). */
export interface QueueMessage {
  msgId: string;
  offsetMsgId: string;
  topic: string;
  tags?: string;
  keys: string[];
  queueId: number;
  queueOffset: number;
  reconsumeTimes: number;
  bornTimestamp: number;
  storeTimestamp: number;
  bornHost: string;
  storeHost: string;
  storeSize: number;
  /** Every property, TAGS, KEYS and UNIQ_KEY included (what a SQL92 filter reads). */
  properties: Record<string, string>;
  body: Buffer;
}

export interface QueuePullResult {
  /** FOUND: `messages` holds some; NO_NEW_MSG: the cursor is at the end; OFFSET_MOVED: `nextBeginOffset` is where to go. */
  status: 'FOUND' | 'NO_NEW_MSG' | 'OFFSET_MOVED';
  messages: QueueMessage[];
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
}

/** PULL_MESSAGE of `queueId` from `offset` (no suspension: an empty queue answers at once), under the per-broker deadline. */
export function pullQueue(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, offset: number, opts: { maxNums?: number; deadlineMs?: number } = {}): Promise<QueuePullResult> {
  return core.within(t, async () => {
    const r = await pullOnce(core, t, topic, queueId, offset, opts.maxNums);
    const base = { nextBeginOffset: r.nextBeginOffset, minOffset: r.minOffset, maxOffset: r.maxOffset };
    if (r.messages.length > 0) {
      const messages = r.messages.map((m): QueueMessage => {
        const q: QueueMessage = {
          msgId: getUniqKey(m) ?? m.msgId, offsetMsgId: m.msgId, topic: m.topic, keys: getKeyList(m), queueId: m.queueId,
          queueOffset: m.queueOffset, reconsumeTimes: m.reconsumeTimes, bornTimestamp: m.bornTimestamp, storeTimestamp: m.storeTimestamp,
          bornHost: formatSocketHost(m.bornHost), storeHost: formatSocketHost(m.storeHost), storeSize: m.storeSize, properties: m.properties, body: m.body,
        };
        const tags = getTags(m);
        if (tags !== undefined) q.tags = tags;
        return q;
      });
      return { status: 'FOUND', messages, ...base };
    }
    if (r.code === ResponseCode.PULL_OFFSET_MOVED) return { status: 'OFFSET_MOVED', messages: [], ...base };
    // PULL_NOT_FOUND / PULL_RETRY_IMMEDIATELY: nothing new (an offset past the end comes back as its max offset)
    return { status: 'NO_NEW_MSG', messages: [], ...base };
  }, opts.deadlineMs);
}
