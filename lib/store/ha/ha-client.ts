// Slave side of replication (RocketMQ's HAClient): connects to the master's HA address, reports its commit log
// end, appends whole records of what the master pushes and reports again; reconnects with back-off when the
// connection breaks, resuming from its own commit log end.

import net from 'node:net';
import { createLogger, type Logger } from '../../common/log.ts';
import { normalizeAddress } from '../../protocol/message-host.ts';
import { StoreError } from '../errors.ts';
import { encodeReport, HAProtocolError, type Transfer, TransferDecoder } from './codec.ts';
import { RecordFramer } from './record-framer.ts';
import { WakeupSignal } from './signal.ts';
import type { HAClientRuntimeInfo, HAConfig, HASlaveStore } from './types.ts';

/** Received bytes waiting to be appended above which the socket is paused. */
const READ_HIGH_WATER = 32 * 1024 * 1024;

export interface HAClientOptions {
  config: HAConfig;
  /** The slave's commit log segment size; it must equal the master's. */
  mappedFileSizeCommitLog: number;
  logger?: Logger;
  /** First reconnect delay, doubled after each failed attempt up to reconnectMaxMs. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  connectTimeoutMs?: number;
}

export class HAClient {
  private masterAddr: string | undefined;
  private socket: net.Socket | undefined;
  private readonly signal = new WakeupSignal();
  private readonly log: Logger;
  private loopDone: Promise<void> | undefined;
  private stopped = false;
  private connects = 0;
  private lastReadTimestamp = 0;
  private lastWriteTimestamp = 0;
  private reportedOffset = -1;
  private transferredBytes = 0;
  private lastRateBytes = 0;
  private transferredByteInSecond = 0;
  private rateTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: HASlaveStore,
    private readonly opts: HAClientOptions,
  ) {
    this.log = opts.logger ?? createLogger('store.ha');
  }

  /** Where the master's HA port is (host:port); a change drops the current connection and connects there. */
  updateMasterAddress(addr: string | undefined): void {
    const next = addr?.trim() || undefined;
    if (next === this.masterAddr) return;
    this.log.info('ha_master_address', { old: this.masterAddr, new: next });
    this.masterAddr = next;
    this.socket?.destroy();
    this.signal.wake();
  }

  get masterAddress(): string | undefined {
    return this.masterAddr;
  }

  start(): void {
    if (this.loopDone) return;
    this.rateTimer = setInterval(() => {
      this.transferredByteInSecond = this.transferredBytes - this.lastRateBytes;
      this.lastRateBytes = this.transferredBytes;
    }, 1000);
    this.rateTimer.unref();
    this.loopDone = this.loop();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.rateTimer);
    this.socket?.destroy();
    this.signal.wake();
    await this.loopDone;
  }

  runtimeInfo(): HAClientRuntimeInfo {
    const s = this.socket;
    return {
      masterAddr: this.masterAddr ?? '',
      connected: s !== undefined,
      localAddr: s?.localAddress ? `${normalizeAddress(s.localAddress)}:${s.localPort}` : '',
      transferredByteInSecond: this.transferredByteInSecond,
      maxOffset: this.store.getMaxPhyOffset(),
      reportedOffset: this.reportedOffset,
      lastReadTimestamp: this.lastReadTimestamp,
      lastWriteTimestamp: this.lastWriteTimestamp,
      connects: this.connects,
    };
  }

  private async loop(): Promise<void> {
    const minDelay = this.opts.reconnectMinMs ?? 200;
    const maxDelay = this.opts.reconnectMaxMs ?? 5000;
    let delay = minDelay;
    let failures = 0;
    while (!this.stopped) {
      const addr = this.masterAddr;
      if (!addr) {
        await this.signal.wait(1000);
        continue;
      }
      let progressed = false;
      try {
        progressed = await this.session(addr);
        failures = 0;
      } catch (err) {
        // One line when a streak of failed attempts starts, then one every tenth.
        if (failures++ % 10 === 0) this.log.warn('ha_connect_failed', { master: addr, attempts: failures, error: err });
      }
      if (this.stopped) break;
      if (progressed) delay = minDelay;
      await this.signal.wait(delay);
      delay = Math.min(maxDelay, delay * 2);
    }
  }

  private connect(addr: string): Promise<net.Socket> {
    const i = addr.lastIndexOf(':');
    const host = addr.slice(0, i);
    const port = Number(addr.slice(i + 1));
    return new Promise((resolve, reject) => {
      if (i <= 0 || !Number.isInteger(port) || port <= 0) {
        reject(new HAProtocolError(`master HA address '${addr}' is not host:port`));
        return;
      }
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => socket.destroy(new Error(`connect to ${addr} timed out`)), this.opts.connectTimeoutMs ?? 3000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      });
    });
  }

  /** One connection's life; resolves when it ends, true if anything was appended. */
  private async session(addr: string): Promise<boolean> {
    const socket = await this.connect(addr);
    if (this.stopped || addr !== this.masterAddr) {
      socket.destroy();
      return false;
    }
    socket.setNoDelay(true);
    this.socket = socket;
    this.connects++;
    const { config } = this.opts;
    const fileSize = this.opts.mappedFileSizeCommitLog;
    const framer = new RecordFramer(this.store.getMaxPhyOffset(), fileSize);
    const decoder = new TransferDecoder();
    const arrived = new WakeupSignal();
    let queue: Transfer[] = [];
    let queuedBytes = 0;
    let closed = false;
    let failure: unknown;
    let progressed = false;
    this.lastReadTimestamp = Date.now();
    this.log.info('ha_master_connected', { master: addr, local: `${socket.localAddress}:${socket.localPort}`, maxPhyOffset: framer.end });

    const report = (offset: number): void => {
      if (socket.destroyed) return;
      socket.write(encodeReport(offset));
      this.reportedOffset = offset;
      this.lastWriteTimestamp = Date.now();
    };
    // Called once the bytes are written, before they are dispatched (a SYNC_MASTER's send waits on it), and after.
    const reportProgress = (): void => {
      const max = this.store.getMaxPhyOffset();
      if (max > this.reportedOffset && !closed) report(max);
    };
    const fail = (err: unknown): void => {
      failure ??= err;
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      this.lastReadTimestamp = Date.now();
      try {
        for (const t of decoder.push(chunk)) {
          queue.push(t);
          queuedBytes += t.body.length;
        }
      } catch (err) {
        fail(err);
        return;
      }
      if (queuedBytes + decoder.pendingBytes > READ_HIGH_WATER) socket.pause();
      arrived.wake();
    });
    socket.on('error', (err) => fail(err));
    const ended = new Promise<void>((resolve) => {
      socket.once('close', () => {
        closed = true;
        arrived.wake();
        resolve();
      });
    });
    const heartbeat = setInterval(() => {
      const now = Date.now();
      if (now - this.lastReadTimestamp > config.haHousekeepingInterval) {
        fail(new HAProtocolError(`nothing from the master for ${now - this.lastReadTimestamp} ms`));
      } else if (now - this.lastWriteTimestamp >= config.haSendHeartbeatInterval) {
        report(this.reportedOffset);
      }
    }, Math.min(1000, config.haSendHeartbeatInterval));
    heartbeat.unref();

    // The first report tells the master where to start (0 = empty: from its earliest data).
    report(framer.end);
    const worker = (async () => {
      while (!closed) {
        if (queue.length === 0) {
          // Woken by every 'data' event and by the close.
          await arrived.wait();
          continue;
        }
        const batch = queue;
        queue = [];
        queuedBytes = 0;
        const bodies: Buffer[] = [];
        let expected = framer.end;
        for (const t of batch) {
          if (t.phyOffset !== expected) {
            const empty = this.store.getMaxPhyOffset() === 0 && framer.pendingBytes === 0 && bodies.length === 0;
            if (!empty || t.phyOffset % fileSize !== 0) {
              throw new HAProtocolError(`master sent data for offset ${t.phyOffset} but the slave's commit log continues at ${expected}`);
            }
            this.log.info('ha_empty_slave_starts_at', { offset: t.phyOffset });
            framer.reset(t.phyOffset);
            expected = t.phyOffset;
          }
          if (t.body.length > 0) bodies.push(t.body);
          expected += t.body.length;
        }
        if (socket.isPaused()) socket.resume();
        const chunk = bodies.length > 0 ? framer.push(bodies) : undefined;
        if (chunk) {
          if (!(await this.store.appendToCommitLog(chunk.offset, chunk.data, reportProgress))) {
            throw new StoreError(`appending ${chunk.data.length} replicated bytes at ${chunk.offset} failed`);
          }
          this.transferredBytes += chunk.data.length;
          progressed = true;
        }
        reportProgress();
      }
    })().catch((err: unknown) => fail(err));

    await ended;
    await worker;
    clearInterval(heartbeat);
    this.socket = undefined;
    this.log[failure ? 'warn' : 'info']('ha_master_disconnected', { master: addr, error: failure, maxPhyOffset: this.store.getMaxPhyOffset() });
    return progressed;
  }
}
