// Master side of one slave's HA connection (RocketMQ's HAConnection): reads the slave's offset reports and pushes
// commit log bytes from where the slave stands, as fast as the socket takes them, with an empty transfer as a
// heartbeat when there is nothing to send.

import type net from 'node:net';
import type { Logger } from '../../common/log.ts';
import { normalizeAddress } from '../../protocol/message-host.ts';
import { encodeTransferHeader, ReportDecoder } from './codec.ts';
import { WakeupSignal } from './signal.ts';
import type { HAConfig, HAMasterStore } from './types.ts';

/**
 * How often an idle connection looks for new data without being woken (RocketMQ's 100 ms wait): writes the broker
 * does not announce (e.g. prepared transaction messages) are picked up this way.
 */
const IDLE_POLL_MS = 100;

export interface HAConnectionHost {
  readonly store: HAMasterStore;
  readonly config: HAConfig;
  readonly log: Logger;
  /** The slave reported `offset`: it has everything below it. */
  onAck(conn: HAConnection, offset: number): void;
  onClose(conn: HAConnection): void;
}

export class HAConnection {
  /** The slave as the master sees it (ip:port). */
  readonly addr: string;
  readonly connectedTimestamp = Date.now();
  /** First offset the slave reported (-1 until then): where transfers start. */
  slaveRequestOffset = -1;
  slaveAckOffset = -1;
  nextTransferFromWhere = -1;
  lastReadTimestamp = Date.now();
  lastWriteTimestamp = 0;
  transferredBytes = 0;
  transferredByteInSecond = 0;
  private lastRateBytes = 0;
  private readonly signal = new WakeupSignal();
  private readonly reports = new ReportDecoder();
  private closed = false;
  private warnedDeleted = false;
  private warnedAhead = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly host: HAConnectionHost,
  ) {
    this.addr = `${normalizeAddress(socket.remoteAddress ?? '')}:${socket.remotePort ?? 0}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close('socket error', err));
    socket.on('close', () => this.close('closed by slave'));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  start(): void {
    this.writeLoop().catch((err: unknown) => this.close('transfer failed', err));
  }

  /** New commit log data may be there. */
  wakeup(): void {
    this.signal.wake();
  }

  /** Once a second: transfer rate, and expiry of a slave that went silent (haHousekeepingInterval). */
  tick(now: number): void {
    this.transferredByteInSecond = this.transferredBytes - this.lastRateBytes;
    this.lastRateBytes = this.transferredBytes;
    const silent = now - this.lastReadTimestamp;
    if (silent > this.host.config.haHousekeepingInterval) this.close(`no report from the slave for ${silent} ms`);
  }

  close(reason: string, err?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.signal.wake();
    this.host.log.info('ha_slave_disconnected', { slave: this.addr, reason, error: err, slaveAckOffset: this.slaveAckOffset });
    this.host.onClose(this);
  }

  private onData(chunk: Buffer): void {
    this.lastReadTimestamp = Date.now();
    let offset: number | undefined;
    try {
      offset = this.reports.push(chunk);
    } catch (err) {
      this.close('bad report', err);
      return;
    }
    if (offset === undefined) return;
    this.slaveAckOffset = offset;
    if (this.slaveRequestOffset < 0) {
      this.slaveRequestOffset = offset;
      this.signal.wake();
    }
    this.host.onAck(this, offset);
  }

  private async writeLoop(): Promise<void> {
    const { store, config, log } = this.host;
    while (!this.closed) {
      if (this.slaveRequestOffset < 0) {
        await this.signal.wait(1000);
        continue;
      }
      if (this.nextTransferFromWhere < 0) {
        // An empty slave starts at the earliest offset the master still has.
        this.nextTransferFromWhere = this.slaveRequestOffset === 0 ? store.getMinPhyOffset() : this.slaveRequestOffset;
        log.info('ha_transfer_start', { slave: this.addr, slaveRequestOffset: this.slaveRequestOffset, from: this.nextTransferFromWhere });
      }
      const from = this.nextTransferFromWhere;
      const max = store.getMaxPhyOffset();
      if (from < max) {
        const data = await store.getCommitLogData(from, config.haTransferBatchSize);
        if (this.closed) break;
        if (data && data.length > 0) {
          await this.send(encodeTransferHeader(from, data.length), data);
          this.nextTransferFromWhere = from + data.length;
          this.transferredBytes += data.length;
          continue;
        }
        if (from < store.getMinPhyOffset() && !this.warnedDeleted) {
          this.warnedDeleted = true;
          log.error('ha_slave_offset_deleted', { slave: this.addr, from, minPhyOffset: store.getMinPhyOffset(), hint: 'the slave needs data the master no longer retains; rebuild it from an empty store' });
        }
      } else if (from > max && !this.warnedAhead) {
        this.warnedAhead = true;
        log.warn('ha_slave_ahead_of_master', { slave: this.addr, from, maxPhyOffset: max });
      }
      const idle = Date.now() - this.lastWriteTimestamp;
      if (idle >= config.haSendHeartbeatInterval) {
        await this.send(encodeTransferHeader(this.nextTransferFromWhere, 0));
        continue;
      }
      await this.signal.wait(Math.min(IDLE_POLL_MS, config.haSendHeartbeatInterval - idle));
    }
  }

  /** Writes one transfer; waits while the socket's buffer is full. */
  private async send(header: Buffer, body?: Buffer): Promise<void> {
    const s = this.socket;
    s.cork();
    let ok = s.write(header);
    if (body) ok = s.write(body);
    s.uncork();
    this.lastWriteTimestamp = Date.now();
    if (ok || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        s.off('drain', done);
        s.off('close', done);
        resolve();
      };
      s.on('drain', done);
      s.on('close', done);
    });
  }
}
