// Binds the broker's BrokerStore port to lib/store's MessageStore. The few places where the broker needs something
// the store does not offer as such are bridged here:
//  - lookMessageByOffset keeps the body as stored (compressed bodies stay compressed with their sysFlag bit),
//    as RocketMQ's lookMessageByOffset does, so a retried message is re-stored byte for byte;
//  - remainHowManyDataToFlush is the distance between the written and the flushed commit log offsets;
//  - getMessageStoreTimeStamp remembers what it read (StoreTimeCache) while the offset is still in the queue.

import { decodeMessage } from '../protocol/message-codec.ts';
import type { MessageExt } from '../protocol/message.ts';
import type { MessageStore } from '../store/message-store.ts';
import type {
  BoundaryType,
  ConsumeQueueEntries,
  GetMessageResult,
  MessageExtBatch,
  MessageExtBrokerInner,
  MessageFilter,
  PutMessageResult,
  QueryMessageResult,
  StoreRuntimeStats,
} from '../store/types.ts';
import type { ArrivingListener, BrokerStore } from './store-port.ts';
import { StoreTimeCache } from './stats/store-time-cache.ts';

export interface StoreAdapterOptions {
  /** Replication's say on a stored message's answer (a SYNC_MASTER waits for a slave, lib/broker/ha). */
  afterPut?: (r: PutMessageResult, msg: MessageExtBrokerInner | MessageExtBatch, putStartedAt: number) => Promise<PutMessageResult>;
}

export class StoreAdapter implements BrokerStore {
  private readonly storeTimes = new StoreTimeCache();

  constructor(
    readonly store: MessageStore,
    private readonly opts: StoreAdapterOptions = {},
  ) {}

  async putMessage(msg: MessageExtBrokerInner): Promise<PutMessageResult> {
    if (!this.opts.afterPut) return this.store.putMessage(msg);
    const at = Date.now();
    return this.opts.afterPut(await this.store.putMessage(msg), msg, at);
  }

  async putMessages(batch: MessageExtBatch): Promise<PutMessageResult> {
    if (!this.opts.afterPut) return this.store.putMessages(batch);
    const at = Date.now();
    return this.opts.afterPut(await this.store.putMessages(batch), batch, at);
  }

  getMessage(group: string, topic: string, queueId: number, offset: number, maxMsgNums: number, filter?: MessageFilter): Promise<GetMessageResult> {
    return this.store.getMessage(group, topic, queueId, offset, maxMsgNums, filter);
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.store.getMaxOffsetInQueue(topic, queueId);
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.store.getMinOffsetInQueue(topic, queueId);
  }

  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundary: BoundaryType = 'LOWER'): Promise<number> {
    return this.store.getOffsetInQueueByTime(topic, queueId, timestamp, boundary);
  }

  getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    return this.store.getEarliestMessageTime(topic, queueId);
  }

  async getMessageStoreTimeStamp(topic: string, queueId: number, queueOffset: number): Promise<number> {
    // retention may have dropped the message since it was read: then the store answers as it would (-1)
    const known = queueOffset >= this.store.getMinOffsetInQueue(topic, queueId) ? this.storeTimes.get(topic, queueId, queueOffset) : undefined;
    if (known !== undefined) return known;
    const t = await this.store.getMessageStoreTimeStamp(topic, queueId, queueOffset);
    this.storeTimes.set(topic, queueId, queueOffset, t);
    return t;
  }

  async selectOneMessageByOffset(commitLogOffset: number): Promise<Buffer | undefined> {
    return (await this.store.selectOneMessageByOffset(commitLogOffset)) ?? undefined;
  }

  async lookMessageByOffset(commitLogOffset: number): Promise<MessageExt | undefined> {
    const rec = await this.store.selectOneMessageByOffset(commitLogOffset);
    if (!rec) return undefined;
    try {
      const msg = decodeMessage(rec, 0, { decompressBody: false });
      return msg.commitLogOffset === commitLogOffset ? msg : undefined;
    } catch {
      return undefined;
    }
  }

  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult> {
    return this.store.queryMessage(topic, key, maxNum, begin, end);
  }

  deleteTopics(topics: Iterable<string>): void {
    const list = [...topics];
    this.store.deleteTopics(list);
    this.storeTimes.forgetTopics(list);
  }

  getTopics(): string[] {
    return this.store.getTopics();
  }

  getMinPhyOffset(): number {
    return this.store.getMinPhyOffset();
  }

  getCommitLogOffsetInQueue(topic: string, queueId: number, queueOffset: number): number {
    return this.store.getCommitLogOffsetInQueue(topic, queueId, queueOffset);
  }

  getConsumeQueueEntries(topic: string, queueId: number, index: number, count: number): ConsumeQueueEntries | undefined {
    return this.store.getConsumeQueueEntries(topic, queueId, index, count);
  }

  executeDeleteFilesManually(): void {
    this.store.executeDeleteFilesManually();
  }

  setArrivingListener(listener: ArrivingListener): void {
    this.store.setMessageArrivingListener((topic, queueId, logicOffset, tagsCode) => listener(topic, queueId, logicOffset, tagsCode));
  }

  runtimeStats(): StoreRuntimeStats {
    return this.store.getRuntimeStats();
  }

  getEarliestMessageTimeOfStore(): Promise<number> {
    return this.store.getEarliestMessageTimeOfStore();
  }

  remainHowManyDataToFlush(): number {
    return Math.max(0, this.store.getMaxPhyOffset() - this.store.getFlushedPhyOffset());
  }

  shutdown(): Promise<void> {
    return this.store.shutdown();
  }
}
