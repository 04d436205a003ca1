// The broker process (RocketMQ's BrokerController): opens the store and the JSON tables, serves the remoting
// port, registers with the nameservers, runs the housekeeping timers, and shuts all of it down in order.

import { mkdirSync } from 'node:fs';
import { createLogger, type Logger } from '../common/log.ts';
import {
  applyBrokerProperties,
  brokerConfigBlackList,
  BrokerConfigError,
  parseDelayLevels,
  validateBrokerConfig,
  type BrokerConfig,
} from './config/broker-config.ts';
import { TopicValidator } from '../protocol/constants.ts';
import { MessageConst } from '../protocol/message-const.ts';
import { tagsHashCode } from '../protocol/message.ts';
import type { SocketHost } from '../protocol/message-host.ts';
import { RemotingClient } from '../remoting/client.ts';
import type { RemotingConnection } from '../remoting/connection.ts';
import { RemotingServer } from '../remoting/server.ts';
import { MessageStore } from '../store/message-store.ts';
import { BrokerAuth } from './auth/index.ts';
import { notifyConsumerIdsChanged } from './processor/clients.ts';
import { configPaths } from './config/config-file.ts';
import { ConsumerManager } from './client/consumer-manager.ts';
import { ConsumerOffsetManager } from './offset/consumer-offset-manager.ts';
import { bind, type BrokerContext } from './context.ts';
import { registerHAProcessors } from './ha/handlers.ts';
import { BrokerReplication } from './ha/replication.ts';
import { PullRequestHoldService, type HeldPull } from './longpolling/long-polling.ts';
import { registerBrokerProcessors } from './processor/request-table.ts';
import { ProducerManager } from './client/producer-manager.ts';
import { putInternal } from './put-message.ts';
import { wakeHeldPull } from './processor/pull.ts';
import { RebalanceLockManager } from './client/rebalance-lock-manager.ts';
import { NamesrvRegistration } from './registration/registration.ts';
import { ScheduleMessageService } from './schedule/schedule-message-service.ts';
import { BrokerStats } from './stats/stats.ts';
import { StoreAdapter } from './store-adapter.ts';
import { ConsumerFilterManager } from './filter/consumer-filter.ts';
import { SubscriptionGroupManager } from './subscription/subscription-group-manager.ts';
import { TopicConfigManager } from './topic/topic-config-manager.ts';
import { TopicProducerTable } from './client/topic-producers.ts';
import { TransactionalMessageCheckService } from './transaction/transaction-check.ts';
import { registerPopProcessors } from './pop/register.ts';
import { PopService } from './pop/pop-service.ts';
import { TIMER_TOPIC, TimerService } from './timer/timer-service.ts';

/** How often silent clients are looked for (RocketMQ's ClientHousekeepingService: every 10 s). */
const CLIENT_SCAN_INTERVAL_MS = 10_000;
/** How often held pulls are checked against the store (timeouts, missed wake-ups). */
const HOLD_CHECK_INTERVAL_MS = 500;

export interface BrokerOptions {
  logger?: Logger;
}

export class BrokerController {
  private cfg: BrokerConfig;
  private readonly log: Logger;
  readonly server: RemotingServer;
  readonly client: RemotingClient;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly locks = new RebalanceLockManager();
  readonly topicProducers = new TopicProducerTable();
  readonly stats = new BrokerStats(Date.now, () => this.cfg.brokerClusterName);
  readonly pullHold: PullRequestHoldService;
  /** SQL92 subscriptions from heartbeats and their filter bits slots. */
  readonly filters: ConsumerFilterManager;
  private rawStore?: MessageStore;
  /** Access control (ACL 2.0 users and policies, plain_acl.yml); idle unless configured. */
  readonly auth: BrokerAuth;
  private registration!: NamesrvRegistration;
  private replication!: BrokerReplication;
  private store!: StoreAdapter;
  private schedule!: ScheduleMessageService;
  /** Checks unresolved transactional half messages back with their producers (masters only). */
  transactionCheck?: TransactionalMessageCheckService;
  private ctx!: BrokerContext;
  /** POP consumption and timer messages (masters only start them). */
  pop?: PopService;
  timer?: TimerService;
  private port = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping?: Promise<void>;

  constructor(config: BrokerConfig, opts: BrokerOptions = {}) {
    this.cfg = config;
    this.log = opts.logger ?? createLogger('broker');
    const paths = configPaths(config.store.storePathRootDir);
    this.topics = new TopicConfigManager(() => this.cfg, paths.topics, this.log.child('topic'));
    this.groups = new SubscriptionGroupManager(() => this.cfg, paths.subscriptionGroup, this.log.child('group'));
    this.offsets = new ConsumerOffsetManager(paths.consumerOffset, this.log.child('offset'));
    this.filters = new ConsumerFilterManager({
      log: this.log.child('filter'),
      dispatchedOffset: () => this.rawStore?.getDispatchedOffset() ?? 0,
      bitMapEnabled: () => this.cfg.enableCalcFilterBitMap,
    });
    this.consumers = new ConsumerManager({
      log: this.log.child('consumer'),
      onChange: (group, conns) => {
        if (!this.consumers.getConsumerGroupInfo(group)) this.filters.unregister(group);
        notifyConsumerIdsChanged(this.ctx, group, conns);
      },
    });
    this.producers = new ProducerManager(this.log.child('producer'));
    this.pullHold = new PullRequestHoldService({
      wake: (held) => this.ctx.wakePull(held),
      maxOffset: (topic, queueId) => this.store.getMaxOffsetInQueue(topic, queueId),
    });
    this.server = new RemotingServer({ host: config.bindAddress, port: config.listenPort, logger: this.log.child('remoting') });
    this.auth = new BrokerAuth(() => this.cfg, this.log.child('auth'));
    this.client = new RemotingClient({ logger: this.log.child('namesrv-client'), beforeRequest: this.auth.signOwnRequest });
  }

  get config(): BrokerConfig {
    return this.cfg;
  }

  /** brokerIP1:listenPort (the bound port when listenPort was 0). */
  get brokerAddr(): string {
    return `${this.cfg.brokerIP1}:${this.port || this.cfg.listenPort}`;
  }

  get messageStore(): StoreAdapter {
    return this.store;
  }

  get context(): BrokerContext {
    return this.ctx;
  }

  /** Loads tables, opens the store, listens, registers with the nameservers. Resolves with brokerAddr. */
  async start(): Promise<string> {
    const c = this.cfg;
    mkdirSync(c.store.storePathRootDir, { recursive: true });
    this.topics.load();
    this.groups.load();
    this.offsets.load();
    this.auth.load();
    const schedulePath = configPaths(c.store.storePathRootDir).delayOffset;
    let schedule: ScheduleMessageService | undefined;
    const startLevels = parseDelayLevels(c.messageDelayLevel);
    const raw = await MessageStore.open(c.store, {
      // Scheduled messages are indexed by when they are due, as RocketMQ's consume queue has them (recovery
      // rebuilds queues before the schedule service exists, hence the levels read at start).
      tagsCodeCalculator: (topic, props, storeTimestamp) => {
        if (topic === TopicValidator.RMQ_SYS_SCHEDULE_TOPIC) {
          const level = parseInt(props[MessageConst.PROPERTY_DELAY_TIME_LEVEL] ?? '0', 10);
          if (level > 0 && schedule) return schedule.deliverTimestamp(level, storeTimestamp);
          if (level > 0) return storeTimestamp + startLevels[Math.min(level, startLevels.length) - 1]!;
        }
        if (topic === TIMER_TOPIC) return Number(props[MessageConst.PROPERTY_TIMER_OUT_MS] ?? '0') || 0;
        const tags = props[MessageConst.PROPERTY_TAGS];
        return tags ? tagsHashCode(tags) : 0;
      },
      filterBits: { calculate: (topic, props) => this.filters.calculate(topic, props) },
    });
    this.rawStore = raw;
    this.store = new StoreAdapter(raw, { afterPut: (r, msg, at) => this.replication.afterPut(r, msg, at) });
    schedule = new ScheduleMessageService({
      store: this.store,
      put: (msg) => putInternal(this.ctx, msg),
      delayLevels: () => this.cfg.messageDelayLevel,
      file: schedulePath,
      log: this.log.child('schedule'),
    });
    this.schedule = schedule;
    schedule.load();
    this.replication = new BrokerReplication({
      config: () => this.cfg, store: raw, client: this.client, topics: this.topics, groups: this.groups, offsets: this.offsets,
      schedule, delayOffsetFile: schedulePath, brokerAddr: () => this.brokerAddr, log: this.log.child('ha'),
      extraSync: this.auth.active ? { what: 'access control', sync: (addr, timeoutMs) => this.auth.syncFromMaster(this.client, addr, timeoutMs) } : undefined,
    });
    this.ctx = this.buildContext();
    if (c.store.brokerRole !== 'SLAVE') {
      this.pop = new PopService(this.ctx);
      this.timer = new TimerService(this.ctx, c.store.storePathRootDir);
      this.ctx = this.buildContext();
    }
    this.store.setArrivingListener((topic, queueId, maxOffset, tagsCode) => {
      this.replication.wakeup();
      this.pullHold.notifyMessageArriving(topic, queueId, maxOffset, tagsCode);
      if (topic === TopicValidator.RMQ_SYS_SCHEDULE_TOPIC) this.schedule.onArriving(queueId);
      if (topic === TIMER_TOPIC) this.timer?.onArriving();
      else this.pop?.onArriving(topic);
    });

    registerBrokerProcessors(this.server, this.ctx);
    registerPopProcessors(this.server, this.ctx, c.store.storePathRootDir, this.log.child('pop'));
    registerHAProcessors(this.server, this.ctx);
    for (const [code, handler] of this.auth.handlers()) this.server.registerProcessor(code, bind(this.ctx, handler));
    this.server.setRequestPipeline(this.auth.guard.check);
    this.server.on('disconnect', (conn: RemotingConnection) => {
      this.consumers.doChannelCloseEvent(conn);
      this.producers.doChannelCloseEvent(conn);
      this.topicProducers.doChannelCloseEvent(conn);
    });
    try {
      this.port = (await this.server.listen()).port;
      // A master listens for slaves before it registers its HA address.
      await this.replication.start();
    } catch (err) {
      await this.replication.shutdown();
      await this.server.close(0);
      await this.store.shutdown();
      throw err;
    }

    this.registration = new NamesrvRegistration({
      client: this.client,
      config: () => this.cfg,
      topics: this.topics,
      log: this.log.child('registration'),
      brokerAddr: () => this.brokerAddr,
      haServerAddr: () => this.replication.haServerAddr(),
      onRegistered: (answer) => this.replication.onRegistered(answer),
    });
    this.startTimers();
    this.pullHold.start(HOLD_CHECK_INTERVAL_MS);
    // A slave's scheduled messages are delivered, and its half messages checked, by its master (it takes no writes).
    if (c.store.brokerRole !== 'SLAVE') {
      schedule.start();
      this.transactionCheck = new TransactionalMessageCheckService({ ctx: () => this.ctx, log: this.log.child('transaction') });
      this.transactionCheck.start();
      await this.pop?.start();
      await this.timer?.start();
    }
    await this.registration.registerAll();
    this.registration.start();
    this.log.info('broker_started', {
      brokerName: c.brokerName, brokerId: c.brokerId, cluster: c.brokerClusterName, address: this.brokerAddr,
      brokerRole: c.store.brokerRole, flushDiskType: c.store.flushDiskType, namesrvAddr: c.namesrvAddr.join(';'),
      storePathRootDir: c.store.storePathRootDir,
    });
    return this.brokerAddr;
  }

  private every(ms: number, fn: () => unknown): void {
    const t = setInterval(() => {
      try {
        const r = fn();
        if (r instanceof Promise) r.catch((err: unknown) => this.log.error('housekeeping_failed', { error: err }));
      } catch (err) {
        this.log.error('housekeeping_failed', { error: err });
      }
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  private startTimers(): void {
    const c = this.cfg;
    this.every(c.flushConsumerOffsetInterval, () => this.offsets.persistIfDirty());
    this.every(c.flushDelayOffsetInterval, () => this.schedule.persistIfDirty());
    this.every(CLIENT_SCAN_INTERVAL_MS, () => {
      this.consumers.scanNotActiveChannel(this.cfg.channelExpiredTimeout);
      this.producers.scanNotActiveChannel(this.cfg.channelExpiredTimeout);
      this.topicProducers.expire();
    });
    this.every(1000, () => this.stats.sample());
  }

  private buildContext(): BrokerContext {
    const self = this;
    let storeHost: SocketHost | undefined;
    return {
      config: () => self.cfg,
      store: self.store,
      topics: self.topics,
      groups: self.groups,
      offsets: self.offsets,
      consumers: self.consumers,
      filters: self.filters,
      producers: self.producers,
      topicProducers: self.topicProducers,
      locks: self.locks,
      pullHold: self.pullHold,
      schedule: self.schedule,
      stats: self.stats,
      log: self.log,
      brokerAddr: () => self.brokerAddr,
      storeHost: (): SocketHost => {
        // the same object while the address holds: the store's message id prefix cache keys on its identity
        const address = self.cfg.brokerIP1;
        const port = self.port || self.cfg.listenPort;
        if (!storeHost || storeHost.address !== address || storeHost.port !== port) storeHost = { address, port };
        return storeHost;
      },
      registerBrokerAll: () => self.registration?.requestRegister() ?? Promise.resolve(),
      registerIncrementBrokerData: (tc) => self.registration?.registerIncrement([tc.topicName]) ?? Promise.resolve(),
      updateConfig: (entries) => self.updateConfig(entries),
      wakePull: (held: HeldPull) => wakeHeldPull(self.ctx, held),
      ha: self.replication,
      pop: self.pop,
      timer: self.timer,
    };
  }

  /** UPDATE_BROKER_CONFIG: checks every key, refuses black-listed ones, applies the rest live. */
  updateConfig(entries: Array<{ key: string; value: string; line: number }>): void {
    const black = brokerConfigBlackList(this.cfg);
    for (const e of entries) {
      if (black.has(e.key)) throw new BrokerConfigError(`broker config key '${e.key}' cannot be changed on a running broker`, e.key);
    }
    const next = validateBrokerConfig(applyBrokerProperties(this.cfg, entries));
    const levelsChanged = next.messageDelayLevel !== this.cfg.messageDelayLevel;
    // Nameservers only re-read topic permissions when the data version moves.
    if (next.brokerPermission !== this.cfg.brokerPermission) this.topics.bumpDataVersion();
    this.cfg = next;
    if (levelsChanged) this.schedule.reloadLevels();
    this.log.info('config_updated', { keys: entries.map((e) => e.key) });
    this.registration.requestRegister();
  }

  /** SIGTERM path: unregister, answer held pulls, stop serving, persist tables, flush and close the store. */
  shutdown(graceMs = 3000): Promise<void> {
    this.stopping ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      await this.registration?.unregisterAll();
      this.schedule?.stop();
      this.pop?.stop();
      this.timer?.stop();
      await this.transactionCheck?.stop();
      this.pullHold.stop();
      await this.server.close(graceMs);
      await this.replication?.shutdown();
      // let a write in flight finish first: its rename must not land after the final one below
      await Promise.all([this.offsets.flush(), this.topics.flush(), this.groups.flush()]);
      this.offsets.persistSync();
      this.schedule?.persistSync();
      this.topics.persistSync();
      this.groups.persistSync();
      await this.store?.shutdown();
      await this.client.close();
      this.auth.close();
      this.log.info('broker_stopped', { address: this.brokerAddr });
    })();
    return this.stopping;
  }
}

export async function startBroker(config: BrokerConfig, opts: BrokerOptions = {}): Promise<BrokerController> {
  const broker = new BrokerController(config, opts);
  await broker.start();
  return broker;
}
