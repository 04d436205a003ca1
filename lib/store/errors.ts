// Error families of the message store: bad configuration, unusable files on disk, failed file I/O.

import { RocketDeckError, type RocketDeckErrorOptions } from '../common/errors.ts';

export class StoreError extends RocketDeckError {
  override name = 'StoreError';
  constructor(message: string, options?: RocketDeckErrorOptions) {
    super(message, options);
  }
}

/** A config key that is unknown or has a bad value. */
export class StoreConfigError extends StoreError {
  override name = 'StoreConfigError';
}

/** Files on disk that the store cannot use (wrong size, bad name, a store locked by another process). */
export class StoreFileError extends StoreError {
  override name = 'StoreFileError';
}

/** A read or write of a store file failed; `code` is the errno code (ENOSPC, EIO...) when there is one. */
export class StoreIOError extends StoreError {
  override name = 'StoreIOError';
  readonly code: string | undefined;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    const cause = options?.cause as { code?: unknown } | undefined;
    this.code = typeof cause?.code === 'string' ? cause.code : undefined;
  }
}
