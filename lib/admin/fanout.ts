// Bounded-concurrency fan-out: every item settles (value or error), at most `limit` run at once, each under a deadline.
import { RocketDeckError } from '../common/errors.ts';

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Default number of brokers asked at once. */
export const DEFAULT_CONCURRENCY = 16;

/** A fan-out item (or a per-broker read) that did not settle before its deadline; names the address when known. */
export class DeadlineError extends RocketDeckError {
  constructor(
    message: string,
    readonly addr?: string,
    /** The deadline missed, ms (read by shape as a timeout by the console). */
    readonly timeoutMs?: number,
  ) {
    // retrying helps if the peer was only slow
    super(message, { retriable: true });
    this.name = 'DeadlineError';
  }
}

/** Rejects with `makeError()` when `p` has not settled after `ms`; the timer never outlives the promise. */
export function withDeadline<T>(p: Promise<T>, ms: number, makeError: () => Error): Promise<T> {
  if (!(ms > 0) || !Number.isFinite(ms)) return p;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(makeError()), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

export interface MapBoundedOptions<I> {
  /** Most items in flight at once (default DEFAULT_CONCURRENCY). */
  limit?: number;
  /** Deadline for each item as a whole; 0 or absent: none beyond the per-call timeouts inside `fn`. */
  itemDeadlineMs?: number;
  /** Names an item in deadline errors. */
  describe?: (item: I) => string;
}

/**
 * Runs `fn` over `items` with at most `limit` in flight. Results keep the input order; a failing item never
 * stops the others.
 */
export async function mapBounded<I, O>(
  items: readonly I[],
  fn: (item: I, index: number) => Promise<O>,
  opts: MapBoundedOptions<I> = {},
): Promise<Settled<O>[]> {
  const limit = Math.max(1, opts.limit ?? DEFAULT_CONCURRENCY);
  const out: Settled<O>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      try {
        const run = Promise.resolve().then(() => fn(item, i));
        const value = opts.itemDeadlineMs
          ? await withDeadline(run, opts.itemDeadlineMs, () =>
              new DeadlineError(`${opts.describe ? opts.describe(item) : `item ${i}`} did not answer within ${opts.itemDeadlineMs}ms`))
          : await run;
        out[i] = { ok: true, value };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
