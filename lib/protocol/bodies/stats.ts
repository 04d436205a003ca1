// Statistics bodies: TopicStatsTable (202), ConsumeStats (208), ConsumeStatsList (317), BrokerStatsData (315),
// GroupList (300), QueryConsumeTimeSpanBody (303).
import { fastJsonNumber, fjDouble, javaDoubleToString, quoteFastJson, type FJValue } from '../fastjson.ts';
import { fastDecodeConsumeStatsList } from './consume-stats-list-fast.ts';
import {
  Fields, decodeWith, encodeWith, readString, readMessageQueue, writeMessageQueue, writeMqEntries, asArray, asObject,
  asString, type BodyInput, type MessageQueue, type MessageQueueEntries,
} from './read.ts';

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  offsetTable: MessageQueueEntries<TopicOffset>;
  /** 5.x only */
  topicPutTps?: number;
}

function readTopicOffset(v: FJValue, path: string): TopicOffset {
  const f = Fields.of(v, path);
  return { minOffset: f.num('minOffset'), maxOffset: f.num('maxOffset'), lastUpdateTimestamp: f.num('lastUpdateTimestamp') };
}

export function readTopicStatsTable(v: FJValue, path: string): TopicStatsTable {
  const f = Fields.of(v, path);
  const out: TopicStatsTable = { offsetTable: f.mqMap('offsetTable', readTopicOffset) };
  const tps = f.optNum('topicPutTps');
  if (tps !== undefined) out.topicPutTps = tps;
  return out;
}

export const decodeTopicStatsTable = (body: BodyInput | undefined): TopicStatsTable =>
  decodeWith(body, 'TopicStatsTable', readTopicStatsTable);
export const encodeTopicStatsTable = (t: TopicStatsTable): Buffer =>
  encodeWith({
    offsetTable: writeMqEntries(t.offsetTable, (o) => ({ ...o })),
    topicPutTps: t.topicPutTps === undefined ? undefined : fjDouble(t.topicPutTps),
  });

/** Per-queue progress of a consumer group: broker max offset vs committed consumer offset. */
export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  lastTimestamp: number;
  /** 5.x only */
  pullOffset?: number;
  /**
   * RocketDeck brokers only: messages a POP group popped from the queue and has not acked yet (Apache RocketMQ's
   * fastjson ignores the field; its brokers leave it out).
   */
  popInflight?: number;
}

export interface ConsumeStats {
  offsetTable: MessageQueueEntries<OffsetWrapper>;
  consumeTps: number;
}

function readOffsetWrapper(v: FJValue, path: string): OffsetWrapper {
  const f = Fields.of(v, path);
  const out: OffsetWrapper = {
    brokerOffset: f.num('brokerOffset'),
    consumerOffset: f.num('consumerOffset'),
    lastTimestamp: f.num('lastTimestamp'),
  };
  const pull = f.optNum('pullOffset');
  if (pull !== undefined) out.pullOffset = pull;
  const inflight = f.optNum('popInflight');
  if (inflight !== undefined) out.popInflight = inflight;
  return out;
}

export function readConsumeStats(v: FJValue, path: string): ConsumeStats {
  const f = Fields.of(v, path);
  return { offsetTable: f.mqMap('offsetTable', readOffsetWrapper), consumeTps: f.num('consumeTps') };
}

export const writeConsumeStats = (c: ConsumeStats): Record<string, unknown> => ({
  consumeTps: fjDouble(c.consumeTps),
  offsetTable: writeMqEntries(c.offsetTable, (o) => ({ ...o })),
});

/** Sum of (brokerOffset - consumerOffset) over all queues: the group's lag. */
export const computeTotalDiff = (c: ConsumeStats): number =>
  c.offsetTable.reduce((sum, [, o]) => sum + (o.brokerOffset - o.consumerOffset), 0);

export const decodeConsumeStats = (body: BodyInput | undefined): ConsumeStats =>
  decodeWith(body, 'ConsumeStats', readConsumeStats);
export const encodeConsumeStats = (c: ConsumeStats): Buffer => encodeWith(writeConsumeStats(c));

/** GET_BROKER_CONSUME_STATS answer: per group, the ConsumeStats of each topic it consumes. */
export interface ConsumeStatsList {
  /** a list of single-entry maps group -> [ConsumeStats per topic], as the broker builds it */
  consumeStatsList: Array<Map<string, ConsumeStats[]>>;
  brokerAddr: string;
  totalDiff: number;
  /** 5.x only */
  totalInflightDiff?: number;
}

export function readConsumeStatsList(v: FJValue, path: string): ConsumeStatsList {
  const f = Fields.of(v, path);
  const out: ConsumeStatsList = {
    consumeStatsList: f.list('consumeStatsList', (x, p) => {
      const m = new Map<string, ConsumeStats[]>();
      for (const [k, list] of asObject(x, p)) {
        const group = asString(k as FJValue, `${p} key`);
        m.set(group, asArray(list, `${p}.${group}`).map((s, i) => readConsumeStats(s, `${p}.${group}[${i}]`)));
      }
      return m;
    }),
    brokerAddr: f.strOr('brokerAddr', ''),
    totalDiff: f.num('totalDiff'),
  };
  const inflight = f.optNum('totalInflightDiff');
  if (inflight !== undefined) out.totalInflightDiff = inflight;
  return out;
}

/** The plain shape through the native JSON parser (fastDecodeConsumeStatsList); anything else the generic way. */
export function decodeConsumeStatsList(body: BodyInput | undefined): ConsumeStatsList {
  const text = typeof body === 'string' ? body
    : body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : undefined;
  return (text !== undefined ? fastDecodeConsumeStatsList(text) : undefined) ?? decodeWith(body, 'ConsumeStatsList', readConsumeStatsList);
}

/**
 * GET_BROKER_CONSUME_STATS answers every group at once (half a megabyte for a thousand groups), so it is written
 * directly rather than through the generic writer: the same text encodeWith would give (beans with sorted
 * fields, MessageQueue beans as map keys, consumeTps as a Java double), checked against it in stats.test.ts.
 */
export function stringifyConsumeStatsList(c: ConsumeStatsList): string {
  const parts: string[] = [`{"brokerAddr":${quoteFastJson(c.brokerAddr)},"consumeStatsList":[`];
  c.consumeStatsList.forEach((m, i) => {
    parts.push(i === 0 ? '{' : ',{');
    let firstGroup = true;
    for (const [group, list] of m) {
      parts.push(`${firstGroup ? '' : ','}${quoteFastJson(group)}:[`);
      firstGroup = false;
      list.forEach((stats, j) => {
        parts.push(`${j === 0 ? '' : ','}{"consumeTps":${javaDoubleToString(stats.consumeTps)},"offsetTable":{`);
        stats.offsetTable.forEach(([mq, o], k) => {
          let text = `${k === 0 ? '' : ','}{"brokerName":${quoteFastJson(mq.brokerName)},"queueId":${fastJsonNumber(mq.queueId)},"topic":${quoteFastJson(mq.topic)}}`
            + `:{"brokerOffset":${fastJsonNumber(o.brokerOffset)},"consumerOffset":${fastJsonNumber(o.consumerOffset)},"lastTimestamp":${fastJsonNumber(o.lastTimestamp)}`;
          if (o.pullOffset !== undefined && o.pullOffset !== null) text += `,"pullOffset":${fastJsonNumber(o.pullOffset)}`;
          parts.push(text + '}');
        });
        parts.push('}}');
      });
      parts.push(']');
    }
    parts.push('}');
  });
  let tail = `],"totalDiff":${fastJsonNumber(c.totalDiff)}`;
  if (c.totalInflightDiff !== undefined && c.totalInflightDiff !== null) tail += `,"totalInflightDiff":${fastJsonNumber(c.totalInflightDiff)}`;
  parts.push(tail + '}');
  return parts.join('');
}

export const encodeConsumeStatsList = (c: ConsumeStatsList): Buffer => Buffer.from(stringifyConsumeStatsList(c), 'utf8');

/** The generic writer's form of a ConsumeStatsList (what stringifyConsumeStatsList must equal). */
export const consumeStatsListForWriter = (c: ConsumeStatsList): Record<string, unknown> => ({
  ...c,
  consumeStatsList: c.consumeStatsList.map((m) => new Map([...m].map(([g, l]) => [g, l.map(writeConsumeStats)]))),
});

export interface BrokerStatsItem {
  sum: number;
  tps: number;
  avgpt: number;
}

/** VIEW_BROKER_STATS_DATA answer: one stats item (e.g. TOPIC_PUT_NUMS@topic) over minute/hour/day windows. */
export interface BrokerStatsData {
  statsMinute: BrokerStatsItem;
  statsHour: BrokerStatsItem;
  statsDay: BrokerStatsItem;
}

function readStatsItem(v: FJValue, path: string): BrokerStatsItem {
  const f = Fields.of(v, path);
  return { sum: f.num('sum'), tps: f.num('tps'), avgpt: f.num('avgpt') };
}

const writeStatsItem = (i: BrokerStatsItem): Record<string, unknown> =>
  ({ sum: i.sum, tps: fjDouble(i.tps), avgpt: fjDouble(i.avgpt) });

const EMPTY_ITEM: BrokerStatsItem = { sum: 0, tps: 0, avgpt: 0 };

export const decodeBrokerStatsData = (body: BodyInput | undefined): BrokerStatsData =>
  decodeWith(body, 'BrokerStatsData', (v, p) => {
    const f = Fields.of(v, p);
    return {
      statsMinute: f.bean('statsMinute', readStatsItem) ?? { ...EMPTY_ITEM },
      statsHour: f.bean('statsHour', readStatsItem) ?? { ...EMPTY_ITEM },
      statsDay: f.bean('statsDay', readStatsItem) ?? { ...EMPTY_ITEM },
    };
  });
export const encodeBrokerStatsData = (d: BrokerStatsData): Buffer =>
  encodeWith({
    statsMinute: writeStatsItem(d.statsMinute),
    statsHour: writeStatsItem(d.statsHour),
    statsDay: writeStatsItem(d.statsDay),
  });

/** QUERY_TOPIC_CONSUME_BY_WHO answer. */
export interface GroupList {
  groupList: string[];
}

export const decodeGroupList = (body: BodyInput | undefined): GroupList =>
  decodeWith(body, 'GroupList', (v, p) => ({ groupList: Fields.of(v, p).list('groupList', readString) }));
export const encodeGroupList = (g: GroupList): Buffer => encodeWith({ groupList: g.groupList });

export interface QueueTimeSpan {
  messageQueue: MessageQueue;
  minTimeStamp: number;
  maxTimeStamp: number;
  consumeTimeStamp: number;
  delayTime: number;
}

/** QUERY_CONSUME_TIME_SPAN answer. */
export interface QueryConsumeTimeSpanBody {
  consumeTimeSpanSet: QueueTimeSpan[];
}

function readQueueTimeSpan(v: FJValue, path: string): QueueTimeSpan {
  const f = Fields.of(v, path);
  return {
    messageQueue: f.bean('messageQueue', readMessageQueue) ?? { topic: '', brokerName: '', queueId: 0 },
    minTimeStamp: f.num('minTimeStamp'),
    maxTimeStamp: f.num('maxTimeStamp'),
    consumeTimeStamp: f.num('consumeTimeStamp'),
    delayTime: f.num('delayTime'),
  };
}

/** UtilAll.formatDate(..., "yyyy-MM-dd#HH:mm:ss:SSS") in local time, as the Java getters *Str() produce. */
export function formatTimeStampStr(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}#${p(d.getHours())}:${p(d.getMinutes())}:` +
    `${p(d.getSeconds())}:${p(d.getMilliseconds(), 3)}`;
}

export const decodeQueryConsumeTimeSpanBody = (body: BodyInput | undefined): QueryConsumeTimeSpanBody =>
  decodeWith(body, 'QueryConsumeTimeSpanBody', (v, p) => ({
    consumeTimeSpanSet: Fields.of(v, p).list('consumeTimeSpanSet', readQueueTimeSpan),
  }));

// fastjson also writes the derived getters minTimeStampStr / maxTimeStampStr / consumeTimeStampStr
export const encodeQueryConsumeTimeSpanBody = (b: QueryConsumeTimeSpanBody): Buffer =>
  encodeWith({
    consumeTimeSpanSet: b.consumeTimeSpanSet.map((s) => ({
      ...s,
      messageQueue: writeMessageQueue(s.messageQueue),
      minTimeStampStr: formatTimeStampStr(s.minTimeStamp),
      maxTimeStampStr: formatTimeStampStr(s.maxTimeStamp),
      consumeTimeStampStr: formatTimeStampStr(s.consumeTimeStamp),
    })),
  });
