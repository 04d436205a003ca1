// fastjson value model: FJObject (ordered entries, keys of any kind), FJDouble, equality and plain-JS conversion.
import { ProtocolError } from './errors.ts';

export type FJKey = string | number | bigint | boolean | null | FJObject | FJValue[];
export type FJValue = null | boolean | number | bigint | string | FJDouble | FJValue[] | FJObject;

/** A number that fastjson writes as a Java double (always with a '.' or an exponent). */
export class FJDouble {
  constructor(readonly value: number) {}
}

export const fjDouble = (value: number): FJDouble => new FJDouble(value);

/** Failure to parse fastjson text; `position` is the character offset of the problem. */
export class FastJsonError extends ProtocolError {
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
      // defineProperty, not assignment: a "__proto__" key must stay data (as JSON.parse keeps it), never a prototype.
      Object.defineProperty(out, String(k), { value: toPlain(val), enumerable: true, writable: true, configurable: true });
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
