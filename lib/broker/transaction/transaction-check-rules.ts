// The rules of RocketMQ's transaction check (TransactionalMessageServiceImpl.check) as pure functions: settings,
// op record bodies, which half message waits, which is checked back with its producer and which is discarded, and
// the CHECK_TRANSACTION_STATE (39) request a check sends.

import type { BrokerConfig } from '../config/broker-config.ts';
import { RequestCode } from '../../protocol/codes.ts';
import { TopicValidator } from '../../protocol/constants.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { encodeStoredMessage } from '../../protocol/message-codec.ts';
import type { MessageExt } from '../../protocol/message.ts';
import { createRequest, type RemotingCommand } from '../../remoting/command.ts';

/** Tag of op records that mark a half message resolved (TransactionalMessageUtil.REMOVETAG). */
export const REMOVE_TAG = 'd';

/** One queue is never looked at for longer than this per round (MAX_PROCESS_TIME_LIMIT). */
export const MAX_PROCESS_TIME_LIMIT_MS = 60_000;

export interface TransactionCheckSettings {
  /** Pause between check rounds, ms. */
  transactionCheckInterval: number;
  /** A half message younger than this is not checked yet, ms. */
  transactionTimeOut: number;
  /** Checks per half message before it is moved to TRANS_CHECK_MAX_TIME_TOPIC. */
  transactionCheckMax: number;
}

export const DEFAULT_TRANSACTION_CHECK_SETTINGS: Readonly<TransactionCheckSettings> = {
  transactionCheckInterval: 60_000,
  transactionTimeOut: 6000,
  transactionCheckMax: 15,
};

/** The transaction* broker.conf keys (accepted by lib/cluster as passive keys, read here) over RocketMQ's defaults. */
export function transactionCheckSettings(cfg: BrokerConfig): TransactionCheckSettings {
  const read = (key: keyof TransactionCheckSettings, min: number): number => {
    const text = cfg.passive.get(key);
    const v = text === undefined ? NaN : Number(text);
    return Number.isFinite(v) && v >= min ? v : DEFAULT_TRANSACTION_CHECK_SETTINGS[key];
  };
  return {
    transactionCheckInterval: read('transactionCheckInterval', 1),
    transactionTimeOut: read('transactionTimeOut', 0),
    transactionCheckMax: read('transactionCheckMax', 0),
  };
}

/** Java's Long.parseLong or -1 (the check service's getLong). */
function parseLongOr(text: string | undefined, fallback: number): number {
  if (text === undefined || !/^[+-]?\d+$/.test(text.trim())) return fallback;
  return Number(text.trim());
}

/**
 * Half queue offsets an op record resolves: its body is one offset as decimal text (4.9), or several joined by ","
 * (5.x batches op records). Unreadable entries are dropped.
 */
export function opRecordOffsets(body: Buffer): number[] {
  const out: number[] = [];
  for (const part of body.toString('utf8').split(',')) {
    const v = parseLongOr(part, -1);
    if (v >= 0) out.push(v);
  }
  return out;
}

/** CHECK_IMMUNITY_TIME_IN_SECONDS as the check service reads it: seconds -> ms, unreadable or -1 -> transactionTimeOut. */
export function checkImmunityTimeMs(text: string, transactionTimeOut: number): number {
  const v = parseLongOr(text, -1);
  return v === -1 ? transactionTimeOut : v * 1000;
}

/** The same property as 5.x's END_TRANSACTION reads it: never shorter than transactionTimeOut. */
export function endTransactionImmunityMs(text: string, transactionTimeOut: number): number {
  const v = parseLongOr(text, 0) * 1000;
  return v < transactionTimeOut ? transactionTimeOut : v;
}

/**
 * 5.x rejects (ILLEGAL_OPERATION) a commit or rollback that does not answer a check when the half message asked
 * for a custom immunity time and that time has passed: the broker has checked, or is about to check, it back.
 */
export function rejectsLateEndTransaction(half: MessageExt, fromTransactionCheck: boolean, transactionTimeOut: number, now: number): boolean {
  if (fromTransactionCheck) return false;
  const text = half.properties[MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS];
  if (!text) return false;
  return now - half.bornTimestamp > endTransactionImmunityMs(text, transactionTimeOut);
}

/** Op queue offset up to which every op record is done: `from` moved over the contiguous run in `done`. */
export function calculateOpOffset(done: Iterable<number>, from: number): number {
  const sorted = [...new Set(done)].sort((a, b) => a - b);
  let next = from;
  for (const v of sorted) {
    if (v < next) continue;
    if (v !== next) break;
    next++;
  }
  return next;
}

export interface HalfCheckContext {
  now: number;
  /** When this queue's round began: messages stored since then wait for the next round. */
  roundStart: number;
  transactionTimeOut: number;
  transactionCheckMax: number;
  /** The store's fileReservedTime in ms: an older half message is gone from disk soon and is given up. */
  fileReservedTimeMs: number;
  /** True when an op record read this round resolves the half message at this queue offset. */
  isResolved(halfQueueOffset: number): boolean;
}

export type HalfVerdict =
  /** Checked transactionCheckMax times already, or older than the files are kept: to TRANS_CHECK_MAX_TIME_TOPIC. */
  | { kind: 'discard'; reason: 'checkMax' | 'expired' }
  /** Not due: stored during this round, or younger than transactionTimeOut. The queue's round ends here. */
  | { kind: 'wait'; reason: 'fresh' | 'young' | 'immune' }
  /** Within its immunity time and resolved under the queue offset it was first stored at: skip it. */
  | { kind: 'immuneResolved'; preparedQueueOffset: number }
  /** Within its immunity time: stored again at the end of the queue (remembering its first offset), skip it. */
  | { kind: 'immuneRenew' }
  /** Due: stored again (check times counted) and checked back with its producer. */
  | { kind: 'check' };

export interface HalfJudgement {
  verdict: HalfVerdict;
  /** TRANSACTION_CHECK_TIMES the copy stored again carries (absent: the message is discarded unchanged). */
  checkTimes?: number;
}

/**
 * What one round does with the half message at the head of the unchecked part of the queue (that no op record
 * resolves by its own offset). Check times are counted before the immunity rules, as RocketMQ does, so a copy
 * stored again during its immunity time carries one more check too.
 */
export function judgeHalfMessage(msg: MessageExt, c: HalfCheckContext): HalfJudgement {
  const timesText = msg.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES];
  let checkTimes = 1;
  if (timesText !== undefined) {
    const times = parseLongOr(timesText, -1);
    if (times >= c.transactionCheckMax) return { verdict: { kind: 'discard', reason: 'checkMax' } };
    checkTimes = times + 1;
  }
  if (c.now - msg.bornTimestamp > c.fileReservedTimeMs) return { verdict: { kind: 'discard', reason: 'expired' }, checkTimes };
  if (msg.storeTimestamp >= c.roundStart) return { verdict: { kind: 'wait', reason: 'fresh' }, checkTimes };
  const age = c.now - msg.bornTimestamp;
  let immunity = c.transactionTimeOut;
  const immunityText = msg.properties[MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS];
  if (immunityText !== undefined) {
    immunity = checkImmunityTimeMs(immunityText, c.transactionTimeOut);
    if (age <= immunity) {
      const prepared = msg.properties[MessageConst.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET];
      if (prepared === undefined) return { verdict: { kind: 'immuneRenew' }, checkTimes };
      const preparedQueueOffset = parseLongOr(prepared, -1);
      // RocketMQ reads -1 as "no first offset" and then re-reads op records until the immunity time is over;
      // waiting for the next round comes to the same.
      if (preparedQueueOffset === -1) return { verdict: { kind: 'wait', reason: 'immune' }, checkTimes };
      if (c.isResolved(preparedQueueOffset)) return { verdict: { kind: 'immuneResolved', preparedQueueOffset }, checkTimes };
      return { verdict: { kind: 'immuneRenew' }, checkTimes };
    }
  } else if (age >= 0 && age <= immunity) {
    return { verdict: { kind: 'wait', reason: 'young' }, checkTimes };
  }
  // Born in the future (clock skew) counts as due, as in RocketMQ.
  if (age > immunity || age <= -1) return { verdict: { kind: 'check' }, checkTimes };
  return { verdict: { kind: 'wait', reason: 'young' }, checkTimes };
}

/**
 * CHECK_TRANSACTION_STATE (39, oneway) for a half message just stored again (its new queue and commit log offsets
 * and offset msg id): header fields as 5.x fills them (4.9.8 clients ignore topic and bname), body the message
 * encoded as MessageDecoder.encode does, with its real topic and queue back and the body as stored.
 */
export function buildCheckTransactionStateRequest(half: MessageExt, brokerName: string): RemotingCommand {
  const uniqKey = half.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX];
  const header = {
    topic: half.topic,
    tranStateTableOffset: half.queueOffset,
    commitLogOffset: half.commitLogOffset,
    msgId: uniqKey,
    transactionId: uniqKey,
    offsetMsgId: half.msgId,
    bname: brokerName,
  };
  const props = half.properties;
  const body = encodeStoredMessage({
    ...half,
    topic: props[MessageConst.PROPERTY_REAL_TOPIC] ?? half.topic,
    queueId: parseInt(props[MessageConst.PROPERTY_REAL_QUEUE_ID] ?? '', 10) || 0,
    propertiesString: undefined,
  });
  return createRequest(RequestCode.CHECK_TRANSACTION_STATE, header, { body, oneway: true });
}

/** The half topic's name, for readers of this module. */
export const HALF_TOPIC = TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC;
export const OP_TOPIC = TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC;
