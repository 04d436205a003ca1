// Registration with the nameservers (RocketMQ's BrokerOuterAPI.registerBrokerAll): REGISTER_BROKER with the
// topic table and its DataVersion to every nameserver at start, every registerNameServerPeriod and after topic
// changes; UNREGISTER_BROKER on shutdown. A slave learns its master's address from the answers.

import { crc32 } from 'node:zlib';
import type { Logger } from '../common/log.ts';
import type { BrokerConfig } from '../cluster/broker-config.ts';
import { RequestCode, ResponseCode } from '../protocol/codes.ts';
import { encodeRegisterBrokerBody } from '../protocol/bodies/topic.ts';
import { createRequest } from '../remoting/command.ts';
import type { RemotingClient } from '../remoting/client.ts';
import type { TopicConfigManager } from './topic-config-manager.ts';

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
  private again = false;
  private stopped = false;

  constructor(private readonly deps: RegistrationDeps) {}

  /** Registers with every nameserver now; failures are logged, not thrown (the next round retries). */
  registerAll(): Promise<void> {
    if (this.inflight) {
      this.again = true;
      return this.inflight;
    }
    this.inflight = this.registerRound().finally(() => {
      this.inflight = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.registerAll();
      }
    });
    return this.inflight;
  }

  /** A topic changed: register soon. */
  requestRegister(): void {
    if (this.stopped || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.registerAll();
    }, CHANGE_DEBOUNCE_MS);
    this.pending.unref();
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
