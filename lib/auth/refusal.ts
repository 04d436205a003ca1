// A broker's refusal of a request for access reasons, told in one line: "not allowed: <action> on <resource>",
// with the response code and the broker's remark. Recognises 5.x (NO_PERMISSION + "... has no permission to
// access <resource> ...", or an authentication message) and 4.9 (SYSTEM_ERROR + "...AclException: ...").

import { isRetriableResponseCode, RequestCode, ResponseCode, requestCodeName } from '../protocol/codes.ts';
import type { RemotingCommand } from '../remoting/command.ts';
import { ResponseCodeError } from '../remoting/errors.ts';
import { accessWanted } from './request-actions.ts';
import { resourceKey } from './model.ts';

export class AccessDeniedError extends ResponseCodeError {
  constructor(
    addr: string,
    code: number,
    remark: string | undefined,
    requestCode: number,
    readonly action: string,
    readonly resource: string,
  ) {
    super(addr, code, remark, requestCode, { retriable: false });
    this.name = 'AccessDeniedError';
    this.message = `not allowed: ${action} on ${resource} (${addr} answered ${requestCodeName(requestCode)} with code ${code}${remark ? `: ${remark}` : ''})`;
  }
}

const AUTHENTICATION_REMARKS = /username cannot be null|User:.* is not found|User:.* is disabled|check signature failed|too many failed authentications/;

/** Whether a response refuses the request for access control (not some other NO_PERMISSION such as a read-only topic). */
export function isAccessRefusal(res: RemotingCommand): boolean {
  const remark = res.remark ?? '';
  if (res.code === ResponseCode.NO_PERMISSION) return /has no permission to access/.test(remark) || AUTHENTICATION_REMARKS.test(remark);
  return res.code === ResponseCode.SYSTEM_ERROR && remark.includes('AclException');
}

/** The error for a failed response: AccessDeniedError for an access refusal, else ResponseCodeError. */
export function responseError(addr: string, req: RemotingCommand, res: RemotingCommand): ResponseCodeError {
  if (!isAccessRefusal(res)) return new ResponseCodeError(addr, res.code, res.remark, req.code, { retriable: isRetriableResponseCode(res.code) });
  let wanted: ReturnType<typeof accessWanted> = [];
  try {
    wanted = accessWanted(req, 'cluster');
  } catch {
    // An undecodable body only costs the description.
  }
  const remark = res.remark ?? '';
  const named = /access (\S+) from/.exec(remark)?.[1] ?? /permission for (topic|group):([^\s,]+)/.exec(remark)?.slice(1).join(':');
  const match = wanted.find((w) => named !== undefined && resourceKey(w.resource).toLowerCase() === named.toLowerCase()) ?? wanted[0];
  const action = match ? match.actions.join('|') : requestCodeName(req.code);
  const resource = named ?? (match ? resourceKey(match.resource) : req.code === RequestCode.HEART_BEAT ? 'client' : 'broker');
  return new AccessDeniedError(addr, res.code, res.remark, req.code, action, resource);
}
