// Tag filtering of pulls (RocketMQ's FilterAPI.build + ExpressionMessageFilter for TAG expressions).

import type { SubscriptionData } from '../../protocol/bodies/consumer.ts';
import { SUB_ALL } from '../../protocol/bodies/consumer.ts';
import { tagsHashCode } from '../../protocol/message.ts';
import type { MessageFilter } from '../../store/types.ts';
import { RocketDeckError } from '../../common/errors.ts';

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
  if (!isTagType(type)) return sub;
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
