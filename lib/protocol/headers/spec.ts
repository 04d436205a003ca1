// Typed custom headers: a small spec per header class, decode from / encode to remoting extFields.
//
// On the wire every custom header field travels as a string in extFields (RocketMQ's makeCustomHeaderToNet uses
// String.valueOf; decodeCommandCustomHeader parses by the Java field type). A spec names each field's kind:
//   'string'  String / enum name
//   'int'     Integer/int: decimal text within int32
//   'long'    Long/long whose values stay below 2^53 (offsets, timestamps): decoded to number
//   'bigint'  Long that may reach Long.MAX_VALUE (e.g. QUERY_MESSAGE endTimestamp): decoded to bigint
//   'boolean' Boolean/boolean: "true" (any case) is true, anything else false, as Boolean.parseBoolean does
// A trailing '!' marks a @CFNotNull field (decode throws HeaderError when it is missing). A field written as
// { kind, default } gets the default when absent, as Java primitives and initialised fields do.
import { toExtFields } from '../../remoting/command.ts';
import { ProtocolError } from '../errors.ts';

export type FieldKind = 'string' | 'int' | 'long' | 'bigint' | 'boolean';
type KindValue<K> = K extends 'string' ? string : K extends 'int' | 'long' ? number : K extends 'bigint' ? bigint
  : K extends 'boolean' ? boolean : never;

export type FieldDef =
  | FieldKind
  | `${FieldKind}!`
  | { kind: FieldKind; required?: boolean; default?: string | number | bigint | boolean };

export interface HeaderSpec<F extends Record<string, FieldDef> = Record<string, FieldDef>> {
  /** The Java class name, used in error messages. */
  readonly name: string;
  readonly fields: F;
}

type KindOf<D> = D extends `${infer K extends FieldKind}!` ? K : D extends FieldKind ? D
  : D extends { kind: infer K } ? K : never;
type IsRequired<D> = D extends `${string}!` ? true : D extends { required: true } ? true : false;
type Defaulted<D> = D extends { default: string | number | bigint | boolean } ? true : false;
type Present<D> = IsRequired<D> extends true ? true : Defaulted<D>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The decoded header: required and defaulted fields present, the rest optional. */
export type HeaderOf<S> = S extends HeaderSpec<infer F>
  ? Simplify<
      { [K in keyof F as Present<F[K]> extends true ? K : never]: KindValue<KindOf<F[K]>> } &
      { [K in keyof F as Present<F[K]> extends true ? never : K]?: KindValue<KindOf<F[K]>> }
    >
  : never;

/** What a caller supplies to encode: only @CFNotNull fields are mandatory. */
export type HeaderInputOf<S> = S extends HeaderSpec<infer F>
  ? Simplify<
      { [K in keyof F as IsRequired<F[K]> extends true ? K : never]: KindValue<KindOf<F[K]>> } &
      { [K in keyof F as IsRequired<F[K]> extends true ? never : K]?: KindValue<KindOf<F[K]>> }
    >
  : never;

export function defineHeader<const F extends Record<string, FieldDef>>(name: string, fields: F): HeaderSpec<F> {
  return { name, fields };
}

/** A header that is missing a required field or carries a value of the wrong type. */
export class HeaderError extends ProtocolError {
  constructor(
    readonly header: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'HeaderError';
  }
}

interface NormalField {
  kind: FieldKind;
  required: boolean;
  default?: string | number | bigint | boolean;
}

function normal(def: FieldDef): NormalField {
  if (typeof def === 'string') {
    const required = def.endsWith('!');
    return { kind: (required ? def.slice(0, -1) : def) as FieldKind, required };
  }
  return { kind: def.kind, required: def.required === true, default: def.default };
}

const INTEGER_RE = /^[+-]?\d+$/;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

// A plain function, not a closure inside parseField: the TypeScript loader names every closure it creates
// (a defineProperty per call), which on this path cost a tenth of a broker's time per send.
function badField(spec: HeaderSpec, field: string, text: string, why: string): HeaderError {
  return new HeaderError(spec.name, field, `bad header field "${field}": ${why}, got ${JSON.stringify(text)}`);
}

function parseField(spec: HeaderSpec, field: string, kind: FieldKind, text: string): string | number | bigint | boolean {
  switch (kind) {
    case 'string':
      return text;
    case 'boolean':
      return text.toLowerCase() === 'true';
    case 'int': {
      if (!INTEGER_RE.test(text)) throw badField(spec, field, text, 'expected int');
      const n = Number(text);
      if (n < INT_MIN || n > INT_MAX) throw badField(spec, field, text, 'int out of range');
      return n;
    }
    case 'long':
    case 'bigint': {
      if (!INTEGER_RE.test(text)) throw badField(spec, field, text, 'expected long');
      // up to 15 digits is always a safe integer: no BigInt per field (timestamps and offsets of every request)
      if (kind === 'long' && text.length <= 15) {
        const n = Number(text);
        return n === 0 ? 0 : n; // "-0" reads as 0, as through BigInt
      }
      const b = BigInt(text);
      if (b < LONG_MIN || b > LONG_MAX) throw badField(spec, field, text, 'long out of range');
      if (kind === 'bigint') return b;
      const n = Number(b);
      if (!Number.isSafeInteger(n)) throw badField(spec, field, text, 'long beyond 2^53');
      return n;
    }
  }
}

// Each spec's fields in normal form, worked out once (headers are decoded for every request).
const normalized = new WeakMap<HeaderSpec, ReadonlyArray<readonly [string, NormalField]>>();

function normalFields(spec: HeaderSpec): ReadonlyArray<readonly [string, NormalField]> {
  let list = normalized.get(spec);
  if (!list) {
    list = Object.entries(spec.fields).map(([field, def]) => [field, normal(def)] as const);
    normalized.set(spec, list);
  }
  return list;
}

/**
 * Reads a typed header from extFields. Unknown fields are ignored (Java does the same; brokers and clients add
 * extra ext fields such as TRACE_ON or _UNIQUE_KEY_QUERY). Throws HeaderError naming the missing or bad field.
 */
export function decodeHeader<S extends HeaderSpec>(
  spec: S,
  extFields: Record<string, string> | undefined | null,
): HeaderOf<S> {
  const out: Record<string, unknown> = {};
  const ext = extFields ?? {};
  const fields = normalFields(spec);
  for (let i = 0; i < fields.length; i++) {
    const [field, f] = fields[i]!;
    const text = Object.hasOwn(ext, field) ? ext[field] : undefined;
    if (text === undefined || text === null) {
      if (f.required) throw new HeaderError(spec.name, field, `missing header field "${field}"`);
      if (f.default !== undefined) out[field] = f.default;
      continue;
    }
    out[field] = parseField(spec, field, f.kind, text);
  }
  return out as HeaderOf<S>;
}

/** The field kind a value must have; used by encodeHeader's validation. */
function matchesKind(kind: FieldKind, v: unknown): boolean {
  switch (kind) {
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'int': return typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX;
    case 'long': return (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'bigint';
    case 'bigint': return typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
  }
}

/**
 * Header -> extFields (every value as its string form, undefined/null left out). With a spec, also checks
 * that required fields are present and values have their kind, throwing HeaderError otherwise.
 */
export function encodeHeader(header: object, spec?: HeaderSpec): Record<string, string> {
  const values = header as Record<string, string | number | boolean | bigint | undefined | null>;
  if (spec) {
    for (const [field, def] of Object.entries(spec.fields)) {
      const f = normal(def);
      const v = values[field];
      if (v === undefined || v === null) {
        if (f.required) throw new HeaderError(spec.name, field, `missing header field "${field}"`);
        continue;
      }
      if (!matchesKind(f.kind, v)) {
        throw new HeaderError(spec.name, field, `bad header field "${field}": expected ${f.kind}, got ${String(v)}`);
      }
    }
  }
  return toExtFields(values) ?? {};
}

/** Fields every RPC-style request header inherits in RocketMQ 5.x (RpcRequestHeader); 4.9.8 sends `bname`. */
export const RPC_FIELDS = {
  /** namespace */
  ns: 'string',
  /** namespace already applied to the names */
  nsd: 'boolean',
  /** broker name the request is meant for (static topic / proxy routing) */
  bname: 'string',
  /** oneway */
  oway: 'boolean',
} as const;

/** TopicRequestHeader adds `lo` (logical queue) to the RPC fields. */
export const TOPIC_FIELDS = { ...RPC_FIELDS, lo: 'boolean' } as const;
