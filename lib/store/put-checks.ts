// Checks that a message can be laid out before space is reserved for it, and the append result with its
// offset message id (hex of storeHost ip + port + commit log offset; the host part is computed once per host).

import { createMessageId, ipToBytes, type SocketHost } from '../protocol/message-host.ts';
import type { AppendMessageResult } from './types.ts';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

const isInt32 = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;

// Addresses seen before (a broker sees few distinct hosts); bounded so it cannot grow without limit.
const goodAddresses = new Set<string>();

function addressOk(address: unknown): boolean {
  if (typeof address !== 'string') return false;
  if (goodAddresses.has(address)) return true;
  try {
    ipToBytes(address);
  } catch {
    return false;
  }
  if (goodAddresses.size > 4096) goodAddresses.clear();
  goodAddresses.add(address);
  return true;
}

export interface EncodableFields {
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: SocketHost;
  storeHost: SocketHost;
  flag?: number;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  bodyCRC?: number;
}

// The hosts checked last: a broker passes the same few host objects again and again.
let okBorn: SocketHost | null = null;
let okBornAddress = '';
let okStore: SocketHost | null = null;
let okStoreAddress = '';

/** Why a message cannot be laid out as a record (a number out of range, a bad host), or null. */
export function checkEncodable(m: EncodableFields): string | null {
  if (!isInt32(m.queueId) || m.queueId < 0) return `bad queueId ${m.queueId}`;
  if (!isInt32(m.sysFlag)) return `bad sysFlag ${m.sysFlag}`;
  if (!Number.isSafeInteger(m.bornTimestamp)) return `bad bornTimestamp ${m.bornTimestamp}`;
  if (m.flag !== undefined && !Number.isInteger(m.flag)) return `bad flag ${m.flag}`;
  if (m.reconsumeTimes !== undefined && !isInt32(m.reconsumeTimes)) return `bad reconsumeTimes ${m.reconsumeTimes}`;
  if (m.preparedTransactionOffset !== undefined && !Number.isSafeInteger(m.preparedTransactionOffset)) {
    return `bad preparedTransactionOffset ${m.preparedTransactionOffset}`;
  }
  if (m.bodyCRC !== undefined && !isInt32(m.bodyCRC)) return `bad bodyCRC ${m.bodyCRC}`;
  const born = m.bornHost;
  const store = m.storeHost;
  if (born === okBorn && store === okStore && born.address === okBornAddress && store.address === okStoreAddress && isInt32(born.port) && isInt32(store.port)) {
    return null;
  }
  for (const [name, host] of [['bornHost', born], ['storeHost', store]] as const) {
    if (!host || !addressOk(host.address) || !isInt32(host.port)) return `bad ${name} ${JSON.stringify(host)}`;
  }
  okBorn = born;
  okBornAddress = born.address;
  okStore = store;
  okStoreAddress = store.address;
  return null;
}

/** Offset message id prefixes (ip + port hex) per store host. */
export class MsgIdPrefixes {
  private lastHost: SocketHost | null = null;
  private lastPrefix = '';
  private readonly byKey = new Map<string, string>();

  prefix(host: SocketHost): string {
    if (host === this.lastHost) return this.lastPrefix;
    const key = `${host.address}|${host.port}`;
    let p = this.byKey.get(key);
    if (p === undefined) {
      p = createMessageId(host, 0).slice(0, -16);
      if (this.byKey.size > 1024) this.byKey.clear();
      this.byKey.set(key, p);
    }
    this.lastHost = host;
    this.lastPrefix = p;
    return p;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

const hex32 = (v: number): string => HEX[v >>> 24]! + HEX[(v >>> 16) & 255]! + HEX[(v >>> 8) & 255]! + HEX[v & 255]!;

/** 16 upper-case hex digits of a commit log offset (the tail of an offset message id). */
export function offsetHex(offset: number): string {
  return hex32(Math.floor(offset / 0x100000000)) + hex32(offset >>> 0);
}

/** AppendMessageResult of a stored message or batch; the message id is made when first asked for (most callers never do). */
export class AppendResult implements AppendMessageResult {
  readonly wroteOffset: number;
  readonly wroteBytes: number;
  readonly storeTimestamp: number;
  readonly logicsOffset: number;
  readonly msgNum: number;
  private readonly prefix: string;
  private ids: string | undefined;

  constructor(prefix: string, wroteOffset: number, wroteBytes: number, storeTimestamp: number, logicsOffset: number, msgNum: number, msgIds?: string) {
    this.wroteOffset = wroteOffset;
    this.wroteBytes = wroteBytes;
    this.prefix = prefix;
    this.ids = msgIds;
    this.storeTimestamp = storeTimestamp;
    this.logicsOffset = logicsOffset;
    this.msgNum = msgNum;
  }

  get msgId(): string {
    return (this.ids ??= this.prefix + offsetHex(this.wroteOffset));
  }
}
