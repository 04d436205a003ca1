// Statistics bodies: TopicStatsTable (202), ConsumeStats (208), ConsumeStatsList (317), BrokerStatsData (315),
// GroupList (300), QueryConsumeTimeSpanBody (303).
import { fjDouble, type FJValue } from '../fastjson.ts';
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

export const decodeConsumeStatsList = (body: BodyInput | undefined): ConsumeStatsList =>
  decodeWith(body, 'ConsumeStatsList', readConsumeStatsList);
export const encodeConsumeStatsList = (c: ConsumeStatsList): Buffer =>
  encodeWith({
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
