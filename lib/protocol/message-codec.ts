// Stored message record: the CommitLog layout a broker writes, replicates over HA, and returns in PULL_MESSAGE,
// QUERY_MESSAGE and VIEW_MESSAGE_BY_ID bodies (several records back to back). Big-endian throughout.
//
//  pos  size      field
//    0  4         TOTALSIZE             whole record, this field included
//    4  4         MAGICCODE             0xdaa320a7 (V1, topic length int8) | 0xdaa320ab (V2, 5.x, topic length int16)
//    8  4         BODYCRC               crc32(body as stored) & 0x7FFFFFFF
//   12  4         QUEUEID
//   16  4         FLAG
//   20  8         QUEUEOFFSET
//   28  8         PHYSICALOFFSET        commit log offset of this record
//   36  4         SYSFLAG               MessageSysFlag bits; BORNHOST_V6 / STOREHOSTADDRESS_V6 size the hosts
//   40  8         BORNTIMESTAMP
//   48  4|16 + 4  BORNHOST              ip + int32 port
//    .  8         STORETIMESTAMP        at 56 (IPv4 born host) or 68 (IPv6)
//    .  4|16 + 4  STOREHOSTADDRESS
//    .  4         RECONSUMETIMES
//    .  8         PREPARED TRANSACTION OFFSET
//    .  4 + n     BODY                  int32 length + bytes (zlib deflated when SYSFLAG has COMPRESSED)
//    .  1|2 + n   TOPIC                 length (int8 for V1, int16 for V2) + UTF-8 bytes
//    .  2 + n     PROPERTIES            int16 length + UTF-8 properties string
// End of a commit log file: TOTALSIZE = free bytes, MAGICCODE = 0xcbd43194 (BLANK).

import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { MessageSysFlag } from './message-const.ts';
import { MessageDecodeError, MessageEncodeError } from './message-errors.ts';
import { type SocketHost, ipFromBytes, ipLength, ipToBytes, putInt32 as put32, putInt64 as put64, readInt64, writeInt64, writeIp } from './message-host.ts';
import { messageProperties2String, string2messageProperties } from './message-properties.ts';
import type { Message, MessageExt } from './message.ts';

export const MESSAGE_MAGIC_CODE = -626843481; // 0xdaa320a7
export const MESSAGE_MAGIC_CODE_V2 = -626843477; // 0xdaa320ab
export const BLANK_MAGIC_CODE = -875286124; // 0xcbd43194

export const MESSAGE_MAGIC_CODE_POSITION = 4;
export const BODY_CRC_POSITION = 8;
export const QUEUE_ID_POSITION = 12;
export const MESSAGE_FLAG_POSITION = 16;
export const QUEUE_OFFSET_POSITION = 20;
export const PHY_POS_POSITION = 28;
export const SYSFLAG_POSITION = 36;
export const BORN_TIMESTAMP_POSITION = 40;
export const BORN_HOST_POSITION = 48;
/** STORETIMESTAMP position with an IPv4 born host (MessageDecoder.MESSAGE_STORE_TIMESTAMP_POSITION). */
export const MESSAGE_STORE_TIMESTAMP_POSITION = 56;

/** Topics longer than this many bytes need the V2 magic code (int16 topic length), as 5.x brokers write. */
export const MAX_V1_TOPIC_LENGTH = 127;
/** Largest properties string a record can hold (int16 length). */
export const MAX_PROPERTIES_LENGTH = 32767;
/** Producer defaults (DefaultMQProducer): compress bodies of 4 KiB or more, zlib level 5 (rocketmq.message.compressLevel). */
export const DEFAULT_COMPRESS_MSG_BODY_OVER_HOWMUCH = 4096;
export const DEFAULT_COMPRESS_LEVEL = 5;

const EMPTY: Buffer = Buffer.alloc(0);

/** Fields needed to lay out a stored record; a MessageExt qualifies. */
export interface StoredMessageFields extends Message {
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: SocketHost;
  storeTimestamp: number;
  storeHost: SocketHost;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
  /** Defaults to the CRC of `body` (UtilAll.crc32). */
  bodyCRC?: number;
  /** Written verbatim instead of `properties` when set (MessageExtBrokerInner.propertiesString). */
  propertiesString?: string;
}

/** UtilAll.crc32: CRC-32 of the bytes masked to a non-negative int32. */
export function bodyCrc32(body: Buffer): number {
  return crc32(body) & 0x7fffffff;
}

/** IPv4 or IPv6 host bits of `sysFlag` set from the host addresses (a record is only readable when they agree). */
export function hostSysFlag(sysFlag: number, bornHost: SocketHost, storeHost: SocketHost): number {
  let f = sysFlag & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  if (ipLength(bornHost.address) === 16) f |= MessageSysFlag.BORNHOST_V6_FLAG;
  if (ipLength(storeHost.address) === 16) f |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
  return f;
}

/** Record size (CommitLog.calMsgLength); topic lengths above 127 bytes take the V2 int16 length field. */
export function calMsgLength(sysFlag: number, bodyLength: number, topicLength: number, propertiesLength: number): number {
  const bornHostLength = sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 20 : 8;
  const storeHostLength = sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG ? 20 : 8;
  const topicLengthSize = topicLength > MAX_V1_TOPIC_LENGTH ? 2 : 1;
  return (
    4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + bornHostLength + 8 + storeHostLength + 4 + 8 +
    4 + Math.max(bodyLength, 0) + topicLengthSize + topicLength + 2 + Math.max(propertiesLength, 0)
  );
}

/** Size of the record `encodeStoredMessage(msg)` writes. */
export function storedMessageSize(msg: StoredMessageFields): number {
  const props = msg.propertiesString ?? messageProperties2String(msg.properties);
  return calMsgLength(
    hostSysFlag(msg.sysFlag, msg.bornHost, msg.storeHost),
    msg.body?.length ?? 0,
    Buffer.byteLength(msg.topic, 'utf8'),
    Buffer.byteLength(props, 'utf8'),
  );
}

/** What a record's layout depends on beyond its fixed fields; computed once per message (see `storedRecordLayout`). */
export interface StoredRecordLayout {
  /** TOTALSIZE. */
  size: number;
  /** SYSFLAG with the host bits set from the host addresses. */
  sysFlag: number;
  topicLength: number;
  /** The properties string written and its UTF-8 length. */
  properties: string;
  propertiesLength: number;
}

/** The layout of `msg` as a record; throws MessageEncodeError when the topic or properties are too long. */
export function storedRecordLayout(msg: StoredMessageFields, topicLength = Buffer.byteLength(msg.topic, 'utf8')): StoredRecordLayout {
  const properties = msg.propertiesString ?? messageProperties2String(msg.properties);
  const propertiesLength = Buffer.byteLength(properties, 'utf8');
  if (propertiesLength > MAX_PROPERTIES_LENGTH) {
    throw new MessageEncodeError(`properties of a message to ${msg.topic} take ${propertiesLength} bytes, more than ${MAX_PROPERTIES_LENGTH}`);
  }
  if (topicLength > 0x7fff) throw new MessageEncodeError(`topic takes ${topicLength} bytes, more than 32767`);
  const sysFlag = hostSysFlag(msg.sysFlag, msg.bornHost, msg.storeHost);
  return { size: calMsgLength(sysFlag, msg.body?.length ?? 0, topicLength, propertiesLength), sysFlag, topicLength, properties, propertiesLength };
}

/**
 * Lays out `msg` as a stored record, into `target` at `offset` when given (which must have room), else into a new
 * buffer. Returns the record bytes. The host bits of SYSFLAG follow the host addresses.
 */
export function encodeStoredMessage(msg: StoredMessageFields, target?: Buffer, offset = 0): Buffer {
  const layout = storedRecordLayout(msg);
  checkRecordNumbers(msg);
  const size = layout.size;
  if (!target) {
    const buf = Buffer.allocUnsafe(size);
    writeStoredRecord(buf, 0, msg, layout);
    return buf;
  }
  if (offset + size > target.length) throw new MessageEncodeError(`record of ${size} bytes does not fit at ${offset} in ${target.length} bytes`);
  writeStoredRecord(target, offset, msg, layout);
  return target.subarray(offset, offset + size);
}

const isInt32 = (v: number): boolean => Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff;

/** Throws MessageEncodeError for a numeric field out of its int32 / int64 range. */
function checkRecordNumbers(msg: StoredMessageFields): void {
  const int32: Array<[string, number | undefined]> = [
    ['queueId', msg.queueId],
    ['flag', msg.flag | 0],
    ['bornHost.port', msg.bornHost.port],
    ['storeHost.port', msg.storeHost.port],
    ['reconsumeTimes', msg.reconsumeTimes],
    ['bodyCRC', msg.bodyCRC],
  ];
  for (const [name, v] of int32) if (v !== undefined && !isInt32(v)) throw new MessageEncodeError(`${name} ${v} is not an int32`);
  const int64: Array<[string, number | undefined]> = [
    ['queueOffset', msg.queueOffset],
    ['commitLogOffset', msg.commitLogOffset],
    ['bornTimestamp', msg.bornTimestamp],
    ['storeTimestamp', msg.storeTimestamp],
    ['preparedTransactionOffset', msg.preparedTransactionOffset],
  ];
  for (const [name, v] of int64) if (v !== undefined && !Number.isSafeInteger(v)) throw new MessageEncodeError(`not a safe integer for an int64 field ${name}: ${v}`);
  for (const host of [msg.bornHost, msg.storeHost]) ipToBytes(host.address);
}

type Utf8Writer = (this: Buffer, s: string, offset: number, length: number) => number;
// Buffer's own UTF-8 writer, without the encoding lookup of Buffer.write (which costs as much as the copy for short
// strings); Buffer.write where a runtime lacks it.
const utf8Write: Utf8Writer =
  (Buffer.prototype as unknown as { utf8Write?: Utf8Writer }).utf8Write ??
  function (this: Buffer, s: string, offset: number, length: number): number {
    return this.write(s, offset, length, 'utf8');
  };

/**
 * Writes the record of `msg` with `layout` (from `storedRecordLayout`) at `at` of `buf`, which must have
 * `layout.size` bytes of room, and whose numeric fields must be in range (see the store's put checks).
 * With `crcLater` and no `msg.bodyCRC`, BODYCRC is left 0 for the caller to fill in (at `at + 8`) before the
 * record is used. `shared`: `buf` is a SharedArrayBuffer, into which a native fill copies the body several
 * times faster than TypedArray.set. Returns where the body starts in `buf`.
 */
export function writeStoredRecord(buf: Buffer, at: number, msg: StoredMessageFields, layout: StoredRecordLayout, crcLater = false, shared = false): number {
  const body = msg.body ?? EMPTY;
  const { topicLength, propertiesLength } = layout;
  const v2 = topicLength > MAX_V1_TOPIC_LENGTH;
  put32(buf, at, layout.size);
  put32(buf, at + 4, v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE);
  put32(buf, at + 8, msg.bodyCRC ?? (crcLater ? 0 : bodyCrc32(body)));
  put32(buf, at + 12, msg.queueId);
  put32(buf, at + 16, msg.flag | 0);
  put64(buf, at + 20, msg.queueOffset);
  put64(buf, at + 28, msg.commitLogOffset);
  put32(buf, at + 36, layout.sysFlag);
  put64(buf, at + 40, msg.bornTimestamp);
  let o = writeIp(buf, at + 48, msg.bornHost.address);
  put32(buf, o, msg.bornHost.port);
  put64(buf, o + 4, msg.storeTimestamp);
  o = writeIp(buf, o + 12, msg.storeHost.address);
  put32(buf, o, msg.storeHost.port);
  put32(buf, o + 4, msg.reconsumeTimes ?? 0);
  put64(buf, o + 8, msg.preparedTransactionOffset ?? 0);
  put32(buf, o + 16, body.length);
  o += 20;
  const bodyAt = o;
  if (shared && body.length > 0) buf.fill(body, o, o + body.length);
  else buf.set(body, o);
  o += body.length;
  if (v2) {
    buf[o] = topicLength >>> 8;
    buf[o + 1] = topicLength;
    o += 2;
  } else {
    buf[o++] = topicLength;
  }
  o += utf8Write.call(buf, msg.topic, o, topicLength);
  buf[o] = propertiesLength >>> 8;
  buf[o + 1] = propertiesLength;
  if (propertiesLength > 0) utf8Write.call(buf, layout.properties, o + 2, propertiesLength);
  return bodyAt;
}

/** Position of STORETIMESTAMP in a record with this sysFlag. */
export function storeTimestampPosition(sysFlag: number): number {
  return BORN_HOST_POSITION + (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 20 : 8);
}

/** Overwrites QUEUEOFFSET of the record at `recordOffset` (the store assigns it when appending). */
export function patchQueueOffset(buf: Buffer, recordOffset: number, queueOffset: number): void {
  writeInt64(buf, recordOffset + QUEUE_OFFSET_POSITION, queueOffset);
}

/** Overwrites PHYSICALOFFSET of the record at `recordOffset`. */
export function patchPhysicalOffset(buf: Buffer, recordOffset: number, physicalOffset: number): void {
  writeInt64(buf, recordOffset + PHY_POS_POSITION, physicalOffset);
}

/** Overwrites STORETIMESTAMP of the record at `recordOffset` (its position depends on the born host size). */
export function patchStoreTimestamp(buf: Buffer, recordOffset: number, storeTimestamp: number): void {
  const sysFlag = buf.readInt32BE(recordOffset + SYSFLAG_POSITION);
  writeInt64(buf, recordOffset + storeTimestampPosition(sysFlag), storeTimestamp);
}

/** zlib-deflates a body (UtilAll.compress / ZlibCompressor, level 5 by default). */
export function compressMessageBody(body: Buffer, level = DEFAULT_COMPRESS_LEVEL): Buffer {
  return deflateSync(body, { level });
}

/** Inflates a body whose SYSFLAG has COMPRESSED; only zlib (type 0 or 3) is supported, LZ4 and ZSTD are refused. */
export function uncompressMessageBody(body: Buffer, sysFlag: number = MessageSysFlag.COMPRESSED_FLAG): Buffer {
  const type = MessageSysFlag.getCompressionType(sysFlag);
  if (type !== 0 && type !== 3) {
    throw new MessageDecodeError(`message body compressed with ${type === 1 ? 'LZ4' : type === 2 ? 'ZSTD' : `type ${type}`}, only zlib is supported`);
  }
  try {
    return inflateSync(body);
  } catch (err) {
    throw new MessageDecodeError('message body is not a valid zlib stream', { cause: err });
  }
}

export interface DecodeMessageOptions {
  /** Read the body (default true); when false `body` is empty and the position just skips it. */
  readBody?: boolean;
  /** Copy the body out of the input (default true); when false it is a view that shares the input's memory. */
  copyBody?: boolean;
  /** Inflate a COMPRESSED body and clear that bit of sysFlag, as the Java client does (default true). */
  decompressBody?: boolean;
  /** Check BODYCRC against the body bytes (default false). */
  checkCRC?: boolean;
}

function fail(offset: number, what: string): never {
  throw new MessageDecodeError(`message record at ${offset}: ${what}`);
}

/** Decodes the record starting at `offset`. Throws MessageDecodeError on a truncated or inconsistent record. */
export function decodeMessage(buf: Buffer, offset = 0, opts: DecodeMessageOptions = {}): MessageExt {
  const remaining = buf.length - offset;
  if (remaining < 8) fail(offset, `only ${remaining} bytes left`);
  const storeSize = buf.readInt32BE(offset);
  const magic = buf.readInt32BE(offset + 4);
  if (magic !== MESSAGE_MAGIC_CODE && magic !== MESSAGE_MAGIC_CODE_V2) {
    fail(offset, magic === BLANK_MAGIC_CODE ? 'blank end-of-file marker' : `bad magic code 0x${(magic >>> 0).toString(16)}`);
  }
  if (storeSize < calMsgLength(0, 0, 0, 0) || storeSize > remaining) fail(offset, `bad TOTALSIZE ${storeSize} (${remaining} bytes left)`);
  const end = offset + storeSize;
  const bodyCRC = buf.readInt32BE(offset + BODY_CRC_POSITION);
  const queueId = buf.readInt32BE(offset + QUEUE_ID_POSITION);
  const flag = buf.readInt32BE(offset + MESSAGE_FLAG_POSITION);
  const queueOffset = readInt64(buf, offset + QUEUE_OFFSET_POSITION);
  const commitLogOffset = readInt64(buf, offset + PHY_POS_POSITION);
  let sysFlag = buf.readInt32BE(offset + SYSFLAG_POSITION);
  const bornTimestamp = readInt64(buf, offset + BORN_TIMESTAMP_POSITION);
  let o = offset + BORN_HOST_POSITION;
  const bornIpLength = sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 16 : 4;
  const storeIpLength = sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG ? 16 : 4;
  // Fixed part up to the body length must fit (v6 hosts make it longer than the minimum checked above).
  if (o + bornIpLength + 4 + 8 + storeIpLength + 4 + 4 + 8 + 4 > end) fail(offset, 'TOTALSIZE shorter than the fixed fields');
  const bornHost = { address: ipFromBytes(buf, o, bornIpLength), port: buf.readInt32BE(o + bornIpLength) };
  o += bornIpLength + 4;
  const storeTimestamp = readInt64(buf, o);
  o += 8;
  const storeHostPos = o;
  const storeHost = { address: ipFromBytes(buf, o, storeIpLength), port: buf.readInt32BE(o + storeIpLength) };
  o += storeIpLength + 4;
  const reconsumeTimes = buf.readInt32BE(o);
  o += 4;
  const preparedTransactionOffset = readInt64(buf, o);
  o += 8;
  const bodyLength = buf.readInt32BE(o);
  o += 4;
  if (bodyLength < 0 || o + bodyLength > end) fail(offset, `bad body length ${bodyLength}`);
  let body = EMPTY;
  if (bodyLength > 0 && opts.readBody !== false) {
    const raw = buf.subarray(o, o + bodyLength);
    if (opts.checkCRC) {
      const crc = bodyCrc32(raw);
      if (crc !== bodyCRC) fail(offset, `body CRC ${crc} does not match BODYCRC ${bodyCRC}`);
    }
    if (opts.decompressBody !== false && sysFlag & MessageSysFlag.COMPRESSED_FLAG) {
      body = uncompressMessageBody(raw, sysFlag);
      sysFlag = MessageSysFlag.clearCompressedFlag(sysFlag);
    } else {
      body = opts.copyBody === false ? raw : Buffer.from(raw);
    }
  }
  o += bodyLength;
  let topicLength: number;
  if (magic === MESSAGE_MAGIC_CODE_V2) {
    if (o + 2 > end) fail(offset, 'truncated topic length');
    topicLength = buf.readInt16BE(o);
    o += 2;
  } else {
    if (o + 1 > end) fail(offset, 'truncated topic length');
    topicLength = buf.readInt8(o);
    o += 1;
  }
  if (topicLength < 0 || o + topicLength + 2 > end) fail(offset, `bad topic length ${topicLength}`);
  const topic = buf.toString('utf8', o, o + topicLength);
  o += topicLength;
  const propertiesLength = buf.readInt16BE(o);
  o += 2;
  if (propertiesLength < 0 || o + propertiesLength !== end) {
    fail(offset, `properties length ${propertiesLength} does not end the record of TOTALSIZE ${storeSize}`);
  }
  const properties = propertiesLength > 0 ? string2messageProperties(buf.toString('utf8', o, end)) : {};
  const msgId =
    buf.toString('hex', storeHostPos, storeHostPos + storeIpLength + 4).toUpperCase() +
    buf.toString('hex', offset + PHY_POS_POSITION, offset + PHY_POS_POSITION + 8).toUpperCase();
  return {
    topic,
    flag,
    properties,
    body,
    queueId,
    storeSize,
    queueOffset,
    sysFlag,
    bornTimestamp,
    bornHost,
    storeTimestamp,
    storeHost,
    msgId,
    commitLogOffset,
    bodyCRC,
    reconsumeTimes,
    preparedTransactionOffset,
  };
}

/** Decodes back-to-back records (a PULL_MESSAGE / QUERY_MESSAGE / VIEW_MESSAGE_BY_ID body). */
export function decodeMessages(buf: Buffer, opts: DecodeMessageOptions = {}): MessageExt[] {
  const out: MessageExt[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const msg = decodeMessage(buf, offset, opts);
    out.push(msg);
    offset += msg.storeSize;
  }
  return out;
}

