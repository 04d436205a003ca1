// Shared helpers of the body codecs: parsing a body, reading typed fields from fastjson trees, MessageQueue keys.
import {
  parseFastJson, encodeFastJson, FJObject, FJDouble, FastJsonError, type FJValue, type FJKey, type StringifyOptions,
} from '../fastjson.ts';
import { ProtocolError } from '../errors.ts';

/** A body that is not valid fastjson, or whose fields do not have the expected shape. `path` locates the field. */
export class BodyError extends ProtocolError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BodyError';
  }
}

export type BodyInput = Uint8Array | string;

/** Parses a JSON body; `name` (the Java class) prefixes error paths. */
export function parseBody(body: BodyInput | undefined, name: string): FJValue {
  if (body === undefined || body.length === 0) throw new BodyError(name, `${name}: empty body`);
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return parseFastJson(text);
  } catch (e) {
    if (e instanceof FastJsonError) throw new BodyError(name, `${name}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** decodeX(body) = read(parse(body)). */
export function decodeWith<T>(body: BodyInput | undefined, name: string, read: (v: FJValue, path: string) => T): T {
  return read(parseBody(body, name), name);
}

/** Writes a body the way fastjson writes the Java object (see fastjson.ts for the value model). */
export function encodeWith(value: unknown, opts?: StringifyOptions): Buffer {
  return encodeFastJson(value, opts);
}

export function asObject(v: FJValue | undefined, path: string): FJObject {
  if (v instanceof FJObject) return v;
  throw new BodyError(path, `${path}: expected an object, got ${describe(v)}`);
}

export function asArray(v: FJValue | undefined, path: string): FJValue[] {
  if (Array.isArray(v)) return v;
  throw new BodyError(path, `${path}: expected an array, got ${describe(v)}`);
}

export function asString(v: FJValue | undefined, path: string): string {
  if (typeof v === 'string') return v;
  // fastjson coerces numbers and booleans into String fields
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  throw new BodyError(path, `${path}: expected a string, got ${describe(v)}`);
}

/** An int/long/double field as a JS number; longs beyond 2^53 are an error (use asBigint where they can occur). */
export function asNumber(v: FJValue | undefined, path: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof FJDouble) return v.value;
  if (typeof v === 'bigint') {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
    throw new BodyError(path, `${path}: ${v} is beyond 2^53`);
  }
  // fastjson accepts numeric strings for number fields ("1" -> 1); so do we
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw new BodyError(path, `${path}: expected a number, got ${describe(v)}`);
}

export function asBoolean(v: FJValue | undefined, path: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  if (typeof v === 'number') return v !== 0;
  throw new BodyError(path, `${path}: expected a boolean, got ${describe(v)}`);
}

function describe(v: FJValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof FJObject) return 'an object';
  return JSON.stringify(typeof v === 'bigint' ? v.toString() : v instanceof FJDouble ? v.value : v);
}

/**
 * Field access on a bean object. Absent or null fields give the Java default passed in (fastjson leaves a
 * field at its initial value when the key is missing).
 */
export class Fields {
  constructor(
    readonly obj: FJObject,
    readonly path: string,
  ) {}

  static of(v: FJValue | undefined, path: string): Fields {
    return new Fields(asObject(v, path), path);
  }

  raw(name: string): FJValue | undefined {
    const v = this.obj.get(name);
    return v === null ? undefined : v;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  str(name: string): string | undefined {
    const v = this.raw(name);
    return v === undefined ? undefined : asString(v, `${this.path}.${name}`);
  }

  strOr(name: string, def: string): string {
    return this.str(name) ?? def;
  }

  num(name: string, def = 0): number {
    const v = this.raw(name);
    return v === undefined ? def : asNumber(v, `${this.path}.${name}`);
  }

  optNum(name: string): number | undefined {
    const v = this.raw(name);
    return v === undefined ? undefined : asNumber(v, `${this.path}.${name}`);
  }

  bool(name: string, def = false): boolean {
    const v = this.raw(name);
    return v === undefined ? def : asBoolean(v, `${this.path}.${name}`);
  }

  optBool(name: string): boolean | undefined {
    const v = this.raw(name);
    return v === undefined ? undefined : asBoolean(v, `${this.path}.${name}`);
  }

  /** An array field mapped element-wise; absent -> []. */
  list<T>(name: string, read: (v: FJValue, path: string) => T): T[] {
    const v = this.raw(name);
    if (v === undefined) return [];
    return asArray(v, `${this.path}.${name}`).map((x, i) => read(x, `${this.path}.${name}[${i}]`));
  }

  /** A Map<String, T> field; absent -> empty Map. Order is kept. */
  stringMap<T>(name: string, read: (v: FJValue, path: string) => T): Map<string, T> {
    const v = this.raw(name);
    return v === undefined ? new Map<string, T>() : readStringMap(v, `${this.path}.${name}`, read);
  }

  /** A Map<Integer|Long, T> field written with bare number keys (or quoted ones in standard JSON). */
  numberMap<T>(name: string, read: (v: FJValue, path: string) => T): Map<number, T> {
    const out = new Map<number, T>();
    const v = this.raw(name);
    if (v === undefined) return out;
    for (const [k, x] of asObject(v, `${this.path}.${name}`)) {
      const key = asNumber(typeof k === 'string' ? k : (k as FJValue), `${this.path}.${name} key`);
      out.set(key, read(x, `${this.path}.${name}.${key}`));
    }
    return out;
  }

  /** A Map<MessageQueue, T> field (object keys, see MessageQueueEntries). */
  mqMap<T>(name: string, read: (v: FJValue, path: string) => T): MessageQueueEntries<T> {
    const v = this.raw(name);
    if (v === undefined) return [];
    return readMqEntries(v, `${this.path}.${name}`, read);
  }

  /** This object itself read as a Map<MessageQueue, T> (for maps nested in maps). */
  mqMapOf<T>(read: (v: FJValue, path: string) => T): MessageQueueEntries<T> {
    return readMqEntries(this.obj, this.path, read);
  }

  /** A nested bean; absent -> undefined. */
  bean<T>(name: string, read: (v: FJValue, path: string) => T): T | undefined {
    const v = this.raw(name);
    return v === undefined ? undefined : read(v, `${this.path}.${name}`);
  }
}

/** An object read as Map<String, T> (order kept). */
export function readStringMap<T>(v: FJValue, path: string, read: (v: FJValue, path: string) => T): Map<string, T> {
  const out = new Map<string, T>();
  for (const [k, x] of asObject(v, path)) {
    const key = keyString(k, path);
    out.set(key, read(x, `${path}.${key}`));
  }
  return out;
}

function keyString(k: FJKey, path: string): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return String(k);
  throw new BodyError(path, `${path}: expected a string key, got an object key`);
}

export const readString = (v: FJValue, path: string): string => asString(v, path);
export const readNumber = (v: FJValue, path: string): number => asNumber(v, path);
export const readStringList = (v: FJValue, path: string): string[] =>
  asArray(v, path).map((x, i) => asString(x, `${path}[${i}]`));

/** MessageQueue: the (topic, brokerName, queueId) triple used as a map key on the wire. */
export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

/** A Java Map<MessageQueue, V> in wire order. */
export type MessageQueueEntries<V> = Array<[MessageQueue, V]>;

export function readMessageQueue(v: FJValue, path: string): MessageQueue {
  const f = Fields.of(v, path);
  return { topic: f.strOr('topic', ''), brokerName: f.strOr('brokerName', ''), queueId: f.num('queueId') };
}

/** MessageQueue as fastjson writes it (bean: brokerName, queueId, topic). */
export function writeMessageQueue(mq: MessageQueue): Record<string, unknown> {
  return { brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic };
}

function readMqEntries<T>(v: FJValue, path: string, read: (v: FJValue, path: string) => T): MessageQueueEntries<T> {
  const out: MessageQueueEntries<T> = [];
  for (const [k, x] of asObject(v, path)) {
    // standard-JSON writers turn object keys into JSON text inside a string
    const keyValue = typeof k === 'string' ? parseKeyText(k, path) : (k as FJValue);
    const mq = readMessageQueue(keyValue, `${path} key`);
    out.push([mq, read(x, `${path}[${mqKey(mq)}]`)]);
  }
  return out;
}

function parseKeyText(text: string, path: string): FJValue {
  try {
    return parseFastJson(text);
  } catch (e) {
    throw new BodyError(path, `${path}: key ${JSON.stringify(text)} is not a MessageQueue`, { cause: e });
  }
}

/** Map<MessageQueue, V> for the writer: keys become MessageQueue beans. */
export function writeMqEntries<V>(entries: MessageQueueEntries<V>, write: (v: V) => unknown): Map<unknown, unknown> {
  return new Map(entries.map(([mq, v]) => [writeMessageQueue(mq), write(v)]));
}

/** A stable string for a MessageQueue ("topic@brokerName@queueId"), for lookups. */
export const mqKey = (mq: MessageQueue): string => `${mq.topic}@${mq.brokerName}@${mq.queueId}`;

/** MessageQueue.compareTo: topic, then brokerName, then queueId (TreeMap/TreeSet order on the Java side). */
export function compareMessageQueue(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

/** Map<String, V> for the writer (a JS Map keeps order; plain objects would be bean-sorted). */
export function writeStringMap<V>(m: Map<string, V>, write: (v: V) => unknown): Map<string, unknown> {
  return new Map([...m].map(([k, v]) => [k, write(v)]));
}

export const identity = <T>(v: T): T => v;
