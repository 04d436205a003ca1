// Topic routes a client has fetched from the nameservers and the broker addresses they name (MQClientInstance's
// topicRouteTable and brokerAddrTable), with RocketMQ's address choices for sending and pulling.

import { MixAll } from '../protocol/codes.ts';
import type { TopicRouteData } from '../protocol/bodies/route.ts';
import type { Logger } from '../common/log.ts';
import type { MQClientAPI } from './client-api.ts';
import { NoRouteError } from './errors.ts';

export interface FindBrokerResult {
  brokerAddr: string;
  slave: boolean;
}

/** Stable text of a route for change detection (maps as sorted entry lists). */
function routeFingerprint(r: TopicRouteData): string {
  const qds = [...r.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  const bds = [...r.brokerDatas]
    .sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0))
    .map((b) => [b.brokerName, [...b.brokerAddrs].sort((x, y) => x[0] - y[0])]);
  return JSON.stringify([r.orderTopicConf ?? '', qds, bds]);
}

/** Default-topic route used to auto-create a topic: every queue count capped at `queueNums`. */
function asDefaultRoute(route: TopicRouteData, queueNums: number): TopicRouteData {
  return {
    ...route,
    queueDatas: route.queueDatas.map((q) => {
      const n = Math.min(queueNums, q.readQueueNums);
      return { ...q, readQueueNums: n, writeQueueNums: n };
    }),
  };
}

export class RouteCache {
  readonly topicRouteTable = new Map<string, TopicRouteData>();
  private readonly fingerprints = new Map<string, string>();
  /** brokerName -> brokerId -> address, rebuilt from every cached route. */
  readonly brokerAddrTable = new Map<string, Map<number, string>>();
  private readonly inflight = new Map<string, Promise<boolean>>();

  constructor(
    private readonly api: MQClientAPI,
    private readonly timeoutMs: () => number,
    private readonly logger: Logger,
  ) {}

  /**
   * Fetches the route of `topic` and stores it; resolves true when it changed. With `defaultTopic`, a topic the
   * nameserver does not know takes the default topic's route (so the broker creates it on the first send).
   * Concurrent calls for one topic share one request.
   */
  update(topic: string, defaultTopic?: { key: string; queueNums: number }): Promise<boolean> {
    const key = defaultTopic ? `${topic}\u0000${defaultTopic.key}` : topic;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.fetchAndStore(topic, defaultTopic).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async fetchAndStore(topic: string, defaultTopic?: { key: string; queueNums: number }): Promise<boolean> {
    let route: TopicRouteData;
    try {
      route = await this.api.getTopicRouteInfoFromNameServer(topic, this.timeoutMs());
    } catch (err) {
      if (!(err instanceof NoRouteError) || !defaultTopic) throw err;
      const def = await this.api.getTopicRouteInfoFromNameServer(defaultTopic.key, this.timeoutMs());
      route = asDefaultRoute(def, defaultTopic.queueNums);
    }
    const fp = routeFingerprint(route);
    const changed = this.fingerprints.get(topic) !== fp;
    this.topicRouteTable.set(topic, route);
    if (changed) {
      this.fingerprints.set(topic, fp);
      this.rebuildBrokerAddrTable();
      this.logger.info('topic_route_changed', { topic, brokers: route.brokerDatas.map((b) => b.brokerName) });
    }
    return changed;
  }

  /** Drops a topic's route (a topic no longer used). */
  remove(topic: string): void {
    this.topicRouteTable.delete(topic);
    this.fingerprints.delete(topic);
    this.rebuildBrokerAddrTable();
  }

  private rebuildBrokerAddrTable(): void {
    this.brokerAddrTable.clear();
    for (const route of this.topicRouteTable.values()) {
      for (const bd of route.brokerDatas) {
        let m = this.brokerAddrTable.get(bd.brokerName);
        if (!m) {
          m = new Map();
          this.brokerAddrTable.set(bd.brokerName, m);
        }
        for (const [id, addr] of bd.brokerAddrs) m.set(id, addr);
      }
    }
  }

  /** The master's address: where sends, offset commits, send-backs and locks go. */
  findBrokerAddressInPublish(brokerName: string): string | undefined {
    return this.brokerAddrTable.get(brokerName)?.get(MixAll.MASTER_ID);
  }

  /**
   * MQClientInstance.findBrokerAddressInSubscribe: the asked broker id, else the next slave id, else (unless
   * `onlyThisBroker`) whichever node is known.
   */
  findBrokerAddressInSubscribe(brokerName: string, brokerId: number, onlyThisBroker: boolean): FindBrokerResult | undefined {
    const m = this.brokerAddrTable.get(brokerName);
    if (!m || m.size === 0) return undefined;
    let addr = m.get(brokerId);
    let slave = brokerId !== MixAll.MASTER_ID;
    if (addr === undefined && slave) addr = m.get(brokerId + 1);
    if (addr === undefined && !onlyThisBroker) {
      const ids = [...m.keys()].sort((a, b) => a - b);
      addr = m.get(ids[0]!);
      slave = ids[0] !== MixAll.MASTER_ID;
    }
    return addr === undefined ? undefined : { brokerAddr: addr, slave };
  }

  /** A random broker of the topic (its master when alive): where GET_CONSUMER_LIST_BY_GROUP goes. */
  findBrokerAddrByTopic(topic: string): string | undefined {
    const route = this.topicRouteTable.get(topic);
    if (!route || route.brokerDatas.length === 0) return undefined;
    const bd = route.brokerDatas[Math.floor(Math.random() * route.brokerDatas.length)]!;
    const master = bd.brokerAddrs.get(MixAll.MASTER_ID);
    if (master) return master;
    const addrs = [...bd.brokerAddrs.values()];
    return addrs[Math.floor(Math.random() * addrs.length)];
  }

  /** Every known broker address with its name and id. */
  allBrokers(): Array<{ brokerName: string; brokerId: number; addr: string }> {
    const out: Array<{ brokerName: string; brokerId: number; addr: string }> = [];
    for (const [brokerName, m] of this.brokerAddrTable) for (const [brokerId, addr] of m) out.push({ brokerName, brokerId, addr });
    return out;
  }
}
