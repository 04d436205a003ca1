// Producer (DefaultMQProducer): sends messages with queue selection, retries on another broker, fault avoidance,
// body compression and batches.

import { AccessDeniedError } from '../auth/refusal.ts';
import { isRetriableResponseCode, MixAll, MessageSysFlag, ResponseCode, TopicValidator } from '../protocol/codes.ts';
import type { MessageQueue } from '../protocol/bodies/read.ts';
import {
  compressMessageBody, createUniqId, encodeBatchMessages, getUniqKey, javaHashMapOrder, messageProperties2String,
  type Message,
} from '../protocol/message.ts';
import { MessageConst } from '../protocol/message-const.ts';
import { RemotingConnectError, RemotingSendError, RemotingTimeoutError, ResponseCodeError } from '../remoting/errors.ts';
import type { SendMessageRequestHeader } from '../protocol/headers.ts';
import type { SendResult } from './client-api.ts';
import { boolOption, checkOptionKeys, CLIENT_OPTION_KEYS, intOption, pickClientOptions, resolveClientConfig, stringOption, type ClientOptions } from './client-config.ts';
import { ClientInstance, type ProducerInner } from './client-instance.ts';
import { ClientConfigError, ClientStateError, MQClientError, NoRouteError, SendFailedError } from './errors.ts';
import { MQFaultStrategy } from './fault-strategy.ts';
import { TopicPublishInfo } from './publish-info.ts';
import { checkBatch, checkMessage, toMessage, type MessageQueueSelector, type SendableMessage } from './producer-message.ts';
import { TraceDispatcher, type TraceSenderFactory } from './trace-dispatcher.ts';
import { pubContext } from './trace-hooks.ts';

export interface ProducerOptions extends ClientOptions {
  /** Producer group (producerGroup). */
  group: string;
  /** Topic whose route a new topic borrows so the broker creates it on the first send (createTopicKey). */
  createTopicKey?: string;
  /** Queues a topic created that way gets per broker (defaultTopicQueueNums). */
  defaultTopicQueueNums?: number;
  /** Budget of one send including its retries, ms (sendMsgTimeout). */
  sendMsgTimeout?: number;
  /** Bodies of at least this many bytes are zlib-compressed (compressMsgBodyOverHowmuch). */
  compressMsgBodyOverHowmuch?: number;
  /** zlib level of compressed bodies (rocketmq.message.compressLevel). */
  compressLevel?: number;
  /** Extra attempts of a synchronous send, each on another broker when there is one (retryTimesWhenSendFailed). */
  retryTimesWhenSendFailed?: number;
  /** Retry when the broker stored the message but reports a flush/slave problem (retryAnotherBrokerWhenNotStoreOK). */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  /** Largest body accepted, bytes (maxMessageSize). */
  maxMessageSize?: number;
  /**
   * Skip brokers that were slow or failed recently (sendLatencyFaultEnable). RocketMQ's default is off; ours is on,
   * which is what keeps a producer sending at full speed while a broker group is down.
   */
  sendLatencyFaultEnable?: boolean;
  /** Record a trace of every send in the trace topic, as Java's DefaultMQProducer(group, enableMsgTrace) does. */
  enableMsgTrace?: boolean;
  /** Trace topic (customizedTraceTopic); default RMQ_SYS_TRACE_TOPIC. */
  customizedTraceTopic?: string;
}

const PRODUCER_OPTION_KEYS = [
  ...CLIENT_OPTION_KEYS, 'group', 'createTopicKey', 'defaultTopicQueueNums', 'sendMsgTimeout', 'compressMsgBodyOverHowmuch',
  'compressLevel', 'retryTimesWhenSendFailed', 'retryAnotherBrokerWhenNotStoreOK', 'maxMessageSize', 'sendLatencyFaultEnable',
  'enableMsgTrace', 'customizedTraceTopic',
];

/** The inner producer a trace dispatcher sends with. */
export const createTraceSender: TraceSenderFactory = (opts) => {
  const p = new Producer(opts);
  return { start: () => p.start(), shutdown: () => p.shutdown(), send: (m, o) => p.send(m, o) };
};


export interface SendOptions {
  /** Overrides sendMsgTimeout for this call. */
  timeoutMs?: number;
  /** Send to exactly this queue (no retries, as Java's send(msg, mq)). */
  messageQueue?: MessageQueue;
  /** Choose the queue with `selector(queues, msg, arg)`; ordered messages use selectMessageQueueByHash with the sharding key. */
  selector?: MessageQueueSelector;
  arg?: unknown;
}

type Mode = 'SYNC' | 'ONEWAY';

const isTransport = (e: unknown): boolean => e instanceof RemotingConnectError || e instanceof RemotingTimeoutError || e instanceof RemotingSendError;

export class Producer implements ProducerInner {
  readonly group: string;
  private readonly opts: Required<Omit<ProducerOptions, keyof ClientOptions | 'customizedTraceTopic'>> & { customizedTraceTopic?: string };
  /** Set when enableMsgTrace: records each answered send (never delays or fails it). */
  protected traceDispatcher?: TraceDispatcher;
  private readonly clientOptions: ClientOptions;
  protected instance?: ClientInstance;
  private state: 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' = 'CREATE_JUST';
  private readonly publishInfo = new Map<string, TopicPublishInfo>();
  readonly faultStrategy: MQFaultStrategy;

  constructor(options: ProducerOptions) {
    checkOptionKeys(options, PRODUCER_OPTION_KEYS, 'Producer');
    const o = options as unknown as Record<string, unknown>;
    const group = stringOption(o, 'group');
    if (!group) throw new ClientConfigError('group', 'Producer: option "group" is required');
    this.group = group;
    this.opts = {
      group,
      createTopicKey: stringOption(o, 'createTopicKey', TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC)!,
      defaultTopicQueueNums: intOption(o, 'defaultTopicQueueNums', 4),
      sendMsgTimeout: intOption(o, 'sendMsgTimeout', 3000),
      compressMsgBodyOverHowmuch: intOption(o, 'compressMsgBodyOverHowmuch', 4096, 0),
      compressLevel: intOption(o, 'compressLevel', 5, 0, 9),
      retryTimesWhenSendFailed: intOption(o, 'retryTimesWhenSendFailed', 2, 0),
      retryAnotherBrokerWhenNotStoreOK: boolOption(o, 'retryAnotherBrokerWhenNotStoreOK', false),
      maxMessageSize: intOption(o, 'maxMessageSize', 4 * 1024 * 1024),
      sendLatencyFaultEnable: boolOption(o, 'sendLatencyFaultEnable', true),
      enableMsgTrace: boolOption(o, 'enableMsgTrace', false),
      customizedTraceTopic: stringOption(o, 'customizedTraceTopic'),
    };
    this.clientOptions = options;
    resolveClientConfig(options);
    this.faultStrategy = new MQFaultStrategy({ enabled: this.opts.sendLatencyFaultEnable });
  }

  get clientId(): string | undefined {
    return this.instance?.clientId;
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') throw new ClientStateError(`producer ${this.group} was already started (state ${this.state})`);
    const inst = ClientInstance.acquire(resolveClientConfig(this.clientOptions));
    if (!inst.registerProducer(this)) {
      await inst.release();
      throw new ClientConfigError('group', `the producer group ${this.group} is already registered in client ${inst.clientId}`);
    }
    this.instance = inst;
    this.publishInfo.set(this.opts.createTopicKey, new TopicPublishInfo());
    inst.start();
    this.state = 'RUNNING';
    if (this.opts.enableMsgTrace) {
      this.traceDispatcher = new TraceDispatcher({
        group: this.group, type: 'PRODUCE', traceTopic: this.opts.customizedTraceTopic, createSender: createTraceSender,
        clientOptions: pickClientOptions(this.clientOptions), logger: inst.logger.child('trace'),
      });
      this.traceDispatcher.start();
    }
    await inst.sendHeartbeatToAllBrokers();
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING' || !this.instance) return;
    this.state = 'SHUTDOWN_ALREADY';
    await this.traceDispatcher?.shutdown();
    await this.instance.unregisterProducer(this.group);
    await this.instance.release();
  }

  publishTopics(): string[] {
    return [...this.publishInfo.keys()];
  }

  isPublishTopicNeedUpdate(topic: string): boolean {
    const info = this.publishInfo.get(topic);
    return !info || !info.ok();
  }

  updateTopicPublishInfo(topic: string, info: TopicPublishInfo): void {
    if (this.publishInfo.has(topic)) this.publishInfo.set(topic, info);
  }

  /** The writable queues of `topic` (fetchPublishMessageQueues). */
  async fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    const info = await this.tryToFindTopicPublishInfo(topic);
    if (!info.ok()) throw new NoRouteError(topic, `no route info of topic ${topic}`);
    return [...info.messageQueueList];
  }

  /** Sends one message and resolves when the broker answered. */
  async send(message: SendableMessage, opts: SendOptions = {}): Promise<SendResult> {
    const msg = this.prepare(message);
    return (await this.dispatch(msg, 'SYNC', opts))!;
  }

  /** Sends without waiting for the broker (no result, no retries). */
  async sendOneway(message: SendableMessage, opts: SendOptions = {}): Promise<void> {
    const msg = this.prepare(message);
    await this.dispatch(msg, 'ONEWAY', opts);
  }

  /** Sends several messages of one topic in one request; msgId of the result lists every UNIQ_KEY joined by ",". */
  async sendBatch(messages: readonly SendableMessage[], opts: SendOptions = {}): Promise<SendResult> {
    const msgs = messages.map((m) => this.prepare(m));
    checkBatch(msgs);
    for (const m of msgs) if (!getUniqKey(m)) m.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = createUniqId();
    const first = msgs[0]!;
    const batch: Message = {
      topic: first.topic,
      flag: 0,
      properties: { [MessageConst.PROPERTY_WAIT_STORE_MSG_OK]: first.properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] ?? 'true' },
      body: encodeBatchMessages(msgs),
    };
    checkMessage(batch, this.opts.maxMessageSize);
    const ids = msgs.map((m) => getUniqKey(m)!).join(',');
    return (await this.dispatch(batch, 'SYNC', opts, ids))!;
  }

  private prepare(message: SendableMessage): Message {
    this.makeSureStateOK();
    const msg = toMessage(message);
    checkMessage(msg, this.opts.maxMessageSize);
    return msg;
  }

  private makeSureStateOK(): void {
    if (this.state !== 'RUNNING') throw new ClientStateError(`producer ${this.group} is not running (state ${this.state})`);
  }

  private dispatch(msg: Message, mode: Mode, opts: SendOptions, batchIds?: string): Promise<SendResult | undefined> {
    const timeout = opts.timeoutMs ?? this.opts.sendMsgTimeout;
    if (opts.messageQueue) return this.sendToQueue(msg, opts.messageQueue, mode, timeout, batchIds);
    if (opts.selector) return this.sendSelect(msg, opts.selector, opts.arg, mode, timeout, batchIds);
    return this.sendDefault(msg, mode, timeout, batchIds);
  }

  private async tryToFindTopicPublishInfo(topic: string): Promise<TopicPublishInfo> {
    const inst = this.instance!;
    let info = this.publishInfo.get(topic);
    if (!info || !info.ok()) {
      if (!info) this.publishInfo.set(topic, new TopicPublishInfo());
      await inst.updateTopicRouteInfoFromNameServer(topic).catch((err: unknown) => {
        if (!(err instanceof NoRouteError)) throw err;
      });
      info = this.publishInfo.get(topic)!;
    }
    if (info.haveTopicRouterInfo || info.ok()) return info;
    await inst.updateTopicRouteInfoFromNameServer(topic, { key: this.opts.createTopicKey, queueNums: this.opts.defaultTopicQueueNums });
    return this.publishInfo.get(topic)!;
  }

  /** sendDefaultImpl: round-robin queue choice, retries on another broker, fault bookkeeping. */
  private async sendDefault(msg: Message, mode: Mode, timeout: number, batchIds?: string): Promise<SendResult | undefined> {
    const begin = Date.now();
    const info = await this.tryToFindTopicPublishInfo(msg.topic);
    if (!info.ok()) throw new NoRouteError(msg.topic, `no route info of topic ${msg.topic}`);
    const timesTotal = mode === 'SYNC' ? 1 + this.opts.retryTimesWhenSendFailed : 1;
    const brokersSent: string[] = [];
    let mq: MessageQueue | undefined;
    let lastError: unknown;
    let result: SendResult | undefined;
    for (let times = 0; times < timesTotal; times++) {
      const selected = this.faultStrategy.selectOneMessageQueue(info, mq?.brokerName, times > 0);
      if (!selected) break;
      mq = selected;
      brokersSent.push(mq.brokerName);
      const start = Date.now();
      const left = timeout - (start - begin);
      if (left <= 0) {
        lastError = new MQClientError(`send of ${msg.topic} ran out of its ${timeout}ms budget`);
        break;
      }
      try {
        result = await this.sendKernel(msg, mq, mode, left, batchIds);
        this.faultStrategy.updateFaultItem(mq.brokerName, Date.now() - start, false, true);
        if (mode === 'ONEWAY') return undefined;
        if (result!.sendStatus !== 'SEND_OK' && this.opts.retryAnotherBrokerWhenNotStoreOK) continue;
        return result;
      } catch (err) {
        lastError = err;
        const latency = Date.now() - start;
        if (err instanceof ResponseCodeError) {
          this.faultStrategy.updateFaultItem(mq.brokerName, latency, true, false);
          if (!isRetriableResponseCode(err.code)) throw err;
        } else if (isTransport(err)) {
          this.faultStrategy.updateFaultItem(mq.brokerName, latency, true, true);
        } else if (err instanceof MQClientError) {
          this.faultStrategy.updateFaultItem(mq.brokerName, latency, false, true);
        } else {
          throw err;
        }
        this.instance!.logger.warn('send_failed_retrying', { topic: msg.topic, brokerName: mq.brokerName, attempt: times + 1, latency, error: err });
      }
    }
    if (result) return result;
    throw new SendFailedError(
      msg.topic,
      brokersSent,
      `send to ${msg.topic} failed after ${brokersSent.length} attempt(s) in ${Date.now() - begin}ms (brokers: ${brokersSent.join(', ') || 'none'})` +
        // An access refusal is the answer the user needs to see, not just the retry count.
        (lastError instanceof AccessDeniedError ? `: ${lastError.message}` : ''),
      { cause: lastError },
    );
  }

  private async sendSelect(msg: Message, selector: MessageQueueSelector, arg: unknown, mode: Mode, timeout: number, batchIds?: string): Promise<SendResult | undefined> {
    const begin = Date.now();
    const info = await this.tryToFindTopicPublishInfo(msg.topic);
    if (!info.ok()) throw new NoRouteError(msg.topic, `no route info of topic ${msg.topic}`);
    const mq = selector(info.messageQueueList, msg, arg);
    if (!mq) throw new MQClientError(`the message queue selector returned no queue for ${msg.topic}`);
    return this.sendKernel(msg, mq, mode, timeout - (Date.now() - begin), batchIds);
  }

  private async sendToQueue(msg: Message, mq: MessageQueue, mode: Mode, timeout: number, batchIds?: string): Promise<SendResult | undefined> {
    if (mq.topic !== msg.topic) throw new MQClientError(`message topic ${msg.topic} is not the queue's topic ${mq.topic}`);
    await this.tryToFindTopicPublishInfo(msg.topic);
    return this.sendKernel(msg, mq, mode, timeout, batchIds);
  }

  /** sendKernelImpl: UNIQ_KEY, compression, the SendMessageRequestHeader and the request itself. */
  private async sendKernel(msg: Message, mq: MessageQueue, mode: Mode, timeout: number, batchIds?: string): Promise<SendResult | undefined> {
    const inst = this.instance!;
    let addr = inst.routes.findBrokerAddressInPublish(mq.brokerName);
    if (!addr) {
      await this.tryToFindTopicPublishInfo(mq.topic);
      addr = inst.routes.findBrokerAddressInPublish(mq.brokerName);
    }
    if (!addr) throw new MQClientError(`The broker[${mq.brokerName}] not exist`);
    const batch = batchIds !== undefined;
    if (!batch && !getUniqKey(msg)) msg.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = createUniqId();
    let sysFlag = 0;
    let body = msg.body;
    if (!batch && body.length >= this.opts.compressMsgBodyOverHowmuch) {
      body = compressMessageBody(body, this.opts.compressLevel);
      sysFlag |= MessageSysFlag.COMPRESSED_FLAG;
    }
    if (msg.properties[MessageConst.PROPERTY_TRANSACTION_PREPARED] === 'true') sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
    const properties = { ...msg.properties };
    let reconsumeTimes = 0;
    let maxReconsumeTimes: number | undefined;
    if (msg.topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) {
      // Messages re-sent to a retry topic carry their counters in the header, not as properties.
      const reconsume = properties[MessageConst.PROPERTY_RECONSUME_TIME];
      if (reconsume !== undefined) reconsumeTimes = parseInt(reconsume, 10) || 0;
      const max = properties[MessageConst.PROPERTY_MAX_RECONSUME_TIMES];
      if (max !== undefined) maxReconsumeTimes = parseInt(max, 10) || 0;
      delete properties[MessageConst.PROPERTY_RECONSUME_TIME];
      delete properties[MessageConst.PROPERTY_MAX_RECONSUME_TIMES];
    }
    const header: SendMessageRequestHeader = {
      producerGroup: this.group,
      topic: msg.topic,
      defaultTopic: this.opts.createTopicKey,
      defaultTopicQueueNums: this.opts.defaultTopicQueueNums,
      queueId: mq.queueId,
      sysFlag,
      bornTimestamp: Date.now(),
      flag: msg.flag,
      properties: messageProperties2String(javaHashMapOrder(properties)),
      reconsumeTimes,
      unitMode: false,
      batch,
      maxReconsumeTimes,
      bname: mq.brokerName,
    };
    const call = { addr, brokerName: mq.brokerName, header, body, batch, timeoutMs: timeout, uniqMsgId: batchIds ?? getUniqKey(msg)! };
    if (mode === 'ONEWAY') {
      await inst.api.sendMessageOneway(call);
      return undefined;
    }
    const begin = Date.now();
    const result = await inst.api.sendMessage(call);
    const trace = this.traceDispatcher;
    if (trace && !msg.topic.startsWith(trace.traceTopic)) {
      const ctx = pubContext(this.group, msg, addr, begin, result);
      if (ctx) trace.append(ctx);
    }
    return result;
  }
}
