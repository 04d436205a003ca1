// Socket addresses inside message records (bornHost/storeHost) and the offset message id built from them.
//
// A host is written as ip bytes (4 for IPv4, 16 for IPv6) followed by an int32 port.
// Offset message id (MessageDecoder.createMessageId), hex upper-case:
//   IPv4: ip(4) port(4) commitLogOffset(8) = 16 bytes = 32 chars
//   IPv6: ip(16) port(4) commitLogOffset(8) = 28 bytes = 56 chars

import { MessageDecodeError, MessageEncodeError } from './message-errors.ts';

/** A socket address as RocketMQ stores it: `address` is a dotted IPv4 or a textual IPv6 address. */
export interface SocketHost {
  address: string;
  port: number;
}

const TWO_32 = 4294967296;

/** True when `address` is IPv6 text (and so takes 16 bytes in a record). */
export function isIPv6Address(address: string): boolean {
  return address.includes(':');
}

function parseIPv4Into(text: string, out: Buffer, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (p.length === 0 || p.length > 3 || !/^\d+$/.test(p)) return false;
    const n = Number(p);
    if (n > 255) return false;
    out[at + i] = n;
  }
  return true;
}

function parseIPv6Into(text: string, out: Buffer): boolean {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  // An embedded IPv4 tail ("::ffff:1.2.3.4") counts as two 16-bit groups.
  const words: number[] = [];
  const pushAll = (list: string[], into: number[]): boolean => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i]!;
      if (g.includes('.')) {
        if (i !== list.length - 1) return false;
        const v4 = Buffer.alloc(4);
        if (!parseIPv4Into(g, v4, 0)) return false;
        into.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
        into.push(parseInt(g, 16));
      }
    }
    return true;
  };
  const headWords: number[] = [];
  const tailWords: number[] = [];
  if (!pushAll(head, headWords) || !pushAll(tail, tailWords)) return false;
  if (halves.length === 2) {
    const fill = 8 - headWords.length - tailWords.length;
    if (fill < 1) return false;
    words.push(...headWords, ...new Array<number>(fill).fill(0), ...tailWords);
  } else {
    if (headWords.length !== 8) return false;
    words.push(...headWords);
  }
  for (let i = 0; i < 8; i++) out.writeUInt16BE(words[i]!, i * 2);
  return true;
}

/** The 4 (IPv4) or 16 (IPv6) address bytes of `address`. IPv6 text is kept at 16 bytes, even when IPv4-mapped. */
export function ipToBytes(address: string): Buffer {
  if (isIPv6Address(address)) {
    const out = Buffer.alloc(16);
    if (!parseIPv6Into(address, out)) throw new MessageEncodeError(`not an IPv6 address: ${JSON.stringify(address)}`);
    return out;
  }
  const out = Buffer.alloc(4);
  if (!parseIPv4Into(address, out, 0)) throw new MessageEncodeError(`not an IPv4 address: ${JSON.stringify(address)}`);
  return out;
}

/** Number of address bytes `address` takes in a record: 4 or 16. */
export function ipLength(address: string): 4 | 16 {
  return isIPv6Address(address) ? 16 : 4;
}

// Parsed addresses: every stored record carries two hosts, and a broker sees few distinct ones, so parsing the
// text once per address (not once per record) takes a visible share off the store's append path.
const IP_CACHE_MAX = 4096;
const ipCache = new Map<string, Buffer>();

/** Writes `address` (4 or 16 bytes) at `offset`; returns the offset after it. */
export function writeIp(buf: Buffer, offset: number, address: string): number {
  let bytes = ipCache.get(address);
  if (!bytes) {
    bytes = ipToBytes(address);
    if (ipCache.size >= IP_CACHE_MAX) ipCache.clear();
    ipCache.set(address, bytes);
  }
  if (bytes.length === 4) {
    buf[offset] = bytes[0]!;
    buf[offset + 1] = bytes[1]!;
    buf[offset + 2] = bytes[2]!;
    buf[offset + 3] = bytes[3]!;
    return offset + 4;
  }
  bytes.copy(buf, offset);
  return offset + 16;
}

/**
 * Text of 4 or 16 address bytes: dotted IPv4, or RFC 5952 IPv6 (lower-case, longest zero run as "::",
 * IPv4-mapped as "::ffff:a.b.c.d") — the form Node reports for socket addresses.
 */
export function ipFromBytes(buf: Buffer, offset: number, length: 4 | 16): string {
  if (length === 4) return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(buf.readUInt16BE(offset + i * 2));
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${buf[offset + 12]}.${buf[offset + 13]}.${buf[offset + 14]}.${buf[offset + 15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (list: number[]): string => list.map((x) => x.toString(16)).join(':');
  if (bestLen < 2) return hex(w);
  return `${hex(w.slice(0, bestStart))}::${hex(w.slice(bestStart + bestLen))}`;
}

/**
 * Address as a Java broker would see it: an IPv4-mapped IPv6 peer ("::ffff:127.0.0.1", as Node reports dual-stack
 * peers) is an IPv4 address to Java, so it is stored in 4 bytes.
 */
export function normalizeAddress(address: string): string {
  const m = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(address);
  return m ? m[1]! : address;
}

/** "ip:port" for IPv4, "[ip]:port" for IPv6. */
export function formatSocketHost(host: SocketHost): string {
  return isIPv6Address(host.address) ? `[${host.address}]:${host.port}` : `${host.address}:${host.port}`;
}

/** Parses "ip:port" or "[ipv6]:port". */
export function parseSocketHost(text: string): SocketHost {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m) throw new MessageDecodeError(`not a socket address: ${JSON.stringify(text)}`);
  return { address: m[1]!, port: Number(m[2]) };
}

/** Reads a signed int64 as a number (exact below 2^53, as offsets and timestamps are). */
export function readInt64(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * TWO_32 + buf.readUInt32BE(offset + 4);
}

// Unchecked big-endian stores straight into the bytes, for hot paths whose values are validated beforehand: a
// record or index entry takes a dozen integers, and Buffer.writeInt32BE's range checks cost more than the stores.

/** Stores the low 32 bits of `v` at `o`, big-endian, without range checks. */
export function putInt32(b: Buffer, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** Stores a safe integer as an int64 at `o`, big-endian, without checks. */
export function putInt64(b: Buffer, o: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  putInt32(b, o, hi);
  putInt32(b, o + 4, v - hi * TWO_32);
}

/** Writes a safe integer as a signed int64. */
export function writeInt64(buf: Buffer, offset: number, value: number): number {
  if (!Number.isSafeInteger(value)) throw new MessageEncodeError(`not a safe integer for an int64 field: ${value}`);
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, offset);
  buf.writeUInt32BE(value - hi * TWO_32, offset + 4);
  return offset + 8;
}

/** Offset message id of a message stored at `commitLogOffset` by the broker at `storeHost` (upper-case hex). */
export function createMessageId(storeHost: SocketHost, commitLogOffset: number): string {
  const ipLen = ipLength(storeHost.address);
  const buf = Buffer.allocUnsafe(ipLen + 4 + 8);
  let o = writeIp(buf, 0, storeHost.address);
  o = buf.writeInt32BE(storeHost.port | 0, o);
  writeInt64(buf, o, commitLogOffset);
  return buf.toString('hex').toUpperCase();
}

/** Decoded offset message id: the broker that stored the message and where in its commit log. */
export interface MessageId {
  address: string;
  port: number;
  offset: number;
}

/** Splits an offset message id (32 hex chars for IPv4, 56 for IPv6) into store address and commit log offset. */
export function decodeMessageId(msgId: string): MessageId {
  if ((msgId.length !== 32 && msgId.length !== 56) || !/^[0-9a-fA-F]+$/.test(msgId)) {
    throw new MessageDecodeError(`not an offset message id (32 or 56 hex chars): ${JSON.stringify(msgId)}`);
  }
  const bytes = Buffer.from(msgId, 'hex');
  const ipLen = msgId.length === 32 ? 4 : 16;
  return {
    address: ipFromBytes(bytes, 0, ipLen),
    port: bytes.readInt32BE(ipLen),
    offset: readInt64(bytes, ipLen + 4),
  };
}
