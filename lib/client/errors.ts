// Error families of the client SDK. A broker answering with a failure code surfaces as remoting's ResponseCodeError.

import { RocketDeckError, type RocketDeckErrorOptions } from '../common/errors.ts';

/** A client-side failure (bad options, wrong state, no route, send gave up). */
export class MQClientError extends RocketDeckError {
  override name = 'MQClientError';
  constructor(message: string, options?: RocketDeckErrorOptions) {
    super(message, options);
  }
}

/** Options that are missing, unknown or out of range; `option` names the culprit. */
export class ClientConfigError extends MQClientError {
  override name = 'ClientConfigError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** A call made before start() or after shutdown(). */
export class ClientStateError extends MQClientError {
  override name = 'ClientStateError';
}

/** No nameserver knows the topic, or its route has no usable queue. */
export class NoRouteError extends MQClientError {
  override name = 'NoRouteError';
  constructor(
    readonly topic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A message the producer refuses before sending (empty body, too large, bad topic). */
export class MessageValidationError extends MQClientError {
  override name = 'MessageValidationError';
}

/** Every attempt of a send failed; `cause` is the last failure, `brokersSent` the brokers tried in order. */
export class SendFailedError extends MQClientError {
  override name = 'SendFailedError';
  constructor(
    readonly topic: string,
    readonly brokersSent: string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The broker holds no committed offset for the queue (QUERY_CONSUMER_OFFSET answered QUERY_NOT_FOUND). */
export class OffsetNotFoundError extends MQClientError {
  override name = 'OffsetNotFoundError';
}
