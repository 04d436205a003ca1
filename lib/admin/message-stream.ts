// Reads a queue's messages between two offsets as the tools consumer does (PULL_MESSAGE, 32 at a time), one batch in
// memory at a time, for exports and pages that read more than a query's handful.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MixAll } from '../protocol/constants.ts';
import { PullMessageRequestHeader, PullMessageResponseHeader, decodeHeader } from '../protocol/headers.ts';
import { decodeMessages, type MessageExt } from '../protocol/message.ts';
import type { AdminCore, BrokerTarget } from './core.ts';

/** PullSysFlag.FLAG_SUBSCRIPTION: the subscription travels in the request (the tools group has none registered). */
const FLAG_SUBSCRIPTION = 0x4;
const PULL_BATCH = 32;

/** Messages of one queue at offsets [from, to), in offset order; ends early where the queue has nothing more. */
export async function* pullMessages(core: AdminCore, t: BrokerTarget, topic: string, queueId: number, from: number, to: number): AsyncGenerator<MessageExt> {
  let offset = from;
  while (offset < to) {
    const res = await core.call(t.brokerAddr, RequestCode.PULL_MESSAGE, {
      consumerGroup: MixAll.TOOLS_CONSUMER_GROUP, topic, queueId, queueOffset: offset, maxMsgNums: Math.min(PULL_BATCH, to - offset),
      sysFlag: FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG',
      bname: t.brokerName,
    }, { spec: PullMessageRequestHeader, okCodes: [ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_OFFSET_MOVED] });
    const h = decodeHeader(PullMessageResponseHeader, res.extFields);
    if (res.code === ResponseCode.SUCCESS && res.body?.length) {
      for (const m of decodeMessages(res.body)) if (m.queueOffset < to) yield m;
    } else if (res.code === ResponseCode.PULL_NOT_FOUND) return;
    if (h.nextBeginOffset <= offset) return;
    offset = h.nextBeginOffset;
  }
}
