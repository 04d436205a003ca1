// Wire codec of the HA replication stream between a master's haListenPort and its slaves (RocketMQ 4.x
// HAService / HAConnection). It is a raw TCP stream, not remoting frames:
//
//   slave -> master   [int64 BE maxPhyOffset]                    the slave's commit log end, after each append
//                                                                 and as a heartbeat (haSendHeartbeatInterval)
//   master -> slave   [int64 BE phyOffset][int32 BE bodySize][bodySize bytes of the commit log from phyOffset]
//                     bodySize 0 is a heartbeat (haSendHeartbeatInterval when idle); phyOffset is then the
//                     offset the next transfer starts at.

import { readInt64, writeInt64 } from '../../protocol/message-host.ts';
import { StoreError } from '../errors.ts';

/** Bytes of one slave report. */
export const REPORT_SIZE = 8;
/** Bytes of a transfer header: phyOffset + bodySize. */
export const TRANSFER_HEADER_SIZE = 8 + 4;
/** Largest transfer body accepted (a RocketMQ master sends at most haTransferBatchSize, 32 KiB by default). */
export const DEFAULT_MAX_TRANSFER_BODY = 64 * 1024 * 1024;

/** The peer sent something the HA protocol does not allow (a bad header, a body that is not commit log records). */
export class HAProtocolError extends StoreError {
  override name = 'HAProtocolError';
}

export function encodeReport(maxPhyOffset: number): Buffer {
  const b = Buffer.allocUnsafe(REPORT_SIZE);
  writeInt64(b, 0, maxPhyOffset);
  return b;
}

export function encodeTransferHeader(phyOffset: number, bodySize: number): Buffer {
  const b = Buffer.allocUnsafe(TRANSFER_HEADER_SIZE);
  writeInt64(b, 0, phyOffset);
  b.writeInt32BE(bodySize, 8);
  return b;
}

/**
 * Reads slave reports. Like RocketMQ's ReadSocketService only the newest complete report of what arrived counts;
 * partial reports wait for their remaining bytes.
 */
export class ReportDecoder {
  private carry = Buffer.alloc(0);

  /** The newest complete report among the bytes seen so far, or undefined when no new report is complete. */
  push(chunk: Buffer): number | undefined {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const whole = buf.length - (buf.length % REPORT_SIZE);
    this.carry = Buffer.from(buf.subarray(whole));
    if (whole === 0) return undefined;
    const offset = readInt64(buf, whole - REPORT_SIZE);
    if (offset < 0) throw new HAProtocolError(`slave reported a negative offset ${offset}`);
    return offset;
  }
}

export interface Transfer {
  phyOffset: number;
  /** Commit log bytes; empty for a heartbeat. */
  body: Buffer;
}

/** Splits the master's byte stream into transfers. */
export class TransferDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private header: { phyOffset: number; bodySize: number } | undefined;

  constructor(private readonly maxBodySize = DEFAULT_MAX_TRANSFER_BODY) {}

  /** Bytes received but not yet returned as a transfer. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Transfer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Transfer[] = [];
    for (;;) {
      if (!this.header) {
        if (this.buffered < TRANSFER_HEADER_SIZE) break;
        const h = this.take(TRANSFER_HEADER_SIZE);
        const phyOffset = readInt64(h, 0);
        const bodySize = h.readInt32BE(8);
        if (phyOffset < 0) throw new HAProtocolError(`master sent a negative offset ${phyOffset}`);
        if (bodySize < 0 || bodySize > this.maxBodySize) {
          throw new HAProtocolError(`master sent a transfer of ${bodySize} bytes at ${phyOffset} (at most ${this.maxBodySize} allowed)`);
        }
        this.header = { phyOffset, bodySize };
      }
      if (this.buffered < this.header.bodySize) break;
      out.push({ phyOffset: this.header.phyOffset, body: this.take(this.header.bodySize) });
      this.header = undefined;
    }
    return out;
  }

  /** Removes `n` buffered bytes from the front (no copy when they sit in one chunk). */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - at);
        c.copy(out, at, 0, k);
        at += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}
