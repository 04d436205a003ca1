// Public shapes of the message store API, named as RocketMQ names them (PutMessageStatus, AppendMessageResult,
// GetMessageStatus, MessageExtBrokerInner, MessageFilter).

import type { SocketHost } from '../protocol/message-host.ts';
import type { Message } from '../protocol/message.ts';
import type { CqUnit } from './consume-queue.ts';

export type PutMessageStatus =
  | 'PUT_OK'
  | 'FLUSH_DISK_TIMEOUT'
  | 'FLUSH_SLAVE_TIMEOUT'
  | 'SLAVE_NOT_AVAILABLE'
  | 'SERVICE_NOT_AVAILABLE'
  | 'CREATE_MAPPED_FILE_FAILED'
  | 'MESSAGE_ILLEGAL'
  | 'PROPERTIES_SIZE_EXCEEDED'
  | 'OS_PAGE_CACHE_BUSY'
  | 'UNKNOWN_ERROR';

export interface AppendMessageResult {
  /** Commit log offset of the (first) record. */
  wroteOffset: number;
  wroteBytes: number;
  /** Offset message id of the (first) record; for a batch, ids of all records joined by commas. */
  msgId: string;
  storeTimestamp: number;
  /** Queue offset of the (first) message. */
  logicsOffset: number;
  msgNum: number;
}

export interface PutMessageResult {
  status: PutMessageStatus;
  /** Present when the records were appended (PUT_OK and the flush/replication timeouts). */
  appendResult?: AppendMessageResult;
  /** Why an append was refused or failed. */
  remark?: string;
}

/** True when the message is stored (even if the flush or replication wait timed out). */
export function isPutOk(r: PutMessageResult): boolean {
  return r.appendResult !== undefined;
}

/**
 * A message the broker hands to the store. The store fills in `storeTimestamp`, `queueOffset` and
 * `commitLogOffset` when it appends it.
 */
export interface MessageExtBrokerInner extends Message {
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: SocketHost;
  storeHost: SocketHost;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  /** Properties string as received (written verbatim); built from `properties` when absent. */
  propertiesString?: string;
  /** Consume queue tags code; computed by the store's TagsCodeCalculator when absent. */
  tagsCode?: number;
  storeTimestamp?: number;
  queueOffset?: number;
  commitLogOffset?: number;
}

/**
 * A SEND_BATCH_MESSAGE as the broker hands it over (MessageExtBatch): the producer's batch body plus the fields
 * every record of the batch shares. The records are appended together, in one file, with consecutive queue offsets.
 */
export interface MessageExtBatch {
  topic: string;
  queueId: number;
  /** Producer batch body (MessageDecoder.encodeMessages layout). */
  body: Buffer;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: SocketHost;
  storeHost: SocketHost;
  reconsumeTimes?: number;
  /** Properties added to every record (header properties plus CLUSTER, as the broker builds them). */
  propertiesString?: string;
}

export type GetMessageStatus =
  | 'FOUND'
  | 'NO_MATCHED_MESSAGE'
  | 'MESSAGE_WAS_REMOVING'
  | 'OFFSET_FOUND_NULL'
  | 'OFFSET_OVERFLOW_BADLY'
  | 'OFFSET_OVERFLOW_ONE'
  | 'OFFSET_TOO_SMALL'
  | 'NO_MATCHED_LOGIC_QUEUE'
  | 'NO_MESSAGE_IN_QUEUE';

export interface GetMessageResult {
  status: GetMessageStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Raw stored records, one buffer per message, as a PULL response carries them. */
  buffers: Buffer[];
  /** Queue offsets of the messages in `buffers`. */
  queueOffsets: number[];
  bufferTotalSize: number;
  /**
   * The records of `buffers` back to back in one buffer (`buffers` are views of it), as a PULL answer's body
   * carries them; set by reads that found messages.
   */
  body?: Buffer;
  /** The consumer is far behind (messages likely on disk, not in page cache): pull from a slave if there is one. */
  suggestPullingFromSlave: boolean;
}

/** What a pull knows of an entry besides its tags code when its filter asks for it (RocketMQ's CqExtUnit). */
export interface CqExtUnit {
  /** The bits the broker's calculator recorded at dispatch (lib/store/filter-bits.ts), 0 when none. */
  filterBits: number;
  /** The entry's commit log offset (dispatch order: a filter registered later knows which entries it missed). */
  commitLogOffset: number;
}

/** Decides which messages a pull returns (RocketMQ's MessageFilter). */
export interface MessageFilter {
  /** Check by the consume queue's tags code; `undefined` when the code is unknown; `ext` when `usesFilterBits`. */
  isMatchedByConsumeQueue(tagsCode: number | undefined, ext?: CqExtUnit): boolean;
  /** Ask for each entry's filter bits (SQL92 filters with a bit map slot). */
  readonly usesFilterBits?: boolean;
  /** Optional second check on the stored record itself (SQL92 filters read properties). */
  isMatchedByCommitLog?(record: Buffer): boolean;
}

/** Consume queue entries read for mqadmin queryCq, with the queue's bounds. */
export interface ConsumeQueueEntries {
  minOffset: number;
  maxOffset: number;
  entries: CqUnit[];
}

export interface QueryMessageResult {
  /** Raw stored records. */
  buffers: Buffer[];
  /** Commit log offsets of those records. */
  phyOffsets: number[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
  bufferTotalSize: number;
}

/** Store time lookup direction for getOffsetInQueueByTime. */
export type { BoundaryType } from './consume-queue.ts';

export interface StoreRuntimeStats {
  putMessageTimesTotal: number;
  putMessageSizeTotal: number;
  putMessageFailedTimes: number;
  getMessageTimesTotalFound: number;
  getMessageTimesTotalMiss: number;
  getMessageTransferedMsgCount: number;
  /** Entries a pull's filter refused by the consume queue alone (commit log reads saved). */
  filterSkippedByConsumeQueue: number;
  /** Messages read and then refused by a pull's filter. */
  filterRejectedByCommitLog: number;
  commitLogMinOffset: number;
  commitLogMaxOffset: number;
  commitLogFlushedOffset: number;
  dispatchBehindBytes: number;
  /** Used share of the commit log's disk partition, 0..1. */
  commitLogDiskRatio: number;
  /** Used share of the consume queue's disk partition, 0..1. */
  consumeQueueDiskRatio: number;
  writeable: boolean;
  topicQueueCount: number;
}
