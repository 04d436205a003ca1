// Sends one test message (SEND_MESSAGE_V2) to a writable queue of a topic's master, as a producer would.

import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MixAll, PermName } from '../protocol/constants.ts';
import { MessageConst } from '../protocol/message-const.ts';
import { SendMessageRequestHeaderV2, SendMessageResponseHeader, decodeHeader, sendHeaderV1ToV2 } from '../protocol/headers.ts';
import { createMessage, createUniqId, messageProperties2String } from '../protocol/message.ts';
import { AdminError, describeError, hasCode } from './errors.ts';
import type { AdminCore } from './core.ts';
import { getTopicRoute, masterAddr, type TopicRoute } from './route.ts';

export const ADMIN_PRODUCER_GROUP = 'rocketdeck_admin_producer';

/** Send answers that still mean "stored" (RocketMQ's SendStatus other than SEND_OK). */
const SEND_STATUS: ReadonlyMap<number, string> = new Map([
  [ResponseCode.SUCCESS, 'SEND_OK'],
  [ResponseCode.FLUSH_DISK_TIMEOUT, 'FLUSH_DISK_TIMEOUT'],
  [ResponseCode.FLUSH_SLAVE_TIMEOUT, 'FLUSH_SLAVE_TIMEOUT'],
  [ResponseCode.SLAVE_NOT_AVAILABLE, 'SLAVE_NOT_AVAILABLE'],
]);

export interface SendTestMessageInput {
  topic: string;
  body: string | Buffer;
  tags?: string;
  keys?: string | string[];
  producerGroup?: string;
  /** Properties added after TAGS, KEYS and WAIT. */
  properties?: Record<string, string>;
}

export interface SendTestMessageResult {
  sendStatus: string;
  /** UNIQ_KEY: the id consumers see. */
  msgId: string;
  offsetMsgId: string;
  topic: string;
  brokerName: string;
  brokerAddr: string;
  queueId: number;
  queueOffset: number;
}

/** Writable queues on masters; an unknown topic goes through TBW102's brokers, which create it when allowed. */
function writableQueues(route: TopicRoute): Array<{ brokerName: string; brokerAddr: string; queueId: number }> {
  const out: Array<{ brokerName: string; brokerAddr: string; queueId: number }> = [];
  for (const q of route.queueDatas) {
    if (!PermName.isWriteable(q.perm)) continue;
    const g = route.brokerDatas.find((b) => b.brokerName === q.brokerName);
    const addr = g && masterAddr(g);
    if (addr) for (let i = 0; i < q.writeQueueNums; i++) out.push({ brokerName: q.brokerName, brokerAddr: addr, queueId: i });
  }
  return out;
}

export async function sendTestMessage(core: AdminCore, input: SendTestMessageInput): Promise<SendTestMessageResult> {
  let route: TopicRoute;
  let autoCreate = false;
  try {
    route = await getTopicRoute(core, input.topic);
  } catch (err) {
    if (!hasCode(err, ResponseCode.TOPIC_NOT_EXIST)) throw err;
    route = await getTopicRoute(core, MixAll.DEFAULT_TOPIC);
    autoCreate = true;
  }
  const queues = writableQueues(route);
  if (queues.length === 0) throw new AdminError(`topic '${input.topic}' has no writable queue on a master`, ResponseCode.NO_PERMISSION);
  const msg = createMessage(input.topic, input.body, { tags: input.tags, keys: input.keys, properties: input.properties });
  const uniq = createUniqId();
  msg.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = uniq;
  const start = Math.floor(Math.random() * queues.length);
  const failures: string[] = [];
  // like a producer (retryTimesWhenSendFailed = 2), try the next queue after a failed send
  for (let i = 0; i < Math.min(queues.length, 3); i++) {
    const q = queues[(start + i) % queues.length]!;
    const header = sendHeaderV1ToV2({
      producerGroup: input.producerGroup ?? ADMIN_PRODUCER_GROUP,
      topic: input.topic,
      defaultTopic: MixAll.DEFAULT_TOPIC,
      defaultTopicQueueNums: 4,
      queueId: autoCreate ? q.queueId % 4 : q.queueId,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: msg.flag,
      properties: messageProperties2String(msg.properties),
      reconsumeTimes: 0,
      unitMode: false,
      batch: false,
      bname: q.brokerName,
    });
    try {
      const res = await core.call(q.brokerAddr, RequestCode.SEND_MESSAGE_V2, header, {
        spec: SendMessageRequestHeaderV2, body: msg.body, okCodes: [...SEND_STATUS.keys()],
      });
      const h = decodeHeader(SendMessageResponseHeader, res.extFields);
      return {
        sendStatus: SEND_STATUS.get(res.code)!, msgId: uniq, offsetMsgId: h.msgId, topic: input.topic,
        brokerName: q.brokerName, brokerAddr: q.brokerAddr, queueId: h.queueId, queueOffset: h.queueOffset,
      };
    } catch (err) {
      failures.push(`${q.brokerName} (${q.brokerAddr}) queue ${q.queueId}: ${describeError(err)}`);
      core.logger.warn('send_failed', { topic: input.topic, brokerAddr: q.brokerAddr, error: err });
    }
  }
  throw new AdminError(`sending to topic '${input.topic}' failed: ${failures.join('; ')}`);
}
