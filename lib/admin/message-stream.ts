// Reading a queue by offset as the tools consumer does (PULL_MESSAGE with the subscription in the request, no group
// of its own, nothing committed): one pull (the live tail's polls), and a queue's messages between two offsets, one
// batch in memory at a time (exports, DLQ pages, queries by time).

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MixAll } from '../protocol/constants.ts';
import { PullMessageRequestHeader, PullMessageResponseHeader, decodeHeader } from '../protocol/headers.ts';
import { decodeMessages, type MessageExt } from '../protocol/message.ts';
import type { AdminCore, BrokerTarget } from './core.ts';

/** PullSysFlag.FLAG_SUBSCRIPTION: the subscription travels in the request (the tools group has none registered). */
const FLAG_SUBSCRIPTION = 0x4;
/** RocketMQ's maxTransferCountOnMessageInMemory: a broker sends at most this many per pull anyway. */
export const PULL_BATCH = 32;

export interface PullOnce {
  /** SUCCESS, PULL_NOT_FOUND, PULL_RETRY_IMMEDIATELY (nothing matched: go on at `nextBeginOffset`) or PULL_OFFSET_MOVED. */
  code: number;
  /** The messages of a SUCCESS answer. */
  messages: MessageExt[];
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
}

/** One PULL_MESSAGE of `queueId` from `offset` (no suspension: an empty queue answers at once). */
export async function pullOnce(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, offset: number, maxNums = PULL_BATCH): Promise<PullOnce> {
  const res = await core.call(t.brokerAddr, RequestCode.PULL_MESSAGE, {
    consumerGroup: MixAll.TOOLS_CONSUMER_GROUP, topic, queueId, queueOffset: offset, maxMsgNums: maxNums,
    sysFlag: FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG',
    bname: t.brokerName,
  }, { spec: PullMessageRequestHeader, okCodes: [ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_OFFSET_MOVED] });
  const h = decodeHeader(PullMessageResponseHeader, res.extFields);
  const messages = res.code === ResponseCode.SUCCESS && res.body?.length ? decodeMessages(res.body) : [];
  return { code: res.code, messages, nextBeginOffset: h.nextBeginOffset, minOffset: h.minOffset, maxOffset: h.maxOffset };
}

/** Messages of one queue at offsets [from, to), in offset order; ends early where the queue has nothing more. */
export async function* pullMessages(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, from: number, to: number): AsyncGenerator<MessageExt> {
  let offset = from;
  while (offset < to) {
    const r = await pullOnce(core, t, topic, queueId, offset, Math.min(PULL_BATCH, to - offset));
    for (const m of r.messages) if (m.queueOffset < to) yield m;
    if (r.messages.length === 0 && r.code === ResponseCode.PULL_NOT_FOUND) return;
    if (r.nextBeginOffset <= offset) return;
    offset = r.nextBeginOffset;
  }
}
