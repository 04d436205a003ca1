// A binary min-heap keyed by a number (due time): revive checkpoints and pending timers are taken in time order.

/** Keys and values side by side: plain arrays, or Float64Arrays for number values. */
interface Slots<V> {
  [i: number]: V;
}

/** Moves the hole at `i` up until `key` fits, then puts (key, val) there. */
function siftUp<V>(k: Slots<number>, v: Slots<V>, i: number, key: number, val: V): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (k[p]! <= key) break;
    k[i] = k[p]!;
    v[i] = v[p]!;
    i = p;
  }
  k[i] = key;
  v[i] = val;
}

/** Moves the hole at the root down through the first `n` slots until (key, val) fits, then puts it there. */
function siftDown<V>(k: Slots<number>, v: Slots<V>, n: number, key: number, val: V): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && k[r]! < k[l]! ? r : l;
    if (k[c]! >= key) break;
    k[i] = k[c]!;
    v[i] = v[c]!;
    i = c;
  }
  k[i] = key;
  v[i] = val;
}

export class MinHeap<T> {
  private keys: number[] = [];
  private vals: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, val: T): void {
    const i = this.keys.length;
    this.keys.push(key);
    this.vals.push(val);
    siftUp(this.keys, this.vals, i, key, val);
  }

  peekKey(): number | undefined {
    return this.keys[0];
  }

  pop(): T | undefined {
    if (this.keys.length === 0) return undefined;
    const top = this.vals[0];
    const lastK = this.keys.pop()!;
    const lastV = this.vals.pop()!;
    if (this.keys.length > 0) siftDown(this.keys, this.vals, this.keys.length, lastK, lastV);
    return top;
  }
}

/**
 * A min-heap of (key, value) number pairs in two growable Float64Arrays: 16 bytes a pair with no object or boxed
 * number per entry, so a million pending timers cost ~16-32 MB and nothing for the garbage collector to trace.
 */
export class NumberMinHeap {
  private keys = new Float64Array(1024);
  private vals = new Float64Array(1024);
  private n = 0;

  get size(): number {
    return this.n;
  }

  push(key: number, val: number): void {
    if (this.n === this.keys.length) {
      const k = new Float64Array(this.n * 2);
      k.set(this.keys);
      this.keys = k;
      const v = new Float64Array(this.n * 2);
      v.set(this.vals);
      this.vals = v;
    }
    siftUp(this.keys, this.vals, this.n++, key, val);
  }

  peekKey(): number | undefined {
    return this.n > 0 ? this.keys[0] : undefined;
  }

  pop(): number | undefined {
    if (this.n === 0) return undefined;
    const top = this.vals[0]!;
    const n = --this.n;
    if (n > 0) siftDown(this.keys, this.vals, n, this.keys[n]!, this.vals[n]!);
    return top;
  }
}
