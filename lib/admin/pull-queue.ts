// One queue read by offset as the tools consumer (PULL_MESSAGE, no consumer group of its own, nothing committed):
// what the console's live tail polls.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MixAll } from '../protocol/constants.ts';
import { PullMessageRequestHeader, PullMessageResponseHeader, decodeHeader } from '../protocol/headers.ts';
import { decodeMessages, formatSocketHost, getKeyList, getTags, getUniqKey } from '../protocol/message.ts';
import type { AdminCore, BrokerTarget } from './core.ts';

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

/** PullSysFlag.FLAG_SUBSCRIPTION: the subscription travels in the request (the tools group has none registered). */
const FLAG_SUBSCRIPTION = 0x4;
/** RocketMQ's maxTransferCountOnMessageInMemory: a broker sends at most this many per pull anyway. */
export const PULL_BATCH = 32;

/** PULL_MESSAGE of `queueId` from `offset` (no suspension: an empty queue answers at once), under the per-broker deadline. */
export function pullQueue(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, offset: number, opts: { maxNums?: number; deadlineMs?: number } = {}): Promise<QueuePullResult> {
  return core.within(t, async () => {
    const res = await core.call(t.brokerAddr, RequestCode.PULL_MESSAGE, {
      consumerGroup: MixAll.TOOLS_CONSUMER_GROUP, topic, queueId, queueOffset: offset, maxMsgNums: opts.maxNums ?? PULL_BATCH,
      sysFlag: FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG',
      bname: t.brokerName,
    }, { spec: PullMessageRequestHeader, okCodes: [ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_OFFSET_MOVED] });
    const h = decodeHeader(PullMessageResponseHeader, res.extFields);
    const base = { nextBeginOffset: h.nextBeginOffset, minOffset: h.minOffset, maxOffset: h.maxOffset };
    if (res.code === ResponseCode.SUCCESS && res.body?.length) {
      const messages = decodeMessages(res.body).map((m): QueueMessage => {
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
    if (res.code === ResponseCode.PULL_OFFSET_MOVED) return { status: 'OFFSET_MOVED', messages: [], ...base };
    // PULL_NOT_FOUND / PULL_RETRY_IMMEDIATELY: nothing new (an offset past the end comes back as its max offset)
    return { status: 'NO_NEW_MSG', messages: [], ...base };
  }, opts.deadlineMs);
}
