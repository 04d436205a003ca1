// The append worker: a thread that finishes full commit log write buffers for the main thread. For each buffer it
// fills in the body CRCs of the records (the largest single cost of an append) and writes the buffer into its
// segment file, so that under load encoding the next records overlaps with checksumming and writing the last ones.
//
// Everything it touches is shared memory: the write buffers (SharedArrayBuffers, handed over when the thread
// starts) and a control block with a ring of job slots. The main thread fills a slot and bumps the posted count
// (Atomics.notify wakes the thread); the thread does the job, stores its status and bumps the done count, which
// the main thread waits for with Atomics.waitAsync. No message is passed per job: a postMessage round trip costs
// the main thread several microseconds, about what the checksums of a few records cost.

import util from 'node:util';
import { Worker } from 'node:worker_threads';
import { createLogger } from '../common/log.ts';

const log = createLogger('store.appendworker');

/** Jobs that can be posted and not yet done. */
const APPEND_WORKER_SLOTS = 8;
const POSTED = 0;
const DONE = 1;
/** 1 while the thread is about to wait or waiting for a job: only then does posting one need a wake-up call. */
const IDLE = 2;
const HEADER_INTS = 3;
/** Per slot: buffer index, length, fd, crc triple count, status (0 ok, else -errno, or EWORKER), unused. */
const SLOT_INTS = 6;
const EWORKER = -100000;

/** Plain JavaScript (no loader needed in the thread). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { crc32 } = require('node:zlib');
const { control, positions, buffers, crcs, slots, headerInts, slotInts, eworker } = workerData;
const ctrl = new Int32Array(control);
const pos = new Float64Array(positions);
const bufs = buffers.map((b) => Buffer.from(b));
const triples = crcs.map((c) => new Int32Array(c));
let seen = 0;
for (;;) {
  if (Atomics.load(ctrl, 0) === seen) {
    Atomics.store(ctrl, 2, 1);
    while (Atomics.load(ctrl, 0) === seen) Atomics.wait(ctrl, 0, seen);
    Atomics.store(ctrl, 2, 0);
  }
  const slot = seen % slots;
  const at = headerInts + slot * slotInts;
  const index = ctrl[at];
  const buf = bufs[index];
  const t = triples[index];
  let status = 0;
  try {
    for (let i = 0, n = ctrl[at + 3] * 3; i < n; i += 3) {
      const bodyAt = t[i + 1];
      buf.writeInt32BE(crc32(buf.subarray(bodyAt, bodyAt + t[i + 2])) & 0x7fffffff, t[i]);
    }
    let offset = 0;
    let length = ctrl[at + 1];
    let position = pos[slot];
    while (length > 0) {
      const n = fs.writeSync(ctrl[at + 2], buf, offset, length, position);
      offset += n;
      position += n;
      length -= n;
    }
  } catch (err) {
    status = typeof (err && err.errno) === 'number' && err.errno < 0 ? err.errno : eworker;
  }
  ctrl[at + 4] = status;
  seen++;
  Atomics.store(ctrl, 1, seen);
  Atomics.notify(ctrl, 1);
}
`;

/** Atomics.waitAsync (ES2024; Node 20 has it, the TypeScript lib in use does not declare it). */
interface AtomicsWaitAsync {
  waitAsync(ta: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

interface Job {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class AppendWorker {
  private worker: Worker | null = null;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer((HEADER_INTS + APPEND_WORKER_SLOTS * SLOT_INTS) * 4));
  private readonly positions = new Float64Array(new SharedArrayBuffer(APPEND_WORKER_SLOTS * 8));
  /** The write buffers the thread can reach, and the CRC triples of each. */
  private readonly buffers: Buffer[] = [];
  private readonly index = new Map<ArrayBufferLike, number>();
  private readonly crcs: Int32Array[] = [];
  private posted = 0;
  private done = 0;
  private readonly jobs: Job[] = [];
  private waiting = false;
  private broken: Error | null = null;

  /**
   * `bufferCount` write buffers of `bufferSize` bytes, each holding records of at least `minRecordSize` bytes.
   * Take them with `buffer(i)`; only those can be handed to `checksumAndWrite`.
   */
  constructor(
    private readonly bufferCount: number,
    private readonly bufferSize: number,
    private readonly minRecordSize: number,
  ) {}

  /** Write buffer `i` (< bufferCount), made on first use. */
  buffer(i: number): Buffer {
    if (i < 0 || i >= this.bufferCount) throw new RangeError(`append worker buffer ${i} of ${this.bufferCount}`);
    let b = this.buffers[i];
    if (!b) {
      b = Buffer.from(new SharedArrayBuffer(this.bufferSize));
      this.buffers[i] = b;
      this.index.set(b.buffer, i);
      this.crcs[i] = new Int32Array(new SharedArrayBuffer(Math.ceil(this.bufferSize / this.minRecordSize) * 3 * 4));
    }
    return b;
  }

  /** False once the thread failed: callers checksum and write on the main thread from then on. */
  get usable(): boolean {
    return this.broken === null;
  }

  /** Room for another job. */
  get free(): boolean {
    return this.posted - this.done < APPEND_WORKER_SLOTS;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    for (let i = 0; i < this.bufferCount; i++) this.buffer(i);
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      stdout: false,
      stderr: false,
      workerData: {
        control: this.ctrl.buffer,
        positions: this.positions.buffer,
        buffers: this.buffers.map((b) => b.buffer),
        crcs: this.crcs.map((c) => c.buffer),
        slots: APPEND_WORKER_SLOTS,
        headerInts: HEADER_INTS,
        slotInts: SLOT_INTS,
        eworker: EWORKER,
      },
    });
    w.unref();
    const fail = (err: Error): void => {
      if (this.worker !== w) return;
      log.error('append_worker_failed', { err });
      this.broken = err;
      this.worker = null;
      for (const job of this.jobs.splice(0)) job.reject(err);
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`append worker exited with code ${code}`)));
    this.worker = w;
    return w;
  }

  /**
   * Fills in the CRCs of `crcs` (triples crcAt, bodyAt, bodyLength: positions in `buf`), then writes
   * `buf[0, length)` at `position` of `fd`. `buf` must be one of `buffer(i)`, and `free` must be true.
   */
  checksumAndWrite(buf: Buffer, crcs: readonly number[], length: number, fd: number, position: number): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const index = this.index.get(buf.buffer);
    if (index === undefined) return Promise.reject(new Error('not a buffer of this append worker'));
    if (!this.free) return Promise.reject(new Error('append worker has no free slot'));
    const w = this.start();
    const triples = this.crcs[index]!;
    if (crcs.length > triples.length) return Promise.reject(new Error(`too many records for one buffer: ${crcs.length / 3}`));
    for (let i = 0; i < crcs.length; i++) triples[i] = crcs[i]!;
    const slot = this.posted % APPEND_WORKER_SLOTS;
    const at = HEADER_INTS + slot * SLOT_INTS;
    const c = this.ctrl;
    c[at] = index;
    c[at + 1] = length;
    c[at + 2] = fd;
    c[at + 3] = crcs.length / 3;
    c[at + 4] = 0;
    this.positions[slot] = position;
    const done = new Promise<void>((resolve, reject) => this.jobs.push({ resolve, reject }));
    this.posted++;
    Atomics.store(c, POSTED, this.posted);
    // The thread marks itself idle before it checks for jobs, and this checks the mark after posting: one of
    // the two sees the other's store, so a wake-up is never missed (and never paid for while the thread is busy).
    if (Atomics.load(c, IDLE) === 1) Atomics.notify(c, POSTED);
    // While a job runs the thread keeps the process alive, as a write in the thread pool does.
    if (this.jobs.length === 1) w.ref();
    this.waitForDone();
    return done;
  }

  private waitForDone(): void {
    if (this.waiting || this.jobs.length === 0) return;
    const r = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.ctrl, DONE, this.done);
    if (!r.async) {
      this.settle();
      return;
    }
    this.waiting = true;
    void r.value.then(() => {
      this.waiting = false;
      this.settle();
    });
  }

  /** Answers the jobs the thread has finished, in order. */
  private settle(): void {
    const upTo = Atomics.load(this.ctrl, DONE);
    while (this.done < upTo && this.jobs.length > 0) {
      const slot = this.done % APPEND_WORKER_SLOTS;
      const status = this.ctrl[HEADER_INTS + slot * SLOT_INTS + 4]!;
      this.done++;
      const job = this.jobs.shift()!;
      if (status === 0) job.resolve();
      else if (status === EWORKER) job.reject(new Error('append worker failed to checksum or write a buffer'));
      else {
        const code = util.getSystemErrorName(status);
        job.reject(Object.assign(new Error(`${code}: write failed`), { code, errno: status }));
      }
    }
    if (this.jobs.length === 0) this.worker?.unref();
    this.waitForDone();
  }

  /** Stops the thread once the jobs posted so far are done. */
  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    while (this.jobs.length > 0 && this.worker === w) await new Promise((r) => setTimeout(r, 1));
    this.worker = null;
    await w.terminate();
  }
}
