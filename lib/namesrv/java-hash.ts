// Java HashMap/HashSet iteration order, so bodies list map entries in the order a Java nameserver writes them.
//
// fastjson writes a HashMap's entries in its iteration order: bucket index ascending, where
// index = (h ^ (h >>> 16)) & (capacity - 1) and h is the key's hashCode(); keys sharing a bucket keep
// their insertion order (a re-put of a present key keeps its place, a removed key re-inserted goes last).
// The capacity starts at the constructor's (rounded up to a power of two) and doubles whenever the size
// exceeds 3/4 of it; it never shrinks. Buckets that Java turns into trees (8+ colliding keys in a table of
// 64+) order their entries differently; that case is not modelled.

export type JavaKey = string | number;

/** java.lang.String#hashCode over UTF-16 code units (JS strings are UTF-16 as Java's are). */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** java.lang.Long#hashCode: (int) (v ^ (v >>> 32)). */
export function javaLongHash(v: number): number {
  if (Number.isInteger(v) && v >= 0 && v <= 0x7fffffff) return v;
  const b = BigInt.asUintN(64, BigInt(Math.trunc(v)));
  return Number(BigInt.asIntN(32, b ^ (b >> 32n)));
}

export function javaHashCode(key: JavaKey): number {
  return typeof key === 'string' ? javaStringHash(key) : javaLongHash(key);
}

/** HashMap.tableSizeFor: the smallest power of two >= n (at least 1, at most 2^30). */
export function tableSizeFor(n: number): number {
  let cap = 1;
  while (cap < n && cap < 1 << 30) cap *= 2;
  return cap;
}

/** A Map that iterates like java.util.HashMap<K, V> with the same construction and insertion history. */
export class JavaHashMap<K extends JavaKey, V> implements Iterable<[K, V]> {
  private readonly map = new Map<K, V>();
  private cap: number;
  private ordered: K[] | undefined;

  /** `initialCapacity` as given to `new HashMap<>(n)`; Java's default is 16. */
  constructor(initialCapacity = 16, entries?: Iterable<readonly [K, V]>) {
    this.cap = tableSizeFor(initialCapacity);
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  /** `new HashMap<>(source)` and `source.clone()`: sized for the source's size, filled in its order. */
  static copyOf<K extends JavaKey, V>(source: JavaHashMap<K, V>): JavaHashMap<K, V> {
    return new JavaHashMap<K, V>(Math.floor(source.size / 0.75 + 1), source.entries());
  }

  get size(): number {
    return this.map.size;
  }

  /** Current table length (for tests). */
  get capacity(): number {
    return this.cap;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Like HashMap.put: returns the previous value. */
  set(key: K, value: V): V | undefined {
    const prev = this.map.get(key);
    if (prev === undefined && !this.map.has(key)) {
      this.map.set(key, value);
      while (this.map.size > Math.floor(this.cap * 0.75) && this.cap < 1 << 30) this.cap *= 2;
      this.ordered = undefined;
    } else {
      this.map.set(key, value);
    }
    return prev;
  }

  /** Like HashMap.remove: returns the removed value. */
  delete(key: K): V | undefined {
    const prev = this.map.get(key);
    if (this.map.delete(key)) this.ordered = undefined;
    return prev;
  }

  clear(): void {
    this.map.clear();
    this.ordered = undefined;
  }

  /** Keys in Java iteration order. The returned array is shared until the next insertion or removal. */
  keys(): readonly K[] {
    if (!this.ordered) {
      const mask = this.cap - 1;
      const keyed = [...this.map.keys()].map((k, i) => {
        const h = javaHashCode(k);
        return { k, b: (h ^ (h >>> 16)) & mask, i };
      });
      keyed.sort((a, b) => a.b - b.b || a.i - b.i);
      this.ordered = keyed.map((e) => e.k);
    }
    return this.ordered;
  }

  values(): V[] {
    return this.keys().map((k) => this.map.get(k) as V);
  }

  entries(): Array<[K, V]> {
    return this.keys().map((k) => [k, this.map.get(k) as V]);
  }

  [Symbol.iterator](): Iterator<[K, V]> {
    return this.entries()[Symbol.iterator]();
  }

  /** A plain Map whose insertion order is the Java iteration order. */
  toMap(): Map<K, V> {
    return new Map(this.entries());
  }
}

/** java.util.HashSet<E> iteration order (a JavaHashMap with no values). */
export class JavaHashSet<K extends JavaKey> implements Iterable<K> {
  private readonly inner: JavaHashMap<K, true>;

  constructor(initialCapacity = 16, items?: Iterable<K>) {
    this.inner = new JavaHashMap<K, true>(initialCapacity);
    if (items) for (const k of items) this.add(k);
  }

  get size(): number {
    return this.inner.size;
  }

  has(key: K): boolean {
    return this.inner.has(key);
  }

  /** Like HashSet.add: true when the key was not present. */
  add(key: K): boolean {
    return this.inner.set(key, true) === undefined;
  }

  delete(key: K): boolean {
    return this.inner.delete(key) !== undefined;
  }

  values(): readonly K[] {
    return this.inner.keys();
  }

  [Symbol.iterator](): Iterator<K> {
    return this.inner.keys()[Symbol.iterator]();
  }
}
