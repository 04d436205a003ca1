// SEND_BATCH_MESSAGE body (MessageDecoder.encodeMessages) and the broker's expansion of it into stored records.
//
// Producer batch body = entries back to back, each:
//   int32 TOTALSIZE | int32 MAGICCODE (0) | int32 BODYCRC (0) | int32 FLAG | int32 bodyLength | body
//   | int16 propertiesLength | properties (UTF-8)
// Topic, queue and the batch-wide properties travel in the request header (SendMessageRequestHeader).

import { MessageDecodeError, MessageEncodeError } from './message-errors.ts';
import {
  MAX_PROPERTIES_LENGTH,
  MAX_V1_TOPIC_LENGTH,
  MESSAGE_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V2,
  bodyCrc32,
  calMsgLength,
  hostSysFlag,
} from './message-codec.ts';
import { type SocketHost, writeInt64, writeIp } from './message-host.ts';
import { messageProperties2String, string2messageProperties } from './message-properties.ts';
import type { Message } from './message.ts';

const BATCH_ENTRY_FIXED = 4 + 4 + 4 + 4 + 4 + 2;
const PROPERTY_SEPARATOR_BYTE = 2;

/** One batch entry needs flag, body and properties; the topic is not part of it. */
export type BatchEntryFields = Pick<Message, 'flag' | 'body' | 'properties'> & { propertiesString?: string };

function entryParts(msg: BatchEntryFields): { props: string; propsLength: number; size: number } {
  const props = msg.propertiesString ?? messageProperties2String(msg.properties);
  const propsLength = Buffer.byteLength(props, 'utf8');
  if (propsLength > MAX_PROPERTIES_LENGTH) {
    throw new MessageEncodeError(`batch entry properties take ${propsLength} bytes, more than ${MAX_PROPERTIES_LENGTH}`);
  }
  return { props, propsLength, size: BATCH_ENTRY_FIXED + msg.body.length + propsLength };
}

function writeEntry(buf: Buffer, o: number, msg: BatchEntryFields, parts: { props: string; propsLength: number; size: number }): number {
  o = buf.writeInt32BE(parts.size, o);
  o = buf.writeInt32BE(0, o);
  o = buf.writeInt32BE(0, o);
  o = buf.writeInt32BE(msg.flag | 0, o);
  o = buf.writeInt32BE(msg.body.length, o);
  o += msg.body.copy(buf, o);
  o = buf.writeInt16BE(parts.propsLength, o);
  o += buf.write(parts.props, o, 'utf8');
  return o;
}

/** One batch entry (MessageDecoder.encodeMessage). */
export function encodeBatchMessage(msg: BatchEntryFields): Buffer {
  const parts = entryParts(msg);
  const buf = Buffer.allocUnsafe(parts.size);
  writeEntry(buf, 0, msg, parts);
  return buf;
}

/** A SEND_BATCH_MESSAGE body (MessageDecoder.encodeMessages). */
export function encodeBatchMessages(messages: readonly BatchEntryFields[]): Buffer {
  const parts = messages.map(entryParts);
  const buf = Buffer.allocUnsafe(parts.reduce((n, p) => n + p.size, 0));
  let o = 0;
  for (let i = 0; i < messages.length; i++) o = writeEntry(buf, o, messages[i]!, parts[i]!);
  return buf;
}

/** Where one entry's pieces sit inside a batch body. */
interface EntrySpan {
  flag: number;
  bodyPos: number;
  bodyLength: number;
  propsPos: number;
  propsLength: number;
  end: number;
}

function readEntry(buf: Buffer, offset: number): EntrySpan {
  const bad = (what: string): never => {
    throw new MessageDecodeError(`batch entry at ${offset}: ${what}`);
  };
  if (buf.length - offset < BATCH_ENTRY_FIXED) bad(`only ${buf.length - offset} bytes left`);
  const size = buf.readInt32BE(offset);
  const flag = buf.readInt32BE(offset + 12);
  const bodyLength = buf.readInt32BE(offset + 16);
  const bodyPos = offset + 20;
  if (bodyLength < 0 || bodyPos + bodyLength + 2 > buf.length) bad(`bad body length ${bodyLength}`);
  const propsLength = buf.readInt16BE(bodyPos + bodyLength);
  const propsPos = bodyPos + bodyLength + 2;
  const end = propsPos + propsLength;
  if (propsLength < 0 || end > buf.length) bad(`bad properties length ${propsLength}`);
  if (size !== end - offset) bad(`TOTALSIZE ${size} but the entry takes ${end - offset} bytes`);
  return { flag, bodyPos, bodyLength, propsPos, propsLength, end };
}

export interface DecodeBatchOptions {
  /** Topic to put on every message (from the request header); default ''. */
  topic?: string;
  /** Copy bodies out of the input (default true). */
  copyBody?: boolean;
}

/** Splits a SEND_BATCH_MESSAGE body into its messages (MessageDecoder.decodeMessages). */
export function decodeBatchMessages(buf: Buffer, opts: DecodeBatchOptions = {}): Message[] {
  const out: Message[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const e = readEntry(buf, offset);
    const raw = buf.subarray(e.bodyPos, e.bodyPos + e.bodyLength);
    out.push({
      topic: opts.topic ?? '',
      flag: e.flag,
      properties: string2messageProperties(buf.toString('utf8', e.propsPos, e.propsPos + e.propsLength)),
      body: opts.copyBody === false ? raw : Buffer.from(raw),
    });
    offset = e.end;
  }
  return out;
}

/** Number of entries in a batch body (MessageDecoder.countInnerMsgNum), following TOTALSIZE only. */
export function countBatchMessages(buf: Buffer): number {
  let n = 0;
  for (let o = 0; o + 4 <= buf.length; n++) {
    const size = buf.readInt32BE(o);
    if (size <= 0) throw new MessageDecodeError(`batch entry at ${o}: bad TOTALSIZE ${size}`);
    o += size;
  }
  return n;
}

/** Batch-wide fields the broker puts on each stored record of a batch (MessageExtBatch). */
export interface BatchStoreFields {
  topic: string;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: SocketHost;
  storeTimestamp: number;
  storeHost: SocketHost;
  reconsumeTimes?: number;
}

/**
 * Expands a batch body into stored records as a 4.9.x broker does (CommitLog.MessageExtEncoder.encode(batch)):
 * each record gets its own BODYCRC, QUEUEOFFSET/PHYSICALOFFSET 0 (patched when appended), prepared offset 0, and
 * properties = entry properties + (separator when the entry's do not end with one) + `batchPropertiesString`
 * (the header properties plus CLUSTER, in Java HashMap order).
 */
export function encodeBatchAsStoredRecords(batch: Buffer, fields: BatchStoreFields, batchPropertiesString: string): Buffer {
  const batchProps = Buffer.from(batchPropertiesString, 'utf8');
  const topic = Buffer.from(fields.topic, 'utf8');
  const sysFlag = hostSysFlag(fields.sysFlag, fields.bornHost, fields.storeHost);
  const entries: Array<EntrySpan & { sep: boolean; totalProps: number; size: number }> = [];
  let total = 0;
  for (let offset = 0; offset < batch.length; ) {
    const e = readEntry(batch, offset);
    const sep = e.propsLength > 0 && batchProps.length > 0 && batch[e.end - 1] !== PROPERTY_SEPARATOR_BYTE;
    const totalProps = e.propsLength + (sep ? 1 : 0) + batchProps.length;
    if (totalProps > MAX_PROPERTIES_LENGTH) {
      throw new MessageEncodeError(`batch entry at ${offset}: properties take ${totalProps} bytes, more than ${MAX_PROPERTIES_LENGTH}`);
    }
    const size = calMsgLength(sysFlag, e.bodyLength, topic.length, totalProps);
    entries.push({ ...e, sep, totalProps, size });
    total += size;
    offset = e.end;
  }
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  for (const e of entries) {
    o = out.writeInt32BE(e.size, o);
    o = out.writeInt32BE(topic.length > MAX_V1_TOPIC_LENGTH ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE, o);
    o = out.writeInt32BE(bodyCrc32(batch.subarray(e.bodyPos, e.bodyPos + e.bodyLength)), o);
    o = out.writeInt32BE(fields.queueId, o);
    o = out.writeInt32BE(e.flag, o);
    o = writeInt64(out, o, 0);
    o = writeInt64(out, o, 0);
    o = out.writeInt32BE(sysFlag, o);
    o = writeInt64(out, o, fields.bornTimestamp);
    o = writeIp(out, o, fields.bornHost.address);
    o = out.writeInt32BE(fields.bornHost.port, o);
    o = writeInt64(out, o, fields.storeTimestamp);
    o = writeIp(out, o, fields.storeHost.address);
    o = out.writeInt32BE(fields.storeHost.port, o);
    o = out.writeInt32BE(fields.reconsumeTimes ?? 0, o);
    o = writeInt64(out, o, 0);
    o = out.writeInt32BE(e.bodyLength, o);
    o += batch.copy(out, o, e.bodyPos, e.bodyPos + e.bodyLength);
    if (topic.length > MAX_V1_TOPIC_LENGTH) o = out.writeInt16BE(topic.length, o);
    else o = out.writeInt8(topic.length, o);
    o += topic.copy(out, o);
    o = out.writeInt16BE(e.totalProps, o);
    o += batch.copy(out, o, e.propsPos, e.propsPos + e.propsLength);
    if (batchProps.length > 0) {
      if (e.sep) out[o++] = PROPERTY_SEPARATOR_BYTE;
      o += batchProps.copy(out, o);
    }
  }
  return out;
}
