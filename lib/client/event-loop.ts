// The event-loop delay of this process (node:perf_hooks monitorEventLoopDelay), reported in a consumer's
// GET_CONSUMER_RUNNING_INFO: a Node client's stand-in for the Java client's thread stacks when asking "why is it slow?".
// One histogram per process while any consumer runs; it restarts every window so the figures describe the recent past.

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Length of one measuring window; the figures reported are the current window's, or the last full one's. */
export const EVENT_LOOP_WINDOW_MS = 60_000;
const RESOLUTION_MS = 10;

export interface EventLoopDelay {
  meanMs: number;
  p99Ms: number;
  maxMs: number;
  /** How long the figures were measured over. */
  windowMs: number;
}

let users = 0;
let histogram: IntervalHistogram | undefined;
let timer: NodeJS.Timeout | undefined;
let windowStart = 0;
let lastFull: EventLoopDelay | undefined;

function read(h: IntervalHistogram, windowMs: number): EventLoopDelay | undefined {
  if (h.count === 0) return undefined;
  const ms = (ns: number) => Math.round(ns / 1e4) / 100; // ns -> ms, 2 decimals
  return { meanMs: ms(h.mean), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), windowMs };
}

/** Starts measuring (counted: each running consumer holds it once). */
export function acquireEventLoopMonitor(): void {
  users++;
  if (histogram) return;
  histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  windowStart = Date.now();
  timer = setInterval(() => {
    lastFull = read(histogram!, Date.now() - windowStart) ?? lastFull;
    histogram!.reset();
    windowStart = Date.now();
  }, EVENT_LOOP_WINDOW_MS);
  timer.unref();
}

export function releaseEventLoopMonitor(): void {
  if (users === 0) return;
  if (--users > 0) return;
  histogram?.disable();
  if (timer) clearInterval(timer);
  histogram = undefined;
  timer = undefined;
  lastFull = undefined;
}

/** The delay figures now; undefined before the first sample (a few ms after the first consumer started). */
export function eventLoopDelay(): EventLoopDelay | undefined {
  if (!histogram) return undefined;
  return read(histogram, Date.now() - windowStart) ?? lastFull;
}
