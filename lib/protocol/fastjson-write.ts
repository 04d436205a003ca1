// fastjson writer: beans sorted, maps in order with bare/object keys, Java doubles and escapes (see fastjson.ts).
import { FJObject, FJDouble, FastJsonError } from './fastjson-model.ts';

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

/** A JS number as fastjson (default features) writes the Java long or double it stands for. */
export function fastJsonNumber(v: number): string {
  if (!Number.isInteger(v)) return javaDoubleToString(v);
  return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
}

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
    // a safe integer's String() is its exact decimal text (and within the browser-compatible range)
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
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
