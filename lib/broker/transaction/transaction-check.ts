// Transaction check-back on a master (RocketMQ's TransactionalMessageCheckService + TransactionalMessageServiceImpl
// .check): every transactionCheckInterval, each queue of RMQ_SYS_TRANS_HALF_TOPIC is read from the consumer offset
// of CID_RMQ_SYS_TRANS, half messages resolved by an op record (RMQ_SYS_TRANS_OP_HALF_TOPIC, same group) are
// passed over, due ones are stored again with one more TRANSACTION_CHECK_TIMES and checked back with one live
// producer of their group (CHECK_TRANSACTION_STATE, oneway); those checked transactionCheckMax times go to
// TRANS_CHECK_MAX_TIME_TOPIC. The producer answers with END_TRANSACTION (fromTransactionCheck=true) naming the copy.

import type { Logger } from '../../common/log.ts';
import { MixAll, TopicValidator } from '../../protocol/constants.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { decodeMessage } from '../../protocol/message-codec.ts';
import { messageProperties2String } from '../../protocol/message-properties.ts';
import { tagsHashCode, type MessageExt } from '../../protocol/message.ts';
import type { MessageExtBrokerInner } from '../../store/types.ts';
import type { BrokerContext } from '../context.ts';
import { ensureTopic } from '../put-message.ts';
import {
  buildCheckTransactionStateRequest, calculateOpOffset, judgeHalfMessage, MAX_PROCESS_TIME_LIMIT_MS, opRecordOffsets, REMOVE_TAG,
  transactionCheckSettings, type TransactionCheckSettings,
} from './transaction-check-rules.ts';

const HALF_TOPIC = TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC;
const OP_TOPIC = TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC;
const GROUP = MixAll.CID_SYS_RMQ_TRANS;
/** Op records read per store call (RocketMQ pulls 32). */
const OP_BATCH = 32;
const RETRY_AFTER_FAILURE_MS = 10_000;

export interface CheckRoundResult {
  /** Half messages checked back with their producer (stored again first). */
  checked: number;
  /** Half messages moved to TRANS_CHECK_MAX_TIME_TOPIC. */
  discarded: number;
  /** Half messages passed over because an op record resolves them. */
  resolved: number;
  /** Half messages stored again during their immunity time. */
  renewed: number;
  /** Checks that found no live producer connection of the group. */
  noProducer: number;
}

export interface TransactionCheckOptions {
  /** The broker's context (built once the store is open). */
  ctx: () => BrokerContext;
  log: Logger;
  now?: () => number;
}

/** Op records read during one queue's round, keyed by the half queue offset they resolve. */
class OpRecords {
  /** Half offset -> op offset, for half offsets at or after the round's start. */
  readonly pending = new Map<number, number>();
  /** Half offsets before the round's start resolved by op records read this round (immune copies look here). */
  private readonly earlier = new Map<number, number>();
  readonly done: number[] = [];
  next: number;
  base: number;

  constructor(
    readonly halfStart: number,
    opOffset: number,
  ) {
    this.next = opOffset;
    this.base = opOffset;
  }

  add(opOffset: number, body: Buffer, tags: string | undefined, log: Logger): void {
    if (tags !== REMOVE_TAG) {
      log.error('transaction_op_record_illegal_tag', { opOffset, tags });
      this.done.push(opOffset);
      return;
    }
    let kept = false;
    for (const half of opRecordOffsets(body)) {
      if (half < this.halfStart) {
        this.earlier.set(half, opOffset);
        continue;
      }
      this.pending.set(half, opOffset);
      kept = true;
    }
    // A record naming only offsets before the round's start is done (RocketMQ's doneOpOffset).
    if (!kept) this.done.push(opOffset);
  }

  has(half: number): boolean {
    return this.pending.has(half) || this.earlier.has(half);
  }

  /** Marks the op record resolving `half` done; true when there was one. */
  take(half: number): boolean {
    const op = this.pending.get(half);
    if (op !== undefined) {
      this.pending.delete(half);
      this.done.push(op);
      return true;
    }
    return this.earlier.delete(half);
  }
}

/** A half message to store again, on `topic`/`queueId`, with its body, flag, hosts and properties. */
function storedCopy(msg: MessageExt, topic: string, queueId: number): MessageExtBrokerInner {
  const tags = msg.properties[MessageConst.PROPERTY_TAGS];
  return {
    topic,
    queueId,
    flag: msg.flag,
    body: msg.body,
    properties: { ...msg.properties },
    propertiesString: messageProperties2String(msg.properties),
    tagsCode: tags ? tagsHashCode(tags) : 0,
    sysFlag: msg.sysFlag,
    bornTimestamp: msg.bornTimestamp,
    bornHost: msg.bornHost,
    storeHost: msg.storeHost,
  };
}

export class TransactionalMessageCheckService {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = true;
  private readonly now: () => number;

  constructor(private readonly opts: TransactionCheckOptions) {
    this.now = opts.now ?? Date.now;
  }

  private get ctx(): BrokerContext {
    return this.opts.ctx();
  }

  settings(): TransactionCheckSettings {
    return transactionCheckSettings(this.ctx.config());
  }

  /** First round after one interval, as RocketMQ's service thread waits before its first check. */
  start(): void {
    this.stopped = false;
    this.schedule(this.settings().transactionCheckInterval);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    let next: number;
    const round = this.check();
    this.running = round;
    try {
      await round;
      next = this.settings().transactionCheckInterval;
    } catch (err) {
      this.opts.log.error('transaction_check_failed', { error: err });
      next = RETRY_AFTER_FAILURE_MS;
    } finally {
      this.running = undefined;
    }
    if (!this.stopped) this.schedule(next);
  }

  /** One check round over every half queue; logs one line with what it did. */
  async check(): Promise<CheckRoundResult> {
    const begin = this.now();
    const s = this.settings();
    const result: CheckRoundResult = { checked: 0, discarded: 0, resolved: 0, renewed: 0, noProducer: 0 };
    // Unlike RocketMQ this does not create the half topic: without it there is nothing to check.
    const tc = this.ctx.topics.selectTopicConfig(HALF_TOPIC);
    const queues = tc?.readQueueNums ?? 0;
    for (let queueId = 0; queueId < queues; queueId++) await this.checkQueue(queueId, s, result);
    this.opts.log.info('transaction_check_round', {
      queues, checked: result.checked, discarded: result.discarded, resolved: result.resolved, renewed: result.renewed,
      noProducer: result.noProducer, tookMs: this.now() - begin,
    });
    return result;
  }

  private fetchConsumeOffset(topic: string, queueId: number): number {
    const offset = this.ctx.offsets.queryOffset(GROUP, topic, queueId);
    return offset === -1 ? this.ctx.store.getMinOffsetInQueue(topic, queueId) : offset;
  }

  private commitOffset(topic: string, queueId: number, offset: number): void {
    this.ctx.offsets.commitOffset(this.ctx.brokerAddr(), GROUP, topic, queueId, offset);
  }

  /** Reads the op records that arrived since the last read; true when there were any. */
  private async readOps(ops: OpRecords, queueId: number): Promise<boolean> {
    let found = false;
    for (;;) {
      const r = await this.ctx.store.getMessage(GROUP, OP_TOPIC, queueId, ops.next, OP_BATCH);
      if (r.status === 'OFFSET_TOO_SMALL' || r.status === 'OFFSET_OVERFLOW_BADLY' || r.status === 'OFFSET_FOUND_NULL' || r.status === 'NO_MATCHED_LOGIC_QUEUE') {
        // Op records gone (retention) or an offset past the end: start over where the store says, as RocketMQ does.
        if (r.nextBeginOffset === ops.next) return found;
        this.opts.log.warn('transaction_op_offset_illegal', { queueId, offset: ops.next, status: r.status, nextBeginOffset: r.nextBeginOffset });
        if (ops.base === ops.next) ops.base = r.nextBeginOffset;
        ops.next = r.nextBeginOffset;
        continue;
      }
      if (r.status !== 'FOUND' || r.buffers.length === 0) return found;
      for (let k = 0; k < r.buffers.length; k++) {
        const op = decodeMessage(r.buffers[k]!, 0);
        ops.add(r.queueOffsets[k] ?? op.queueOffset, op.body, op.properties[MessageConst.PROPERTY_TAGS], this.opts.log);
        found = true;
      }
      ops.next = Math.max(r.nextBeginOffset, ops.next + 1);
    }
  }

  private async checkQueue(queueId: number, s: TransactionCheckSettings, result: CheckRoundResult): Promise<void> {
    const ctx = this.ctx;
    const startTime = this.now();
    const halfOffset = this.fetchConsumeOffset(HALF_TOPIC, queueId);
    const opOffset = this.fetchConsumeOffset(OP_TOPIC, queueId);
    if (halfOffset < 0 || opOffset < 0) {
      this.opts.log.error('transaction_check_offset_illegal', { queueId, halfOffset, opOffset });
      return;
    }
    const ops = new OpRecords(halfOffset, opOffset);
    await this.readOps(ops, queueId);
    const fileReservedTimeMs = ctx.config().store.fileReservedTime * 3_600_000;
    // Messages from this offset on were stored during the round (copies this round made among them): they wait, as
    // RocketMQ's store-time rule has them wait, without depending on the clocks agreeing to the millisecond.
    const endAtStart = ctx.store.getMaxOffsetInQueue(HALF_TOPIC, queueId);
    let i = halfOffset;
    let newOffset = halfOffset;
    let misses = 0;
    while (this.now() - startTime <= MAX_PROCESS_TIME_LIMIT_MS) {
      if (ops.take(i)) {
        result.resolved++;
        newOffset = ++i;
        continue;
      }
      if (i >= endAtStart) break;
      const r = await ctx.store.getMessage(GROUP, HALF_TOPIC, queueId, i, 1);
      if (r.status !== 'FOUND' || r.buffers.length === 0) {
        // The end of the queue, or a hole (retention): jump once to where the store says the queue goes on.
        if (++misses > 1 || r.status === 'NO_MESSAGE_IN_QUEUE' || r.status === 'OFFSET_OVERFLOW_ONE' || r.nextBeginOffset === i) break;
        i = r.nextBeginOffset;
        newOffset = i;
        continue;
      }
      const msg = decodeMessage(r.buffers[0]!, 0, { decompressBody: false });
      const { verdict, checkTimes } = judgeHalfMessage(msg, {
        now: this.now(), roundStart: startTime, transactionTimeOut: s.transactionTimeOut, transactionCheckMax: s.transactionCheckMax,
        fileReservedTimeMs, isResolved: (half) => ops.has(half),
      });
      if (checkTimes !== undefined) msg.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES] = String(checkTimes);
      if (verdict.kind === 'wait') break;
      if (verdict.kind === 'discard') {
        await this.discard(msg, verdict.reason);
        result.discarded++;
      } else if (verdict.kind === 'immuneResolved') {
        ops.take(verdict.preparedQueueOffset);
        result.resolved++;
      } else if (verdict.kind === 'immuneRenew') {
        msg.properties[MessageConst.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET] ??= String(msg.queueOffset);
        if (!(await this.putBack(msg))) break;
        result.renewed++;
      } else {
        // An op record written since the round began may resolve it after all.
        if ((await this.readOps(ops, queueId)) && ops.has(i)) continue;
        if (!(await this.putBack(msg))) break;
        if (this.sendCheck(msg)) result.checked++;
        else result.noProducer++;
      }
      newOffset = ++i;
    }
    if (newOffset !== halfOffset) this.commitOffset(HALF_TOPIC, queueId, newOffset);
    const newOpOffset = calculateOpOffset(ops.done, ops.base);
    if (newOpOffset !== opOffset) this.commitOffset(OP_TOPIC, queueId, newOpOffset);
  }

  /**
   * Stores the half message again at the end of its queue (renewHalfMessageInner) and points `msg` at the copy:
   * the check names the copy's offsets, and its END_TRANSACTION resolves the copy.
   */
  private async putBack(msg: MessageExt): Promise<boolean> {
    const r = await this.store(storedCopy(msg, msg.topic, msg.queueId));
    if (!r) {
      this.opts.log.error('transaction_half_put_back_failed', { queueId: msg.queueId, queueOffset: msg.queueOffset, msgId: msg.msgId });
      return false;
    }
    msg.queueOffset = r.logicsOffset;
    msg.commitLogOffset = r.wroteOffset;
    msg.msgId = r.msgId;
    // RocketMQ's copy shares the property map it then marks WAIT=false, so the check carries that too.
    msg.properties[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] = 'false';
    return true;
  }

  private async store(inner: MessageExtBrokerInner) {
    const start = Date.now();
    const r = await this.ctx.store.putMessage(inner);
    if (r.appendResult) this.ctx.stats.incPut(inner.topic, r.appendResult.msgNum, r.appendResult.wroteBytes, Date.now() - start);
    else this.ctx.stats.incPutFailed();
    return r.appendResult;
  }

  /** CHECK_TRANSACTION_STATE to one live producer connection of the message's group; false when there is none. */
  private sendCheck(msg: MessageExt): boolean {
    const ctx = this.ctx;
    const group = msg.properties[MessageConst.PROPERTY_PRODUCER_GROUP] ?? '';
    const producer = ctx.producers.getAvailableConnection(group);
    if (!producer) {
      this.opts.log.warn('transaction_check_no_producer', { producerGroup: group, msgId: msg.msgId });
      return false;
    }
    const req = buildCheckTransactionStateRequest(msg, ctx.config().brokerName);
    producer.conn.invokeOneway(req).catch((err: unknown) => {
      this.opts.log.warn('transaction_check_send_failed', { producerGroup: group, remoteAddr: producer.conn.remoteAddr, msgId: msg.msgId, error: err });
    });
    return true;
  }

  /** Moves a half message checked too often (or too old) to TRANS_CHECK_MAX_TIME_TOPIC (one queue). */
  private async discard(msg: MessageExt, reason: string): Promise<void> {
    const topic = TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC;
    ensureTopic(this.ctx, topic);
    const stored = await this.store({ ...storedCopy(msg, topic, 0), reconsumeTimes: msg.reconsumeTimes });
    const fields = {
      reason, msgId: msg.msgId, queueOffset: msg.queueOffset, realTopic: msg.properties[MessageConst.PROPERTY_REAL_TOPIC],
      uniqKey: msg.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX], checkTimes: msg.properties[MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES],
    };
    if (stored) this.opts.log.warn('transaction_half_discarded', fields);
    else this.opts.log.error('transaction_half_discard_failed', fields);
  }
}
