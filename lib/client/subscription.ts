// Subscription expressions: "*" or "TagA || TagB", or a MessageSelector (tags or a SQL92 expression), into
// SubscriptionData (FilterAPI.build) and the client-side tag check applied to pulled messages.

import { SUB_ALL, type SubscriptionData } from '../protocol/bodies/consumer.ts';
import { getTags, javaStringHashCode, type Message } from '../protocol/message.ts';
import { ClientConfigError } from './errors.ts';

export const EXPRESSION_TYPE_TAG = 'TAG';
export const EXPRESSION_TYPE_SQL92 = 'SQL92';

/**
 * Which messages of a topic a consumer wants (the Java client's MessageSelector): `bySql` selects by a SQL92
 * expression over the message's properties (evaluated by the broker, which needs enablePropertyFilter=true for
 * push and pull consumers), `byTag` by tags ("*" or "TagA || TagB").
 */
export class MessageSelector {
  private constructor(readonly type: 'TAG' | 'SQL92', readonly expression: string) {}

  /** e.g. `MessageSelector.bySql("region = 'eu' AND amount > 100")`. */
  static bySql(sql: string): MessageSelector {
    return new MessageSelector('SQL92', sql);
  }

  static byTag(tag: string): MessageSelector {
    return new MessageSelector('TAG', tag);
  }
}

/** A subscription as the subscribe methods take it: a tag expression, or a selector. */
export type SubscriptionExpression = string | MessageSelector;

/**
 * SubscriptionData for `topic`: "*" or empty subscribes to every tag; otherwise tags split on "||" and trimmed; a
 * SQL92 selector keeps its expression as written (it must not be empty; the broker compiles it).
 */
export function buildSubscriptionData(topic: string, expression: SubscriptionExpression | undefined, subVersion = Date.now()): SubscriptionData {
  if (expression instanceof MessageSelector && expression.type === EXPRESSION_TYPE_SQL92) {
    if (expression.expression.trim() === '') throw new ClientConfigError('subExpression', 'a SQL92 selector needs an expression');
    return {
      topic, subString: expression.expression, tagsSet: [], codeSet: [], subVersion, expressionType: EXPRESSION_TYPE_SQL92, classFilterMode: false,
    };
  }
  const subString = expression instanceof MessageSelector ? expression.expression : expression;
  const sub: SubscriptionData = {
    topic,
    subString: SUB_ALL,
    tagsSet: [],
    codeSet: [],
    subVersion,
    expressionType: EXPRESSION_TYPE_TAG,
    classFilterMode: false,
  };
  if (subString === undefined || subString === '' || subString === SUB_ALL) return sub;
  sub.subString = subString;
  for (const raw of subString.split('||')) {
    const tag = raw.trim();
    if (tag === '' || sub.tagsSet.includes(tag)) continue;
    sub.tagsSet.push(tag);
    const code = javaStringHashCode(tag);
    if (!sub.codeSet.includes(code)) sub.codeSet.push(code);
  }
  if (sub.tagsSet.length === 0) throw new ClientConfigError('subExpression', `subscription expression "${subString}" names no tag`);
  return sub;
}

/** PullAPIWrapper's second filter: the broker matched tag hash codes, the client checks the tags themselves. */
export function matchesSubscription(sub: SubscriptionData, msg: Message): boolean {
  if (sub.tagsSet.length === 0 || sub.classFilterMode) return true;
  const tags = getTags(msg);
  return tags !== undefined && sub.tagsSet.includes(tags);
}

/** SubscriptionData.hashCode (Java): classFilterMode, codeSet, subString, tagsSet, topic, expressionType. */
export function subscriptionHashCode(s: SubscriptionData): number {
  const sumInts = (xs: readonly number[]): number => xs.reduce((h, x) => (h + x) | 0, 0);
  let h = 1;
  h = (Math.imul(31, h) + (s.classFilterMode ? 1231 : 1237)) | 0;
  h = (Math.imul(31, h) + sumInts(s.codeSet)) | 0;
  h = (Math.imul(31, h) + javaStringHashCode(s.subString)) | 0;
  h = (Math.imul(31, h) + sumInts(s.tagsSet.map(javaStringHashCode))) | 0;
  h = (Math.imul(31, h) + javaStringHashCode(s.topic)) | 0;
  h = (Math.imul(31, h) + javaStringHashCode(s.expressionType)) | 0;
  return h;
}

/**
 * The order a Java client writes its subscriptions in HEART_BEAT: iteration order of a HashSet filled one by one
 * (bucket (h ^ h>>>16) & (capacity-1), capacity 16 doubling past 0.75 load, insertion order within a bucket).
 */
export function javaHashSetOrder(subs: readonly SubscriptionData[]): SubscriptionData[] {
  let cap = 16;
  while (subs.length > cap * 0.75) cap *= 2;
  return subs
    .map((s, i) => {
      const h = subscriptionHashCode(s);
      return { s, i, bucket: (h ^ (h >>> 16)) & (cap - 1) };
    })
    .sort((a, b) => a.bucket - b.bucket || a.i - b.i)
    .map((x) => x.s);
}
