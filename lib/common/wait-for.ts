// The one condition-polling helper of tests, benches and checks (kafkajs keeps exactly one, src/utils/waitFor.js):
// tests synchronise on state with a deadline, never on sleeps.

/** What a check returns once it holds: its value without the falsy members. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Calls `check` every `everyMs` until it returns a truthy value, and resolves with that value. A `check` that throws
 * counts as "not yet"; when `timeoutMs` has passed, rejects naming `what` and the last error `check` threw.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 30_000,
  everyMs = 20,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as Truthy<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last === undefined ? '' : `: ${last instanceof Error ? last.message : String(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
