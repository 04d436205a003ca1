// Sends one test message through the client SDK's Producer (route lookup, queue choice and retries as a producer does).

import { Producer } from '../client/producer.ts';
import { selectMessageQueueByHash, toMessage } from '../client/producer-message.ts';
import { MessageConst } from '../protocol/message-const.ts';
import { NoRouteError } from '../client/errors.ts';
import { MixAll, ResponseCode } from '../protocol/codes.ts';
import type { AdminCore } from './core.ts';
import { AdminError } from './errors.ts';
import { getTopicRoute } from './route.ts';

export const ADMIN_PRODUCER_GROUP = 'rocketdeck_admin_producer';

export interface SendTestMessageInput {
  topic: string;
  body: string | Buffer;
  tags?: string;
  keys?: string | string[];
  producerGroup?: string;
  /** User properties. */
  properties?: Record<string, string>;
  /** 5.x FIFO topics: the message group (`__SHARDINGKEY`); one group always goes to one queue (hash of the group). */
  messageGroup?: string;
  /** 5.x timer messages: when to deliver, epoch ms (`TIMER_DELIVER_MS`). */
  deliverTimeMs?: number;
}

export interface SendTestMessageResult {
  /** SEND_OK, or FLUSH_DISK_TIMEOUT / FLUSH_SLAVE_TIMEOUT / SLAVE_NOT_AVAILABLE (stored all the same). */
  sendStatus: string;
  /** UNIQ_KEY: the id consumers see. */
  msgId: string;
  /** Store host + commit log offset. */
  offsetMsgId: string;
  topic: string;
  brokerName: string;
  queueId: number;
  queueOffset: number;
}

let seq = 0;

/** A short-lived producer (own client instance) sends the message, then unregisters from the brokers. */
export async function sendTestMessage(core: AdminCore, input: SendTestMessageInput): Promise<SendTestMessageResult> {
  const producer = new Producer({
    group: input.producerGroup ?? ADMIN_PRODUCER_GROUP,
    namesrvAddr: core.namesrvAddrs,
    instanceName: `rocketdeck-admin-${process.pid}-${++seq}`,
    sendMsgTimeout: core.timeoutMs,
    mqClientApiTimeout: core.timeoutMs,
    connectTimeoutMillis: core.timeoutMs,
    logger: core.logger.child('producer'),
  });
  await producer.start();
  try {
    // user properties are checked against RocketMQ's reserved names; the group and delivery time are system ones
    const msg = toMessage({ topic: input.topic, body: input.body, tags: input.tags, keys: input.keys, properties: input.properties });
    if (input.messageGroup) msg.properties[MessageConst.PROPERTY_SHARDING_KEY] = input.messageGroup;
    if (input.deliverTimeMs !== undefined) msg.properties[MessageConst.PROPERTY_TIMER_DELIVER_MS] = String(Math.trunc(input.deliverTimeMs));
    const r = input.messageGroup
      ? await producer.send(msg, { selector: selectMessageQueueByHash, arg: input.messageGroup })
      : await producer.send(msg);
    return {
      sendStatus: r.sendStatus,
      msgId: r.msgId,
      offsetMsgId: r.offsetMsgId,
      topic: r.messageQueue.topic,
      brokerName: r.messageQueue.brokerName,
      queueId: r.messageQueue.queueId,
      queueOffset: r.queueOffset,
    };
  } catch (err) {
    if (err instanceof NoRouteError) throw await explainNoRoute(core, input.topic, err);
    throw err;
  } finally {
    await producer.shutdown();
  }
}

/**
 * Why a producer found no queue to send to: the topic does not exist (TOPIC_NOT_EXIST), or its route lists no
 * master (broker groups whose master is down take no sends; their slaves still serve reads).
 */
async function explainNoRoute(core: AdminCore, topic: string, err: NoRouteError): Promise<Error> {
  let route;
  try {
    route = await getTopicRoute(core, topic);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === ResponseCode.TOPIC_NOT_EXIST) return new AdminError(`topic '${topic}' does not exist`, ResponseCode.TOPIC_NOT_EXIST, { cause: err });
    return err;
  }
  const withMaster = route.brokerDatas.filter((b) => b.brokerAddrs[String(MixAll.MASTER_ID)] !== undefined);
  if (route.brokerDatas.length > 0 && withMaster.length === 0) {
    const slaves = route.brokerDatas.flatMap((b) => Object.values(b.brokerAddrs));
    return new AdminError(`topic '${topic}': no broker group of its route has a master to take messages (only ${slaves.join(', ')}); sends resume when a master is back`, undefined, { cause: err });
  }
  return err;
}
