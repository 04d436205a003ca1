// Error families of the remoting layer: the class says what happened, the message says where. A peer that is down,
// slow or drops the connection is retriable; a bad frame or a closed client is not.

import { RocketDeckError, type RocketDeckErrorOptions } from '../common/errors.ts';

export class RemotingError extends RocketDeckError {
  override name = 'RemotingError';
  constructor(message: string, options?: RocketDeckErrorOptions) {
    super(message, options);
  }
}

/** Bytes on the wire that are not a valid RocketMQ frame (bad length, oversized, unparsable header). */
export class FrameDecodeError extends RemotingError {
  override name = 'FrameDecodeError';
}

/** No connection could be made to `addr`. */
export class RemotingConnectError extends RemotingError {
  override name = 'RemotingConnectError';
  constructor(
    readonly addr: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, retriable: true });
  }
}

/** A request got no response within its timeout. */
export class RemotingTimeoutError extends RemotingError {
  override name = 'RemotingTimeoutError';
  constructor(
    readonly addr: string,
    readonly timeoutMs: number,
    message: string,
  ) {
    super(message, { retriable: true });
  }
}

/** Writing a request failed, or the connection closed before its response arrived. */
export class RemotingSendError extends RemotingError {
  override name = 'RemotingSendError';
  constructor(
    readonly addr: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, retriable: true });
  }
}

/** The client or server was already closed. */
export class RemotingClosedError extends RemotingError {
  override name = 'RemotingClosedError';
}

/**
 * The peer answered with a non-success response code; carries that code and its remark. Response codes belong to
 * lib/protocol, so whoever raises this says whether the code is retriable (protocol's isRetriableResponseCode).
 */
export class ResponseCodeError extends RemotingError {
  override name = 'ResponseCodeError';
  constructor(
    readonly addr: string,
    readonly code: number,
    readonly remark: string | undefined,
    readonly requestCode: number,
    options?: { retriable?: boolean },
  ) {
    super(`${addr} answered request ${requestCode} with code ${code}${remark ? `: ${remark}` : ''}`, options);
  }
}
