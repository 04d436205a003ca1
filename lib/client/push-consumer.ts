// PushConsumer (DefaultMQPushConsumer): long-polling pulls per assigned queue, flow control, and a listener fed
// concurrently or orderly; rebalancing, offsets and broker requests are delegated to the modules beside it.

import { acquireEventLoopMonitor, releaseEventLoopMonitor } from './event-loop.ts';
import { getRetryTopic, MixAll, ResponseCode } from '../protocol/codes.ts';
import type { ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData } from '../protocol/bodies/consumer.ts';
import type { MessageQueue } from '../protocol/bodies/read.ts';
import type { RemotingCommand } from '../remoting/command.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import { ResponseCodeError } from '../remoting/errors.ts';
import type { Logger } from '../common/log.ts';
import { TimerSet } from './async-util.ts';
import { pickClientOptions, resolveClientConfig, type ClientOptions } from './client-config.ts';
import { ClientInstance, type ConsumerInner } from './client-instance.ts';
import { ConsumeMessageConcurrentlyService } from './consume-concurrently.ts';
import { ConsumeMessageOrderlyService } from './consume-orderly.ts';
import {
  effectiveMaxReconsumeTimes, type BatchMessageListener, type ConsumeHost, type ConsumeMessageService, type Listener, type MessageListener,
} from './consume-service.ts';
import { handleConsumerRequest } from './consumer-requests.ts';
import { ConsumerSendBack } from './consumer-send-back.ts';
import { ClientConfigError, ClientStateError, MQClientError } from './errors.ts';
import { defaultLocalOffsetStoreDir, LocalFileOffsetStore, RemoteBrokerOffsetStore, type OffsetStore } from './offset-store.ts';
import { computePullFromWhere } from './pull-offset.ts';
import { PullAPIWrapper, PullSysFlag, type ConsumedMessage } from './pull-api.ts';
import type { ProcessQueue } from './process-queue.ts';
import { resolvePushOptions, type PushConsumerOptions, type ResolvedPushOptions } from './push-consumer-options.ts';
import { RebalanceImpl, type PullRequest } from './rebalance.ts';
import { ConsumerStats } from './stats.ts';
import { buildSubscriptionData, EXPRESSION_TYPE_TAG, type SubscriptionExpression } from './subscription.ts';

const PULL_DELAY_WHEN_FLOW_CONTROL = 50;
const PULL_DELAY_WHEN_SUSPEND = 1000;
const PULL_DELAY_WHEN_BROKER_FLOW_CONTROL = 20;
/** An orderly queue given away is force-unlocked once its lock is this old, even if a listener call still runs. */
const UNLOCK_DELAY_TIME_MILLS = 20_000;
const MiB = 1024 * 1024;

export class PushConsumer implements ConsumerInner, ConsumeHost {
  readonly group: string;
  readonly messageModel: MessageModel;
  readonly consumeFromWhere: ConsumeFromWhere;
  readonly consumeType: ConsumeType = 'CONSUME_PASSIVELY';
  readonly opts: ResolvedPushOptions;
  readonly stats = new ConsumerStats();
  logger: Logger;
  private readonly clientOptions: ClientOptions;
  private readonly pendingSubs = new Map<string, SubscriptionExpression>();
  private state: 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' = 'CREATE_JUST';
  private paused = false;
  private readonly timers = new TimerSet();
  private instance?: ClientInstance;
  private rebalanceImpl?: RebalanceImpl;
  private pullApi?: PullAPIWrapper;
  private consumeService?: ConsumeMessageService;
  private store?: OffsetStore;
  private sendBack?: ConsumerSendBack;
  private userListener?: Listener;
  startTimestamp = 0;

  constructor(options: PushConsumerOptions) {
    this.opts = resolvePushOptions(options);
    this.group = this.opts.group;
    this.messageModel = this.opts.messageModel;
    this.consumeFromWhere = this.opts.consumeFromWhere;
    // Like Java, only clustering consumers get a per-process instance name; broadcasting keeps "DEFAULT" so its
    // local offset file (which lives under the client id) is found again after a restart.
    this.clientOptions = pickClientOptions(options);
    this.clientOptions.instanceName ??= this.messageModel === 'BROADCASTING' ? 'DEFAULT' : undefined;
    if (this.clientOptions.instanceName === undefined) delete this.clientOptions.instanceName;
    this.logger = resolveClientConfig(this.clientOptions).logger;
  }

  get clientId(): string | undefined {
    return this.instance?.clientId;
  }

  get listener(): Listener {
    return this.userListener!;
  }

  get offsetStore(): OffsetStore {
    return this.store!;
  }

  get consumeMessageBatchMaxSize(): number {
    return this.userListener?.kind === 'single' ? 1 : this.opts.consumeMessageBatchMaxSize;
  }

  get suspendCurrentQueueTimeMillis(): number {
    return this.opts.suspendCurrentQueueTimeMillis;
  }

  get consumeThreadMin(): number {
    return this.opts.consumeThreadMin;
  }

  get maxReconsumeTimes(): number {
    return this.opts.maxReconsumeTimes;
  }

  /**
   * Subscribes to `topic`; `subExpression` is "*", tags joined by "||", or a MessageSelector (`bySql(...)`: the
   * broker filters by the message's properties). Allowed before and after start().
   */
  subscribe(topic: string, subExpression: SubscriptionExpression = '*'): this {
    buildSubscriptionData(topic, subExpression);
    this.pendingSubs.set(topic, subExpression);
    if (this.rebalanceImpl) {
      this.rebalanceImpl.subscriptionInner.set(topic, buildSubscriptionData(topic, subExpression));
      this.afterSubscriptionChange().catch((err: unknown) => this.logger.warn('subscribe_failed', { group: this.group, topic, error: err }));
    }
    return this;
  }

  unsubscribe(topic: string): this {
    this.pendingSubs.delete(topic);
    this.rebalanceImpl?.subscriptionInner.delete(topic);
    return this;
  }

  /** The listener called for each message. */
  onMessage(fn: MessageListener): this {
    this.setListener({ kind: 'single', fn });
    return this;
  }

  /** The listener called with up to consumeMessageBatchMaxSize messages of one queue. */
  onBatch(fn: BatchMessageListener): this {
    this.setListener({ kind: 'batch', fn });
    return this;
  }

  private setListener(l: Listener): void {
    if (this.state !== 'CREATE_JUST') throw new ClientStateError('the listener must be set before start()');
    this.userListener = l;
  }

  isRunning(): boolean {
    return this.state === 'RUNNING';
  }

  /** Stops pulling until resume(); queues stay assigned. */
  suspend(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') throw new ClientStateError(`consumer ${this.group} was already started (state ${this.state})`);
    if (!this.userListener) throw new ClientConfigError('listener', 'call onMessage() or onBatch() before start()');
    if (this.pendingSubs.size === 0) throw new ClientConfigError('subscription', 'subscribe() to at least one topic before start()');
    const config = resolveClientConfig(this.clientOptions);
    const inst = ClientInstance.acquire(config, { rebalanceInterval: this.opts.rebalanceInterval });
    this.logger = config.logger;
    const rebalance = new RebalanceImpl(inst, this.group, this.messageModel, this.opts.strategy, {
      removeUnnecessaryMessageQueue: (mq, pq) => this.removeUnnecessaryMessageQueue(mq, pq),
      computePullFromWhere: (mq) => computePullFromWhere(inst, this.store!, mq, this.consumeFromWhere, this.opts.consumeTimestamp),
      removeDirtyOffset: (mq) => this.store!.removeOffset(mq),
      dispatchPullRequests: (reqs) => reqs.forEach((r) => this.executePullRequestLater(r, 0)),
      messageQueueChanged: () => this.onMessageQueueChanged(),
      dropExpiredPullQueues: true,
    }, this.logger);
    for (const [topic, expr] of this.pendingSubs) rebalance.subscriptionInner.set(topic, buildSubscriptionData(topic, expr));
    if (this.messageModel === 'CLUSTERING') {
      const retry = getRetryTopic(this.group);
      rebalance.subscriptionInner.set(retry, buildSubscriptionData(retry, '*'));
    }
    this.instance = inst;
    this.rebalanceImpl = rebalance;
    this.pullApi = new PullAPIWrapper(inst, this.group);
    this.sendBack = new ConsumerSendBack(inst, this.group, this.clientOptions, this.logger);
    this.store = this.messageModel === 'BROADCASTING'
      ? new LocalFileOffsetStore(this.opts.offsetStoreDir ?? defaultLocalOffsetStoreDir(), inst.clientId, this.group, this.logger)
      : new RemoteBrokerOffsetStore(inst, this.group, this.logger);
    await this.store.load();
    this.consumeService = this.opts.orderly ? new ConsumeMessageOrderlyService(this, rebalance) : new ConsumeMessageConcurrentlyService(this);
    if (!inst.registerConsumer(this)) {
      await inst.release();
      throw new ClientConfigError('group', `the consumer group ${this.group} is already registered in client ${inst.clientId}`);
    }
    this.consumeService.start();
    inst.start();
    this.state = 'RUNNING';
    this.startTimestamp = Date.now();
    acquireEventLoopMonitor();
    await this.afterSubscriptionChange(true);
  }

  /**
   * MQClientInstance.checkClientInBroker: each SQL92 subscription is shown to a broker of its topic before the first
   * heartbeat; a broker without enablePropertyFilter, or one that cannot compile the expression, fails start() (and
   * the consumer is shut down).
   */
  private async checkClientInBroker(): Promise<void> {
    const inst = this.instance!;
    for (const sub of this.rebalanceImpl!.subscriptionInner.values()) {
      if (sub.expressionType === EXPRESSION_TYPE_TAG) continue;
      const addr = inst.routes.findBrokerAddrByTopic(sub.topic);
      if (!addr) continue;
      try {
        await inst.api.checkClientInBroker(addr, this.group, inst.clientId, sub, inst.config.mqClientApiTimeout);
      } catch (err) {
        // unlike the Java client (which stays started), a refused subscription stops the consumer it would not feed
        await this.shutdown().catch(() => undefined);
        throw new MQClientError(
          `Check client in broker error, maybe because you use ${sub.expressionType} to filter message, but server has not been ` +
          `upgraded to support! ${(err as Error).message}`, { cause: err });
      }
    }
  }

  /** Routes of every subscribed topic, a heartbeat carrying the subscriptions, then a rebalance. */
  private async afterSubscriptionChange(checkInBroker = false): Promise<void> {
    const inst = this.instance!;
    await Promise.all(
      [...this.rebalanceImpl!.subscriptionInner.keys()].map((t) =>
        inst.updateTopicRouteInfoFromNameServer(t).catch((err: unknown) => {
          if (!t.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) this.logger.warn('subscribe_route_failed', { group: this.group, topic: t, error: err });
        }),
      ),
    );
    if (checkInBroker) await this.checkClientInBroker();
    await inst.sendHeartbeatToAllBrokers();
    inst.rebalanceImmediately();
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    this.state = 'SHUTDOWN_ALREADY';
    this.timers.clear();
    releaseEventLoopMonitor();
    await this.consumeService!.shutdown(this.opts.awaitTerminationMillisWhenShutdown);
    await this.persistConsumerOffset(true);
    // Orderly queues are unlocked only once their offsets are committed, so the next owner starts after them.
    if (this.opts.orderly && this.messageModel === 'CLUSTERING') await this.rebalanceImpl!.unlockAll(false);
    this.rebalanceImpl!.destroy();
    await this.instance!.unregisterConsumer(this.group);
    await this.sendBack!.shutdown();
    await this.instance!.release();
  }

  subscriptions(): SubscriptionData[] {
    return [...(this.rebalanceImpl?.subscriptionInner.values() ?? [])];
  }

  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return !!this.rebalanceImpl?.subscriptionInner.has(topic) && !this.rebalanceImpl.topicSubscribeInfoTable.has(topic);
  }

  updateTopicSubscribeInfo(topic: string, mqs: MessageQueue[]): void {
    if (this.rebalanceImpl?.subscriptionInner.has(topic)) this.rebalanceImpl.topicSubscribeInfoTable.set(topic, mqs);
  }

  async doRebalance(): Promise<void> {
    if (this.state !== 'RUNNING' || this.paused) return;
    const r = this.rebalanceImpl!;
    // A topic without a route yet (e.g. the retry topic right after the broker created it) is looked up now.
    for (const topic of r.subscriptionInner.keys()) {
      if (!r.topicSubscribeInfoTable.has(topic)) await this.instance!.updateTopicRouteInfoFromNameServer(topic).catch(() => false);
    }
    await r.doRebalance(this.opts.orderly);
  }

  async persistConsumerOffset(sync = false): Promise<void> {
    if (!this.rebalanceImpl || !this.store) return;
    await this.store.persistAll(this.rebalanceImpl.workingQueues(), sync);
  }

  /** Queues this consumer works on now. */
  assignedQueues(): MessageQueue[] {
    return this.rebalanceImpl?.workingQueues() ?? [];
  }

  handleBrokerRequest(req: RemotingCommand, conn: RemotingConnection): Promise<RemotingCommand | undefined> {
    return handleConsumerRequest(this.internals(), req, conn);
  }

  private internals() {
    return {
      consumer: this,
      instance: this.instance!,
      rebalance: this.rebalanceImpl!,
      offsetStore: this.store!,
      consumeService: this.consumeService!,
      opts: this.opts,
      removeUnnecessaryMessageQueue: (mq: MessageQueue, pq: ProcessQueue) => this.removeUnnecessaryMessageQueue(mq, pq),
    };
  }

  private onMessageQueueChanged(): void {
    const n = this.rebalanceImpl!.workingQueues().length;
    if (n === 0) return;
    if (this.opts.pullThresholdForTopic !== -1) this.opts.pullThresholdForQueue = Math.max(1, Math.floor(this.opts.pullThresholdForTopic / n));
    if (this.opts.pullThresholdSizeForTopic !== -1) this.opts.pullThresholdSizeForQueue = Math.max(1, Math.floor(this.opts.pullThresholdSizeForTopic / n));
  }

  async lockQueue(mq: MessageQueue): Promise<boolean> {
    return this.rebalanceImpl!.lock(mq);
  }

  private async removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean> {
    const store = this.store!;
    if (!(this.opts.orderly && this.messageModel === 'CLUSTERING')) {
      await store.persist(mq, true);
      store.removeOffset(mq);
      return true;
    }
    await store.persist(mq, true);
    // Give an orderly queue away only between listener calls, so two members never work on it at once.
    const force = pq.dropped && Date.now() > pq.lastLockTimestamp + UNLOCK_DELAY_TIME_MILLS;
    const got = force || (await pq.consumeLock.tryLock(500));
    if (!got) {
      pq.tryUnlockTimes++;
      return false;
    }
    try {
      await store.persist(mq, true);
      store.removeOffset(mq);
      pq.locked = false;
      await this.rebalanceImpl!.unlock(mq, true);
      return true;
    } finally {
      if (!force) pq.consumeLock.unlock();
    }
  }

  private executePullRequestLater(req: PullRequest, delayMs: number): void {
    if (this.state !== 'RUNNING') return;
    if (delayMs <= 0) setImmediate(() => void this.pullMessage(req));
    else this.timers.after(delayMs, () => void this.pullMessage(req));
  }

  /** DefaultMQPushConsumerImpl.pullMessage: flow control checks, then one PULL_MESSAGE and what follows from its answer. */
  private async pullMessage(req: PullRequest): Promise<void> {
    const pq = req.processQueue;
    if (pq.dropped || this.state !== 'RUNNING') return;
    pq.lastPullTimestamp = Date.now();
    if (this.paused) return this.executePullRequestLater(req, PULL_DELAY_WHEN_SUSPEND);
    if (pq.msgCount > this.opts.pullThresholdForQueue || pq.msgSize / MiB > this.opts.pullThresholdSizeForQueue) {
      return this.executePullRequestLater(req, PULL_DELAY_WHEN_FLOW_CONTROL);
    }
    const mq = req.messageQueue;
    if (!this.opts.orderly) {
      if (pq.getMaxSpan() > this.opts.consumeConcurrentlyMaxSpan) return this.executePullRequestLater(req, PULL_DELAY_WHEN_FLOW_CONTROL);
    } else if (pq.locked) {
      if (!req.previouslyLocked) {
        // The first pull after taking the lock starts from the committed offset: the previous owner may have moved it.
        try {
          req.nextOffset = await computePullFromWhere(this.instance!, this.store!, mq, this.consumeFromWhere, this.opts.consumeTimestamp);
          req.previouslyLocked = true;
        } catch (err) {
          this.logger.warn('compute_pull_offset_failed', { group: this.group, topic: mq.topic, queueId: mq.queueId, error: err });
          return this.executePullRequestLater(req, this.opts.pullTimeDelayMillsWhenException);
        }
      }
    } else {
      return this.executePullRequestLater(req, this.opts.pullTimeDelayMillsWhenException);
    }
    const sub = this.rebalanceImpl!.subscriptionInner.get(mq.topic);
    if (!sub) return this.executePullRequestLater(req, this.opts.pullTimeDelayMillsWhenException);
    let commitOffsetValue = 0;
    if (this.messageModel === 'CLUSTERING') commitOffsetValue = await this.store!.readOffset(mq, 'MEMORY');
    const commitOffsetEnable = commitOffsetValue > 0;
    const subExpression = this.opts.postSubscriptionWhenPull && !sub.classFilterMode ? sub.subString : undefined;
    const begin = Date.now();
    let result;
    try {
      result = await this.pullApi!.pullKernelImpl({
        mq,
        subExpression,
        expressionType: sub.expressionType,
        subVersion: sub.subVersion,
        offset: req.nextOffset,
        maxNums: this.opts.pullBatchSize,
        sysFlag: PullSysFlag.build(commitOffsetEnable, true, subExpression !== undefined, sub.classFilterMode),
        commitOffset: commitOffsetEnable ? commitOffsetValue : 0,
        brokerSuspendMaxTimeMillis: this.opts.brokerSuspendMaxTimeMillis,
        timeoutMillis: this.opts.consumerTimeoutMillisWhenSuspend,
      });
    } catch (err) {
      if (this.state !== 'RUNNING') return;
      if (!mq.topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)) this.logger.warn('pull_failed', { group: this.group, topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, error: err });
      const flowControl = err instanceof ResponseCodeError && err.code === ResponseCode.FLOW_CONTROL;
      return this.executePullRequestLater(req, flowControl ? PULL_DELAY_WHEN_BROKER_FLOW_CONTROL : this.opts.pullTimeDelayMillsWhenException);
    }
    if (this.state !== 'RUNNING') return;
    const msgs = this.pullApi!.processPullResult(mq, result, sub);
    switch (result.pullStatus) {
      case 'FOUND': {
        req.nextOffset = result.nextBeginOffset;
        this.stats.incPullRT(mq.topic, Date.now() - begin);
        if (msgs.length === 0) return this.executePullRequestLater(req, 0);
        this.stats.incPullTPS(mq.topic, msgs.length);
        const dispatch = pq.putMessage(msgs);
        this.consumeService!.submitConsumeRequest(msgs, pq, mq, dispatch);
        return this.executePullRequestLater(req, this.opts.pullInterval);
      }
      case 'NO_NEW_MSG':
      case 'NO_MATCHED_MSG':
        req.nextOffset = result.nextBeginOffset;
        // Nothing cached: the offset may move past messages the broker filtered out.
        if (pq.msgCount === 0) this.store!.updateOffset(mq, req.nextOffset, true);
        return this.executePullRequestLater(req, 0);
      case 'OFFSET_ILLEGAL':
        this.logger.warn('pull_offset_illegal', { group: this.group, topic: mq.topic, queueId: mq.queueId, offset: req.nextOffset, nextBeginOffset: result.nextBeginOffset });
        req.nextOffset = result.nextBeginOffset;
        pq.dropped = true;
        this.timers.after(10_000, () => void this.fixOffsetIllegal(req));
        return;
    }
  }

  private async fixOffsetIllegal(req: PullRequest): Promise<void> {
    this.store!.updateAndFreezeOffset(req.messageQueue, req.nextOffset);
    await this.store!.persist(req.messageQueue, true);
    await this.rebalanceImpl!.removeProcessQueue(req.messageQueue);
    this.instance!.rebalanceImmediately();
  }

  sendMessageBack(msg: ConsumedMessage, delayLevel: number, brokerName: string): Promise<void> {
    return this.sendBack!.sendMessageBack(msg, delayLevel, brokerName, effectiveMaxReconsumeTimes(this.opts.maxReconsumeTimes, false));
  }

  sendMessageBackAsNormalMessage(msg: ConsumedMessage, maxReconsumeTimes: number): Promise<void> {
    return this.sendBack!.sendMessageBackAsNormalMessage(msg, maxReconsumeTimes);
  }

}
