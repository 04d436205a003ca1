// Request signatures as Apache RocketMQ computes them (AclClientRPCHook / AclUtils / AclSigner): HmacSHA1 with the
// secret key over the values of the request's ext fields sorted by name (Signature left out), UTF-8, followed by
// the body; base64. The signer adds AccessKey (and SecurityToken) before signing, so they are signed too.

import { RocketDeckError } from '../common/errors.ts';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RemotingCommand } from '../remoting/command.ts';

export const ACCESS_KEY = 'AccessKey';
export const SECRET_KEY = 'SecretKey';
export const SIGNATURE = 'Signature';
export const SECURITY_TOKEN = 'SecurityToken';
/** Ext field the 4.9.x admin query adds; servers up to 4.9.3 signed without it, so 5.x skips it for old clients. */
export const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';
/** MQVersion.Version.V4_9_3.ordinal(). */
export const VERSION_4_9_3 = 404;

export interface SessionCredentials {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

/** Java's String.compareTo order (UTF-16 code units), which TreeMap uses; JS's default sort compares the same way. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortedValues(fields: Record<string, string>, skip?: (name: string) => boolean): string {
  let text = '';
  for (const name of Object.keys(fields).sort(byName)) {
    if (name === SIGNATURE || skip?.(name)) continue;
    text += fields[name];
  }
  return text;
}

/** AclUtils.combineRequestContent: values of `fields` by sorted name (Signature skipped), then the body. */
export function combineRequestContent(fields: Record<string, string>, body: Buffer | undefined, skip?: (name: string) => boolean): Buffer {
  const head = Buffer.from(sortedValues(fields, skip), 'utf8');
  return body && body.length ? Buffer.concat([head, body]) : head;
}

/** calSignature(combineRequestContent(...)) without copying the body into a new buffer (the hot path). */
function signContent(fields: Record<string, string>, body: Buffer | undefined, secretKey: string, skip?: (name: string) => boolean): string {
  const mac = createHmac('sha1', secretKey).update(sortedValues(fields, skip), 'utf8');
  if (body && body.length) mac.update(body);
  return mac.digest('base64');
}

/** AclSigner.calSignature: base64(HmacSHA1(secretKey, data)). */
export function calSignature(data: Buffer, secretKey: string): string {
  return createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(data).digest('base64');
}

/**
 * AclClientRPCHook.doBeforeRequest: adds AccessKey, SecurityToken (when set) and Signature to the request.
 * A request carrying _UNIQUE_KEY_QUERY (QUERY_MESSAGE) is signed without it and announced as V4_9_3: Apache 4.9.8's
 * broker (PlainAccessValidator) always leaves the flag out of the signed content, 5.x leaves it out for clients up
 * to V4_9_3 only, so that one signature is accepted by both (signing it in, as Java 4.9.8's hook does, is refused
 * by a 4.9.8 broker: "Check signature failed").
 */
export function signRequest(req: RemotingCommand, creds: SessionCredentials): void {
  const fields = (req.extFields ??= {});
  delete fields[SIGNATURE];
  fields[ACCESS_KEY] = creds.accessKey;
  if (creds.securityToken !== undefined) fields[SECURITY_TOKEN] = creds.securityToken;
  const skipFlag = fields[UNIQUE_MSG_QUERY_FLAG] !== undefined;
  if (skipFlag && req.version > VERSION_4_9_3) req.version = VERSION_4_9_3;
  fields[SIGNATURE] = signContent(fields, req.body, creds.secretKey, skipFlag ? (n) => n === UNIQUE_MSG_QUERY_FLAG : undefined);
}

const skipFor = (req: RemotingCommand): ((name: string) => boolean) | undefined =>
  req.version <= VERSION_4_9_3 ? (n) => n === UNIQUE_MSG_QUERY_FLAG : undefined;

/** The bytes a server checks a request's signature over (5.x DefaultAuthenticationContextBuilder). */
export function signedContent(req: RemotingCommand): Buffer {
  return combineRequestContent(req.extFields ?? {}, req.body, skipFor(req));
}

/** Whether `req` carries a Signature equal to the one `secretKey` gives (constant-time compare). */
export function verifySignature(req: RemotingCommand, secretKey: string): boolean {
  const given = req.extFields?.[SIGNATURE];
  if (given === undefined) return false;
  const expected = Buffer.from(signContent(req.extFields ?? {}, req.body, secretKey, skipFor(req)), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Credentials from explicit options, else ROCKETMQ_ACCESS_KEY / ROCKETMQ_SECRET_KEY (and ROCKETMQ_SECURITY_TOKEN).
 * Returns undefined when neither names an access key; throws when only one half of the pair is given.
 */
export function resolveCredentials(
  opts: { accessKey?: string; secretKey?: string; securityToken?: string },
  env: Record<string, string | undefined> = process.env,
): SessionCredentials | undefined {
  const fromOpts = opts.accessKey !== undefined || opts.secretKey !== undefined;
  const accessKey = fromOpts ? opts.accessKey : env.ROCKETMQ_ACCESS_KEY;
  const secretKey = fromOpts ? opts.secretKey : env.ROCKETMQ_SECRET_KEY;
  if (!accessKey && !secretKey) return undefined;
  if (!accessKey) throw new CredentialsError('accessKey', 'a secretKey was given without an accessKey (option accessKey or ROCKETMQ_ACCESS_KEY)');
  if (!secretKey) throw new CredentialsError('secretKey', 'an accessKey was given without a secretKey (option secretKey or ROCKETMQ_SECRET_KEY)');
  const securityToken = opts.securityToken ?? (fromOpts ? undefined : env.ROCKETMQ_SECURITY_TOKEN);
  return securityToken ? { accessKey, secretKey, securityToken } : { accessKey, secretKey };
}

export class CredentialsError extends RocketDeckError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialsError';
  }
}
