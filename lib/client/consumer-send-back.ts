// How a consumer returns a message it failed on: CONSUMER_SEND_MSG_BACK to the broker it came from, or, when that
// fails, a plain send to %RETRY%group through the client's inner producer (CLIENT_INNER_PRODUCER).

import { getRetryTopic, MixAll } from '../protocol/codes.ts';
import { MessageConst } from '../protocol/message-const.ts';
import type { Logger } from '../common/log.ts';
import type { ClientOptions } from './client-config.ts';
import type { ClientInstance } from './client-instance.ts';
import type { ConsumedMessage } from './pull-api.ts';
import { Producer } from './producer.ts';

/** Timeout of one CONSUMER_SEND_MSG_BACK, as Java uses. */
const SEND_BACK_TIMEOUT_MS = 5000;

export class ConsumerSendBack {
  private innerProducer?: Promise<Producer>;

  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
    private readonly clientOptions: ClientOptions,
    private readonly logger: Logger,
  ) {}

  /** The broker re-stores `msg` in the retry topic with `delayLevel` (0: 3 + reconsumeTimes; -1: DLQ at once). */
  async sendMessageBack(msg: ConsumedMessage, delayLevel: number, brokerName: string, maxReconsumeTimes: number): Promise<void> {
    try {
      const addr = this.instance.routes.findBrokerAddressInPublish(brokerName) ?? `${msg.storeHost.address}:${msg.storeHost.port}`;
      await this.instance.api.consumerSendMessageBack(
        addr,
        { group: this.group, offset: msg.commitLogOffset, delayLevel, originMsgId: msg.msgId, originTopic: msg.topic, maxReconsumeTimes, bname: brokerName },
        SEND_BACK_TIMEOUT_MS,
      );
    } catch (err) {
      this.logger.warn('consumer_send_msg_back_failed', { group: this.group, brokerName, msgId: msg.msgId, error: err });
      await this.sendMessageBackAsNormalMessage(msg, maxReconsumeTimes);
    }
  }

  /** A new message to %RETRY%group with the original's properties, one more reconsume and a growing delay. */
  async sendMessageBackAsNormalMessage(msg: ConsumedMessage, maxReconsumeTimes: number): Promise<void> {
    const props = { ...msg.properties };
    props[MessageConst.PROPERTY_ORIGIN_MESSAGE_ID] ||= msg.msgId;
    props[MessageConst.PROPERTY_RETRY_TOPIC] = msg.topic;
    props[MessageConst.PROPERTY_RECONSUME_TIME] = String(msg.reconsumeTimes + 1);
    props[MessageConst.PROPERTY_MAX_RECONSUME_TIMES] = String(maxReconsumeTimes);
    props[MessageConst.PROPERTY_DELAY_TIME_LEVEL] = String(3 + msg.reconsumeTimes);
    delete props[MessageConst.PROPERTY_TRANSACTION_PREPARED];
    const producer = await this.producer();
    await producer.send({ topic: getRetryTopic(this.group), flag: msg.flag, properties: props, body: msg.body });
  }

  private producer(): Promise<Producer> {
    this.innerProducer ??= (async () => {
      // Same instance name, so it shares this consumer's client instance as Java's inner producer does.
      const p = new Producer({ ...this.clientOptions, instanceName: this.instance.config.instanceName, group: MixAll.CLIENT_INNER_PRODUCER_GROUP });
      await p.start();
      return p;
    })();
    return this.innerProducer;
  }

  async shutdown(): Promise<void> {
    if (!this.innerProducer) return;
    const p = await this.innerProducer.catch(() => undefined);
    await p?.shutdown();
  }
}
