// fastjson reader: standard JSON plus object/number/unquoted keys and single-quoted strings (see fastjson.ts).
import { FJObject, FJDouble, FastJsonError, type FJKey, type FJValue } from './fastjson-model.ts';

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
