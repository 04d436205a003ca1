// PullAPIWrapper: PULL_MESSAGE to the broker node the last answer suggested, the pull sysFlag bits, and turning a
// response into the messages a consumer sees (tag re-check, broker name, offsets, client-side msgId).

import { MixAll } from '../protocol/codes.ts';
import type { SubscriptionData } from '../protocol/bodies/consumer.ts';
import { mqKey, type MessageQueue } from '../protocol/bodies/read.ts';
import { getUniqKey, type MessageExt } from '../protocol/message.ts';
import { MessageConst } from '../protocol/message-const.ts';
import type { PullResult } from './client-api.ts';
import type { ClientInstance } from './client-instance.ts';
import { MQClientError } from './errors.ts';
import { matchesSubscription } from './subscription.ts';

/** PullSysFlag bits: 0x1 commitOffset, 0x2 suspend (long polling), 0x4 subscription in request, 0x8 class filter, 0x10 lite pull. */
export const PullSysFlag = {
  FLAG_COMMIT_OFFSET: 0x1,
  FLAG_SUSPEND: 0x2,
  FLAG_SUBSCRIPTION: 0x4,
  FLAG_CLASS_FILTER: 0x8,
  FLAG_LITE_PULL_MESSAGE: 0x10,
  build(commitOffset: boolean, suspend: boolean, subscription: boolean, classFilter: boolean, litePull = false): number {
    return (commitOffset ? 0x1 : 0) | (suspend ? 0x2 : 0) | (subscription ? 0x4 : 0) | (classFilter ? 0x8 : 0) | (litePull ? 0x10 : 0);
  },
  clearCommitOffsetFlag: (sysFlag: number): number => sysFlag & ~0x1,
} as const;

/**
 * A message as consumers receive it: the stored MessageExt plus the broker it came from. `msgId` is the producer's
 * UNIQ_KEY when present (what Java's MessageClientExt.getMsgId returns); the store id is kept as `offsetMsgId`.
 */
export interface ConsumedMessage extends MessageExt {
  brokerName: string;
  offsetMsgId: string;
}

export interface PullKernelArgs {
  mq: MessageQueue;
  subExpression?: string;
  expressionType: string;
  subVersion: number;
  offset: number;
  maxNums: number;
  sysFlag: number;
  commitOffset: number;
  brokerSuspendMaxTimeMillis: number;
  timeoutMillis: number;
}

export class PullAPIWrapper {
  /** mqKey -> broker id the broker last suggested pulling from (a slave when the master is busy). */
  private readonly pullFromWhichNode = new Map<string, number>();

  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
  ) {}

  async pullKernelImpl(a: PullKernelArgs): Promise<PullResult> {
    const nodeId = this.pullFromWhichNode.get(mqKey(a.mq)) ?? MixAll.MASTER_ID;
    let found = this.instance.routes.findBrokerAddressInSubscribe(a.mq.brokerName, nodeId, false);
    if (!found) {
      await this.instance.updateTopicRouteInfoFromNameServer(a.mq.topic).catch(() => false);
      found = this.instance.routes.findBrokerAddressInSubscribe(a.mq.brokerName, nodeId, false);
    }
    if (!found) throw new MQClientError(`The broker[${a.mq.brokerName}] not exist`);
    // A slave cannot store offsets, so the commit flag only goes to masters.
    const sysFlag = found.slave ? PullSysFlag.clearCommitOffsetFlag(a.sysFlag) : a.sysFlag;
    return this.instance.api.pullMessage(
      found.brokerAddr,
      {
        consumerGroup: this.group,
        topic: a.mq.topic,
        queueId: a.mq.queueId,
        queueOffset: a.offset,
        maxMsgNums: a.maxNums,
        sysFlag,
        commitOffset: a.commitOffset,
        suspendTimeoutMillis: a.brokerSuspendMaxTimeMillis,
        subscription: a.subExpression,
        subVersion: a.subVersion,
        expressionType: a.expressionType,
        bname: a.mq.brokerName,
      },
      a.timeoutMillis,
    );
  }

  /** processPullResult: remembers the suggested node; for FOUND, re-checks tags and decorates every message. */
  processPullResult(mq: MessageQueue, result: PullResult, sub: SubscriptionData): ConsumedMessage[] {
    this.pullFromWhichNode.set(mqKey(mq), result.suggestWhichBrokerId);
    if (result.pullStatus !== 'FOUND') return [];
    const out: ConsumedMessage[] = [];
    for (const ext of result.msgFoundList) {
      if (!matchesSubscription(sub, ext)) continue;
      out.push(toConsumedMessage(ext, mq, result));
    }
    return out;
  }
}

/** Decorates a pulled MessageExt in place (as Java sets brokerName, queueId and MIN/MAX_OFFSET on it). */
export function toConsumedMessage(ext: MessageExt, mq: MessageQueue, result?: Pick<PullResult, 'minOffset' | 'maxOffset' | 'offsetDelta'>): ConsumedMessage {
  const m = ext as ConsumedMessage;
  m.offsetMsgId = ext.msgId;
  m.msgId = getUniqKey(ext) ?? ext.msgId;
  m.brokerName = mq.brokerName;
  m.queueId = mq.queueId;
  if (result) {
    m.properties[MessageConst.PROPERTY_MIN_OFFSET] = String(result.minOffset);
    m.properties[MessageConst.PROPERTY_MAX_OFFSET] = String(result.maxOffset);
    if (result.offsetDelta !== undefined) m.queueOffset += result.offsetDelta;
  }
  return m;
}
