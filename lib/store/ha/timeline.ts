// When commit log bytes were written, roughly: samples of (master max offset, time), at most one per 10 ms, so the
// age of the oldest byte a slave has not acknowledged (replication lag in time) can be told from its ack offset.

const SAMPLE_EVERY_MS = 10;
const MAX_SAMPLES = 65_536;

export class OffsetTimeline {
  private offsets: number[] = [];
  private times: number[] = [];
  private head = 0;

  /** The commit log end is `offset` at `now` (offsets only grow). */
  note(offset: number, now: number): void {
    const n = this.offsets.length;
    if (n > this.head) {
      const last = n - 1;
      if (offset <= this.offsets[last]!) return;
      // Within one sampling period the sample keeps its (earlier) time: lag is over-estimated by < 10 ms.
      if (now - this.times[last]! < SAMPLE_EVERY_MS) {
        this.offsets[last] = offset;
        return;
      }
    }
    this.offsets.push(offset);
    this.times.push(now);
    if (n - this.head >= MAX_SAMPLES) this.head++;
    if (this.head > 4096 && this.head * 2 > this.offsets.length) this.compact();
  }

  /** When the byte at `ackOffset` (the first one not acknowledged) was noted as written; undefined if not yet. */
  writtenAt(ackOffset: number): number | undefined {
    let lo = this.head;
    let hi = this.offsets.length;
    // First sample whose offset is beyond ackOffset.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsets[mid]! > ackOffset) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.offsets.length ? this.times[lo] : undefined;
  }

  /** Age in ms of the oldest byte after `ackOffset`, 0 when nothing after it was noted. */
  lagMs(ackOffset: number, now: number): number {
    const t = this.writtenAt(ackOffset);
    return t === undefined ? 0 : Math.max(0, now - t);
  }

  /** Forgets samples nobody needs: everything up to `offset` is acknowledged by every slave of interest. */
  prune(offset: number): void {
    while (this.head < this.offsets.length - 1 && this.offsets[this.head]! <= offset) this.head++;
    if (this.head > 4096 && this.head * 2 > this.offsets.length) this.compact();
  }

  get size(): number {
    return this.offsets.length - this.head;
  }

  private compact(): void {
    this.offsets = this.offsets.slice(this.head);
    this.times = this.times.slice(this.head);
    this.head = 0;
  }
}
