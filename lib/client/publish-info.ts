// A topic's queues as a producer and a consumer see them (TopicPublishInfo / subscribe info), derived from its route.

import { PermName, MixAll } from '../protocol/codes.ts';
import type { TopicRouteData } from '../protocol/bodies/route.ts';
import type { MessageQueue } from '../protocol/bodies/read.ts';

export type QueueFilter = (mq: MessageQueue) => boolean;

/** ThreadLocalIndex: a send counter starting at a random point, kept non-negative. */
export class SendIndex {
  private value = Math.floor(Math.random() * 0x7fffffff);

  next(): number {
    this.value = (this.value + 1) & 0x7fffffff;
    return this.value;
  }

  reset(): void {
    this.value = Math.floor(Math.random() * 0x7fffffff);
  }
}

export class TopicPublishInfo {
  orderTopic = false;
  haveTopicRouterInfo = false;
  readonly messageQueueList: MessageQueue[] = [];
  readonly sendWhichQueue = new SendIndex();

  constructor(readonly topicRouteData?: TopicRouteData) {}

  ok(): boolean {
    return this.messageQueueList.length > 0;
  }

  /** Round-robin over the queues; with filters, the next queue all filters accept, or undefined after one lap. */
  selectOneMessageQueue(...filters: QueueFilter[]): MessageQueue | undefined {
    const list = this.messageQueueList;
    if (list.length === 0) return undefined;
    if (filters.length === 0) return list[this.sendWhichQueue.next() % list.length];
    for (let i = 0; i < list.length; i++) {
      const mq = list[this.sendWhichQueue.next() % list.length]!;
      if (filters.every((f) => f(mq))) return mq;
    }
    return undefined;
  }

  resetIndex(): void {
    this.sendWhichQueue.reset();
  }

  getWriteQueueNumsByBroker(brokerName: string): number {
    return this.topicRouteData?.queueDatas.find((q) => q.brokerName === brokerName)?.writeQueueNums ?? -1;
  }
}

/**
 * MQClientInstance.topicRouteData2TopicPublishInfo: an order topic ("brokerA:4;brokerB:4") lists its queues as
 * configured; otherwise every writable queue of every broker that has a master, brokers sorted by name.
 */
export function topicRouteData2TopicPublishInfo(topic: string, route: TopicRouteData): TopicPublishInfo {
  const info = new TopicPublishInfo(route);
  if (route.orderTopicConf) {
    for (const item of route.orderTopicConf.split(';')) {
      const [brokerName, nums] = item.split(':');
      if (!brokerName || nums === undefined) continue;
      for (let i = 0; i < parseInt(nums, 10); i++) info.messageQueueList.push({ topic, brokerName, queueId: i });
    }
    info.orderTopic = true;
    return info;
  }
  const qds = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  for (const qd of qds) {
    if (!PermName.isWriteable(qd.perm)) continue;
    const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    if (!bd || !bd.brokerAddrs.has(MixAll.MASTER_ID)) continue;
    for (let i = 0; i < qd.writeQueueNums; i++) info.messageQueueList.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return info;
}

/** MQClientInstance.topicRouteData2TopicSubscribeInfo: every readable queue. */
export function topicRouteData2TopicSubscribeInfo(topic: string, route: TopicRouteData): MessageQueue[] {
  const out: MessageQueue[] = [];
  for (const qd of route.queueDatas) {
    if (!PermName.isReadable(qd.perm)) continue;
    for (let i = 0; i < qd.readQueueNums; i++) out.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return out;
}
