// Timer messages (RIP-43): a send with TIMER_DELIVER_MS / TIMER_DELAY_SEC / TIMER_DELAY_MS is stored in
// rmq_sys_wheel_timer queue 0 (real topic and queue in REAL_TOPIC / REAL_QID, due time in TIMER_OUT_MS and as the
// consume queue's tags code) and put into its real topic when due.
//
// Instead of 5.x's timer wheel + timer log, pending timers are a min-heap of (due time, timer queue offset): two
// numbers per timer, so 1 M pending timers take ~16 MB plus the heap arrays' slack; the messages stay in the
// commit log. Progress is kept in <storePathRootDir>/timer/:
//   checkpoint.json  {"base": N}: every timer queue offset below N is delivered
//   progress.log     17-byte records [type u8][timer queue offset f64][real queue max offset f64]; type 1 = about
//                    to put (intent), 2 = put done. An intent without a done record after a crash is resolved by
//                    looking for the message (same UNIQ_KEY) in its real queue after the recorded offset, so a
//                    timer is delivered once even when the broker is killed between the put and the done record.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ResponseCode } from '../../protocol/codes.ts';
import { PermName } from '../../protocol/constants.ts';
import { encodeFastJson } from '../../protocol/fastjson.ts';
import { decodeMessage } from '../../protocol/message-codec.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { messageProperties2String } from '../../protocol/message-properties.ts';
import type { MessageExt } from '../../protocol/message.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import type { MessageExtBrokerInner, PutMessageResult } from '../../store/types.ts';
import type { BrokerContext } from '../context.ts';
import { timerConfig } from '../pop/config.ts';
import { NumberMinHeap } from '../pop/min-heap.ts';
import { putInternal } from '../put-message.ts';
import { RECALL_QUEUE_ID, buildDeleteKey } from './recall.ts';

export const TIMER_TOPIC = 'rmq_sys_wheel_timer';
const REC = 17;
const INTENT = 1;
const DONE = 2;
const MAX_IN_FLIGHT = 32;

/** A timer send refused as 5.x refuses it (WHEEL_TIMER_MSG_ILLEGAL -> MESSAGE_ILLEGAL). */
export interface TimerRefusal {
  code: number;
  remark: string;
}

export class TimerService {
  private readonly dir: string;
  private readonly heap = new NumberMinHeap();
  private base = 0;
  /** Timer queue offsets >= base that were delivered (base moves up through them). */
  private readonly delivered = new Set<number>();
  /** Next timer queue offset to read into the heap. */
  private scanned = 0;
  private inFlight = 0;
  private logFd = -1;
  private timer?: NodeJS.Timeout;
  private checkpointTimer?: NodeJS.Timeout;
  private readonly pendingByTopic = new Map<string, number>();
  private deliveredCount = 0;
  /** "<topic>+<uniqKey>" of recalled timers (RECALL_MESSAGE markers in the timer topic's queue 1). */
  private readonly recalled = new Set<string>();
  private recalledCount = 0;
  private lastBaseWritten = -1;
  /** Bytes in progress.log (compaction rewrites it when it is mostly records below the base). */
  private logBytes = 0;
  private stopped = false;
  /** Timers read into the heap (enqueued) and delivered, in 1-second buckets, for the runtime info's TPS figures. */
  private readonly enqueueRate = new SecondBuckets();
  private readonly dequeueRate = new SecondBuckets();

  constructor(private readonly ctx: BrokerContext, storePathRootDir: string) {
    this.dir = path.join(storePathRootDir, 'timer');
  }

  get pending(): number {
    return this.heap.size + this.inFlight;
  }

  /**
   * Rewrites a send carrying a timer property into a timer message (5.x HookUtils.transformTimerMessage).
   * Returns a refusal for bad or too-long delays; leaves due (past) timers as ordinary messages.
   */
  transform(msg: MessageExtBrokerInner): TimerRefusal | undefined {
    const p = msg.properties;
    if (msg.topic === TIMER_TOPIC || p[MessageConst.PROPERTY_TIMER_OUT_MS] !== undefined) return undefined;
    const sec = p[MessageConst.PROPERTY_TIMER_DELAY_SEC];
    const ms = p[MessageConst.PROPERTY_TIMER_DELAY_MS];
    const at = p[MessageConst.PROPERTY_TIMER_DELIVER_MS];
    if (sec === undefined && ms === undefined && at === undefined) return undefined;
    const cfg = timerConfig(this.ctx.config());
    const illegal = (): TimerRefusal => ({
      code: ResponseCode.MESSAGE_ILLEGAL,
      remark: `timer message illegal, the delay time should not be bigger than the max delay ${cfg.timerMaxDelaySec * 1000}ms; or if set del msg, the delay time should be bigger than the current time`,
    });
    if (!cfg.timerWheelEnable) return undefined;
    const now = Date.now();
    const parse = (s: string): number => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : NaN);
    const deliverMs = sec !== undefined ? now + parse(sec) * 1000 : ms !== undefined ? now + parse(ms) : parse(at!);
    if (!Number.isFinite(deliverMs)) return illegal();
    if (deliverMs <= now) return undefined;
    if (deliverMs - now > cfg.timerMaxDelaySec * 1000) return illegal();
    p[MessageConst.PROPERTY_TIMER_OUT_MS] = String(deliverMs);
    p[MessageConst.PROPERTY_REAL_TOPIC] = msg.topic;
    p[MessageConst.PROPERTY_REAL_QUEUE_ID] = String(msg.queueId);
    this.pendingByTopic.set(msg.topic, (this.pendingByTopic.get(msg.topic) ?? 0) + 1);
    msg.topic = TIMER_TOPIC;
    msg.queueId = 0;
    msg.tagsCode = deliverMs;
    const wait = p[MessageConst.PROPERTY_WAIT_STORE_MSG_OK];
    delete p[MessageConst.PROPERTY_WAIT_STORE_MSG_OK];
    msg.propertiesString = messageProperties2String(p);
    if (wait !== undefined) p[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] = wait;
    const c = this.ctx.topics.createTopicInSendMessageBackMethod(TIMER_TOPIC, 1, PermName.PERM_READ | PermName.PERM_WRITE, 0);
    if (c.created) this.ctx.registerBrokerAll();
    return undefined;
  }

  /** Loads progress, resolves puts a crash may have interrupted, reads pending timers, starts delivering. */
  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const cp = path.join(this.dir, 'checkpoint.json');
    if (existsSync(cp)) this.base = Number(JSON.parse(readFileSync(cp, 'utf8')).base) || 0;
    this.base = Math.max(this.base, this.ctx.store.getMinOffsetInQueue(TIMER_TOPIC, 0));
    const logFile = path.join(this.dir, 'progress.log');
    const intents = new Map<number, number>();
    if (existsSync(logFile)) {
      const buf = readFileSync(logFile);
      for (let at = 0; at + REC <= buf.length; at += REC) {
        const type = buf[at]!;
        const off = buf.readDoubleBE(at + 1);
        if (off < this.base) continue;
        if (type === INTENT) intents.set(off, buf.readDoubleBE(at + 9));
        else if (type === DONE) {
          intents.delete(off);
          this.delivered.add(off);
        }
      }
    }
    this.logFd = openSync(logFile, 'a');
    this.logBytes = statSync(logFile).size;
    let resolved = 0;
    for (const [off, realStart] of intents) {
      if (await this.alreadyPut(off, realStart)) {
        this.record(DONE, off, 0);
        this.delivered.add(off);
        resolved++;
      }
    }
    await this.loadRecalls();
    this.scanned = this.base;
    this.scan();
    this.advanceBase();
    this.ctx.log.info('timer_started', { base: this.base, pending: this.heap.size, resolvedInterruptedPuts: resolved });
    const prec = timerConfig(this.ctx.config()).timerPrecisionMs;
    this.timer = setInterval(() => this.tick(), Math.min(100, prec));
    this.timer.unref();
    this.checkpointTimer = setInterval(() => this.writeCheckpoint(), 5000);
    this.checkpointTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.checkpointTimer);
    this.writeCheckpoint();
    if (this.logFd >= 0) closeSync(this.logFd);
    this.logFd = -1;
  }

  private async loadRecalls(): Promise<void> {
    const max = this.ctx.store.getMaxOffsetInQueue(TIMER_TOPIC, RECALL_QUEUE_ID);
    for (let o = this.ctx.store.getMinOffsetInQueue(TIMER_TOPIC, RECALL_QUEUE_ID); o < max;) {
      const r = await this.ctx.store.getMessage('TIMER_RECALL', TIMER_TOPIC, RECALL_QUEUE_ID, o, 64);
      if (r.buffers.length === 0) break;
      for (const b of r.buffers) {
        const key = decodeMessage(b).properties[MessageConst.PROPERTY_TIMER_DEL_UNIQKEY];
        if (key) this.recalled.add(key);
      }
      o = r.nextBeginOffset;
    }
  }

  /** Stores a RECALL_MESSAGE marker, then remembers its key so the timer is skipped when due. */
  async storeRecall(marker: MessageExtBrokerInner): Promise<PutMessageResult> {
    marker.topic = TIMER_TOPIC;
    marker.queueId = RECALL_QUEUE_ID;
    const r = await this.ctx.store.putMessage(marker);
    const key = marker.properties[MessageConst.PROPERTY_TIMER_DEL_UNIQKEY];
    if (r.appendResult && key) this.recalled.add(key);
    return r;
  }

  /** New timer messages were stored: read their due times into the heap. */
  onArriving(): void {
    this.scan();
  }

  private scan(): void {
    const max = this.ctx.store.getMaxOffsetInQueue(TIMER_TOPIC, 0);
    while (this.scanned < max) {
      const r = this.ctx.store.getConsumeQueueEntries(TIMER_TOPIC, 0, this.scanned, 4096);
      if (!r || r.entries.length === 0) {
        if (r && r.minOffset > this.scanned) {
          this.scanned = r.minOffset;
          continue;
        }
        break;
      }
      for (const e of r.entries) {
        if (e.queueOffset >= this.base && !this.delivered.has(e.queueOffset)) {
          this.heap.push(e.tagsCode, e.queueOffset);
          this.enqueueRate.add(Date.now());
        }
        this.scanned = e.queueOffset + 1;
      }
    }
  }

  private tick(): void {
    if (this.stopped || timerConfig(this.ctx.config()).timerStopDequeue) return;
    const now = Date.now();
    while (this.inFlight < MAX_IN_FLIGHT && (this.heap.peekKey() ?? Infinity) <= now) {
      const off = this.heap.pop()!;
      this.inFlight++;
      this.deliver(off).then(
        () => {
          this.inFlight--;
          // A put finishing frees a slot: take the next due timer now rather than at the next tick.
          if (this.inFlight === MAX_IN_FLIGHT - 1) this.tick();
        },
        (err: unknown) => {
          this.inFlight--;
          this.ctx.log.error('timer_deliver_failed', { timerQueueOffset: off, error: err });
          this.heap.push(Date.now() + 1000, off);
        },
      );
    }
  }

  private async readTimerMessage(off: number): Promise<MessageExt | undefined> {
    const e = this.ctx.store.getConsumeQueueEntries(TIMER_TOPIC, 0, off, 1)?.entries[0];
    if (!e || e.queueOffset !== off) return undefined;
    return this.ctx.store.lookMessageByOffset(e.commitLogOffset);
  }

  private async deliver(off: number): Promise<void> {
    if (this.stopped) return;
    const m = await this.readTimerMessage(off);
    if (!m) {
      this.ctx.log.warn('timer_message_missing', { timerQueueOffset: off });
      this.markDelivered(off);
      return;
    }
    const props = { ...m.properties };
    const topic = props[MessageConst.PROPERTY_REAL_TOPIC] ?? '';
    const queueId = Number(props[MessageConst.PROPERTY_REAL_QUEUE_ID] ?? '0');
    const uniq = props[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX];
    if (uniq && this.recalled.delete(buildDeleteKey(topic, uniq))) {
      this.recalledCount++;
      this.record(DONE, off, 0);
      this.markDelivered(off);
      this.ctx.log.info('timer_recalled_skipped', { topic, uniqKey: uniq });
      return;
    }
    delete props[MessageConst.PROPERTY_REAL_TOPIC];
    delete props[MessageConst.PROPERTY_REAL_QUEUE_ID];
    props[MessageConst.PROPERTY_TIMER_DEQUEUE_MS] = String(Date.now());
    this.record(INTENT, off, this.ctx.store.getMaxOffsetInQueue(topic, queueId));
    const r = await putInternal(this.ctx, {
      topic, queueId, flag: m.flag, body: m.body, properties: props, propertiesString: messageProperties2String(props),
      sysFlag: m.sysFlag, bornTimestamp: m.bornTimestamp, bornHost: m.bornHost, storeHost: this.ctx.storeHost(),
      reconsumeTimes: m.reconsumeTimes,
    });
    if (!r.appendResult) throw new Error(`put to ${topic} failed: ${r.status}`);
    this.record(DONE, off, 0);
    this.markDelivered(off);
    const n = (this.pendingByTopic.get(topic) ?? 1) - 1;
    if (n > 0) this.pendingByTopic.set(topic, n);
    else this.pendingByTopic.delete(topic);
  }

  private async alreadyPut(off: number, realStart: number): Promise<boolean> {
    const m = await this.readTimerMessage(off);
    if (!m) return true;
    const topic = m.properties[MessageConst.PROPERTY_REAL_TOPIC] ?? '';
    const queueId = Number(m.properties[MessageConst.PROPERTY_REAL_QUEUE_ID] ?? '0');
    const key = m.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX];
    const max = this.ctx.store.getMaxOffsetInQueue(topic, queueId);
    for (let o = Math.max(0, realStart); o < max;) {
      const r = await this.ctx.store.getMessage('TIMER_CHECK', topic, queueId, o, 32);
      if (r.buffers.length === 0) break;
      for (const b of r.buffers) {
        const x = decodeMessage(b);
        const same = key ? x.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] === key
          : x.bornTimestamp === m.bornTimestamp && x.body.equals(m.body);
        if (same && x.properties[MessageConst.PROPERTY_TIMER_OUT_MS] === m.properties[MessageConst.PROPERTY_TIMER_OUT_MS]) return true;
      }
      o = r.nextBeginOffset;
    }
    return false;
  }

  private record(type: number, off: number, extra: number): void {
    if (this.logFd < 0) return;
    const b = Buffer.alloc(REC);
    b[0] = type;
    b.writeDoubleBE(off, 1);
    b.writeDoubleBE(extra, 9);
    writeSync(this.logFd, b);
    this.logBytes += REC;
  }

  private markDelivered(off: number): void {
    this.deliveredCount++;
    this.dequeueRate.add(Date.now());
    this.delivered.add(off);
    this.advanceBase();
  }

  private advanceBase(): void {
    while (this.delivered.has(this.base)) this.delivered.delete(this.base++);
  }

  /** Persists the base and drops progress records below it. */
  private writeCheckpoint(): void {
    if (this.base === this.lastBaseWritten) return;
    const cp = path.join(this.dir, 'checkpoint.json');
    writeFileSync(`${cp}.tmp`, JSON.stringify({ base: this.base }));
    renameSync(`${cp}.tmp`, cp);
    this.lastBaseWritten = this.base;
    if (this.logFd < 0) return;
    // Compact only when most of the file is records below the base: timers are delivered in due-time order, so
    // many done records above the base can be live and rewriting them every time would cost more than it saves.
    if (this.logBytes < 4 * this.delivered.size * REC + 1024 * 1024) return;
    if (this.inFlight > 0) return; // an intent record of a running put must not be dropped
    // Rewrite the done records above the base (intents of puts in flight are written again when done).
    const logFile = path.join(this.dir, 'progress.log');
    const recs = Buffer.alloc(this.delivered.size * REC);
    let at = 0;
    for (const off of this.delivered) {
      recs[at] = DONE;
      recs.writeDoubleBE(off, at + 1);
      at += REC;
    }
    writeFileSync(`${logFile}.tmp`, recs);
    closeSync(this.logFd);
    renameSync(`${logFile}.tmp`, logFile);
    this.logFd = openSync(logFile, 'a');
    this.logBytes = recs.length;
  }

  /** GET_TIMER_CHECK_POINT: 5.x's TimerCheckpoint layout (7 longs). */
  /**
   * The runtime info keys a 5.x broker reports for its timer store (BrokerController: timerReadBehind ms behind the
   * due times, timerOffsetBehind timer messages not read yet, timerCongestNum due but not delivered,
   * timerEnqueueTps / timerDequeueTps over the last 10 s).
   */
  runtimeFigures(now = Date.now()): Array<[string, string]> {
    const oldestDue = this.heap.peekKey();
    const behind = oldestDue !== undefined && oldestDue < now ? now - oldestDue : 0;
    const unread = Math.max(0, this.ctx.store.getMaxOffsetInQueue(TIMER_TOPIC, 0) - this.scanned);
    return [
      ['timerReadBehind', String(Math.trunc(behind))],
      ['timerOffsetBehind', String(unread)],
      ['timerCongestNum', String(this.inFlight)],
      ['timerEnqueueTps', this.enqueueRate.perSecond(now).toFixed(1)],
      ['timerDequeueTps', this.dequeueRate.perSecond(now).toFixed(1)],
    ];
  }

  handleGetTimerCheckPoint = (_ctx: BrokerContext, req: RemotingCommand): RemotingCommand => {
    const b = Buffer.alloc(56);
    const readTime = Math.min(Date.now(), this.heap.peekKey() ?? Date.now());
    b.writeBigInt64BE(BigInt(Math.trunc(readTime)), 0);
    b.writeBigInt64BE(BigInt(this.deliveredCount), 8);
    b.writeBigInt64BE(BigInt(this.base), 16);
    b.writeBigInt64BE(BigInt(this.scanned), 24);
    b.writeBigInt64BE(0n, 32);
    b.writeBigInt64BE(BigInt(Date.now()), 40);
    b.writeBigInt64BE(BigInt(this.deliveredCount), 48);
    const res = createResponse(req, ResponseCode.SUCCESS);
    res.body = b;
    return res;
  };

  /** GET_TIMER_METRICS: TimerMetricsSerializeWrapper {dataVersion, timingCount: {topic: {count, timeStamp}}}. */
  handleGetTimerMetrics = (_ctx: BrokerContext, req: RemotingCommand): RemotingCommand => {
    const timing = new Map<string, unknown>();
    const now = Date.now();
    for (const [topic, count] of this.pendingByTopic) timing.set(topic, { count, timeStamp: now });
    const res = createResponse(req, ResponseCode.SUCCESS);
    res.body = encodeFastJson({ dataVersion: { counter: this.deliveredCount, stateVersion: 0, timestamp: now }, timingCount: timing });
    return res;
  };
}

/** Event counts in 1-second buckets over the last 10 seconds. */
class SecondBuckets {
  private readonly counts = new Map<number, number>();

  add(now: number): void {
    const sec = Math.floor(now / 1000);
    this.counts.set(sec, (this.counts.get(sec) ?? 0) + 1);
    if (this.counts.size > 12) for (const k of this.counts.keys()) if (k < sec - 10) this.counts.delete(k);
  }

  /** Events per second over the 10 whole seconds before `now`. */
  perSecond(now: number): number {
    const sec = Math.floor(now / 1000);
    let n = 0;
    for (const [k, c] of this.counts) if (k >= sec - 10 && k < sec) n += c;
    return n / 10;
  }
}
