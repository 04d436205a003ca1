// Dispatch (RocketMQ's reput): turns commit log records into consume queue and index entries, in commit log
// order. Appends hand over what they already know; recovery and replicated appends parse it from the bytes, so
// queues and index can always be rebuilt from the commit log alone.

import { createLogger } from '../common/log.ts';
import { MessageConst, MessageSysFlag } from '../protocol/message-const.ts';
import {
  BODY_CRC_POSITION,
  BORN_HOST_POSITION,
  bodyCrc32,
  calMsgLength,
  MESSAGE_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V2,
  PHY_POS_POSITION,
  QUEUE_ID_POSITION,
  QUEUE_OFFSET_POSITION,
  SYSFLAG_POSITION,
} from '../protocol/message-codec.ts';
import { readInt64 } from '../protocol/message-host.ts';
import { type MessageProperties, string2messageProperties } from '../protocol/message-properties.ts';
import { tagsHashCode } from '../protocol/message.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import type { ConsumeQueue } from './consume-queue.ts';
import type { FilterBitsCalculator, FilterBitTable } from './filter-bits.ts';
import type { IndexService } from './index-service.ts';

const log = createLogger('store.dispatch');

/** Smallest record: empty body, topic and properties, IPv4 hosts. */
const MIN_RECORD_SIZE = calMsgLength(0, 0, 0, 0);

/** One stored message as dispatch sees it (RocketMQ's DispatchRequest). */
export interface DispatchRequest {
  topic: string;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  msgSize: number;
  tagsCode: number;
  storeTimestamp: number;
  sysFlag: number;
  keys: string | undefined;
  uniqKey: string | undefined;
  /** The message's properties, for the filter bits calculator (dispatch reads nothing else of them). */
  properties?: Readonly<Record<string, string>>;
}

/** Computes the consume queue tags code of a message; the broker may replace it (e.g. for scheduled topics). */
export type TagsCodeCalculator = (topic: string, properties: MessageProperties, storeTimestamp: number) => number;

/** Default: hash code of the TAGS property, 0 without tags (MessageExtBrokerInner.tagsString2tagsCode). */
export const defaultTagsCode: TagsCodeCalculator = (_topic, properties) => {
  const tags = properties[MessageConst.PROPERTY_TAGS];
  return tags ? tagsHashCode(tags) : 0;
};

/** Only plain and committed messages go to a consume queue; prepared and rolled back ones wait for the broker. */
export function goesToConsumeQueue(sysFlag: number): boolean {
  const t = MessageSysFlag.getTransactionValue(sysFlag);
  return t === MessageSysFlag.TRANSACTION_NOT_TYPE || t === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}

/** The last topic read from a record, with its UTF-8 bytes: consecutive records mostly share a topic. */
let lastTopicBytes = Buffer.alloc(0);
let lastTopic = '';

function topicAt(buf: Buffer, at: number, len: number): string {
  const last = lastTopicBytes;
  if (last.length === len) {
    let i = 0;
    while (i < len && buf[at + i] === last[i]) i++;
    if (i === len) return lastTopic;
  }
  lastTopic = buf.toString('utf8', at, at + len);
  lastTopicBytes = Buffer.from(buf.subarray(at, at + len));
  return lastTopic;
}

/**
 * Builds the dispatch request of the record at `offset` in `buf`, checking it thoroughly: magic code, sizes,
 * PHYSICALOFFSET equal to where it sits (`commitLogOffset`), and the body CRC when `checkCRC`.
 * Returns undefined for anything that is not a valid record.
 *
 * Reads only what dispatch needs from the record layout (TOTALSIZE MAGICCODE BODYCRC QUEUEID FLAG QUEUEOFFSET
 * PHYSICALOFFSET SYSFLAG BORNTIMESTAMP BORNHOST STORETIMESTAMP STOREHOST RECONSUMETIMES PREPAREDOFFSET
 * BODYLENGTH BODY TOPICLENGTH TOPIC PROPERTIESLENGTH PROPERTIES; hosts are 8 bytes, 20 with their V6 flag; the
 * topic length is 1 byte, 2 under MAGICCODE V2): no body copy, no message id, no host strings.
 */
export function dispatchRequestFromRecord(
  buf: Buffer,
  offset: number,
  commitLogOffset: number,
  checkCRC: boolean,
  tagsCodeOf: TagsCodeCalculator,
): DispatchRequest | undefined {
  const remaining = buf.length - offset;
  if (remaining < MIN_RECORD_SIZE) return undefined;
  const storeSize = buf.readInt32BE(offset);
  const magic = buf.readInt32BE(offset + 4);
  if (magic !== MESSAGE_MAGIC_CODE && magic !== MESSAGE_MAGIC_CODE_V2) return undefined;
  if (storeSize < MIN_RECORD_SIZE || storeSize > remaining) return undefined;
  if (readInt64(buf, offset + PHY_POS_POSITION) !== commitLogOffset) return undefined;
  const end = offset + storeSize;
  const sysFlag = buf.readInt32BE(offset + SYSFLAG_POSITION);
  let o = offset + BORN_HOST_POSITION + (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 20 : 8);
  const storeTimestampAt = o;
  o += 8 + (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG ? 20 : 8) + 4 + 8;
  if (o + 4 > end) return undefined;
  const bodyLength = buf.readInt32BE(o);
  o += 4;
  if (bodyLength < 0 || o + bodyLength > end) return undefined;
  if (checkCRC && bodyLength > 0 && bodyCrc32(buf.subarray(o, o + bodyLength)) !== buf.readInt32BE(offset + BODY_CRC_POSITION)) return undefined;
  o += bodyLength;
  let topicLength: number;
  if (magic === MESSAGE_MAGIC_CODE_V2) {
    if (o + 2 > end) return undefined;
    topicLength = buf.readInt16BE(o);
    o += 2;
  } else {
    if (o + 1 > end) return undefined;
    topicLength = buf.readInt8(o);
    o += 1;
  }
  if (topicLength < 0 || o + topicLength + 2 > end) return undefined;
  const topic = topicAt(buf, o, topicLength);
  o += topicLength;
  const propertiesLength = buf.readInt16BE(o);
  o += 2;
  if (propertiesLength < 0 || o + propertiesLength !== end) return undefined;
  const p = propertiesLength > 0 ? string2messageProperties(buf.toString('utf8', o, end)) : {};
  const storeTimestamp = readInt64(buf, storeTimestampAt);
  return {
    topic,
    queueId: buf.readInt32BE(offset + QUEUE_ID_POSITION),
    queueOffset: readInt64(buf, offset + QUEUE_OFFSET_POSITION),
    commitLogOffset,
    msgSize: storeSize,
    tagsCode: tagsCodeOf(topic, p, storeTimestamp),
    storeTimestamp,
    sysFlag,
    keys: p[MessageConst.PROPERTY_KEYS],
    uniqKey: p[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX],
    properties: p,
  };
}

/** Told once per queue per dispatch run that messages arrived (the broker's long polling wakes on it). */
export type MessageArrivingListener = (
  topic: string,
  queueId: number,
  /** The queue's max offset after these messages. */
  logicOffset: number,
  /** Tags code of the new messages, undefined when they differ. */
  tagsCode: number | undefined,
  storeTimestamp: number,
) => void;

export class Dispatcher {
  /** Commit log offset up to which everything has been dispatched. */
  reputFromOffset = 0;
  private readonly cqStore: ConsumeQueueStore;
  private readonly index: IndexService | null;
  listener: MessageArrivingListener | null = null;
  /** Latest store time dispatched (checkpoint's logics/index timestamps). */
  lastStoreTimestamp = 0;
  /** Filter bits of consume queue entries (RocketMQ's CommitLogDispatcherCalcBitMap), when the broker asks for them. */
  filterBits: { table: FilterBitTable; calculate: FilterBitsCalculator } | null = null;

  constructor(cqStore: ConsumeQueueStore, index: IndexService | null) {
    this.cqStore = cqStore;
    this.index = index;
  }

  /** Dispatches `requests` (in commit log order) and moves the reput offset to `endOffset`. */
  dispatch(requests: readonly DispatchRequest[], endOffset: number, notify = true): void {
    if (requests.length === 1) {
      this.dispatchOne(requests[0]!, notify);
    } else if (requests.length > 1) {
      const groups = new Map<ConsumeQueue, DispatchRequest[]>();
      for (const req of requests) {
        if (!goesToConsumeQueue(req.sysFlag)) continue;
        const cq = this.cqStore.findOrCreateConsumeQueue(req.topic, req.queueId);
        const list = groups.get(cq);
        if (list) list.push(req);
        else groups.set(cq, [req]);
      }
      for (const [cq, list] of groups) {
        cq.putMessagePositionInfos(list);
        if (this.filterBits) for (const req of list) this.calcFilterBits(req);
      }
      if (this.index) for (const req of requests) this.index.buildIndex(req);
      const last = requests[requests.length - 1]!;
      this.lastStoreTimestamp = last.storeTimestamp;
      if (notify && this.listener) {
        for (const [cq, list] of groups) {
          const tags = list[0]!.tagsCode;
          let same = true;
          for (let i = 1; i < list.length && same; i++) same = list[i]!.tagsCode === tags;
          this.notifyArriving(cq, same ? tags : undefined, list[list.length - 1]!.storeTimestamp);
        }
      }
    }
    if (endOffset > this.reputFromOffset) this.reputFromOffset = endOffset;
  }

  private dispatchOne(req: DispatchRequest, notify: boolean): void {
    const toCq = goesToConsumeQueue(req.sysFlag);
    const cq = toCq ? this.cqStore.findOrCreateConsumeQueue(req.topic, req.queueId) : undefined;
    if (cq) {
      cq.putMessagePositionInfos([req]);
      if (this.filterBits) this.calcFilterBits(req);
    }
    if (this.index) this.index.buildIndex(req);
    this.lastStoreTimestamp = req.storeTimestamp;
    if (cq && notify && this.listener) this.notifyArriving(cq, req.tagsCode, req.storeTimestamp);
  }

  private calcFilterBits(req: DispatchRequest): void {
    if (!req.properties) return;
    const fb = this.filterBits!;
    try {
      const bits = fb.calculate(req.topic, req.properties);
      if (bits !== 0) fb.table.set(req.topic, req.queueId, req.queueOffset, bits);
    } catch (err) {
      log.error('filter_bits_failed', { topic: req.topic, queueId: req.queueId, err });
    }
  }

  private notifyArriving(cq: ConsumeQueue, tagsCode: number | undefined, storeTimestamp: number): void {
    try {
      this.listener!(cq.topic, cq.queueId, cq.getMaxOffsetInQueue(), tagsCode, storeTimestamp);
    } catch (err) {
      log.error('message_arriving_listener_failed', { topic: cq.topic, queueId: cq.queueId, err });
    }
  }
}
