// RebalanceImpl: which queues this consumer works on. Clustering splits each subscribed topic's queues among the
// group's live members with the allocation strategy; broadcasting takes every queue. Orderly consumers also hold
// broker-side locks on their queues (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ).

import { MixAll } from '../protocol/codes.ts';
import type { SubscriptionData, MessageModel } from '../protocol/bodies/consumer.ts';
import { compareMessageQueue, mqKey, type MessageQueue } from '../protocol/bodies/read.ts';
import type { Logger } from '../common/log.ts';
import type { AllocateMessageQueueStrategy } from './allocate.ts';
import type { ClientInstance } from './client-instance.ts';
import { ProcessQueue } from './process-queue.ts';

export interface PullRequest {
  consumerGroup: string;
  messageQueue: MessageQueue;
  processQueue: ProcessQueue;
  nextOffset: number;
  /** Orderly: the pull offset was recomputed after the lock was first obtained. */
  previouslyLocked: boolean;
}

/** The consumer-specific half of a rebalance (RebalancePushImpl / RebalanceLitePullImpl). */
export interface RebalanceHooks {
  /** Gives a queue up: commit its offset, unlock it (orderly); false keeps it for now. */
  removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean>;
  /** Where to start pulling a newly assigned queue; throws when it cannot be decided yet. */
  computePullFromWhere(mq: MessageQueue): Promise<number>;
  removeDirtyOffset(mq: MessageQueue): void;
  dispatchPullRequests(requests: PullRequest[]): void;
  /** The assignment of `topic` changed (lite pull consumers start/stop their pull tasks here). */
  messageQueueChanged?(topic: string, mqAll: MessageQueue[], mqDivided: MessageQueue[]): void;
  /** Queues idle longer than this are considered stuck and re-created (push consumers only). */
  dropExpiredPullQueues: boolean;
}

export interface QueueEntry {
  mq: MessageQueue;
  pq: ProcessQueue;
}

export class RebalanceImpl {
  /** mqKey -> queue being worked on. */
  readonly processQueueTable = new Map<string, QueueEntry>();
  /** topic -> readable queues from the route. */
  readonly topicSubscribeInfoTable = new Map<string, MessageQueue[]>();
  /** topic -> subscription (including %RETRY%group for push consumers). */
  readonly subscriptionInner = new Map<string, SubscriptionData>();

  constructor(
    private readonly instance: ClientInstance,
    readonly group: string,
    readonly messageModel: MessageModel,
    readonly strategy: AllocateMessageQueueStrategy,
    private readonly hooks: RebalanceHooks,
    private readonly logger: Logger,
  ) {}

  /** One rebalance of every subscribed topic; resolves true when the assignment is what the strategy wants. */
  async doRebalance(isOrder: boolean): Promise<boolean> {
    let balanced = true;
    for (const topic of [...this.subscriptionInner.keys()]) {
      try {
        if (!(await this.rebalanceByTopic(topic, isOrder))) balanced = false;
      } catch (err) {
        balanced = false;
        if (!topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) this.logger.warn('rebalance_topic_failed', { group: this.group, topic, error: err });
      }
    }
    this.truncateMessageQueueNotMyTopic();
    return balanced;
  }

  private async rebalanceByTopic(topic: string, isOrder: boolean): Promise<boolean> {
    const mqSet = this.topicSubscribeInfoTable.get(topic);
    if (this.messageModel === 'BROADCASTING') {
      if (!mqSet) return true;
      // Broadcasting members never lock: every member consumes every queue.
      const changed = await this.updateProcessQueueTableInRebalance(topic, mqSet, false);
      if (changed) this.hooks.messageQueueChanged?.(topic, mqSet, mqSet);
      return this.isWorkingOn(topic, mqSet);
    }
    const cidAll = await this.instance.findConsumerIdList(topic, this.group);
    if (!mqSet) {
      if (!topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) this.logger.warn('rebalance_no_route', { group: this.group, topic });
      return false;
    }
    if (!cidAll) {
      this.logger.warn('rebalance_no_consumer_list', { group: this.group, topic });
      return false;
    }
    const mqAll = [...mqSet].sort(compareMessageQueue);
    const cids = [...cidAll].sort();
    let allocated: MessageQueue[];
    try {
      allocated = mqAll.length === 0 || cids.length === 0 ? [] : this.strategy.allocate(this.group, this.instance.clientId, mqAll, cids);
    } catch (err) {
      this.logger.error('allocate_failed', { group: this.group, topic, strategy: this.strategy.name, error: err });
      return false;
    }
    const changed = await this.updateProcessQueueTableInRebalance(topic, allocated, isOrder);
    if (changed) {
      this.logger.info('rebalance_result_changed', {
        group: this.group, topic, clientId: this.instance.clientId, strategy: this.strategy.name,
        mqAllSize: mqAll.length, cidAllSize: cids.length, queues: allocated.map((q) => `${q.brokerName}:${q.queueId}`),
      });
      this.hooks.messageQueueChanged?.(topic, mqAll, allocated);
    }
    return this.isWorkingOn(topic, allocated);
  }

  private isWorkingOn(topic: string, wanted: readonly MessageQueue[]): boolean {
    const working = new Set([...this.processQueueTable.values()].filter((e) => e.mq.topic === topic && !e.pq.dropped).map((e) => mqKey(e.mq)));
    return working.size === wanted.length && wanted.every((mq) => working.has(mqKey(mq)));
  }

  /** Current queues of a topic that are not dropped. */
  workingQueues(topic?: string): MessageQueue[] {
    return [...this.processQueueTable.values()].filter((e) => (topic === undefined || e.mq.topic === topic) && !e.pq.dropped).map((e) => e.mq);
  }

  private async updateProcessQueueTableInRebalance(topic: string, mqSet: readonly MessageQueue[], isOrder: boolean): Promise<boolean> {
    let changed = false;
    const wanted = new Set(mqSet.map(mqKey));
    const remove: QueueEntry[] = [];
    for (const e of this.processQueueTable.values()) {
      if (e.mq.topic !== topic) continue;
      if (!wanted.has(mqKey(e.mq))) {
        e.pq.dropped = true;
        remove.push(e);
      } else if (this.hooks.dropExpiredPullQueues && e.pq.isPullExpired()) {
        e.pq.dropped = true;
        remove.push(e);
        this.logger.warn('drop_stuck_queue', { group: this.group, topic, brokerName: e.mq.brokerName, queueId: e.mq.queueId });
      }
    }
    for (const e of remove) {
      if (await this.hooks.removeUnnecessaryMessageQueue(e.mq, e.pq)) {
        this.processQueueTable.delete(mqKey(e.mq));
        changed = true;
      }
    }
    let allLocked = true;
    const requests: PullRequest[] = [];
    for (const mq of mqSet) {
      const k = mqKey(mq);
      if (this.processQueueTable.has(k)) continue;
      if (isOrder && !(await this.lock(mq))) {
        allLocked = false;
        continue;
      }
      this.hooks.removeDirtyOffset(mq);
      const pq = new ProcessQueue();
      pq.locked = true;
      let nextOffset: number;
      try {
        nextOffset = await this.hooks.computePullFromWhere(mq);
      } catch (err) {
        this.logger.warn('compute_pull_offset_failed', { group: this.group, topic, brokerName: mq.brokerName, queueId: mq.queueId, error: err });
        continue;
      }
      if (nextOffset < 0 || this.processQueueTable.has(k)) continue;
      this.processQueueTable.set(k, { mq, pq });
      requests.push({ consumerGroup: this.group, messageQueue: mq, processQueue: pq, nextOffset, previouslyLocked: false });
      changed = true;
    }
    // A queue another member still holds the lock of is tried again soon instead of at the next period.
    if (!allLocked) setTimeout(() => this.instance.rebalanceImmediately(), 500).unref();
    this.hooks.dispatchPullRequests(requests);
    return changed;
  }

  private truncateMessageQueueNotMyTopic(): void {
    for (const [k, e] of this.processQueueTable) {
      if (!this.subscriptionInner.has(e.mq.topic)) {
        e.pq.dropped = true;
        this.processQueueTable.delete(k);
      }
    }
  }

  /** Gives one queue up at once (its offset moved on the broker); the next rebalance takes it again. */
  async removeProcessQueue(mq: MessageQueue): Promise<void> {
    const e = this.processQueueTable.get(mqKey(mq));
    if (!e) return;
    e.pq.dropped = true;
    if (await this.hooks.removeUnnecessaryMessageQueue(mq, e.pq)) this.processQueueTable.delete(mqKey(mq));
  }

  getProcessQueue(mq: MessageQueue): ProcessQueue | undefined {
    return this.processQueueTable.get(mqKey(mq))?.pq;
  }

  private async masterOf(brokerName: string): Promise<string | undefined> {
    return this.instance.routes.findBrokerAddressInSubscribe(brokerName, MixAll.MASTER_ID, true)?.brokerAddr;
  }

  /** LOCK_BATCH_MQ for one queue; marks its ProcessQueue locked when the broker agrees. */
  async lock(mq: MessageQueue): Promise<boolean> {
    const addr = await this.masterOf(mq.brokerName);
    if (!addr) return false;
    try {
      const locked = await this.instance.api.lockBatchMQ(addr, { consumerGroup: this.group, clientId: this.instance.clientId, mqSet: [mq] }, 1000);
      const now = Date.now();
      for (const q of locked) {
        const pq = this.getProcessQueue(q);
        if (pq) {
          pq.locked = true;
          pq.lastLockTimestamp = now;
        }
      }
      const ok = locked.some((q) => mqKey(q) === mqKey(mq));
      this.logger.info('lock_mq', { group: this.group, topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, ok });
      return ok;
    } catch (err) {
      this.logger.warn('lock_mq_failed', { group: this.group, topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, error: err });
      return false;
    }
  }

  /** Renews the locks of every held queue, broker by broker; queues the broker refused stop being consumed. */
  async lockAll(): Promise<void> {
    const byBroker = new Map<string, QueueEntry[]>();
    for (const e of this.processQueueTable.values()) {
      const list = byBroker.get(e.mq.brokerName) ?? [];
      list.push(e);
      byBroker.set(e.mq.brokerName, list);
    }
    for (const [brokerName, entries] of byBroker) {
      const addr = await this.masterOf(brokerName);
      if (!addr) continue;
      try {
        const locked = await this.instance.api.lockBatchMQ(
          addr,
          { consumerGroup: this.group, clientId: this.instance.clientId, mqSet: entries.map((e) => e.mq) },
          1000,
        );
        const ok = new Set(locked.map(mqKey));
        const now = Date.now();
        for (const e of entries) {
          if (ok.has(mqKey(e.mq))) {
            if (!e.pq.locked) this.logger.info('lock_mq_again', { group: this.group, topic: e.mq.topic, brokerName, queueId: e.mq.queueId });
            e.pq.locked = true;
            e.pq.lastLockTimestamp = now;
          } else {
            e.pq.locked = false;
            this.logger.warn('lock_mq_lost', { group: this.group, topic: e.mq.topic, brokerName, queueId: e.mq.queueId });
          }
        }
      } catch (err) {
        this.logger.warn('lock_batch_failed', { group: this.group, brokerName, error: err });
      }
    }
  }

  async unlock(mq: MessageQueue, oneway: boolean): Promise<void> {
    const addr = await this.masterOf(mq.brokerName);
    if (!addr) return;
    await this.instance.api
      .unlockBatchMQ(addr, { consumerGroup: this.group, clientId: this.instance.clientId, mqSet: [mq] }, 1000, oneway)
      .catch((err: unknown) => this.logger.warn('unlock_mq_failed', { group: this.group, topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, error: err }));
  }

  async unlockAll(oneway: boolean): Promise<void> {
    const byBroker = new Map<string, MessageQueue[]>();
    for (const e of this.processQueueTable.values()) {
      const list = byBroker.get(e.mq.brokerName) ?? [];
      list.push(e.mq);
      byBroker.set(e.mq.brokerName, list);
    }
    await Promise.all(
      [...byBroker].map(async ([brokerName, mqSet]) => {
        const addr = await this.masterOf(brokerName);
        if (!addr) return;
        await this.instance.api
          .unlockBatchMQ(addr, { consumerGroup: this.group, clientId: this.instance.clientId, mqSet }, 1000, oneway)
          .catch((err: unknown) => this.logger.warn('unlock_batch_failed', { group: this.group, brokerName, error: err }));
        for (const mq of mqSet) {
          const pq = this.getProcessQueue(mq);
          if (pq) pq.locked = false;
        }
      }),
    );
  }

  /** Drops every queue (consumer shutdown). */
  destroy(): void {
    for (const e of this.processQueueTable.values()) e.pq.dropped = true;
    this.processQueueTable.clear();
  }
}
