// LitePullConsumer (DefaultLitePullConsumer): the application polls. Queues come from assign() or from a
// rebalanced subscribe(); a pull task per queue keeps a bounded cache filled; offsets of what poll() returned are
// committed automatically or by commit()/commitSync().

import type { ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData } from '../protocol/bodies/consumer.ts';
import { mqKey, type MessageQueue } from '../protocol/bodies/read.ts';
import { ResponseCode } from '../protocol/codes.ts';
import { createResponse, type RemotingCommand } from '../remoting/command.ts';
import type { Logger } from '../common/log.ts';
import { Signal, TimerSet } from './async-util.ts';
import { pickClientOptions, resolveClientConfig, type ClientOptions } from './client-config.ts';
import { ClientInstance, type ConsumerInner } from './client-instance.ts';
import { ClientConfigError, ClientStateError, MQClientError } from './errors.ts';
import { resolveLitePullOptions, type LitePullConsumerOptions, type ResolvedLitePullOptions } from './lite-pull-options.ts';
import { defaultLocalOffsetStoreDir, LocalFileOffsetStore, RemoteBrokerOffsetStore, type OffsetStore } from './offset-store.ts';
import { ProcessQueue } from './process-queue.ts';
import { topicRouteData2TopicSubscribeInfo } from './publish-info.ts';
import { PullAPIWrapper, PullSysFlag, type ConsumedMessage } from './pull-api.ts';
import { computePullFromWhere, maxOffset, minOffset, searchOffset } from './pull-offset.ts';
import { RebalanceImpl } from './rebalance.ts';
import { buildSubscriptionData, type SubscriptionExpression } from './subscription.ts';

const DELAY_WHEN_FLOW_CONTROL = 50;
const DELAY_WHEN_PAUSE = 1000;
const DELAY_ON_EXCEPTION = 3000;
const MiB = 1024 * 1024;

/** MessageQueueState of AssignedMessageQueue. */
interface AssignedQueue {
  mq: MessageQueue;
  pq: ProcessQueue;
  paused: boolean;
  /** Next offset to pull; -1 until computed. */
  pullOffset: number;
  /** Offset after the last message poll() returned; -1 when nothing was polled. */
  consumeOffset: number;
  /** Set by seek*(): the next pull starts there. */
  seekOffset: number;
  /**
   * Bumped by seek*() and removal: the pull loop of an older version stops (its result is thrown away) and a
   * seek starts a new loop at once instead of waiting for the long poll in flight.
   */
  version: number;
  removed: boolean;
}

interface ConsumeRequest {
  msgs: ConsumedMessage[];
  aq: AssignedQueue;
  version: number;
}

export class LitePullConsumer implements ConsumerInner {
  readonly group: string;
  readonly messageModel: MessageModel;
  readonly consumeFromWhere: ConsumeFromWhere;
  readonly consumeType: ConsumeType = 'CONSUME_ACTIVELY';
  readonly opts: ResolvedLitePullOptions;
  private logger: Logger;
  private readonly clientOptions: ClientOptions;
  private readonly subs = new Map<string, SubscriptionData>();
  private mode: 'NONE' | 'SUBSCRIBE' | 'ASSIGN' = 'NONE';
  private state: 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' = 'CREATE_JUST';
  private readonly assigned = new Map<string, AssignedQueue>();
  private readonly cache: ConsumeRequest[] = [];
  private cachedCount = 0;
  /** Wakes poll() calls waiting for the cache to fill. */
  private readonly arrived = new Signal();
  private readonly timers = new TimerSet();
  private instance?: ClientInstance;
  private rebalanceImpl?: RebalanceImpl;
  private pullApi?: PullAPIWrapper;
  private store?: OffsetStore;
  private nextAutoCommitDeadline = 0;

  constructor(options: LitePullConsumerOptions) {
    this.opts = resolveLitePullOptions(options);
    this.group = this.opts.group;
    this.messageModel = this.opts.messageModel;
    this.consumeFromWhere = this.opts.consumeFromWhere;
    const co = pickClientOptions(options);
    if (co.instanceName === undefined && this.messageModel === 'BROADCASTING') co.instanceName = 'DEFAULT';
    this.clientOptions = co;
    this.logger = resolveClientConfig(co).logger;
  }

  get clientId(): string | undefined {
    return this.instance?.clientId;
  }

  /** `subExpression`: "*", tags joined by "||", or a MessageSelector (`bySql(...)`, sent with every pull). */
  subscribe(topic: string, subExpression: SubscriptionExpression = '*'): this {
    if (this.mode === 'ASSIGN') throw new ClientStateError('Subscribe and assign are mutually exclusive.');
    this.mode = 'SUBSCRIBE';
    this.subs.set(topic, buildSubscriptionData(topic, subExpression));
    if (this.rebalanceImpl) {
      this.rebalanceImpl.subscriptionInner.set(topic, this.subs.get(topic)!);
      this.refreshSubscriptions().catch((err: unknown) => this.logger.warn('subscribe_failed', { group: this.group, topic, error: err }));
    }
    return this;
  }

  unsubscribe(topic: string): this {
    this.subs.delete(topic);
    this.rebalanceImpl?.subscriptionInner.delete(topic);
    for (const aq of this.assigned.values()) if (aq.mq.topic === topic) this.removeAssigned(aq);
    return this;
  }

  /** Works on exactly these queues (no rebalancing). */
  assign(mqs: readonly MessageQueue[]): this {
    if (this.mode === 'SUBSCRIBE') throw new ClientStateError('Subscribe and assign are mutually exclusive.');
    if (mqs.length === 0) throw new ClientConfigError('messageQueues', 'assign() needs at least one queue');
    this.mode = 'ASSIGN';
    this.updateAssigned(mqs, (t) => t !== undefined);
    return this;
  }

  /** Queues this consumer pulls now. */
  assignment(): MessageQueue[] {
    return [...this.assigned.values()].map((a) => a.mq);
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') throw new ClientStateError(`consumer ${this.group} was already started (state ${this.state})`);
    const config = resolveClientConfig(this.clientOptions);
    const inst = ClientInstance.acquire(config, { rebalanceInterval: this.opts.rebalanceInterval });
    this.logger = config.logger;
    this.instance = inst;
    this.pullApi = new PullAPIWrapper(inst, this.group);
    this.store = this.messageModel === 'BROADCASTING'
      ? new LocalFileOffsetStore(this.opts.offsetStoreDir ?? defaultLocalOffsetStoreDir(), inst.clientId, this.group, this.logger)
      : new RemoteBrokerOffsetStore(inst, this.group, this.logger);
    await this.store.load();
    this.rebalanceImpl = new RebalanceImpl(inst, this.group, this.messageModel, this.opts.strategy, {
      removeUnnecessaryMessageQueue: async (mq) => {
        await this.store!.persist(mq, true);
        this.store!.removeOffset(mq);
        return true;
      },
      computePullFromWhere: (mq) => this.fetchConsumeOffset(mq),
      removeDirtyOffset: (mq) => this.store!.removeOffset(mq),
      dispatchPullRequests: () => undefined,
      messageQueueChanged: (topic, _all, divided) => this.updateAssigned(divided, (t) => t === topic),
      dropExpiredPullQueues: false,
    }, this.logger);
    for (const [t, s] of this.subs) this.rebalanceImpl.subscriptionInner.set(t, s);
    if (!inst.registerConsumer(this)) {
      await inst.release();
      throw new ClientConfigError('group', `the consumer group ${this.group} is already registered in client ${inst.clientId}`);
    }
    inst.start();
    this.state = 'RUNNING';
    this.nextAutoCommitDeadline = Date.now() + this.opts.autoCommitIntervalMillis;
    for (const aq of this.assigned.values()) this.schedulePull(aq, 0);
    await this.refreshSubscriptions();
  }

  private async refreshSubscriptions(): Promise<void> {
    const inst = this.instance!;
    const topics = new Set([...this.subs.keys(), ...[...this.assigned.values()].map((a) => a.mq.topic)]);
    await Promise.all([...topics].map((t) => inst.updateTopicRouteInfoFromNameServer(t).catch((err: unknown) => this.logger.warn('subscribe_route_failed', { group: this.group, topic: t, error: err }))));
    await inst.sendHeartbeatToAllBrokers();
    if (this.mode === 'SUBSCRIBE') inst.rebalanceImmediately();
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    if (this.opts.autoCommit) await this.commitSync();
    this.state = 'SHUTDOWN_ALREADY';
    this.timers.clear();
    this.arrived.notify();
    await this.store!.persistAll(this.assignment(), true);
    this.rebalanceImpl!.destroy();
    await this.instance!.unregisterConsumer(this.group);
    await this.instance!.release();
  }

  /**
   * Messages of one queue, up to pullBatchSize, in offset order; [] when nothing arrived within `timeoutMs`.
   * Their offsets count as consumed (committed automatically when autoCommit is on).
   */
  async poll(timeoutMs = this.opts.pollTimeoutMillis): Promise<ConsumedMessage[]> {
    if (this.state !== 'RUNNING') throw new ClientStateError('The consumer not running, please start it first.');
    if (this.opts.autoCommit) await this.maybeAutoCommit();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const req = this.cache.shift();
      if (req) {
        this.cachedCount -= req.msgs.length;
        if (req.aq.removed || req.version !== req.aq.version || req.aq.pq.dropped) continue;
        const offset = req.aq.pq.removeMessage(req.msgs);
        if (offset >= 0) req.aq.consumeOffset = offset;
        return req.msgs;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.state !== 'RUNNING') return [];
      await this.arrived.wait(left);
    }
  }

  private async maybeAutoCommit(): Promise<void> {
    if (Date.now() < this.nextAutoCommitDeadline) return;
    this.nextAutoCommitDeadline = Date.now() + this.opts.autoCommitIntervalMillis;
    await this.commitAll(false);
  }

  /** Commits the offsets of everything poll() returned so far and waits for the broker. */
  commitSync(): Promise<void> {
    return this.commitAll(true);
  }

  private async commitAll(sync: boolean): Promise<void> {
    for (const aq of this.assigned.values()) if (aq.consumeOffset !== -1) this.store!.updateOffset(aq.mq, aq.consumeOffset, false);
    await this.store!.persistAll(this.assignment(), sync);
  }

  /** Commits the given offsets (the next offset to consume per queue); `persist` also sends them to the store now. */
  async commit(offsets: Iterable<[MessageQueue, number]>, persist = true): Promise<void> {
    const mqs: MessageQueue[] = [];
    for (const [mq, offset] of offsets) {
      const aq = this.assigned.get(mqKey(mq));
      if (!aq) continue;
      this.store!.updateOffset(mq, offset, false);
      aq.consumeOffset = offset;
      mqs.push(mq);
    }
    if (persist) for (const mq of mqs) await this.store!.persist(mq, true);
  }

  /** The offset committed in the store for `mq` (-1 when none). */
  committed(mq: MessageQueue): Promise<number> {
    return this.store!.readOffset(mq, 'STORE');
  }

  /** Next poll of `mq` starts at `offset` (within the queue's min..max). */
  async seek(mq: MessageQueue, offset: number): Promise<void> {
    const aq = this.assignedOrThrow(mq);
    const [min, max] = await Promise.all([minOffset(this.instance!, mq), maxOffset(this.instance!, mq)]);
    if (offset < min || offset > max) throw new MQClientError(`Seek offset illegal, seek offset = ${offset}, min offset = ${min}, max offset = ${max}`);
    this.applySeek(aq, offset);
  }

  async seekToBegin(mq: MessageQueue): Promise<void> {
    this.applySeek(this.assignedOrThrow(mq), await minOffset(this.instance!, mq));
  }

  async seekToEnd(mq: MessageQueue): Promise<void> {
    this.applySeek(this.assignedOrThrow(mq), await maxOffset(this.instance!, mq));
  }

  /** The first offset stored at or after `timestamp` (ms). */
  offsetForTimestamp(mq: MessageQueue, timestamp: number): Promise<number> {
    return searchOffset(this.instance!, mq, timestamp);
  }

  pause(mqs: readonly MessageQueue[]): void {
    for (const mq of mqs) {
      const aq = this.assigned.get(mqKey(mq));
      if (aq) aq.paused = true;
    }
  }

  resume(mqs: readonly MessageQueue[]): void {
    for (const mq of mqs) {
      const aq = this.assigned.get(mqKey(mq));
      if (aq) aq.paused = false;
    }
  }

  /** Every readable queue of `topic` (fetchMessageQueues). */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    if (!this.instance) throw new ClientStateError('The consumer not running, please start it first.');
    await this.instance.updateTopicRouteInfoFromNameServer(topic);
    return topicRouteData2TopicSubscribeInfo(topic, this.instance.routes.topicRouteTable.get(topic)!);
  }

  private assignedOrThrow(mq: MessageQueue): AssignedQueue {
    const aq = this.assigned.get(mqKey(mq));
    if (!aq) throw new MQClientError(`The message queue is not in assigned list, message queue: ${mqKey(mq)}`);
    return aq;
  }

  private applySeek(aq: AssignedQueue, offset: number): void {
    aq.version++;
    aq.seekOffset = offset;
    aq.pq.clear();
    this.dropCached(aq);
    this.schedulePull(aq, 0);
  }

  private dropCached(aq: AssignedQueue): void {
    for (let i = this.cache.length - 1; i >= 0; i--) {
      if (this.cache[i]!.aq === aq) {
        this.cachedCount -= this.cache[i]!.msgs.length;
        this.cache.splice(i, 1);
      }
    }
  }

  /** Makes the queues of the matching topics exactly `mqs`, starting and stopping pull tasks. */
  private updateAssigned(mqs: readonly MessageQueue[], topicMatches: (topic: string | undefined) => boolean): void {
    const wanted = new Map(mqs.map((mq) => [mqKey(mq), mq]));
    for (const [k, aq] of this.assigned) if (topicMatches(aq.mq.topic) && !wanted.has(k)) this.removeAssigned(aq);
    for (const [k, mq] of wanted) {
      if (this.assigned.has(k)) continue;
      const pq = this.rebalanceImpl?.getProcessQueue(mq) ?? new ProcessQueue();
      const aq: AssignedQueue = { mq, pq, paused: false, pullOffset: -1, consumeOffset: -1, seekOffset: -1, version: 0, removed: false };
      this.assigned.set(k, aq);
      if (this.state === 'RUNNING') this.schedulePull(aq, 0);
    }
  }

  private removeAssigned(aq: AssignedQueue): void {
    aq.removed = true;
    aq.version++;
    aq.pq.dropped = true;
    this.assigned.delete(mqKey(aq.mq));
    this.dropCached(aq);
  }

  private fetchConsumeOffset(mq: MessageQueue): Promise<number> {
    return computePullFromWhere(this.instance!, this.store!, mq, this.consumeFromWhere, this.opts.consumeTimestamp);
  }

  /** Schedules the next step of the queue's current pull loop (the loop of its current version). */
  private schedulePull(aq: AssignedQueue, delayMs: number, version = aq.version): void {
    if (this.state !== 'RUNNING' || aq.removed || version !== aq.version) return;
    if (delayMs <= 0) setImmediate(() => void this.pullOnce(aq, version));
    else this.timers.after(delayMs, () => void this.pullOnce(aq, version));
  }

  /** One step of a queue's PullTaskImpl. */
  private async pullOnce(aq: AssignedQueue, version: number): Promise<void> {
    if (this.state !== 'RUNNING' || aq.removed || version !== aq.version) return;
    const pq = aq.pq;
    if (aq.paused) return this.schedulePull(aq, DELAY_WHEN_PAUSE, version);
    if (this.cachedCount > this.opts.pullThresholdForAll || pq.msgCount > this.opts.pullThresholdForQueue ||
      pq.msgSize / MiB > this.opts.pullThresholdSizeForQueue || pq.getMaxSpan() > this.opts.consumeMaxSpan) {
      return this.schedulePull(aq, DELAY_WHEN_FLOW_CONTROL, version);
    }
    let offset: number;
    try {
      if (aq.seekOffset !== -1) {
        offset = aq.seekOffset;
        aq.consumeOffset = offset;
        aq.seekOffset = -1;
      } else {
        offset = aq.pullOffset !== -1 ? aq.pullOffset : await this.fetchConsumeOffset(aq.mq);
      }
    } catch (err) {
      this.logger.warn('lite_pull_offset_failed', { group: this.group, topic: aq.mq.topic, queueId: aq.mq.queueId, error: err });
      return this.schedulePull(aq, DELAY_ON_EXCEPTION, version);
    }
    const sub = this.mode === 'SUBSCRIBE' ? this.subs.get(aq.mq.topic) : buildSubscriptionData(aq.mq.topic, '*');
    if (!sub) return;
    try {
      const result = await this.pullApi!.pullKernelImpl({
        mq: aq.mq,
        subExpression: sub.subString,
        expressionType: sub.expressionType,
        subVersion: sub.subVersion,
        offset,
        maxNums: this.opts.pullBatchSize,
        sysFlag: PullSysFlag.build(false, true, true, false, true),
        commitOffset: 0,
        brokerSuspendMaxTimeMillis: this.opts.brokerSuspendMaxTimeMillis,
        timeoutMillis: this.opts.consumerTimeoutMillisWhenSuspend,
      });
      if (this.state !== 'RUNNING' || aq.removed || version !== aq.version) return;
      const msgs = this.pullApi!.processPullResult(aq.mq, result, sub);
      if (result.pullStatus === 'OFFSET_ILLEGAL') this.logger.warn('lite_pull_offset_illegal', { group: this.group, topic: aq.mq.topic, queueId: aq.mq.queueId, offset, nextBeginOffset: result.nextBeginOffset });
      aq.pullOffset = result.nextBeginOffset;
      if (msgs.length > 0) {
        pq.putMessage(msgs);
        this.cache.push({ msgs, aq, version });
        this.cachedCount += msgs.length;
        this.arrived.notify();
      }
      this.schedulePull(aq, 0, version);
    } catch (err) {
      if (this.state !== 'RUNNING') return;
      this.logger.warn('lite_pull_failed', { group: this.group, topic: aq.mq.topic, brokerName: aq.mq.brokerName, queueId: aq.mq.queueId, error: err });
      void this.instance!.updateTopicRouteInfoFromNameServer(aq.mq.topic).catch(() => false);
      this.schedulePull(aq, DELAY_ON_EXCEPTION, version);
    }
  }

  // ConsumerInner

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
    if (this.state === 'RUNNING' && this.mode === 'SUBSCRIBE') await this.rebalanceImpl!.doRebalance(false);
  }

  async persistConsumerOffset(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    await this.store!.persistAll(this.assignment());
  }

  async handleBrokerRequest(req: RemotingCommand): Promise<RemotingCommand | undefined> {
    // Lite pull consumers answer none of the broker-initiated consumer requests, as in RocketMQ.
    return createResponse(req, ResponseCode.SYSTEM_ERROR, `The Consumer Group <${this.group}> not exist in this consumer`);
  }
}

