// Online consumers (RocketMQ's ConsumerManager + ConsumerGroupInfo): group -> connections and subscriptions,
// fed by HEART_BEAT, trimmed by UNREGISTER_CLIENT, closed connections and the expiry scan. Membership changes
// are reported to `onChange` (the broker sends NOTIFY_CONSUMER_IDS_CHANGED to the group's members).

import type { Logger } from '../../common/log.ts';
import type { ConsumeFromWhere, ConsumeType, MessageModel, SubscriptionData } from '../../protocol/bodies/consumer.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';

/**
 * A client a proxy serves, known through the proxy's connection (Apache 5.x's GrpcClientChannel / RemoteChannel):
 * its own address and protocol; requests for it go over the proxy's connection.
 */
export interface RemoteChannel {
  clientAddr: string;
  /** Apache's ChannelProtocolType name ("grpc_v2"). */
  protocolType: string;
  /** The client's own version string (e.g. "1.0.8"). */
  clientVersion: string;
}

/** One client connection as a group member (RocketMQ's ClientChannelInfo). */
export interface ClientChannelInfo {
  conn: RemotingConnection;
  clientId: string;
  language: string;
  version: number;
  lastUpdateTimestamp: number;
  /** Set for a client behind a proxy: many such members share the proxy's `conn`. */
  remote?: RemoteChannel;
}

/** A member's key: its connection, or for a client behind a proxy the proxy's connection and the client id. */
export type ChannelKey = RemotingConnection | string;

export const channelKey = (info: ClientChannelInfo): ChannelKey => (info.remote ? `${info.conn.id}\u0000${info.clientId}` : info.conn);

/** The address a member is listed with: its own behind a proxy, else its connection's. */
export const clientAddrOf = (info: ClientChannelInfo): string => info.remote?.clientAddr ?? info.conn.remoteAddr;

export class ConsumerGroupInfo {
  readonly channels = new Map<ChannelKey, ClientChannelInfo>();
  readonly subscriptionTable = new Map<string, SubscriptionData>();
  lastUpdateTimestamp = Date.now();

  constructor(
    readonly groupName: string,
    public consumeType: ConsumeType,
    public messageModel: MessageModel,
    public consumeFromWhere: ConsumeFromWhere,
  ) {}

  /** Adds or refreshes a member; true when it is new. */
  updateChannel(info: ClientChannelInfo, consumeType: ConsumeType, messageModel: MessageModel, consumeFromWhere: ConsumeFromWhere, now: number): boolean {
    this.consumeType = consumeType;
    this.messageModel = messageModel;
    this.consumeFromWhere = consumeFromWhere;
    let added = false;
    const key = channelKey(info);
    let current = this.channels.get(key);
    if (!current) {
      this.channels.set(key, info);
      current = info;
      added = true;
    } else if (current.clientId !== info.clientId || current.remote?.clientAddr !== info.remote?.clientAddr) {
      this.channels.set(key, info);
      current = info;
    }
    this.lastUpdateTimestamp = now;
    current.lastUpdateTimestamp = now;
    return added;
  }

  /**
   * Takes the member's subscription list: new topics are added, a newer subVersion replaces the old entry, topics
   * missing from the list are dropped. True when topics were added or dropped.
   */
  updateSubscription(subs: readonly SubscriptionData[], now: number): boolean {
    let changed = false;
    const topics = new Set<string>();
    for (const sub of subs) {
      topics.add(sub.topic);
      const old = this.subscriptionTable.get(sub.topic);
      if (!old) {
        this.subscriptionTable.set(sub.topic, sub);
        changed = true;
      } else if (sub.subVersion > old.subVersion) {
        this.subscriptionTable.set(sub.topic, sub);
      }
    }
    for (const topic of [...this.subscriptionTable.keys()]) {
      if (!topics.has(topic)) {
        this.subscriptionTable.delete(topic);
        changed = true;
      }
    }
    this.lastUpdateTimestamp = now;
    return changed;
  }

  findChannel(clientId: string): ClientChannelInfo | undefined {
    for (const info of this.channels.values()) if (info.clientId === clientId) return info;
    return undefined;
  }

  /** The connections to reach every member (a proxy's once, however many of its clients are members). */
  allConnections(): RemotingConnection[] {
    return [...new Set([...this.channels.values()].map((i) => i.conn))];
  }

  /** Removes the members that came over `conn` (the client, or every client of a proxy); returns them. */
  removeConnection(conn: RemotingConnection): ClientChannelInfo[] {
    const out: ClientChannelInfo[] = [];
    for (const [key, info] of [...this.channels]) {
      if (info.conn !== conn) continue;
      this.channels.delete(key);
      out.push(info);
    }
    return out;
  }

  allClientIds(): string[] {
    return [...this.channels.values()].map((c) => c.clientId);
  }
}

export interface ConsumerManagerOptions {
  log: Logger;
  /** Members of `group` changed; `conns` are the members left. */
  onChange: (group: string, conns: RemotingConnection[]) => void;
  now?: () => number;
}

export class ConsumerManager {
  private readonly table = new Map<string, ConsumerGroupInfo>();
  private readonly log: Logger;
  private readonly onChange: ConsumerManagerOptions['onChange'];
  private readonly now: () => number;

  constructor(opts: ConsumerManagerOptions) {
    this.log = opts.log;
    this.onChange = opts.onChange;
    this.now = opts.now ?? Date.now;
  }

  getConsumerGroupInfo(group: string): ConsumerGroupInfo | undefined {
    return this.table.get(group);
  }

  groups(): IterableIterator<ConsumerGroupInfo> {
    return this.table.values();
  }

  findSubscriptionData(group: string, topic: string): SubscriptionData | undefined {
    return this.table.get(group)?.subscriptionTable.get(topic);
  }

  findChannel(group: string, clientId: string): ClientChannelInfo | undefined {
    return this.table.get(group)?.findChannel(clientId);
  }

  registerConsumer(
    group: string,
    info: ClientChannelInfo,
    consumeType: ConsumeType,
    messageModel: MessageModel,
    consumeFromWhere: ConsumeFromWhere,
    subs: readonly SubscriptionData[],
    notify: boolean,
  ): boolean {
    let g = this.table.get(group);
    if (!g) {
      g = new ConsumerGroupInfo(group, consumeType, messageModel, consumeFromWhere);
      this.table.set(group, g);
    }
    const now = this.now();
    const newMember = g.updateChannel(info, consumeType, messageModel, consumeFromWhere, now);
    const newSubs = g.updateSubscription(subs, now);
    if (newMember) this.log.info('consumer_registered', { group, clientId: info.clientId, remoteAddr: clientAddrOf(info), messageModel, ...(info.remote ? { via: info.conn.remoteAddr, protocolType: info.remote.protocolType } : {}) });
    if ((newMember || newSubs) && notify) this.onChange(group, g.allConnections());
    return newMember || newSubs;
  }

  /** UNREGISTER_CLIENT: the connection's member leaves the group (a proxy's: every client of it). */
  unregisterConsumer(group: string, conn: RemotingConnection, notify: boolean): void {
    const g = this.table.get(group);
    if (!g) return;
    for (const old of g.removeConnection(conn)) this.log.info('consumer_unregistered', { group, clientId: old.clientId, remoteAddr: clientAddrOf(old) });
    if (g.channels.size === 0) this.table.delete(group);
    if (notify) this.onChange(group, g.allConnections());
  }

  /**
   * A proxy's heartbeat names all its clients: members behind `conn` that `keep` (group NUL clientId) no longer
   * names leave their groups.
   */
  retainRemote(conn: RemotingConnection, keep: ReadonlySet<string>): void {
    for (const [group, g] of [...this.table]) {
      let removed = false;
      for (const [key, info] of [...g.channels]) {
        if (info.conn !== conn || !info.remote || keep.has(`${group}\u0000${info.clientId}`)) continue;
        g.channels.delete(key);
        removed = true;
        this.log.info('consumer_unregistered', { group, clientId: info.clientId, remoteAddr: info.remote.clientAddr, via: conn.remoteAddr });
      }
      if (g.channels.size === 0) this.table.delete(group);
      if (removed) this.onChange(group, g.allConnections());
    }
  }

  /** A connection closed: it leaves every group it was in (a proxy's clients with it). */
  doChannelCloseEvent(conn: RemotingConnection): void {
    for (const [group, g] of [...this.table]) {
      const gone = g.removeConnection(conn);
      if (gone.length === 0) continue;
      for (const info of gone) this.log.info('consumer_connection_closed', { group, clientId: info.clientId, remoteAddr: clientAddrOf(info) });
      if (g.channels.size === 0) this.table.delete(group);
      this.onChange(group, g.allConnections());
    }
  }

  /** Drops members silent for longer than `expiredMs` and closes their connections. */
  scanNotActiveChannel(expiredMs: number): void {
    const now = this.now();
    for (const [group, g] of [...this.table]) {
      let removed = false;
      for (const [key, info] of [...g.channels]) {
        if (now - info.lastUpdateTimestamp <= expiredMs) continue;
        this.log.warn('consumer_expired', { group, clientId: info.clientId, remoteAddr: clientAddrOf(info), silentMs: now - info.lastUpdateTimestamp });
        g.channels.delete(key);
        // A client behind a proxy only leaves; the proxy's connection serves others.
        if (!info.remote) info.conn.close('client heartbeat expired');
        removed = true;
      }
      if (g.channels.size === 0) this.table.delete(group);
      if (removed) this.onChange(group, g.allConnections());
    }
  }

  /** Groups whose members subscribe to `topic`. */
  queryTopicConsumeByWho(topic: string): Set<string> {
    const out = new Set<string>();
    for (const [group, g] of this.table) if (g.subscriptionTable.has(topic)) out.add(group);
    return out;
  }
}
