// MQClientInstance: what producers and consumers with one client id share: connections, routes, heartbeats,
// the rebalance service, periodic offset commits and the handlers of broker-initiated requests.

import { MixAll, RequestCode, ResponseCode } from '../protocol/codes.ts';
import { MessageConst } from '../protocol/message-const.ts';
import { decodeMessage, type MessageExt } from '../protocol/message.ts';
import type { HeartbeatData, RemoteClientData, SubscriptionData, ConsumeType, MessageModel, ConsumeFromWhere } from '../protocol/bodies/consumer.ts';
import type { MessageQueue } from '../protocol/bodies/read.ts';
import { RemotingClient } from '../remoting/client.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import { createResponse, type RemotingCommand } from '../remoting/command.ts';
import type { Logger } from '../common/log.ts';
import { MQClientAPI } from './client-api.ts';
import { buildClientId, type ClientConfig } from './client-config.ts';
import { RouteCache } from './route-cache.ts';
import { topicRouteData2TopicPublishInfo, topicRouteData2TopicSubscribeInfo, type TopicPublishInfo } from './publish-info.ts';
import { ClientStateError } from './errors.ts';
import { signRequest } from '../auth/signature.ts';
import { javaHashSetOrder } from './subscription.ts';

/** What the instance needs from a producer. */
export interface ProducerInner {
  readonly group: string;
  publishTopics(): string[];
  /** True when the producer has no usable queues for `topic` yet (isPublishTopicNeedUpdate). */
  isPublishTopicNeedUpdate(topic: string): boolean;
  updateTopicPublishInfo(topic: string, info: TopicPublishInfo): void;
  /** A broker's CHECK_TRANSACTION_STATE about a half message of this group (transactional producers only). */
  checkTransactionState?(msg: MessageExt, req: RemotingCommand, conn: RemotingConnection): void;
}

/** What the instance needs from a consumer (push or lite pull). */
export interface ConsumerInner {
  readonly group: string;
  readonly messageModel: MessageModel;
  readonly consumeType: ConsumeType;
  readonly consumeFromWhere: ConsumeFromWhere;
  subscriptions(): SubscriptionData[];
  /** True when the consumer subscribes to `topic` but has no queue list for it yet (isSubscribeTopicNeedUpdate). */
  isSubscribeTopicNeedUpdate(topic: string): boolean;
  updateTopicSubscribeInfo(topic: string, mqs: MessageQueue[]): void;
  doRebalance(): Promise<void>;
  persistConsumerOffset(): Promise<void>;
  /** Handles a broker-initiated request addressed to this consumer group (307, 220, 309). */
  handleBrokerRequest(req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand | undefined>;
}

export type InstanceRequestHandler = (req: RemotingCommand, conn: RemotingConnection) => Promise<RemotingCommand | undefined>;

const instances = new Map<string, ClientInstance>();

/** Runs `fn` every `intervalMs` without overlapping runs; `wake()` runs it early. */
class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly fn: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly name: string,
  ) {}

  start(firstDelayMs = this.intervalMs): void {
    this.schedule(firstDelayMs);
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delay);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = (async () => {
      try {
        await this.fn();
      } catch (err) {
        this.logger.warn('periodic_task_failed', { task: this.name, error: err });
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const next = this.again ? 0 : this.intervalMs;
    this.again = false;
    this.schedule(next);
  }
}

export interface InstanceOptions {
  /** How often consumers rebalance when nothing asks earlier, ms (RocketMQ: 20 s). */
  rebalanceInterval?: number;
}

export class ClientInstance {
  readonly clientId: string;
  readonly remoting: RemotingClient;
  readonly api: MQClientAPI;
  readonly routes: RouteCache;
  readonly logger: Logger;
  private readonly producers = new Map<string, ProducerInner>();
  private readonly consumers = new Map<string, ConsumerInner>();
  private refs = 0;
  private started = false;
  private closed = false;
  private readonly tasks: Periodic[] = [];
  private readonly rebalanceTask: Periodic;
  private heartbeatRunning?: Promise<void>;
  readonly startTimestamp = Date.now();

  private constructor(readonly config: ClientConfig, opts: InstanceOptions) {
    this.clientId = buildClientId(config);
    this.logger = config.logger;
    const creds = config.credentials;
    this.remoting = new RemotingClient({
      connectTimeoutMs: config.connectTimeoutMillis, defaultTimeoutMs: config.mqClientApiTimeout, logger: config.logger.child('remoting'),
      beforeRequest: creds ? (_addr, req) => signRequest(req, creds) : undefined,
    });
    this.api = new MQClientAPI(this.remoting, config.namesrvAddr, config.logger);
    this.routes = new RouteCache(this.api, () => this.config.mqClientApiTimeout, config.logger);
    for (const code of [RequestCode.GET_CONSUMER_RUNNING_INFO, RequestCode.RESET_CONSUMER_CLIENT_OFFSET, RequestCode.CONSUME_MESSAGE_DIRECTLY]) {
      this.remoting.registerProcessor(code, (req, conn) => this.dispatchToConsumer(req, conn));
    }
    this.remoting.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (req, conn) => this.dispatchToProducer(req, conn));
    this.remoting.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) => {
      this.logger.info('consumer_ids_changed', { group: req.extFields?.consumerGroup });
      this.rebalanceImmediately();
      return undefined;
    });
    this.rebalanceTask = new Periodic(() => this.doRebalance(), opts.rebalanceInterval ?? 20_000, this.logger, 'rebalance');
    this.tasks.push(
      new Periodic(() => this.updateTopicRoutes(), config.pollNameServerInterval, this.logger, 'update_routes'),
      new Periodic(() => this.sendHeartbeatToAllBrokers(), config.heartbeatBrokerInterval, this.logger, 'heartbeat'),
      new Periodic(() => this.persistAllConsumerOffset(), config.persistConsumerOffsetInterval, this.logger, 'persist_offsets'),
      this.rebalanceTask,
    );
  }

  /** The instance for `config`'s client id, created on first use (MQClientManager). Pair with release(). */
  static acquire(config: ClientConfig, opts: InstanceOptions = {}): ClientInstance {
    const id = buildClientId(config);
    let inst = instances.get(id);
    if (!inst || inst.closed) {
      inst = new ClientInstance(config, opts);
      instances.set(id, inst);
    }
    inst.refs++;
    return inst;
  }

  /** Starts the shared timers once. */
  start(): void {
    if (this.closed) throw new ClientStateError(`client instance ${this.clientId} is shut down`);
    if (this.started) return;
    this.started = true;
    for (const t of this.tasks) t.start();
  }

  /** Drops one reference; the last one stops the timers and closes every connection. */
  async release(): Promise<void> {
    if (--this.refs > 0 || this.closed) return;
    this.closed = true;
    if (instances.get(this.clientId) === this) instances.delete(this.clientId);
    await Promise.all(this.tasks.map((t) => t.stop()));
    await this.heartbeatRunning;
    await this.remoting.close();
  }

  registerProducer(p: ProducerInner): boolean {
    if (this.producers.has(p.group)) return false;
    this.producers.set(p.group, p);
    return true;
  }

  registerConsumer(c: ConsumerInner): boolean {
    if (this.consumers.has(c.group)) return false;
    this.consumers.set(c.group, c);
    return true;
  }

  async unregisterProducer(group: string): Promise<void> {
    if (!this.producers.delete(group)) return;
    await this.unregisterClient({ producerGroup: group });
  }

  async unregisterConsumer(group: string): Promise<void> {
    if (!this.consumers.delete(group)) return;
    await this.unregisterClient({ consumerGroup: group });
  }

  /** UNREGISTER_CLIENT to every known broker node; failures are logged, the broker also notices the closed channel. */
  private async unregisterClient(groups: { producerGroup?: string; consumerGroup?: string }): Promise<void> {
    const extra = this.producers.size === 0 && this.consumers.size === 0 ? [{ producerGroup: MixAll.CLIENT_INNER_PRODUCER_GROUP }] : [];
    await Promise.all(
      this.routes.allBrokers().flatMap(({ addr }) =>
        [groups, ...extra].map((g) =>
          this.api.unregisterClient(addr, { clientID: this.clientId, ...g }, this.config.mqClientApiTimeout).catch((err: unknown) =>
            this.logger.warn('unregister_client_failed', { addr, ...g, error: err }),
          ),
        ),
      ),
    );
  }

  getConsumer(group: string): ConsumerInner | undefined {
    return this.consumers.get(group);
  }

  /** Refreshes one topic's route and hands the derived queues to every producer and consumer that uses it. */
  async updateTopicRouteInfoFromNameServer(topic: string, defaultTopic?: { key: string; queueNums: number }): Promise<boolean> {
    const changed = await this.routes.update(topic, defaultTopic);
    const route = this.routes.topicRouteTable.get(topic);
    if (!route) return false;
    if (changed) this.heartbeatNewBrokers();
    // A client that registered after the route was cached gets it even though it did not change.
    for (const p of this.producers.values()) {
      if (!p.publishTopics().includes(topic) || !(changed || p.isPublishTopicNeedUpdate(topic))) continue;
      const info = topicRouteData2TopicPublishInfo(topic, route);
      info.haveTopicRouterInfo = true;
      p.updateTopicPublishInfo(topic, info);
    }
    for (const c of this.consumers.values()) {
      if (!c.subscriptions().some((s) => s.topic === topic) || !(changed || c.isSubscribeTopicNeedUpdate(topic))) continue;
      c.updateTopicSubscribeInfo(topic, topicRouteData2TopicSubscribeInfo(topic, route));
    }
    return changed;
  }

  /** Every topic a producer publishes to or a consumer subscribes to (updateTopicRouteInfoFromNameServer()). */
  async updateTopicRoutes(): Promise<void> {
    const topics = new Set<string>();
    for (const p of this.producers.values()) for (const t of p.publishTopics()) topics.add(t);
    for (const c of this.consumers.values()) for (const s of c.subscriptions()) topics.add(s.topic);
    await Promise.all(
      [...topics].map((t) => this.updateTopicRouteInfoFromNameServer(t).catch((err: unknown) => this.logger.warn('update_route_failed', { topic: t, error: err }))),
    );
  }

  /**
   * Set by a gRPC endpoint: the clients it serves, sent in every heartbeat so a RocketDeck broker lists them one by
   * one (HeartbeatData.remoteClients; other brokers ignore the field).
   */
  remoteClients?: () => RemoteClientData[];

  prepareHeartbeatData(): HeartbeatData {
    return {
      clientID: this.clientId,
      consumerDataSet: [...this.consumers.values()].map((c) => ({
        groupName: c.group,
        consumeType: c.consumeType,
        messageModel: c.messageModel,
        consumeFromWhere: c.consumeFromWhere,
        subscriptionDataSet: javaHashSetOrder(c.subscriptions()),
        unitMode: false,
      })),
      // Java instances always carry their inner producer (used for consumer send-back fallbacks).
      producerDataSet: [
        { groupName: MixAll.CLIENT_INNER_PRODUCER_GROUP },
        ...[...this.producers.keys()].filter((g) => g !== MixAll.CLIENT_INNER_PRODUCER_GROUP).map((groupName) => ({ groupName })),
      ],
      ...(this.remoteClients ? { remoteClients: this.remoteClients() } : {}),
    };
  }

  /** HEART_BEAT to every master, and to slaves too when consumers are registered (they may pull from slaves). */
  /** Brokers that have had a heartbeat from this instance (new ones get one as soon as a route shows them). */
  private readonly heartbeated = new Set<string>();

  sendHeartbeatToAllBrokers(): Promise<void> {
    this.heartbeatRunning ??= this.heartbeatOnce().finally(() => (this.heartbeatRunning = undefined));
    return this.heartbeatRunning;
  }

  private async heartbeatOnce(): Promise<void> {
    if (this.producers.size === 0 && this.consumers.size === 0) return;
    await this.heartbeatTo(this.heartbeatTargets());
  }

  private heartbeatTargets(): ReturnType<RouteCache['allBrokers']> {
    return this.routes.allBrokers().filter((b) => this.consumers.size > 0 || b.brokerId === MixAll.MASTER_ID);
  }

  private async heartbeatTo(brokers: ReturnType<RouteCache['allBrokers']>): Promise<void> {
    const data = this.prepareHeartbeatData();
    await Promise.all(
      brokers.map(async (b) => {
        try {
          await this.api.sendHeartbeat(b.addr, data, this.config.mqClientApiTimeout);
          this.heartbeated.add(b.addr);
        } catch (err) {
          this.logger.warn('heartbeat_failed', { brokerName: b.brokerName, addr: b.addr, error: err });
        }
      }),
    );
  }

  /**
   * A broker that first shows up in a route gets a heartbeat at once rather than at the next 30 s tick, so it
   * knows this client's groups right away (Java's first heartbeat follows its first route update by ~1 s).
   */
  private heartbeatNewBrokers(): void {
    if (this.producers.size === 0 && this.consumers.size === 0) return;
    const fresh = this.heartbeatTargets().filter((b) => !this.heartbeated.has(b.addr));
    if (fresh.length === 0) return;
    for (const b of fresh) this.heartbeated.add(b.addr);
    void this.heartbeatTo(fresh).then(() => undefined);
  }

  /** Wakes the rebalance service now (NOTIFY_CONSUMER_IDS_CHANGED, consumer start). */
  rebalanceImmediately(): void {
    this.rebalanceTask.wake();
  }

  private async doRebalance(): Promise<void> {
    for (const c of this.consumers.values()) {
      try {
        await c.doRebalance();
      } catch (err) {
        this.logger.warn('rebalance_failed', { group: c.group, error: err });
      }
    }
  }

  private async persistAllConsumerOffset(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((c) => c.persistConsumerOffset()));
  }

  /** GET_CONSUMER_LIST_BY_GROUP from a broker of the topic; undefined when no broker could answer. */
  async findConsumerIdList(topic: string, group: string): Promise<string[] | undefined> {
    let addr = this.routes.findBrokerAddrByTopic(topic);
    if (!addr) {
      await this.updateTopicRouteInfoFromNameServer(topic).catch(() => false);
      addr = this.routes.findBrokerAddrByTopic(topic);
    }
    if (!addr) return undefined;
    try {
      return await this.api.getConsumerIdListByGroup(addr, group, this.config.mqClientApiTimeout);
    } catch (err) {
      this.logger.warn('get_consumer_list_failed', { addr, group, error: err });
      return undefined;
    }
  }

  /** CHECK_TRANSACTION_STATE (oneway, no answer): to the producer of the message's group (PGROUP), as Java's. */
  private async dispatchToProducer(req: RemotingCommand, conn: RemotingConnection): Promise<undefined> {
    let msg: MessageExt;
    try {
      msg = decodeMessage(req.body ?? Buffer.alloc(0), 0);
    } catch (err) {
      this.logger.warn('check_transaction_state_undecodable', { remoteAddr: conn.remoteAddr, error: err });
      return undefined;
    }
    const group = msg.properties[MessageConst.PROPERTY_PRODUCER_GROUP];
    const p = group === undefined ? undefined : this.producers.get(group);
    if (!p?.checkTransactionState) {
      this.logger.warn('check_transaction_state_no_producer', { producerGroup: group, remoteAddr: conn.remoteAddr });
      return undefined;
    }
    p.checkTransactionState(msg, req, conn);
    return undefined;
  }

  private async dispatchToConsumer(req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand | undefined> {
    const group = req.extFields?.consumerGroup ?? req.extFields?.group ?? '';
    const c = this.consumers.get(group);
    if (!c) return createResponse(req, ResponseCode.SYSTEM_ERROR, `The Consumer Group <${group}> not exist in this consumer`);
    return c.handleBrokerRequest(req, conn);
  }
}
