// JSON reader/writer compatible with Alibaba fastjson 1.2.x as RocketMQ uses it for bodies (and JSON headers).
//
// fastjson departs from standard JSON in ways that reach the wire:
//  * Map keys that are not strings are written bare: Long/Integer keys as `{0:"127.0.0.1:20911"}`, bean keys
//    (MessageQueue) as the bean's own JSON: `{{"brokerName":"b","queueId":3,"topic":"T"}:0}`.
//  * Bean fields are written in alphabetical order and null fields are left out; Map entries keep the Map's
//    iteration order (HashMap order on the Java side) and null values are left out too.
//  * double values use Java's Double.toString form: `100.0`, `0.28`, `1.0E7`.
//  * With BrowserCompatible (namesrv GET_ROUTEINFO_BY_TOPIC for clients >= V4_9_4) non-string keys become JSON
//    strings (`{"0":...}`), non-ASCII and '/' are escaped, longs beyond 2^53 are quoted.
//
// Reading model (parseFastJson): every object becomes an FJObject that keeps its entries in order with keys of any
// kind (string, number, bigint, FJObject, ...). Integers within Number.MAX_SAFE_INTEGER become `number`; larger
// integers (Java longs) become `bigint` so no precision is lost. Numbers with a fraction or exponent become
// `number`, or an FJDouble when `{ doubles: 'wrap' }` is asked for, so that re-writing keeps `100.0` as `100.0`.
//
// Writing model (stringifyFastJson): a plain JS object is a Java bean (fields sorted, null/undefined skipped);
// a Map or FJObject is a Java Map (order kept); arrays and Sets are JSON arrays; FJDouble is a Java double.

export type FJKey = string | number | bigint | boolean | null | FJObject | FJValue[];
export type FJValue = null | boolean | number | bigint | string | FJDouble | FJValue[] | FJObject;

/** A number that fastjson writes as a Java double (always with a '.' or an exponent). */
export class FJDouble {
  constructor(readonly value: number) {}
}

export const fjDouble = (value: number): FJDouble => new FJDouble(value);

/** Failure to parse fastjson text; `position` is the character offset of the problem. */
export class FastJsonError extends Error {
  readonly position: number;
  constructor(message: string, position = -1) {
    super(position >= 0 ? `${message} at position ${position}` : message);
    this.name = 'FastJsonError';
    this.position = position;
  }
}

/** An object as fastjson wrote it: ordered entries whose keys may be non-strings. */
export class FJObject implements Iterable<[FJKey, FJValue]> {
  readonly entries: Array<[FJKey, FJValue]> = [];
  // string keys -> index in entries, for O(1) field access on large maps (topicConfigTable etc.)
  private readonly stringIndex = new Map<string, number>();

  constructor(entries: Iterable<[FJKey, FJValue]> = []) {
    for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Sets a key (replacing an equal key in place, as a Java map does). */
  set(key: FJKey, value: FJValue): this {
    if (typeof key === 'string') {
      const at = this.stringIndex.get(key);
      if (at !== undefined) this.entries[at] = [key, value];
      else {
        this.stringIndex.set(key, this.entries.length);
        this.entries.push([key, value]);
      }
      return this;
    }
    const at = this.indexOf(key);
    if (at >= 0) this.entries[at] = [key, value];
    else this.entries.push([key, value]);
    return this;
  }

  /** Value for a key; non-string keys compare by value (`get(0)`, `get(new FJObject([...]))`). */
  get(key: FJKey): FJValue | undefined {
    const at = this.indexOf(key);
    return at >= 0 ? this.entries[at][1] : undefined;
  }

  has(key: FJKey): boolean {
    return this.indexOf(key) >= 0;
  }

  keys(): FJKey[] {
    return this.entries.map((e) => e[0]);
  }

  values(): FJValue[] {
    return this.entries.map((e) => e[1]);
  }

  [Symbol.iterator](): Iterator<[FJKey, FJValue]> {
    return this.entries[Symbol.iterator]();
  }

  private indexOf(key: FJKey): number {
    if (typeof key === 'string') return this.stringIndex.get(key) ?? -1;
    return this.entries.findIndex(([k]) => fjEquals(k, key));
  }
}

/** Structural equality of fastjson values (numbers equal across number/bigint/FJDouble). */
export function fjEquals(a: unknown, b: unknown): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => fjEquals(x, b[i]));
  }
  if (a instanceof FJObject && b instanceof FJObject) {
    if (a.size !== b.size) return false;
    return a.entries.every(([k, v], i) => fjEquals(k, b.entries[i][0]) && fjEquals(v, b.entries[i][1]));
  }
  return false;
}

// Normalises the three number forms to one comparable string; undefined for non-numbers.
function numeric(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof FJDouble) return numeric(v.value);
  return undefined;
}

export interface ParseOptions {
  /** 'number' (default): decimals become plain numbers; 'wrap': decimals become FJDouble to keep their form. */
  doubles?: 'number' | 'wrap';
}

/** Parses fastjson (or standard JSON) text. Throws FastJsonError on malformed input. */
export function parseFastJson(text: string, opts: ParseOptions = {}): FJValue {
  const p = new Parser(text, opts.doubles === 'wrap');
  p.skipWs();
  const v = p.value();
  p.skipWs();
  if (p.pos < text.length) throw new FastJsonError('unexpected trailing characters', p.pos);
  return v;
}

/** Parses a UTF-8 body buffer. */
export function parseFastJsonBuffer(body: Uint8Array, opts: ParseOptions = {}): FJValue {
  return parseFastJson(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), opts);
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const IDENT_RE = /[A-Za-z_$][A-Za-z0-9_$]*/y;

class Parser {
  pos = 0;
  constructor(private readonly s: string, private readonly wrapDoubles: boolean) {}

  skipWs(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x08) this.pos++;
      else break;
    }
  }

  value(): FJValue {
    const c = this.s[this.pos];
    switch (c) {
      case '{': return this.object();
      case '[': return this.array();
      case '"': case "'": return this.string(c);
      case undefined: throw new FastJsonError('unexpected end of input', this.pos);
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.literal();
    }
  }

  private literal(): FJValue {
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    throw new FastJsonError(`unexpected character ${JSON.stringify(this.s[this.pos])}`, this.pos);
  }

  private number(): number | bigint | FJDouble {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.s);
    if (!m) throw new FastJsonError('malformed number', this.pos);
    this.pos += m[0].length;
    const t = m[0];
    if (!/[.eE]/.test(t)) {
      const n = Number(t);
      return Number.isSafeInteger(n) ? n : BigInt(t);
    }
    const d = Number(t);
    return this.wrapDoubles ? new FJDouble(d) : d;
  }

  private string(quote: string): string {
    const s = this.s;
    let i = this.pos + 1;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= s.length) throw new FastJsonError('unterminated string', this.pos);
      const c = s[i];
      if (c === quote) break;
      if (c === '\\') {
        out += s.slice(start, i);
        const e = s[i + 1];
        i += 2;
        switch (e) {
          case '"': case "'": case '\\': case '/': out += e; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'v': out += '\v'; break;
          case '0': out += '\0'; break;
          case 'u': {
            const hex = s.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new FastJsonError('bad \\u escape', i - 2);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          case 'x': {
            const hex = s.slice(i, i + 2);
            if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new FastJsonError('bad \\x escape', i - 2);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 2;
            break;
          }
          default: throw new FastJsonError(`bad escape \\${e ?? ''}`, i - 2);
        }
        start = i;
        continue;
      }
      i++;
    }
    out += s.slice(start, i);
    this.pos = i + 1;
    return out;
  }

  private array(): FJValue[] {
    this.pos++;
    const out: FJValue[] = [];
    this.skipWs();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.value());
      this.skipWs();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') throw new FastJsonError("expected ',' or ']'", this.pos - 1);
    }
  }

  private key(): FJKey {
    const c = this.s[this.pos];
    if (c === '"' || c === "'") return this.string(c);
    if (c === '{' || c === '[' || c === '-' || (c >= '0' && c <= '9')) {
      const v = this.value();
      return v instanceof FJDouble ? v.value : v;
    }
    // fastjson reads unquoted field names (AllowUnQuotedFieldNames) and bare true/false/null keys
    IDENT_RE.lastIndex = this.pos;
    const m = IDENT_RE.exec(this.s);
    if (!m) throw new FastJsonError('expected object key', this.pos);
    this.pos += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return m[0];
  }

  private object(): FJObject {
    this.pos++;
    const out = new FJObject();
    this.skipWs();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      const k = this.key();
      this.skipWs();
      if (this.s[this.pos++] !== ':') throw new FastJsonError("expected ':'", this.pos - 1);
      this.skipWs();
      out.set(k, this.value());
      this.skipWs();
      const c = this.s[this.pos++];
      if (c === '}') return out;
      if (c !== ',') throw new FastJsonError("expected ',' or '}'", this.pos - 1);
    }
  }
}

export interface StringifyOptions {
  /**
   * Standard JSON as namesrv writes GET_ROUTEINFO_BY_TOPIC with BrowserCompatible + QuoteFieldNames + MapSortField:
   * non-string keys become quoted JSON text, map keys are sorted, non-ASCII and '/' are \u/\ escaped, and longs
   * beyond +-(2^53-1) are quoted.
   */
  standard?: boolean;
  /** Sort map keys (fastjson MapSortField); implied by `standard`. Numbers sort numerically, strings by code unit. */
  sortMapKeys?: boolean;
}

/** Writes a value in the form fastjson would write the equivalent Java object. */
export function stringifyFastJson(value: unknown, opts: StringifyOptions = {}): string {
  const w = new Writer(opts.standard === true, opts.standard === true || opts.sortMapKeys === true);
  w.value(value);
  return w.out;
}

/** stringifyFastJson as a UTF-8 Buffer (a remoting body). */
export function encodeFastJson(value: unknown, opts: StringifyOptions = {}): Buffer {
  return Buffer.from(stringifyFastJson(value, opts), 'utf8');
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

class Writer {
  out = '';
  constructor(private readonly browser: boolean, private readonly sortKeys: boolean) {}

  value(v: unknown): void {
    if (v === null || v === undefined) this.out += 'null';
    else if (typeof v === 'string') this.out += quoteFastJson(v, this.browser);
    else if (typeof v === 'boolean') this.out += v ? 'true' : 'false';
    else if (typeof v === 'number') this.out += Number.isInteger(v) ? this.long(v) : javaDoubleToString(v);
    else if (typeof v === 'bigint') this.out += this.long(v);
    else if (v instanceof FJDouble) this.out += javaDoubleToString(v.value);
    else if (Array.isArray(v) || v instanceof Set) this.array(v);
    else if (v instanceof FJObject) this.map(v.entries, false);
    else if (v instanceof Map) this.map([...v.entries()], true);
    else if (v instanceof Uint8Array) this.out += `"${Buffer.from(v).toString('base64')}"`;
    else if (v instanceof Date) this.out += String(v.getTime());
    else if (typeof v === 'object') this.bean(v as Record<string, unknown>);
    else throw new FastJsonError(`cannot write a ${typeof v}`);
  }

  private long(v: number | bigint): string {
    if (typeof v === 'number' && !Number.isFinite(v)) return 'null';
    const text = typeof v === 'number' ? BigInt(v).toString() : v.toString();
    if (this.browser) {
      const b = BigInt(text);
      if (b > MAX_SAFE || b < -MAX_SAFE) return `"${text}"`;
    }
    return text;
  }

  private array(items: Iterable<unknown>): void {
    this.out += '[';
    let first = true;
    for (const item of items) {
      if (!first) this.out += ',';
      first = false;
      this.value(item);
    }
    this.out += ']';
  }

  // Java Map: entries in iteration order; null values skipped for JS Maps (fastjson default) but kept for
  // FJObject, which records text that was actually read.
  private map(entries: Array<[unknown, unknown]>, skipNull: boolean): void {
    let list = skipNull ? entries.filter(([, v]) => v !== null && v !== undefined) : entries;
    if (this.sortKeys) list = [...list].sort((a, b) => compareKeys(a[0], b[0]));
    this.out += '{';
    let first = true;
    for (const [k, v] of list) {
      if (!first) this.out += ',';
      first = false;
      this.key(k);
      this.out += ':';
      this.value(v);
    }
    this.out += '}';
  }

  private key(k: unknown): void {
    if (typeof k === 'string') {
      this.out += quoteFastJson(k, this.browser);
      return;
    }
    if (this.browser) {
      // BrowserCompatible: the key's own default-feature JSON text, written as a string
      this.out += quoteFastJson(stringifyFastJson(k), true);
      return;
    }
    this.value(k);
  }

  // Java bean: fields in alphabetical order, null/undefined fields left out.
  private bean(obj: Record<string, unknown>): void {
    const names = Object.keys(obj).filter((n) => obj[n] !== null && obj[n] !== undefined).sort(compareStrings);
    this.out += '{';
    let first = true;
    for (const n of names) {
      if (!first) this.out += ',';
      first = false;
      this.out += quoteFastJson(n, this.browser);
      this.out += ':';
      this.value(obj[n]);
    }
    this.out += '}';
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// TreeMap natural order: numbers numerically, strings by UTF-16 code units; mixed kinds by their text.
function compareKeys(a: unknown, b: unknown): number {
  const numA = typeof a === 'number' || typeof a === 'bigint';
  const numB = typeof b === 'number' || typeof b === 'bigint';
  if (numA && numB) {
    const x = a as number | bigint;
    const y = b as number | bigint;
    if ((typeof x === 'number' && !Number.isInteger(x)) || (typeof y === 'number' && !Number.isInteger(y))) {
      return Number(x) - Number(y);
    }
    const bx = BigInt(x);
    const by = BigInt(y);
    return bx < by ? -1 : bx > by ? 1 : 0;
  }
  const sa = typeof a === 'string' ? a : stringifyFastJson(a);
  const sb = typeof b === 'string' ? b : stringifyFastJson(b);
  return compareStrings(sa, sb);
}

const HEX = '0123456789ABCDEF';
const hex4 = (c: number): string =>
  '\\u' + HEX[(c >>> 12) & 15] + HEX[(c >>> 8) & 15] + HEX[(c >>> 4) & 15] + HEX[c & 15];

// Escapes fastjson applies inside double quotes (default features): the short forms for \b \t \n \f \r " \\,
// \uXXXX (upper-case hex) for other C0 controls, 0x7F..0x9F and U+2028/U+2029. BrowserCompatible also escapes
// '/' and every char >= 0x7F.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const NEEDS_ESCAPE_BROWSER = /["\\/\u0000-\u001f\u007f-\uffff]/;

/** A string literal in fastjson's escaping. */
export function quoteFastJson(s: string, browserCompatible = false): string {
  if (!(browserCompatible ? NEEDS_ESCAPE_BROWSER : NEEDS_ESCAPE).test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\b': out += '\\b'; continue;
      case '\t': out += '\\t'; continue;
      case '\n': out += '\\n'; continue;
      case '\f': out += '\\f'; continue;
      case '\r': out += '\\r'; continue;
      case '/': out += browserCompatible ? '\\/' : '/'; continue;
    }
    if (c < 0x20 || (c >= 0x7f && (browserCompatible || c < 0xa0 || c === 0x2028 || c === 0x2029))) out += hex4(c);
    else out += ch;
  }
  return out + '"';
}

/**
 * Java's Double.toString (fastjson uses Ryu with the same shape): shortest round-trip digits, plain decimal
 * with at least one fraction digit for 1e-3 <= |x| < 1e7, otherwise `d.dddE[-]n`. NaN/Infinity -> "null".
 */
export function javaDoubleToString(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const t = String(x);
    return t.includes('.') ? t : t + '.0';
  }
  const [mant, exp] = x.toExponential().split('e');
  return (mant.includes('.') ? mant : mant + '.0') + 'E' + (exp.startsWith('+') ? exp.slice(1) : exp);
}

/**
 * Converts a parsed value into plain JS: FJObject with string/number keys -> object (keys as strings),
 * FJDouble -> number, bigint kept. Throws FastJsonError if a key is an object (use the FJObject directly).
 */
export function toPlain(v: FJValue): unknown {
  if (v instanceof FJDouble) return v.value;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof FJObject) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v.entries) {
      if (k !== null && typeof k === 'object') throw new FastJsonError('object key cannot become a plain object key');
      out[String(k)] = toPlain(val);
    }
    return out;
  }
  return v;
}

/** Converts plain JS (as JSON.parse would give) into the FJValue model, keeping key order. */
export function fromPlain(v: unknown): FJValue {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === 'object' && !(v instanceof FJObject) && !(v instanceof FJDouble)) {
    return new FJObject(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromPlain(x)]));
  }
  return v as FJValue;
}
