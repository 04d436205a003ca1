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

/**
 * True when `s` can go between JSON quotes as it is and is one byte per character in UTF-8: printable ASCII
 * without '"' and '\\'. What the broker writes (ids, offsets, topic names, numbers as text) always is.
 */
function plainJsonText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** A JSON number as JSON.stringify writes it (NaN and infinities as null). */
const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * The JSON header text and whether it is all ASCII (then its UTF-8 length is its length). Same field order fastjson
 * uses for RemotingCommand, so our frames read like Java's; the same text JSON.stringify writes for that object,
 * built by concatenation (JSON.stringify of the object cost twice as much per answer): plain strings are quoted as
 * they are, anything else goes through JSON.stringify.
 */
function jsonHeaderText(cmd: RemotingCommand): { text: string; ascii: boolean } {
  let ascii = true;
  let text = '{"code":' + jsonNumber(cmd.code);
  const ext = cmd.extFields as Record<string, unknown> | undefined;
  if (ext) {
    text += ',"extFields":{';
    let first = true;
    for (const k in ext) {
      const v = ext[k];
      // JSON.stringify leaves these out of an object
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (first) first = false;
      else text += ',';
      if (plainJsonText(k)) text += '"' + k + '":';
      else {
        ascii = false;
        text += JSON.stringify(k) + ':';
      }
      if (typeof v === 'string' && plainJsonText(v)) text += '"' + v + '"';
      else {
        ascii = false;
        text += JSON.stringify(v);
      }
    }
    text += '}';
  }
  text += ',"flag":' + jsonNumber(cmd.flag);
  if (typeof cmd.language === 'string' && plainJsonText(cmd.language)) text += ',"language":"' + cmd.language + '"';
  else if (cmd.language !== undefined) {
    ascii = false;
    text += ',"language":' + JSON.stringify(cmd.language);
  }
  text += ',"opaque":' + jsonNumber(cmd.opaque);
  if (cmd.remark !== undefined && cmd.remark !== null) {
    if (plainJsonText(cmd.remark)) text += ',"remark":"' + cmd.remark + '"';
    else {
      ascii = false;
      text += ',"remark":' + JSON.stringify(cmd.remark);
    }
  }
  text += ',"serializeTypeCurrentRPC":"' + cmd.serializeType + '","version":' + jsonNumber(cmd.version) + '}';
  return { text, ascii };
}

/** UTF-8 length of `s`; for ASCII (every id, number-as-text and name) counted here without a native call. */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/** Writes `s` of UTF-8 length `len` at `o`: ASCII byte by byte (no native call for a short string), else encoded. */
function writeText(buf: Buffer, s: string, len: number, o: number): void {
  if (len === s.length) for (let i = 0; i < len; i++) buf[o + i] = s.charCodeAt(i);
  else buf.write(s, o, len, 'utf8');
}

/** A ROCKETMQ header sized before it is written: the extFields as text with their UTF-8 lengths, in order. */
interface RocketMqLayout {
  length: number;
  remarkLen: number;
  extLen: number;
  texts: string[];
  lens: number[];
}

function rocketMqLayout(cmd: RemotingCommand): RocketMqLayout {
  const remarkLen = cmd.remark ? utf8Length(cmd.remark) : 0;
  const ext = cmd.extFields;
  const texts: string[] = [];
  const lens: number[] = [];
  let extLen = 0;
  if (ext) {
    for (const k of Object.keys(ext)) {
      const v = ext[k] as unknown;
      if (v === undefined || v === null) continue;
      const vs = typeof v === 'string' ? v : String(v);
      const kl = utf8Length(k);
      if (kl > 0x7fff) throw new FrameDecodeError(`extFields key too long for the ROCKETMQ header: ${kl} bytes`);
      const vl = utf8Length(vs);
      texts.push(k, vs);
      lens.push(kl, vl);
      extLen += 2 + kl + 4 + vl;
    }
  }
  return { length: 2 + 1 + 2 + 4 + 4 + 4 + remarkLen + 4 + extLen, remarkLen, extLen, texts, lens };
}

/** Writes the header `layout` describes at `o` of `buf`. */
function writeRocketMqHeader(cmd: RemotingCommand, layout: RocketMqLayout, buf: Buffer, o: number): void {
  o = buf.writeInt16BE(cmd.code, o);
  o = buf.writeUInt8(languageCode(cmd.language), o);
  o = buf.writeInt16BE(cmd.version, o);
  o = buf.writeInt32BE(cmd.opaque | 0, o);
  o = buf.writeInt32BE(cmd.flag | 0, o);
  o = buf.writeInt32BE(layout.remarkLen, o);
  if (layout.remarkLen > 0) {
    writeText(buf, cmd.remark!, layout.remarkLen, o);
    o += layout.remarkLen;
  }
  o = buf.writeInt32BE(layout.extLen, o);
  const { texts, lens } = layout;
  for (let i = 0; i < texts.length; i += 2) {
    const kl = lens[i]!;
    const vl = lens[i + 1]!;
    o = buf.writeInt16BE(kl, o);
    writeText(buf, texts[i]!, kl, o);
    o += kl;
    o = buf.writeInt32BE(vl, o);
    writeText(buf, texts[i + 1]!, vl, o);
    o += vl;
  }
}

function encodeRocketMqHeader(cmd: RemotingCommand): Buffer {
  const layout = rocketMqLayout(cmd);
  const buf = Buffer.allocUnsafe(layout.length);
  writeRocketMqHeader(cmd, layout, buf, 0);
  return buf;
}

export function encodeHeader(cmd: RemotingCommand): Buffer {
  return cmd.serializeType === 'ROCKETMQ' ? encodeRocketMqHeader(cmd) : Buffer.from(jsonHeaderText(cmd).text, 'utf8');
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
    const layout = rocketMqLayout(cmd);
    headerLength = layout.length;
    out = Buffer.allocUnsafe(8 + headerLength + room);
    writeRocketMqHeader(cmd, layout, out, 8);
  } else {
    const { text, ascii } = jsonHeaderText(cmd);
    headerLength = ascii ? text.length : Buffer.byteLength(text, 'utf8');
    out = Buffer.allocUnsafe(8 + headerLength + room);
    if (ascii) out.write(text, 8, headerLength, 'latin1');
    else out.write(text, 8, 'utf8');
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

/**
 * The text of `buf[from, to)`. ASCII (every id, number-as-text and name) is sliced from `latin1`, the whole extFields
 * map read as latin1 once (starting at byte `base`), instead of a native UTF-8 decode per field; else decoded.
 */
function fieldText(buf: Buffer, latin1: string, base: number, from: number, to: number): string {
  for (let i = from; i < to; i++) if (buf[i]! > 0x7f) return buf.toString('utf8', from, to);
  return latin1.slice(from - base, to - base);
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
  const base = o;
  const latin1 = extLen > 0 ? buf.toString('latin1', o, end) : '';
  while (o < end) {
    if (o + 2 > end) throw new FrameDecodeError('ROCKETMQ header extFields truncated at a key length');
    const kl = buf.readInt16BE(o); o += 2;
    if (kl < 0 || o + kl + 4 > end) throw new FrameDecodeError('ROCKETMQ header extFields key overruns the map');
    const key = fieldText(buf, latin1, base, o, o + kl); o += kl;
    const vl = buf.readInt32BE(o); o += 4;
    if (vl < 0 || o + vl > end) throw new FrameDecodeError(`ROCKETMQ header extFields value of "${key}" overruns the map`);
    extFields[key] = fieldText(buf, latin1, base, o, o + vl); o += vl;
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
