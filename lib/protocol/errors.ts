// The protocol's error family: bytes or text that are not what RocketMQ's wire format says (a header, a body, a
// fastjson document, a message record). Not the transport's errors: lib/protocol sits above lib/remoting, and the
// store, which decodes messages, loads no networking code through these.

import { RocketDeckError } from '../common/errors.ts';

/** Input that does not follow RocketMQ's wire format; retrying the same bytes cannot help. */
export class ProtocolError extends RocketDeckError {
  override name = 'ProtocolError';
}
