// QUERY_CONSUME_QUEUE (321) answer body, RocketMQ's QueryConsumeQueueResponseBody (mqadmin queryCq): the raw
// consume queue entries of one queue from an index, with the queue's bounds and, when a group is named, its
// subscription. Wire shape (fastjson, bean fields sorted, nulls left out):
//   {"filterData":"null","maxQueueIndex":20,"minQueueIndex":0,
//    "queueData":[{"eval":false,"physicOffset":0,"physicSize":198,"tagsCode":2598919}],
//    "subscriptionData":{...}}
// filterData is fastjson's text of the group's ConsumerFilterData ("null" for tag subscriptions), or
// "<group>@<topic> is not online!" when the group has no subscription to the topic.
import { Fields, decodeWith, encodeWith, type BodyInput } from './read.ts';
import { readSubscriptionData, writeSubscriptionData, type SubscriptionData } from './consumer.ts';
import type { FJValue } from '../fastjson.ts';

/** One consume queue entry (ConsumeQueueData); the ext fields are for consume queue extensions, unused here. */
export interface ConsumeQueueData {
  physicOffset: number;
  physicSize: number;
  tagsCode: number;
  extendDataJson?: string;
  bitMap?: string;
  eval: boolean;
  msg?: string;
}

export interface QueryConsumeQueueResponseBody {
  subscriptionData?: SubscriptionData;
  filterData?: string;
  queueData: ConsumeQueueData[];
  maxQueueIndex: number;
  minQueueIndex: number;
}

function readConsumeQueueData(v: FJValue, path: string): ConsumeQueueData {
  const f = Fields.of(v, path);
  return {
    physicOffset: f.num('physicOffset'),
    physicSize: f.num('physicSize'),
    tagsCode: f.num('tagsCode'),
    extendDataJson: f.str('extendDataJson'),
    bitMap: f.str('bitMap'),
    eval: f.bool('eval'),
    msg: f.str('msg'),
  };
}

export const decodeQueryConsumeQueueResponseBody = (body: BodyInput | undefined): QueryConsumeQueueResponseBody =>
  decodeWith(body, 'QueryConsumeQueueResponseBody', (v, p) => {
    const f = Fields.of(v, p);
    return {
      subscriptionData: f.bean('subscriptionData', readSubscriptionData),
      filterData: f.str('filterData'),
      queueData: f.list('queueData', readConsumeQueueData),
      maxQueueIndex: f.num('maxQueueIndex'),
      minQueueIndex: f.num('minQueueIndex'),
    };
  });

export const encodeQueryConsumeQueueResponseBody = (b: QueryConsumeQueueResponseBody): Buffer =>
  encodeWith({
    ...b,
    subscriptionData: b.subscriptionData && writeSubscriptionData(b.subscriptionData),
    queueData: b.queueData.map((d) => ({ ...d })),
  });
