// The POP receipt ("extra info", the POP_CK message property) and the offset-info header fields of POP_MESSAGE's
// answer, as Apache RocketMQ 5.x's ExtraInfoUtil writes them.
//
// extraInfo = "ckQueueOffset popTime invisibleTime reviveQid retry brokerName queueId [msgQueueOffset]"
//   (space separated; retry is "0" for the topic itself, "1" for %RETRY%group_topic, "2" for %RETRY%group+topic;
//   reviveQid 999 marks an orderly pop)
// startOffsetInfo = "retry queueId startOffset;..."; msgOffsetInfo = "retry queueId o1,o2,...;...";
// orderCountInfo = "retry queueId count;..." or "retry qo<queueId>%<queueOffset> count;...".

import { ProtocolError } from './errors.ts';

export const POP_ORDER_REVIVE_QUEUE = 999;
const RETRY_PREFIX = '%RETRY%';

export class ExtraInfoError extends ProtocolError {
  constructor(message: string) {
    super(message);
    this.name = 'ExtraInfoError';
  }
}

/** KeyBuilder.buildPopRetryTopicV1: %RETRY%group_topic. */
export const popRetryTopicV1 = (topic: string, group: string): string => `${RETRY_PREFIX}${group}_${topic}`;
/** KeyBuilder.buildPopRetryTopicV2: %RETRY%group+topic (enableRetryTopicV2). */
export const popRetryTopicV2 = (topic: string, group: string): string => `${RETRY_PREFIX}${group}+${topic}`;
export const isPopRetryTopicV2 = (t: string): boolean => t.startsWith(RETRY_PREFIX) && t.includes('+');

/** The retry mark of a topic as ExtraInfoUtil.getRetry computes it. */
export function retryMark(topic: string): string {
  if (isPopRetryTopicV2(topic)) return '2';
  if (topic.startsWith(RETRY_PREFIX)) return '1';
  return '0';
}

/** ExtraInfoUtil.getRealTopic: the topic a receipt refers to. */
export function realTopic(topic: string, group: string, retry: string): string {
  if (retry === '0') return topic;
  if (retry === '1') return popRetryTopicV1(topic, group);
  if (retry === '2') return popRetryTopicV2(topic, group);
  throw new ExtraInfoError(`retry mark '${retry}' is not 0, 1 or 2`);
}

/** KeyBuilder.parseNormalTopic(retryTopic, group). */
export function normalTopicOf(topic: string, group: string): string {
  if (!topic.startsWith(RETRY_PREFIX)) return topic;
  const v2 = `${RETRY_PREFIX}${group}+`;
  if (topic.startsWith(v2)) return topic.slice(v2.length);
  return topic.slice(`${RETRY_PREFIX}${group}_`.length);
}

export interface ExtraInfo {
  ckQueueOffset: number;
  popTime: number;
  invisibleTime: number;
  reviveQid: number;
  retry: string;
  brokerName: string;
  queueId: number;
  /** Present in the 8-field form the 5.x clients build. */
  queueOffset?: number;
}

export function buildExtraInfo(e: Omit<ExtraInfo, 'retry'> & { topic: string }): string {
  const base = `${e.ckQueueOffset} ${e.popTime} ${e.invisibleTime} ${e.reviveQid} ${retryMark(e.topic)} ${e.brokerName} ${e.queueId}`;
  return e.queueOffset === undefined ? base : `${base} ${e.queueOffset}`;
}

function int(s: string | undefined, what: string, extra: string): number {
  if (s === undefined || !/^-?\d+$/.test(s)) throw new ExtraInfoError(`extraInfo '${extra}': ${what} is not a number`);
  return Number(s);
}

export function parseExtraInfo(extra: string): ExtraInfo {
  const p = extra.split(' ');
  if (p.length < 7) throw new ExtraInfoError(`extraInfo '${extra}' has ${p.length} fields, expected 7 or 8`);
  const out: ExtraInfo = {
    ckQueueOffset: int(p[0], 'ckQueueOffset', extra),
    popTime: int(p[1], 'popTime', extra),
    invisibleTime: int(p[2], 'invisibleTime', extra),
    reviveQid: int(p[3], 'reviveQid', extra),
    retry: p[4]!,
    brokerName: p[5]!,
    queueId: int(p[6], 'queueId', extra),
  };
  if (!['0', '1', '2'].includes(out.retry)) throw new ExtraInfoError(`extraInfo '${extra}': retry mark '${out.retry}' is not 0, 1 or 2`);
  if (p.length >= 8) out.queueOffset = int(p[7], 'queueOffset', extra);
  return out;
}

/** Appends "retry queueId value" to a ';'-joined info list. */
export function appendInfo(list: string[], topic: string, queueId: number | string, value: string | number): void {
  list.push(`${retryMark(topic)} ${queueId} ${value}`);
}

function parseInfo(info: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!info) return out;
  for (const one of info.split(';')) {
    const s = one.split(' ');
    if (s.length !== 3) throw new ExtraInfoError(`offset info '${info}' has an entry '${one}' without 3 fields`);
    const key = `${s[0]}@${s[1]}`;
    if (out.has(key)) throw new ExtraInfoError(`offset info '${info}' repeats ${key}`);
    out.set(key, s[2]!);
  }
  return out;
}

/** "retry@queueId" -> start offset. */
export const parseStartOffsetInfo = (info: string | undefined): Map<string, number> =>
  new Map([...parseInfo(info)].map(([k, v]) => [k, Number(v)]));
/** "retry@queueId" -> queue offsets of the popped messages. */
export const parseMsgOffsetInfo = (info: string | undefined): Map<string, number[]> =>
  new Map([...parseInfo(info)].map(([k, v]) => [k, v.split(',').map(Number)]));
/** "retry@queueId" or "retry@qo<queueId>%<offset>" -> times the message was handed out before. */
export const parseOrderCountInfo = (info: string | undefined): Map<string, number> =>
  new Map([...parseInfo(info)].map(([k, v]) => [k, Number(v)]));

export const infoKey = (topic: string, queueId: number): string => `${retryMark(topic)}@${queueId}`;
export const queueOffsetInfoKey = (topic: string, queueId: number, offset: number): string => `${retryMark(topic)}@qo${queueId}%${offset}`;
