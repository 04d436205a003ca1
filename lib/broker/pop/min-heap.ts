// A binary min-heap keyed by a number (due time): revive checkpoints and pending timers are taken in time order.
export class MinHeap<T> {
  private keys: number[] = [];
  private vals: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, val: T): void {
    const k = this.keys;
    const v = this.vals;
    let i = k.length;
    k.push(key);
    v.push(val);
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

  peekKey(): number | undefined {
    return this.keys[0];
  }

  pop(): T | undefined {
    const k = this.keys;
    const v = this.vals;
    if (k.length === 0) return undefined;
    const top = v[0];
    const lastK = k.pop()!;
    const lastV = v.pop()!;
    const n = k.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && k[r]! < k[l]! ? r : l;
        if (k[c]! >= lastK) break;
        k[i] = k[c]!;
        v[i] = v[c]!;
        i = c;
      }
      k[i] = lastK;
      v[i] = lastV;
    }
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
    const k = this.keys;
    const v = this.vals;
    let i = this.n++;
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

  peekKey(): number | undefined {
    return this.n > 0 ? this.keys[0] : undefined;
  }

  pop(): number | undefined {
    if (this.n === 0) return undefined;
    const k = this.keys;
    const v = this.vals;
    const top = v[0]!;
    const n = --this.n;
    if (n > 0) {
      const lastK = k[n]!;
      const lastV = v[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && k[r]! < k[l]! ? r : l;
        if (k[c]! >= lastK) break;
        k[i] = k[c]!;
        v[i] = v[c]!;
        i = c;
      }
      k[i] = lastK;
      v[i] = lastV;
    }
    return top;
  }
}
