// The one error root of lib/ (kafkajs's KafkaJSError): every error class extends RocketDeckError, spells its own
// name out (bundlers such as the console's Next build minify class names, so `new.target.name` would print "e"),
// and says through `retriable` whether trying the same thing again can help.

export interface RocketDeckErrorOptions {
  cause?: unknown;
  /** True when the same call may succeed later (a peer down, slow or busy); false by default. */
  retriable?: boolean;
}

export class RocketDeckError extends Error {
  override name = 'RocketDeckError';
  /** Whether retrying the same operation can help. */
  readonly retriable: boolean;
  constructor(message: string, options?: RocketDeckErrorOptions) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.retriable = options?.retriable ?? false;
  }
}

/** True when `err` is a RocketDeck error that says retrying can help. */
export function isRetriable(err: unknown): boolean {
  return err instanceof RocketDeckError && err.retriable;
}
