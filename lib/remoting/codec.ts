// Frame codec for RocketMQ remoting, with both header serializations (JSON = 0, ROCKETMQ binary = 1).
//
// Frame:  int32 length (= 4 + headerLength + bodyLength, excludes itself)
//         int32 serializeType << 24 | headerLength
//         header bytes | body bytes
// ROCKETMQ header: int16 code | int8 language | int16 version | int32 opaque | int32 flag |
//                  int32 remarkLen | remark | int32 extLen | { int16 keyLen | key | int32 valLen | val }*
// JSON header: a RemotingCommand object written by fastjson (alphabetical field order, language by name).

import {
  type RemotingCommand,
  type SerializeType,
  SERIALIZE_TYPE_CODE,
  languageCode,
  languageName,
} from './command.ts';
import { FrameDecodeError } from './errors.ts';

/** RocketMQ's default maximum frame (com.rocketmq.remoting.frameMaxLength): 16 MiB. */
export const DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

// ---------- header encoding ----------

function jsonHeaderText(cmd: RemotingCommand): string {
  // Same field order fastjson uses for RemotingCommand, so our frames read like Java's.
  const obj: Record<string, unknown> = { code: cmd.code };
  if (cmd.extFields) obj.extFields = cmd.extFields;
  obj.flag = cmd.flag;
  obj.language = cmd.language;
  obj.opaque = cmd.opaque;
  if (cmd.remark !== undefined && cmd.remark !== null) obj.remark = cmd.remark;
  obj.serializeTypeCurrentRPC = cmd.serializeType;
  obj.version = cmd.version;
  return JSON.stringify(obj);
}

function encodeRocketMqHeader(cmd: RemotingCommand): Buffer {
  const remark = cmd.remark ? Buffer.from(cmd.remark, 'utf8') : undefined;
  const pairs: Array<[Buffer, Buffer]> = [];
  let extLen = 0;
  for (const [k, v] of Object.entries(cmd.extFields ?? {})) {
    if (v === undefined || v === null) continue;
    const kb = Buffer.from(k, 'utf8');
    const vb = Buffer.from(String(v), 'utf8');
    if (kb.length > 0x7fff) throw new FrameDecodeError(`extFields key too long for the ROCKETMQ header: ${kb.length} bytes`);
    pairs.push([kb, vb]);
    extLen += 2 + kb.length + 4 + vb.length;
  }
  const buf = Buffer.allocUnsafe(2 + 1 + 2 + 4 + 4 + 4 + (remark?.length ?? 0) + 4 + extLen);
  let o = 0;
  o = buf.writeInt16BE(cmd.code, o);
  o = buf.writeUInt8(languageCode(cmd.language), o);
  o = buf.writeInt16BE(cmd.version, o);
  o = buf.writeInt32BE(cmd.opaque | 0, o);
  o = buf.writeInt32BE(cmd.flag | 0, o);
  o = buf.writeInt32BE(remark?.length ?? 0, o);
  if (remark) o += remark.copy(buf, o);
  o = buf.writeInt32BE(extLen, o);
  for (const [kb, vb] of pairs) {
    o = buf.writeInt16BE(kb.length, o);
    o += kb.copy(buf, o);
    o = buf.writeInt32BE(vb.length, o);
    o += vb.copy(buf, o);
  }
  return buf;
}

export function encodeHeader(cmd: RemotingCommand): Buffer {
  return cmd.serializeType === 'ROCKETMQ' ? encodeRocketMqHeader(cmd) : Buffer.from(jsonHeaderText(cmd), 'utf8');
}

/** Encodes a whole frame, including the leading 4-byte length, into one buffer (no header buffer in between). */
export function encodeFrame(cmd: RemotingCommand): Buffer {
  return encodeFrameInto(cmd, true);
}

/**
 * The length prefix and header of `cmd`'s frame, without its body: the frame is these bytes followed by `cmd.body`
 * unchanged (for a large body handed to the socket as is instead of copied; see RemotingCommand.bodyImmutable).
 */
export function encodeFrameHead(cmd: RemotingCommand): Buffer {
  return encodeFrameInto(cmd, false);
}

function encodeFrameInto(cmd: RemotingCommand, withBody: boolean): Buffer {
  const bodyLen = cmd.body?.length ?? 0;
  const room = withBody ? bodyLen : 0;
  let out: Buffer;
  let headerLength: number;
  if (cmd.serializeType === 'ROCKETMQ') {
    const header = encodeRocketMqHeader(cmd);
    headerLength = header.length;
    out = Buffer.allocUnsafe(8 + headerLength + room);
    header.copy(out, 8);
  } else {
    const text = jsonHeaderText(cmd);
    headerLength = Buffer.byteLength(text, 'utf8');
    out = Buffer.allocUnsafe(8 + headerLength + room);
    out.write(text, 8, 'utf8');
  }
  out.writeInt32BE(4 + headerLength + bodyLen, 0);
  out.writeInt32BE(((SERIALIZE_TYPE_CODE[cmd.serializeType] & 0xff) << 24) | headerLength, 4);
  if (room > 0) cmd.body!.copy(out, 8 + headerLength);
  return out;
}

// ---------- header decoding ----------

function decodeJsonHeader(bytes: Buffer, body: Buffer | undefined): RemotingCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FrameDecodeError(`JSON header does not parse: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FrameDecodeError('JSON header is not an object');
  }
  const h = parsed as Record<string, unknown>;
  if (typeof h.code !== 'number' || !Number.isInteger(h.code)) {
    throw new FrameDecodeError('JSON header has no integer "code"');
  }
  let extFields: Record<string, string> | undefined;
  if (h.extFields !== undefined && h.extFields !== null) {
    if (typeof h.extFields !== 'object' || Array.isArray(h.extFields)) {
      throw new FrameDecodeError('JSON header field "extFields" is not an object');
    }
    extFields = stringFields(h.extFields as Record<string, unknown>);
  }
  const language = h.language === undefined || h.language === null ? 'JAVA' : h.language;
  if (typeof language !== 'string') throw new FrameDecodeError('JSON header field "language" is not a string');
  if (h.remark !== undefined && h.remark !== null && typeof h.remark !== 'string') {
    throw new FrameDecodeError('JSON header field "remark" is not a string');
  }
  return {
    code: h.code,
    language,
    version: num(h.version, 'version'),
    opaque: num(h.opaque, 'opaque'),
    flag: num(h.flag, 'flag'),
    remark: (h.remark as string | null | undefined) ?? undefined,
    extFields,
    serializeType: 'JSON',
    body,
  };
}

/**
 * extFields as strings. What Java peers send is all strings already: then the parsed object itself is used (no copy
 * per frame); anything else is copied with numbers, booleans and objects turned to text and nulls left out.
 */
function stringFields(parsed: Record<string, unknown>): Record<string, string> {
  let allStrings = true;
  for (const k in parsed) {
    if (typeof parsed[k] !== 'string') {
      allStrings = false;
      break;
    }
  }
  if (allStrings) return parsed as Record<string, string>;
  const out: Record<string, string> = {};
  for (const k in parsed) {
    const v = parsed[k];
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

// Module-level helpers, not closures in the decoders: the TypeScript loader names every closure it creates (a
// defineProperty per frame).
function num(v: unknown, name: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FrameDecodeError(`JSON header field "${name}" is not a number`);
  return v;
}

function needBytes(buf: Buffer, o: number, n: number, what: string): void {
  if (o + n > buf.length) throw new FrameDecodeError(`ROCKETMQ header truncated reading ${what} (${buf.length} bytes)`);
}

function decodeRocketMqHeader(buf: Buffer, body: Buffer | undefined): RemotingCommand {
  needBytes(buf, 0, 17, 'fixed fields');
  let o = 0;
  const code = buf.readInt16BE(o); o += 2;
  const language = languageName(buf.readUInt8(o)); o += 1;
  const version = buf.readInt16BE(o); o += 2;
  const opaque = buf.readInt32BE(o); o += 4;
  const flag = buf.readInt32BE(o); o += 4;
  const remarkLen = buf.readInt32BE(o); o += 4;
  if (remarkLen < 0) throw new FrameDecodeError(`ROCKETMQ header remark length is negative: ${remarkLen}`);
  needBytes(buf, o, remarkLen, 'remark');
  const remark = remarkLen > 0 ? buf.toString('utf8', o, o + remarkLen) : undefined;
  o += remarkLen;
  needBytes(buf, o, 4, 'extFields length');
  const extLen = buf.readInt32BE(o); o += 4;
  if (extLen < 0) throw new FrameDecodeError(`ROCKETMQ header extFields length is negative: ${extLen}`);
  needBytes(buf, o, extLen, 'extFields');
  const end = o + extLen;
  const extFields: Record<string, string> = {};
  while (o < end) {
    if (o + 2 > end) throw new FrameDecodeError('ROCKETMQ header extFields truncated at a key length');
    const kl = buf.readInt16BE(o); o += 2;
    if (kl < 0 || o + kl + 4 > end) throw new FrameDecodeError('ROCKETMQ header extFields key overruns the map');
    const key = buf.toString('utf8', o, o + kl); o += kl;
    const vl = buf.readInt32BE(o); o += 4;
    if (vl < 0 || o + vl > end) throw new FrameDecodeError(`ROCKETMQ header extFields value of "${key}" overruns the map`);
    extFields[key] = buf.toString('utf8', o, o + vl); o += vl;
  }
  if (end !== buf.length) throw new FrameDecodeError(`ROCKETMQ header has ${buf.length - end} trailing bytes`);
  return { code, language, version, opaque, flag, remark, extFields, serializeType: 'ROCKETMQ', body };
}

/**
 * Decodes one frame given WITHOUT its 4-byte length prefix (what FrameDecoder yields).
 * The body is a view into `frame` when `copyBody` is false.
 */
export function decodeFrame(frame: Buffer, copyBody = false): RemotingCommand {
  if (frame.length < 4) throw new FrameDecodeError(`frame of ${frame.length} bytes is shorter than its header-length word`);
  const word = frame.readUInt32BE(0);
  const typeByte = word >>> 24;
  const headerLength = word & 0xffffff;
  if (headerLength > frame.length - 4) {
    throw new FrameDecodeError(`header length ${headerLength} exceeds frame of ${frame.length} bytes`);
  }
  let serializeType: SerializeType;
  if (typeByte === SERIALIZE_TYPE_CODE.JSON) serializeType = 'JSON';
  else if (typeByte === SERIALIZE_TYPE_CODE.ROCKETMQ) serializeType = 'ROCKETMQ';
  else throw new FrameDecodeError(`unknown serialize type ${typeByte}`);
  const headerBytes = frame.subarray(4, 4 + headerLength);
  const bodyLength = frame.length - 4 - headerLength;
  const body = bodyLength > 0 ? (copyBody ? Buffer.from(frame.subarray(4 + headerLength)) : frame.subarray(4 + headerLength)) : undefined;
  // one object per frame: the decoders build the whole command
  return serializeType === 'JSON' ? decodeJsonHeader(headerBytes, body) : decodeRocketMqHeader(headerBytes, body);
}

/** Decodes a complete frame that still carries its length prefix (e.g. a captured hex frame). */
export function decodeFrameWithLength(buf: Buffer): RemotingCommand {
  if (buf.length < 4) throw new FrameDecodeError('frame shorter than its length prefix');
  const length = buf.readInt32BE(0);
  if (length !== buf.length - 4) throw new FrameDecodeError(`length prefix says ${length} but ${buf.length - 4} bytes follow`);
  return decodeFrame(buf.subarray(4), true);
}

/**
 * Splits a TCP byte stream into frames. `push` returns complete frames (without length prefix);
 * it throws FrameDecodeError when a length is impossible or above `maxFrameLength`, after which
 * the connection must be closed (the stream can no longer be resynchronised).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameLength = DEFAULT_MAX_FRAME_LENGTH) {}

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const length = this.peekLength();
      if (length < 4) throw new FrameDecodeError(`frame length ${length} is smaller than the 4-byte header-length word`);
      if (length > this.maxFrameLength) {
        throw new FrameDecodeError(`frame length ${length} exceeds the maximum of ${this.maxFrameLength} bytes`);
      }
      if (this.buffered < 4 + length) break;
      const all = this.take(4 + length);
      frames.push(all.subarray(4));
    }
    return frames;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pending(): number {
    return this.buffered;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.readInt32BE(0);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    while (copied < n) {
      const c = this.chunks[0]!;
      const want = n - copied;
      if (c.length <= want) {
        c.copy(out, copied);
        copied += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, copied, 0, want);
        this.chunks[0] = c.subarray(want);
        copied += want;
      }
    }
    this.buffered -= n;
    return out;
  }
}
