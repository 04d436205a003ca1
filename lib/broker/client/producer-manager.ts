// Online producers (RocketMQ's ProducerManager): group -> connections, fed by HEART_BEAT, trimmed by
// UNREGISTER_CLIENT, closed connections and the expiry scan. Answers GET_PRODUCER_CONNECTION_LIST and
// GET_ALL_PRODUCER_INFO.

import type { Logger } from '../../common/log.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import type { ProducerInfo } from '../../protocol/bodies/producer-table.ts';
import { channelKey, clientAddrOf, type ChannelKey, type ClientChannelInfo } from './consumer-manager.ts';

export class ProducerManager {
  private readonly table = new Map<string, Map<ChannelKey, ClientChannelInfo>>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  registerProducer(group: string, info: ClientChannelInfo): void {
    let m = this.table.get(group);
    if (!m) {
      m = new Map();
      this.table.set(group, m);
    }
    const key = channelKey(info);
    const existing = m.get(key);
    if (existing && existing.clientId === info.clientId && existing.remote?.clientAddr === info.remote?.clientAddr) {
      existing.lastUpdateTimestamp = this.now();
      return;
    }
    info.lastUpdateTimestamp = this.now();
    m.set(key, info);
    this.log.info('producer_registered', {
      group, clientId: info.clientId, remoteAddr: clientAddrOf(info), ...(info.remote ? { via: info.conn.remoteAddr, protocolType: info.remote.protocolType } : {}),
    });
  }

  /** UNREGISTER_CLIENT: the connection's producer leaves the group (a proxy's: every client of it). */
  unregisterProducer(group: string, conn: RemotingConnection): void {
    const m = this.table.get(group);
    if (!m) return;
    for (const [key, old] of [...m]) {
      if (old.conn !== conn) continue;
      m.delete(key);
      this.log.info('producer_unregistered', { group, clientId: old.clientId, remoteAddr: clientAddrOf(old) });
    }
    if (m.size === 0) this.table.delete(group);
  }

  /** A proxy's heartbeat names all its clients: producers behind `conn` that `keep` (group NUL clientId) no longer names leave. */
  retainRemote(conn: RemotingConnection, keep: ReadonlySet<string>): void {
    for (const [group, m] of [...this.table]) {
      for (const [key, info] of [...m]) {
        if (info.conn !== conn || !info.remote || keep.has(`${group}\u0000${info.clientId}`)) continue;
        m.delete(key);
        this.log.info('producer_unregistered', { group, clientId: info.clientId, remoteAddr: info.remote.clientAddr, via: conn.remoteAddr });
      }
      if (m.size === 0) this.table.delete(group);
    }
  }

  doChannelCloseEvent(conn: RemotingConnection): void {
    for (const [group, m] of [...this.table]) {
      for (const [key, info] of [...m]) if (info.conn === conn) m.delete(key);
      if (m.size === 0) this.table.delete(group);
    }
  }

  scanNotActiveChannel(expiredMs: number): void {
    const now = this.now();
    for (const [group, m] of [...this.table]) {
      for (const [key, info] of [...m]) {
        if (now - info.lastUpdateTimestamp <= expiredMs) continue;
        this.log.warn('producer_expired', { group, clientId: info.clientId, remoteAddr: clientAddrOf(info), silentMs: now - info.lastUpdateTimestamp });
        m.delete(key);
        if (!info.remote) info.conn.close('client heartbeat expired');
      }
      if (m.size === 0) this.table.delete(group);
    }
  }

  getConnections(group: string): ClientChannelInfo[] {
    return [...(this.table.get(group)?.values() ?? [])];
  }

  /** Any live connection of the group (transaction state checks go to one of them). */
  getAvailableConnection(group: string): ClientChannelInfo | undefined {
    for (const info of this.table.get(group)?.values() ?? []) if (!info.conn.closed) return info;
    return undefined;
  }

  /** Client id of a connection's producer heartbeat: the group's entry, else any group's (one client, one id). */
  clientIdOf(group: string, conn: RemotingConnection): string | undefined {
    const own = this.table.get(group)?.get(conn);
    if (own) return own.clientId;
    for (const m of this.table.values()) {
      const info = m.get(conn);
      if (info) return info.clientId;
    }
    return undefined;
  }

  /** The protocol of the clients `conn` serves in `group` when it is a proxy for them (a gRPC endpoint), else undefined. */
  remoteProtocolOn(group: string, conn: RemotingConnection): string | undefined {
    for (const info of this.table.get(group)?.values() ?? []) if (info.conn === conn && info.remote) return info.remote.protocolType;
    return undefined;
  }

  groups(): string[] {
    return [...this.table.keys()];
  }

  /** Every group's online producers (GET_ALL_PRODUCER_INFO, RocketMQ's ProducerManager.getProducerTable). */
  producerTable(): Map<string, ProducerInfo[]> {
    const out = new Map<string, ProducerInfo[]>();
    for (const [group, m] of this.table) {
      out.set(group, [...m.values()].map((info) => ({
        clientId: info.clientId,
        // Java writes the channel's InetSocketAddress.toString(): "/ip:port"
        remoteIP: `/${clientAddrOf(info)}`,
        language: info.language,
        version: info.version,
        lastUpdateTimestamp: info.lastUpdateTimestamp,
      })));
    }
    return out;
  }
}
