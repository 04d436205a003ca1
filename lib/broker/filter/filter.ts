// Filtering of pulls: TAG expressions (RocketMQ's FilterAPI.build + ExpressionMessageFilter by tags code) and SQL92
// expressions (ExpressionMessageFilter over the message's properties, with filter bits from consumer-filter.ts).

import type { SubscriptionData } from '../../protocol/bodies/consumer.ts';
import { SUB_ALL } from '../../protocol/bodies/consumer.ts';
import { tagsHashCode } from '../../protocol/message.ts';
import type { MessageFilter } from '../../store/types.ts';
import { RocketDeckError } from '../../common/errors.ts';
import type { Sql92Filter } from '../../filter/index.ts';
import { decodeMessage } from '../../protocol/message-codec.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { MixAll } from '../../protocol/constants.ts';

/** Bit 31 marks an entry as calculated (so "no slot matched" differs from "never calculated"). */
export const FILTER_BITS_RECORDED = 0x8000_0000;

/** One expression of a topic with its bit. */
export interface FilterSlot {
  readonly index: number;
  readonly expression: string;
  readonly filter: Sql92Filter;
  /** Commit log offset dispatched when the slot was made: entries before it were not calculated for this slot. */
  readonly validFromPhy: number;
  /** false once released (its bit may go to another expression) */
  alive: boolean;
  readonly groups: Set<string>;
}

export const ExpressionType = { TAG: 'TAG', SQL92: 'SQL92' } as const;

export const isTagType = (type: string | undefined): boolean => !type || type === ExpressionType.TAG;

/** A subscription expression that cannot be used (e.g. SQL92 on a broker without property filtering). */
export class SubscriptionParseError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'SubscriptionParseError';
  }
}

/**
 * SubscriptionData from a pull's `subscription` text: "*" or "" subscribes to everything, otherwise tags joined by
 * "||" (blanks around them ignored).
 */
export function buildSubscriptionData(topic: string, subString: string | undefined, expressionType: string | undefined, subVersion = Date.now()): SubscriptionData {
  const type = expressionType || ExpressionType.TAG;
  const text = (subString ?? '').trim();
  const sub: SubscriptionData = {
    topic,
    subString: text === '' || text === SUB_ALL ? SUB_ALL : text,
    tagsSet: [],
    codeSet: [],
    subVersion,
    expressionType: type,
    classFilterMode: false,
  };
  if (!isTagType(type)) {
    // FilterAPI.build: another type's expression is kept as written, and must be there
    if (text === '') throw new SubscriptionParseError(`Expression can't be null! ${type}`);
    sub.subString = text;
    return sub;
  }
  if (sub.subString === SUB_ALL) return sub;
  for (const part of text.split('||')) {
    const tag = part.trim();
    if (tag === '' || sub.tagsSet.includes(tag)) continue;
    sub.tagsSet.push(tag);
    sub.codeSet.push(tagsHashCode(tag));
  }
  if (sub.tagsSet.length === 0) throw new SubscriptionParseError(`subscription "${subString}" names no tag`);
  return sub;
}

/** The consume-queue check: every message for "*", else the tags hash code must be one of the subscribed. */
export function tagFilter(sub: SubscriptionData | undefined): MessageFilter {
  if (!sub || sub.classFilterMode || !isTagType(sub.expressionType) || sub.subString === SUB_ALL || sub.subString === '') {
    return MATCH_ALL;
  }
  const codes = new Set(sub.codeSet);
  return {
    isMatchedByConsumeQueue: (tagsCode) => tagsCode === undefined || codes.has(tagsCode),
  };
}

export const MATCH_ALL: MessageFilter = { isMatchedByConsumeQueue: () => true };

/**
 * RocketMQ's ExpressionMessageFilter for a SQL92 subscription: by the consume queue it refuses only entries whose
 * filter bits say the expression did not match (bits recorded for a live slot made before the entry was
 * dispatched); everything else is read and the expression evaluated over the stored message's properties.
 */
export function sqlFilter(filter: Sql92Filter, slot?: FilterSlot): MessageFilter {
  const bit = slot ? 1 << slot.index : 0;
  return {
    usesFilterBits: slot !== undefined,
    isMatchedByConsumeQueue: (_tagsCode, ext) => {
      if (!slot || !ext || !slot.alive) return true;
      const bits = ext.filterBits;
      if ((bits & FILTER_BITS_RECORDED) === 0 || ext.commitLogOffset < slot.validFromPhy) return true;
      return (bits & bit) !== 0;
    },
    isMatchedByCommitLog: (record) => {
      let props: Record<string, string>;
      try {
        props = decodeMessage(record, 0, { checkCRC: false, copyBody: false, decompressBody: false, readBody: false }).properties;
      } catch {
        return false;
      }
      return filter.evaluate((name) => props[name]);
    },
  };
}

/**
 * RocketMQ's ExpressionForRetryMessageFilter (filterSupportRetry=true) for a pull of `%RETRY%<group>`: a retried
 * message is checked with the group's SQL92 expression for its original topic (property RETRY_TOPIC); a message
 * whose topic the group does not filter by SQL92 passes.
 */
export function retryFilter(sub: SubscriptionData, byTags: MessageFilter, filterOf: (topic: string, group: string) => Sql92Filter | undefined): MessageFilter {
  const group = sub.topic.slice(MixAll.RETRY_GROUP_TOPIC_PREFIX.length);
  return {
    isMatchedByConsumeQueue: (tagsCode) => byTags.isMatchedByConsumeQueue(tagsCode),
    isMatchedByCommitLog: (record) => {
      let props: Record<string, string>;
      try {
        props = decodeMessage(record, 0, { checkCRC: false, copyBody: false, decompressBody: false, readBody: false }).properties;
      } catch {
        return false;
      }
      const realTopic = props[MessageConst.PROPERTY_RETRY_TOPIC];
      const filter = realTopic === undefined ? undefined : filterOf(realTopic, group);
      return filter ? filter.evaluate((name) => props[name]) : true;
    },
  };
}
