// Registration with the nameservers (RocketMQ's BrokerOuterAPI.registerBrokerAll): REGISTER_BROKER with the
// topic table and its DataVersion to every nameserver at start, every registerNameServerPeriod and after topic
// changes; UNREGISTER_BROKER on shutdown. A slave learns its master's address from the answers.

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
   * A topic changed: register soon (changes in a burst share one round). Resolves once the nameservers have the
   * change (or were tried), as RocketMQ answers UPDATE_AND_CREATE_TOPIC only after registerIncrementBrokerData.
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

  start(): void {
    const period = Math.max(10_000, Math.min(this.deps.config().registerNameServerPeriod, 60_000));
    this.timer = setInterval(() => void this.registerAll(), period);
    this.timer.unref();
  }

  private async registerRound(): Promise<void> {
    const c = this.deps.config();
    if (c.namesrvAddr.length === 0) return;
    const body = encodeRegisterBrokerBody({ topicConfigSerializeWrapper: this.deps.topics.buildSerializeWrapper(true), filterServerList: [] });
    const header = {
      brokerAddr: this.deps.brokerAddr(),
      brokerId: c.brokerId,
      brokerName: c.brokerName,
      clusterName: c.brokerClusterName,
      haServerAddr: this.deps.haServerAddr(),
      compressed: false,
      bodyCrc32: crc32(body) & 0x7fffffff,
    };
    const answers = await Promise.all(c.namesrvAddr.map(async (addr) => {
      try {
        const res = await this.deps.client.invoke(addr, createRequest(RequestCode.REGISTER_BROKER, header, { body }), c.registerBrokerTimeoutMills);
        if (res.code !== ResponseCode.SUCCESS) {
          this.deps.log.warn('register_broker_refused', { namesrv: addr, code: res.code, remark: res.remark });
          return undefined;
        }
        const master = res.extFields?.masterAddr;
        if (master && master !== this.masterAddr) {
          this.masterAddr = master;
          this.deps.log.info('master_address_learned', { masterAddr: master, haServerAddr: res.extFields?.haServerAddr });
        }
        return { masterAddr: master || undefined, haServerAddr: res.extFields?.haServerAddr || undefined };
      } catch (err) {
        this.deps.log.warn('register_broker_failed', { namesrv: addr, error: err });
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
    await this.inflight?.catch(() => {});
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
