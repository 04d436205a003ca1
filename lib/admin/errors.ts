// Admin failures: AdminError for answers the cluster cannot give, and per-broker failure records for partial answers.

import { AccessDeniedError } from '../auth/refusal.ts';
import { ResponseCode, responseCodeName } from '../protocol/codes.ts';
import { RemotingConnectError, RemotingTimeoutError, ResponseCodeError } from '../remoting/errors.ts';
import { RocketDeckError } from '../common/errors.ts';
import { BrokerUnavailableError } from './breaker.ts';
import { DeadlineError } from './fanout.ts';

/** The cluster answered, but not with what was asked for (no route, group offline, no such broker...). */
export class AdminError extends RocketDeckError {
  constructor(
    message: string,
    /** RocketMQ response code when the failure maps to one (e.g. 206 CONSUMER_NOT_ONLINE). */
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AdminError';
  }
}

/** One broker that could not answer in a fan-out; the rest of the answer is still good. */
export interface BrokerFailure {
  brokerName: string;
  brokerAddr: string;
  error: string;
  /** Response code when the broker answered with an error code. */
  code?: number;
  /** The broker missed a deadline and is not waited on until it answers a background probe. */
  unavailable?: boolean;
  /** Since when (epoch ms) it is held off. */
  unavailableSince?: number;
  /** When (epoch ms) this client last had an answer from it. */
  lastOkAt?: number;
  /** The answer includes this broker's last good figures from then (epoch ms) in place of the missing ones. */
  figuresAsOf?: number;
}

/** One nameserver that could not answer. */
export interface NamesrvFailure {
  namesrvAddr: string;
  error: string;
  code?: number;
}

/** Human text for any failure: response code name and remark, or the transport's message (which names the address). */
export function describeError(err: unknown): string {
  if (err instanceof AccessDeniedError) {
    return `not allowed: ${err.action} on ${err.resource} (${responseCodeName(err.code)} (${err.code})${err.remark ? `: ${err.remark}` : ''})`;
  }
  if (err instanceof ResponseCodeError) {
    return `${responseCodeName(err.code)} (${err.code})${err.remark ? `: ${err.remark}` : ''}`;
  }
  if (err instanceof RemotingTimeoutError || err instanceof DeadlineError) return `timeout: ${err.message}`;
  if (err instanceof BrokerUnavailableError) return `hung: ${err.message}`;
  if (err instanceof RemotingConnectError) return `unreachable: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function errorCode(err: unknown): number | undefined {
  if (err instanceof ResponseCodeError) return err.code;
  if (err instanceof AdminError) return err.code;
  return undefined;
}

export function brokerFailure(brokerName: string, brokerAddr: string, err: unknown): BrokerFailure {
  const out: BrokerFailure = { brokerName, brokerAddr, error: describeError(err) };
  const code = errorCode(err);
  if (code !== undefined) out.code = code;
  return out;
}

export function namesrvFailure(namesrvAddr: string, err: unknown): NamesrvFailure {
  const out: NamesrvFailure = { namesrvAddr, error: describeError(err) };
  const code = errorCode(err);
  if (code !== undefined) out.code = code;
  return out;
}

/** True when `err` is a response with one of `codes`. */
export function hasCode(err: unknown, ...codes: number[]): boolean {
  const code = errorCode(err);
  return code !== undefined && codes.includes(code);
}

/** The response codes a reader of admin answers tells apart (RocketMQ's ResponseCode values, not copies). */
export const AdminCode = {
  TOPIC_NOT_EXIST: ResponseCode.TOPIC_NOT_EXIST,
  SUBSCRIPTION_GROUP_NOT_EXIST: ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
  QUERY_NOT_FOUND: ResponseCode.QUERY_NOT_FOUND,
  NO_MESSAGE: ResponseCode.NO_MESSAGE,
  CONSUMER_NOT_ONLINE: ResponseCode.CONSUMER_NOT_ONLINE,
  REQUEST_CODE_NOT_SUPPORTED: ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
} as const;

const NOT_FOUND_CODES: ReadonlySet<number> = new Set([AdminCode.TOPIC_NOT_EXIST, AdminCode.SUBSCRIPTION_GROUP_NOT_EXIST, AdminCode.QUERY_NOT_FOUND, AdminCode.NO_MESSAGE]);

/** The code means "no such thing" (topic, group, message) rather than "the cluster failed". */
export const isNotFoundCode = (code: number | undefined): boolean => code !== undefined && NOT_FOUND_CODES.has(code);

export { responseCodeName };
