// Error families of message encoding: a record or id that cannot be decoded, a message that cannot be encoded.

import { ProtocolError } from './errors.ts';

/** Bytes that are not a valid stored/pulled message record, batch entry, message id or unique key. */
export class MessageDecodeError extends ProtocolError {
  override name = 'MessageDecodeError';
}

/** A message that cannot be laid out in RocketMQ's format (properties longer than 32767 bytes, unsafe integers, bad host). */
export class MessageEncodeError extends ProtocolError {
  override name = 'MessageEncodeError';
}
