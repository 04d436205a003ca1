// Read-ahead windows over the commit log for pulls of recent (page-cached) data: a consumer group draining a topic
// reads each queue's records spread among the other queues' (8 queues: every 8th record), and the pulls of all its
// queues move through the same stretch of the log. One positional read of a window (1 MiB of the log) then serves
// the records of many pulls by memory copies, instead of one read syscall per record.
//
// Only bytes below the commit log's written offset are cached; they never change until the log is cut (recovery,
// a slave reset, a failed write rolled back), which `CommitLog.truncations` counts, dropping every window.

import type { CommitLog } from './commit-log.ts';

/** ES2024's resizable ArrayBuffer (V8 has it; the project's TypeScript lib is ES2022). */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
const ResizableBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

interface Window {
  /** Commit log offset of buf[0]. */
  start: number;
  /** End of the bytes read so far (<= the log's written offset when read). */
  filled: number;
  /** End of the file holding `start`: a window never crosses into the next file. */
  limit: number;
  /** A view of a whole resizable ArrayBuffer, so a release returns its pages at once, without waiting for a GC. */
  buf: Buffer;
  /** Last use, for replacing the least recently used window. */
  used: number;
}

export class ReadWindows {
  private readonly windows: Window[] = [];
  private truncations: number;
  private clock = 0;
  /** Index of the window that served the last copy, where the next search starts. */
  private lastHit = 0;
  /** `clock` at the last releaseIdle: unchanged since means no copy was served in between. */
  private clockAtRelease = 0;

  constructor(
    private readonly commitLog: CommitLog,
    readonly windowSize = 1024 * 1024,
    // 32 MiB at most: a group draining a backlog does not move its queues in step (under Apache's benchmark Consumer
    // they drifted further apart than 8 windows reach, and each window was read 4-6 times over in the drain)
    private readonly slots = 32,
  ) {
    this.truncations = commitLog.truncations;
  }

  /**
   * Copies the stored bytes [offset, offset + size) into `target` at `at` and returns true, reading a window when
   * none holds them; false when they cannot be served from a window (then read them directly).
   */
  copySync(offset: number, size: number, target: Buffer, at: number): boolean {
    const log = this.commitLog;
    if (log.truncations !== this.truncations) {
      this.dropAll();
      this.truncations = log.truncations;
    }
    const end = offset + size;
    if (size <= 0 || size > this.windowSize || end > log.getMaxOffset()) return false;
    let w = this.find(offset, end);
    if (!w) {
      w = this.fill(offset, end);
      if (!w || end > w.filled) return false;
    }
    w.used = ++this.clock;
    w.buf.copy(target, at, offset - w.start, end - w.start);
    return true;
  }

  /** Bytes the windows hold. */
  get heldBytes(): number {
    return this.windows.length * this.windowSize;
  }

  /**
   * Frees every window when none served a copy since the last call (the drains that used them have stopped), so an
   * idle broker does not keep up to 32 MiB of log it read once; returns the bytes freed. Called on a timer.
   */
  releaseIdle(): number {
    const idle = this.clock === this.clockAtRelease;
    this.clockAtRelease = this.clock;
    if (!idle) return 0;
    const freed = this.heldBytes;
    this.dropAll();
    return freed;
  }

  private dropAll(): void {
    for (const w of this.windows) (w.buf.buffer as ResizableArrayBuffer).resize(0);
    this.windows.length = 0;
    this.lastHit = 0;
  }

  private find(offset: number, end: number): Window | undefined {
    // from the window that served the last copy: a pull's records mostly lie in one window
    const n = this.windows.length;
    for (let k = 0; k < n; k++) {
      const i = (this.lastHit + k) % n;
      const w = this.windows[i]!;
      if (offset < w.start || end > w.limit || end > w.start + w.buf.length) continue;
      if (end > w.filled) {
        // the log grew since the window was read: read on to the written end
        const to = Math.min(w.limit, w.start + w.buf.length, this.commitLog.getMaxOffset());
        if (end > to || !this.commitLog.getDataSync(w.filled, to - w.filled, w.buf, w.filled - w.start)) continue;
        w.filled = to;
      }
      this.lastHit = i;
      return w;
    }
    return undefined;
  }

  /**
   * Reads the window holding `offset` (into the least recently used slot); undefined when the read fails. Windows
   * start at multiples of their size (or a file's start), so the pulls of all queues share them.
   */
  private fill(offset: number, end: number): Window | undefined {
    const log = this.commitLog;
    const mf = log.mfq.findMappedFileByOffset(offset);
    if (!mf || !mf.isAvailable()) return undefined;
    const limit = mf.fileEndOffset;
    const start = Math.max(mf.fileFromOffset, log.getMinOffset(), offset - (offset % this.windowSize));
    const to = Math.min(limit, start + this.windowSize, log.getMaxOffset());
    // bytes that run past the window they start in are read directly: a second window over the same stretch would
    // only push out one the other queues' pulls still read
    if (end > to) return undefined;
    let w: Window;
    if (this.windows.length < this.slots) {
      const buf = Buffer.from(new ResizableBuffer(this.windowSize, { maxByteLength: this.windowSize }));
      w = { start: 0, filled: 0, limit: 0, buf, used: 0 };
      this.windows.push(w);
    } else {
      w = this.windows[0]!;
      for (const x of this.windows) if (x.used < w.used) w = x;
    }
    w.start = start;
    w.limit = limit;
    w.filled = start;
    if (to <= start || !log.getDataSync(start, to - start, w.buf, 0)) return undefined;
    w.filled = to;
    return w;
  }
}
