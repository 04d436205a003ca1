// Registration with the nameservers (RocketMQ's BrokerOuterAPI.registerBrokerAll): REGISTER_BROKER with the
// topic table and its DataVersion to every nameserver at start, every registerNameServerPeriod and after changes
// outside single topics; after a topic is created or updated, REGISTER_BROKER with just that topic and the current
// DataVersion (BrokerController.registerIncrementBrokerData; a nameserver adds or updates the topics a
// registration carries and drops none). UNREGISTER_BROKER on shutdown. A slave learns its master's address from
// the answers.

import { crc32 } from 'node:zlib';
import type { Logger } from '../../common/log.ts';
import type { BrokerConfig } from '../config/broker-config.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { encodeRegisterBrokerBody } from '../../protocol/bodies/topic.ts';
import { createRequest } from '../../remoting/command.ts';
import type { RemotingClient } from '../../remoting/client.ts';
import type { TopicConfigManager } from '../topic/topic-config-manager.ts';

/** How soon after a topic change the re-registration goes out (several changes in a burst share one). */
const CHANGE_DEBOUNCE_MS = 50;

export interface RegistrationDeps {
  client: RemotingClient;
  config: () => BrokerConfig;
  topics: TopicConfigManager;
  log: Logger;
  brokerAddr: () => string;
  haServerAddr: () => string;
  /** The first nameserver's successful answer of each round (a slave's master and its HA address, or none). */
  onRegistered?: (answer: { masterAddr?: string; haServerAddr?: string }) => void;
}

export class NamesrvRegistration {
  /** The master's address as the nameservers report it (slaves only). */
  masterAddr: string | undefined;
  private timer?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;
  private inflight?: Promise<void>;
  /** The round queued behind the one in flight (it carries changes made after that one took its snapshot). */
  private next?: Promise<void>;
  /** Callers of requestRegister waiting for the debounced round. */
  private waiters: Array<() => void> = [];
  /** Topics changed since the last incremental registration went out, and the callers waiting for it. */
  private increments = new Set<string>();
  private incrementWaiters: Array<() => void> = [];
  private incrementPending?: NodeJS.Immediate;
  private readonly incrementsInflight = new Set<Promise<void>>();
  /**
   * Nameservers that missed a registration (refused, failed or timed out), with the number of the round they
   * missed: they get the whole table until a full round taken after that one reaches them. A later incremental
   * registration alone would leave them without the missed topic for good, since its DataVersion makes the next
   * periodic full registration look unchanged to them.
   */
  private readonly needFull = new Map<string, number>();
  /** Numbers the rounds in the order they read the topic table. */
  private rounds = 0;
  private stopped = false;

  constructor(private readonly deps: RegistrationDeps) {}

  /**
   * Registers with every nameserver; failures are logged, not thrown (the next round retries). Resolves when a
   * round that started after this call is done: a round already in flight read the topic table too early.
   */
  registerAll(): Promise<void> {
    if (this.inflight) {
      this.next ??= this.inflight.then(() => {
        this.next = undefined;
        return this.stopped ? undefined : this.registerAll();
      });
      return this.next;
    }
    this.inflight = this.registerRound().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /**
   * Something beyond single topics changed (a topic deleted, the broker's permission): register the whole table
   * soon (changes in a burst share one round). Resolves once the nameservers have it (or were tried).
   */
  requestRegister(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (!this.pending) {
      this.pending = setTimeout(() => {
        this.pending = undefined;
        const waiters = this.waiters.splice(0);
        void this.registerAll().finally(() => waiters.forEach((w) => w()));
      }, CHANGE_DEBOUNCE_MS);
      this.pending.unref();
    }
    return done;
  }

  /**
   * Topics were created or updated: registers just them (with the current DataVersion) with every nameserver,
   * without the debounce of a full round; changes made in one turn of the event loop share one request. Resolves
   * once the nameservers answered (or were tried), as RocketMQ answers UPDATE_AND_CREATE_TOPIC only after
   * registerIncrementBrokerData.
   */
  registerIncrement(topicNames: string[]): Promise<void> {
    if (this.stopped || topicNames.length === 0) return Promise.resolve();
    for (const t of topicNames) this.increments.add(t);
    const done = new Promise<void>((resolve) => this.incrementWaiters.push(resolve));
    this.incrementPending ??= setImmediate(() => {
      this.incrementPending = undefined;
      const names = [...this.increments];
      this.increments.clear();
      const waiters = this.incrementWaiters.splice(0);
      const round = this.registerRound(names).finally(() => {
        this.incrementsInflight.delete(round);
        waiters.forEach((w) => w());
      });
      this.incrementsInflight.add(round);
    });
    return done;
  }

  start(): void {
    const period = Math.max(10_000, Math.min(this.deps.config().registerNameServerPeriod, 60_000));
    this.timer = setInterval(() => void this.registerAll(), period);
    this.timer.unref();
  }

  /** One REGISTER_BROKER to every nameserver: the whole table, or only the topics in `increment`. */
  private async registerRound(increment?: string[]): Promise<void> {
    const c = this.deps.config();
    if (c.namesrvAddr.length === 0) return;
    const round = ++this.rounds;
    const bodies = new Map<'full' | 'increment', Buffer>();
    const bodyOf = (kind: 'full' | 'increment'): Buffer => {
      let body = bodies.get(kind);
      if (!body) {
        // Built on first use (the full table only when some nameserver needs it) and once per round.
        const wrapper = this.deps.topics.buildSerializeWrapper(true, kind === 'full' ? undefined : increment);
        body = encodeRegisterBrokerBody({ topicConfigSerializeWrapper: wrapper, filterServerList: [] });
        bodies.set(kind, body);
      }
      return body;
    };
    const answers = await Promise.all(c.namesrvAddr.map(async (addr) => {
      const kind = increment && !this.needFull.has(addr) ? 'increment' : 'full';
      const body = bodyOf(kind);
      const header = {
        brokerAddr: this.deps.brokerAddr(),
        brokerId: c.brokerId,
        brokerName: c.brokerName,
        clusterName: c.brokerClusterName,
        haServerAddr: this.deps.haServerAddr(),
        compressed: false,
        bodyCrc32: crc32(body) & 0x7fffffff,
      };
      try {
        const res = await this.deps.client.invoke(addr, createRequest(RequestCode.REGISTER_BROKER, header, { body }), c.registerBrokerTimeoutMills);
        if (res.code !== ResponseCode.SUCCESS) {
          this.needFull.set(addr, Math.max(round, this.needFull.get(addr) ?? 0));
          this.deps.log.warn('register_broker_refused', { namesrv: addr, code: res.code, remark: res.remark });
          return undefined;
        }
        if (kind === 'full' && (this.needFull.get(addr) ?? 0) < round) this.needFull.delete(addr);
        const master = res.extFields?.masterAddr;
        if (master && master !== this.masterAddr) {
          this.masterAddr = master;
          this.deps.log.info('master_address_learned', { masterAddr: master, haServerAddr: res.extFields?.haServerAddr });
        }
        return { masterAddr: master || undefined, haServerAddr: res.extFields?.haServerAddr || undefined };
      } catch (err) {
        this.needFull.set(addr, Math.max(round, this.needFull.get(addr) ?? 0));
        this.deps.log.warn('register_broker_failed', { namesrv: addr, incremental: kind === 'increment', error: err });
        return undefined;
      }
    }));
    const first = answers.find((a) => a !== undefined);
    if (first && !this.stopped) this.deps.onRegistered?.(first);
  }

  /** Stops re-registering and tells every nameserver the broker is gone. */
  async unregisterAll(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.pending);
    this.pending = undefined;
    this.waiters.splice(0).forEach((w) => w());
    if (this.incrementPending) clearImmediate(this.incrementPending);
    this.incrementPending = undefined;
    this.increments.clear();
    this.incrementWaiters.splice(0).forEach((w) => w());
    await Promise.all([this.inflight, ...this.incrementsInflight].map((p) => p?.catch(() => {})));
    const c = this.deps.config();
    const header = { brokerAddr: this.deps.brokerAddr(), brokerId: c.brokerId, brokerName: c.brokerName, clusterName: c.brokerClusterName };
    await Promise.all(c.namesrvAddr.map(async (addr) => {
      try {
        const res = await this.deps.client.invoke(addr, createRequest(RequestCode.UNREGISTER_BROKER, header), c.registerBrokerTimeoutMills);
        if (res.code !== ResponseCode.SUCCESS) this.deps.log.warn('unregister_broker_refused', { namesrv: addr, code: res.code, remark: res.remark });
      } catch (err) {
        this.deps.log.warn('unregister_broker_failed', { namesrv: addr, error: err });
      }
    }));
  }
}
