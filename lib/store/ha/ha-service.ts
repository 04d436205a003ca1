// Master side of replication (RocketMQ's HAService): accepts slaves on haListenPort, keeps what each one
// acknowledged, and lets a SYNC_MASTER send wait until a slave has its message (GroupTransferService).

import net from 'node:net';
import { createLogger, type Logger } from '../../common/log.ts';
import { StoreError } from '../errors.ts';
import { HAConnection, type HAConnectionHost } from './ha-connection.ts';
import { OffsetTimeline } from './timeline.ts';
import type { HAConfig, HAMasterRuntimeInfo, HAMasterStore } from './types.ts';

export interface HAServiceOptions {
  /** Interface to listen on. */
  host: string;
  /** haListenPort; 0 picks a free port. */
  port: number;
  config: HAConfig;
  logger?: Logger;
}

interface AckWaiter {
  offset: number;
  resolve: (ok: boolean) => void;
  timer: NodeJS.Timeout;
}

export class HAService implements HAConnectionHost {
  readonly config: HAConfig;
  readonly log: Logger;
  private readonly server: net.Server;
  private readonly connections = new Set<HAConnection>();
  private readonly waiters = new Set<AckWaiter>();
  private readonly timeline = new OffsetTimeline();
  private push2SlaveMax = 0;
  private housekeeping: NodeJS.Timeout | undefined;
  private listenPort = 0;
  private stopped = false;

  constructor(
    readonly store: HAMasterStore,
    private readonly opts: HAServiceOptions,
  ) {
    this.config = opts.config;
    this.log = opts.logger ?? createLogger('store.ha');
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** Listens; resolves with the bound port. */
  async start(): Promise<number> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(this.opts.port, this.opts.host, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      throw new StoreError(`cannot listen for slaves on ${this.opts.host}:${this.opts.port} (haListenPort): ${(err as Error).message}`, { cause: err });
    }
    this.server.on('error', (err) => this.log.error('ha_server_error', { error: err }));
    this.listenPort = (this.server.address() as net.AddressInfo).port;
    this.housekeeping = setInterval(() => this.tick(), 1000);
    this.housekeeping.unref();
    this.log.info('ha_service_started', { host: this.opts.host, port: this.listenPort });
    return this.listenPort;
  }

  get port(): number {
    return this.listenPort;
  }

  private accept(socket: net.Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const conn = new HAConnection(socket, this);
    this.connections.add(conn);
    this.log.info('ha_slave_connected', { slave: conn.addr, connections: this.connections.size });
    conn.start();
  }

  /** New commit log data was written: wake every transfer loop. */
  wakeup(): void {
    this.timeline.note(this.store.getMaxPhyOffset(), Date.now());
    for (const c of this.connections) c.wakeup();
  }

  onAck(conn: HAConnection, offset: number): void {
    void conn;
    if (offset <= this.push2SlaveMax) return;
    this.push2SlaveMax = offset;
    for (const w of this.waiters) {
      if (w.offset <= offset) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(true);
      }
    }
  }

  onClose(conn: HAConnection): void {
    this.connections.delete(conn);
  }

  /** Highest offset any slave acknowledged. */
  get push2SlaveMaxOffset(): number {
    return this.push2SlaveMax;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** A slave is connected and not further behind `masterPutWhere` than haSlaveFallbehindMax. (HAService.isSlaveOK) */
  isSlaveOK(masterPutWhere: number): boolean {
    return this.connections.size > 0 && masterPutWhere - this.push2SlaveMax < this.config.haSlaveFallbehindMax;
  }

  /** Resolves true once a slave acknowledged everything below `offset`, false after `timeoutMs`. */
  waitForSlaveAck(offset: number, timeoutMs: number): Promise<boolean> {
    if (this.push2SlaveMax >= offset) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    this.wakeup();
    return new Promise((resolve) => {
      const w: AckWaiter = {
        offset,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  private tick(): void {
    const now = Date.now();
    const max = this.store.getMaxPhyOffset();
    this.timeline.note(max, now);
    let needed = this.push2SlaveMax;
    for (const c of [...this.connections]) {
      c.tick(now);
      if (c.slaveAckOffset >= 0) needed = Math.min(needed, c.slaveAckOffset);
    }
    this.timeline.prune(needed);
  }

  runtimeInfo(): HAMasterRuntimeInfo {
    const now = Date.now();
    const max = this.store.getMaxPhyOffset();
    this.timeline.note(max, now);
    const connections = [...this.connections].map((c) => {
      const diff = c.slaveAckOffset < 0 ? max : Math.max(0, max - c.slaveAckOffset);
      return {
        addr: c.addr,
        slaveAckOffset: c.slaveAckOffset,
        diff,
        inSync: c.slaveAckOffset >= 0 && diff < this.config.haSlaveFallbehindMax,
        transferredByteInSecond: c.transferredByteInSecond,
        transferFromWhere: c.nextTransferFromWhere,
        lagMs: diff === 0 ? 0 : this.timeline.lagMs(c.slaveAckOffset, now),
        lastReadTimestamp: c.lastReadTimestamp,
        lastWriteTimestamp: c.lastWriteTimestamp,
        connectedTimestamp: c.connectedTimestamp,
      };
    });
    const behind = Math.max(0, max - this.push2SlaveMax);
    return {
      listenPort: this.listenPort,
      masterCommitLogMaxOffset: max,
      push2SlaveMaxOffset: this.push2SlaveMax,
      slaveFallBehindMuch: behind,
      slaveFallBehindMs: behind === 0 ? 0 : this.timeline.lagMs(this.push2SlaveMax, now),
      inSyncSlaveNums: connections.filter((c) => c.inSync).length,
      connections,
    };
  }

  /** Closes the port and every slave connection; pending SYNC_MASTER waits are answered false. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.housekeeping);
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters.clear();
    for (const c of [...this.connections]) c.close('master shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.log.info('ha_service_stopped', { port: this.listenPort });
  }
}
