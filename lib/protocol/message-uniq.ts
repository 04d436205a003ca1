// UNIQ_KEY message ids as RocketMQ producers create them (MessageClientIDSetter), upper-case hex:
//   ip (4 or 16 bytes) | pid (int16) | class loader hash (int32) | ms since start of month (uint32) | counter (int16)
// = 16 bytes / 32 chars for an IPv4 producer, 28 bytes / 56 chars for IPv6.
// The month starts in the producer's local time zone (java.util.Calendar), so the timestamp is only "nearly" exact.

import { randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { MessageDecodeError, MessageEncodeError } from './message-errors.ts';
import { ipFromBytes, ipToBytes } from './message-host.ts';

export interface UniqIdGeneratorOptions {
  /** Producer IP (4 or 16 bytes, or its text); default: picked from the network interfaces like UtilAll.getIP. */
  ip?: Buffer | string;
  /** Default process.pid; only the low 16 bits are kept. */
  pid?: number;
  /** Stands in for Java's class loader hash code; default random per generator. */
  classLoaderHash?: number;
  /** Clock, default Date.now. */
  now?: () => number;
  /** Count months in UTC instead of the local time zone. */
  utc?: boolean;
  /** First counter value, default 0. */
  counter?: number;
}

function isPrivateIPv4(b: Buffer): boolean {
  return b[0] === 10 || (b[0] === 172 && b[1]! >= 16 && b[1]! <= 31) || (b[0] === 192 && b[1] === 168);
}

/**
 * The producer IP as UtilAll.getIP picks it: the first public IPv4, else a public (global) IPv6, else the first
 * private IPv4; loopback is used only when nothing else exists, and a time-based fake when not even that.
 */
export function localIpForUniqId(): Buffer {
  let privateV4: Buffer | undefined;
  let publicV6: Buffer | undefined;
  let loopback: Buffer | undefined;
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) {
      if (ni.family === 'IPv4') {
        const b = ipToBytes(ni.address);
        if (ni.internal || b[0] === 127) loopback ??= b;
        else if (isPrivateIPv4(b)) privateV4 ??= b;
        else return b;
      } else if (!ni.internal && !/^fe[89a-f]/i.test(ni.address) && ni.address !== '::1') {
        publicV6 ??= ipToBytes(ni.address);
      }
    }
  }
  const picked = publicV6 ?? privateV4 ?? loopback;
  if (picked) return picked;
  // MessageClientIDSetter.createFakeIP: the low 4 bytes of the current time in ms.
  const fake = Buffer.alloc(8);
  fake.writeBigInt64BE(BigInt(Date.now()));
  return fake.subarray(4);
}

/** Start of the month containing `ms`, and of the next one. */
function monthBounds(ms: number, utc: boolean): [number, number] {
  const d = new Date(ms);
  if (utc) {
    return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
  }
  return [new Date(d.getFullYear(), d.getMonth(), 1).getTime(), new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime()];
}

/** A UNIQ_KEY generator with its own fixed prefix and counter. */
export function createUniqIdGenerator(opts: UniqIdGeneratorOptions = {}): () => string {
  const ip = typeof opts.ip === 'string' ? ipToBytes(opts.ip) : (opts.ip ?? localIpForUniqId());
  if (ip.length !== 4 && ip.length !== 16) throw new MessageEncodeError(`producer ip must be 4 or 16 bytes, got ${ip.length}`);
  const fixed = Buffer.alloc(ip.length + 2 + 4);
  ip.copy(fixed, 0);
  fixed.writeUInt16BE((opts.pid ?? process.pid) & 0xffff, ip.length);
  fixed.writeInt32BE((opts.classLoaderHash ?? randomInt(-0x80000000, 0x7fffffff)) | 0, ip.length + 2);
  const prefix = fixed.toString('hex').toUpperCase();
  const now = opts.now ?? Date.now;
  const utc = opts.utc ?? false;
  let [startTime, nextStartTime] = monthBounds(now(), utc);
  let counter = opts.counter ?? 0;
  return () => {
    const current = now();
    if (current >= nextStartTime) [startTime, nextStartTime] = monthBounds(current, utc);
    // Java keeps the low 32 bits of the difference; a small negative one (clock stepped back) counts as 0.
    let diff = (current - startTime) | 0;
    if (diff < 0 && diff > -1_000_000) diff = 0;
    const tail = (diff >>> 0).toString(16).padStart(8, '0') + (counter & 0xffff).toString(16).padStart(4, '0');
    counter = (counter + 1) | 0;
    return prefix + tail.toUpperCase();
  };
}

let defaultGenerator: (() => string) | undefined;

/** A new UNIQ_KEY from this process's generator. */
export function createUniqId(): string {
  defaultGenerator ??= createUniqIdGenerator();
  return defaultGenerator();
}

/** Fields of a UNIQ_KEY. */
export interface UniqIdParts {
  ip: string;
  pid: number;
  classLoaderHash: number;
  /** Milliseconds since the start of the producer's month (uint32). */
  timeSinceMonthStart: number;
  counter: number;
}

export function parseUniqId(id: string): UniqIdParts {
  if ((id.length !== 32 && id.length !== 56) || !/^[0-9a-fA-F]+$/.test(id)) {
    throw new MessageDecodeError(`not a message unique key (32 or 56 hex chars): ${JSON.stringify(id)}`);
  }
  const b = Buffer.from(id, 'hex');
  const ipLen = b.length === 28 ? 16 : 4;
  return {
    ip: ipFromBytes(b, 0, ipLen),
    pid: b.readUInt16BE(ipLen),
    classLoaderHash: b.readInt32BE(ipLen + 2),
    timeSinceMonthStart: b.readUInt32BE(ipLen + 6),
    counter: b.readUInt16BE(ipLen + 10),
  };
}

/** Producer IP of a UNIQ_KEY (MessageClientIDSetter.getIPStrFromID). */
export function uniqIdIp(id: string): string {
  return parseUniqId(id).ip;
}

/**
 * When a UNIQ_KEY was created (MessageClientIDSetter.getNearlyTimeFromID): start of the current month plus the
 * stored span, or of the previous month when that lands at or after `now`.
 */
export function uniqIdTimestamp(id: string, opts: { now?: number; utc?: boolean } = {}): number {
  const span = parseUniqId(id).timeSinceMonthStart;
  const now = opts.now ?? Date.now();
  const utc = opts.utc ?? false;
  let [monthStart] = monthBounds(now, utc);
  if (monthStart + span >= now) {
    const d = new Date(monthStart);
    monthStart = utc
      ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)
      : new Date(d.getFullYear(), d.getMonth() - 1, 1).getTime();
  }
  return monthStart + span;
}
