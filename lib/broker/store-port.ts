// What the broker needs from the message store, in one interface: the request handlers talk to this, and
// store-adapter.ts binds it to lib/store's MessageStore.

import type { MessageExt } from '../protocol/message.ts';
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

/** New messages reached a queue (dispatch done): the max offset after them and their tags code when uniform. */
export type ArrivingListener = (topic: string, queueId: number, maxOffset: number, tagsCode: number | undefined) => void;

export interface BrokerStore {
  putMessage(msg: MessageExtBrokerInner): Promise<PutMessageResult>;
  putMessages(batch: MessageExtBatch): Promise<PutMessageResult>;
  getMessage(group: string, topic: string, queueId: number, offset: number, maxMsgNums: number, filter?: MessageFilter): Promise<GetMessageResult>;
  getMaxOffsetInQueue(topic: string, queueId: number): number;
  getMinOffsetInQueue(topic: string, queueId: number): number;
  /** Queue offset of the first message stored at or after (LOWER) / before (UPPER) `timestamp`. */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundary?: BoundaryType): Promise<number>;
  /** Store time of the queue's first message, -1 when empty. */
  getEarliestMessageTime(topic: string, queueId: number): Promise<number>;
  /** Store time of the message at `queueOffset`, -1 when there is none. */
  getMessageStoreTimeStamp(topic: string, queueId: number, queueOffset: number): Promise<number>;
  /** The stored record at a commit log offset (VIEW_MESSAGE_BY_ID), undefined when there is none. */
  selectOneMessageByOffset(commitLogOffset: number): Promise<Buffer | undefined>;
  /** The decoded message at a commit log offset (CONSUMER_SEND_MSG_BACK). */
  lookMessageByOffset(commitLogOffset: number): Promise<MessageExt | undefined>;
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult>;
  /** Drops the consume queues of deleted topics. */
  deleteTopics(topics: Iterable<string>): void;
  /** Topics that have consume queues in the store (CLEAN_UNUSED_TOPIC compares them with the topic table). */
  getTopics(): string[];
  /** Oldest commit log offset still stored. */
  getMinPhyOffset(): number;
  /** Commit log offset of the queue entry at `queueOffset` (CLEAN_EXPIRED_CONSUMEQUEUE reads the last one). */
  getCommitLogOffsetInQueue(topic: string, queueId: number, queueOffset: number): number;
  /** Consume queue entries from `index` with the queue's bounds; undefined without such a queue (QUERY_CONSUME_QUEUE). */
  getConsumeQueueEntries(topic: string, queueId: number, index: number, count: number): ConsumeQueueEntries | undefined;
  /** Deletes expired commit log files in the next retention rounds whatever the hour (DELETE_EXPIRED_COMMITLOG). */
  executeDeleteFilesManually(): void;
  setArrivingListener(listener: ArrivingListener): void;
  runtimeStats(): StoreRuntimeStats;
  /** Store time of the oldest message in the commit log, -1 when empty. */
  getEarliestMessageTimeOfStore(): Promise<number>;
  /** Bytes written but not yet flushed. */
  remainHowManyDataToFlush(): number;
  shutdown(): Promise<void>;
}
