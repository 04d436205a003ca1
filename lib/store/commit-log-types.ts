// Shapes shared by the commit log's append path and its users: write buffers ("chunks"), reservations, events.

import type { DispatchRequest } from './dispatch.ts';
import type { MappedFile } from './mapped-file.ts';

/** Something waiting for its records to be written (and, under SYNC_FLUSH, flushed). */
export interface ChunkWaiter {
  /** Commit log offset after the waiter's records. */
  end: number;
}

export interface Chunk {
  file: MappedFile;
  /** Commit log offset of buf[0]. */
  start: number;
  /** Commit log offset after the chunk: start + len, or the file end when a blank marker closes the file. */
  end: number;
  buf: Buffer;
  len: number;
  pooled: boolean;
  /** buf is backed by a SharedArrayBuffer (the append worker's). */
  shared: boolean;
  state: 'open' | 'writing' | 'done' | 'failed';
  error?: unknown;
  requests: DispatchRequest[];
  waiters: ChunkWaiter[];
  /** Body CRCs still to fill in before the write: triples (BODYCRC position, body position, body length) in buf. */
  crcs: number[];
}

export interface Reservation {
  chunk: Chunk;
  /** Where the record goes in chunk.buf. */
  pos: number;
  /** Commit log offset of the record. */
  offset: number;
}

/** BUSY: every write buffer is in use, retry when one frees up. CREATE_FAILED: no new segment file could be made. */
export type ReserveFailure = 'BUSY' | 'CREATE_FAILED';

export interface CommitLogEvents {
  /** A chunk is in the page cache (called in offset order). */
  onWritten(chunk: Chunk): void;
  /** Writing failed: these chunks (in order) were dropped and the log rolled back to the first one's start. */
  onFailed(chunks: Chunk[], error: unknown): void;
  /** A write buffer became free; appends refused with BUSY can be retried. */
  onBufferFree(): void;
}

