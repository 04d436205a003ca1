// Delayed delivery (RocketMQ's ScheduleMessageService): SCHEDULE_TOPIC_XXXX queue n-1 holds the messages of
// delay level n in store order, so each level is read front to back and a message goes back to its real topic
// once storeTimestamp + delay(level) has passed. Progress per level is kept as config/delayOffset.json.

import type { Logger } from '../../common/log.ts';
import { decodeDelayOffsetSerializeWrapper, encodeDelayOffsetSerializeWrapper } from '../../protocol/bodies/offsets.ts';
import { MixAll, TopicValidator } from '../../protocol/constants.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { decodeMessage } from '../../protocol/message-codec.ts';
import { messageProperties2String } from '../../protocol/message-properties.ts';
import { tagsHashCode } from '../../protocol/message.ts';
import type { MessageExtBrokerInner, PutMessageResult } from '../../store/types.ts';
import { parseDelayLevels } from '../config/broker-config.ts';
import { ConfigWriter, loadConfigFile } from '../config/config-file.ts';
import type { BrokerStore } from '../store-port.ts';

/** Pause before re-reading an empty level (RocketMQ's DELAY_FOR_A_WHILE), and after a failed re-put. */
const IDLE_RECHECK_MS = 1000;
const RETRY_AFTER_FAILURE_MS = 10_000;
const BATCH = 32;

export interface ScheduleDeps {
  store: BrokerStore;
  /** Stores a due message (counted like any broker-made message). */
  put: (msg: MessageExtBrokerInner) => Promise<PutMessageResult>;
  delayLevels: () => string;
  file: string;
  log: Logger;
}

export class ScheduleMessageService {
  private levels: number[];
  private readonly offsets = new Map<number, number>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly running = new Set<number>();
  /** Levels whose first message is not due yet: later arrivals are due even later, so they need no wake-up. */
  private readonly headPending = new Set<number>();
  /** Levels woken while being read: read again right after. */
  private readonly wakeAgain = new Set<number>();
  private readonly writer: ConfigWriter;
  private started = false;
  private dirty = false;

  constructor(private readonly deps: ScheduleDeps) {
    this.levels = parseDelayLevels(deps.delayLevels());
    this.writer = new ConfigWriter(deps.file, () => this.encode(), deps.log);
  }

  get maxDelayLevel(): number {
    return this.levels.length;
  }

  /** Delay of a level in ms (level 1 = first entry). */
  delayOf(level: number): number {
    return this.levels[Math.min(Math.max(level, 1), this.levels.length) - 1]!;
  }

  /** Consume queue tags code of a scheduled message: when it is due. */
  deliverTimestamp(level: number, storeTimestamp: number): number {
    return storeTimestamp + this.delayOf(level);
  }

  load(): void {
    loadConfigFile(this.deps.file, (text) => {
      for (const [level, offset] of decodeDelayOffsetSerializeWrapper(text).offsetTable) this.offsets.set(level, offset);
    }, this.deps.log);
  }

  offsetTable(): Map<number, number> {
    return new Map(this.offsets);
  }

  encode(): string {
    return encodeDelayOffsetSerializeWrapper({ offsetTable: this.offsets }).toString('utf8');
  }

  /** Re-reads messageDelayLevel (UPDATE_BROKER_CONFIG); pending levels keep their queue. */
  reloadLevels(): void {
    this.levels = parseDelayLevels(this.deps.delayLevels());
    this.headPending.clear();
    if (this.started) for (let level = 1; level <= this.levels.length; level++) this.wake(level);
  }

  start(): void {
    this.started = true;
    for (let level = 1; level <= this.levels.length; level++) this.schedule(level, 0);
  }

  /** New messages reached a level's queue: read it now unless it is already being read. */
  onArriving(queueId: number): void {
    if (this.started) this.wake(queueId + 1);
  }

  private wake(level: number): void {
    if (this.headPending.has(level)) return;
    if (this.running.has(level)) {
      this.wakeAgain.add(level);
      return;
    }
    this.schedule(level, 0);
  }

  private schedule(level: number, delayMs: number): void {
    clearTimeout(this.timers.get(level));
    const t = setTimeout(() => {
      this.timers.delete(level);
      void this.deliver(level);
    }, Math.max(0, delayMs));
    t.unref();
    this.timers.set(level, t);
  }

  private async deliver(level: number): Promise<void> {
    if (!this.started || this.running.has(level) || level > this.levels.length) return;
    this.running.add(level);
    this.headPending.delete(level);
    let next = IDLE_RECHECK_MS;
    try {
      next = await this.deliverDue(level);
    } catch (err) {
      this.deps.log.error('schedule_deliver_failed', { level, error: err });
      next = RETRY_AFTER_FAILURE_MS;
    } finally {
      this.running.delete(level);
      if (this.wakeAgain.delete(level) && !this.headPending.has(level)) next = 0;
    }
    if (this.started) this.schedule(level, next);
  }

  /** Delivers every due message of a level; returns how long to wait before looking again. */
  private async deliverDue(level: number): Promise<number> {
    const queueId = level - 1;
    for (;;) {
      let offset = this.offsets.get(level) ?? 0;
      const r = await this.deps.store.getMessage(MixAll.SCHEDULE_CONSUMER_GROUP, TopicValidator.RMQ_SYS_SCHEDULE_TOPIC, queueId, offset, BATCH);
      if (r.status === 'OFFSET_TOO_SMALL' || r.status === 'OFFSET_OVERFLOW_BADLY') {
        this.setOffset(level, r.nextBeginOffset);
        continue;
      }
      if (r.status !== 'FOUND' || r.buffers.length === 0) return IDLE_RECHECK_MS;
      const now = Date.now();
      for (let i = 0; i < r.buffers.length; i++) {
        const msg = decodeMessage(r.buffers[i]!, 0, { decompressBody: false });
        const due = this.deliverTimestamp(level, msg.storeTimestamp);
        if (due > now) {
          this.setOffset(level, offset);
          this.headPending.add(level);
          return due - now;
        }
        const put = await this.deps.put(this.realMessage(msg));
        if (!put.appendResult) {
          this.deps.log.warn('schedule_reput_failed', { level, offset, status: put.status, remark: put.remark });
          this.setOffset(level, offset);
          return RETRY_AFTER_FAILURE_MS;
        }
        offset = (r.queueOffsets[i] ?? offset) + 1;
      }
      this.setOffset(level, Math.max(offset, r.nextBeginOffset));
    }
  }

  /** The message as it goes back to its real topic and queue (RocketMQ's messageTimeup). */
  private realMessage(m: ReturnType<typeof decodeMessage>): MessageExtBrokerInner {
    const props = { ...m.properties };
    const topic = props[MessageConst.PROPERTY_REAL_TOPIC] ?? m.topic;
    const queueId = parseInt(props[MessageConst.PROPERTY_REAL_QUEUE_ID] ?? '0', 10) || 0;
    delete props[MessageConst.PROPERTY_DELAY_TIME_LEVEL];
    props[MessageConst.PROPERTY_WAIT_STORE_MSG_OK] = 'false';
    const tags = props[MessageConst.PROPERTY_TAGS];
    return {
      topic,
      queueId,
      flag: m.flag,
      body: m.body,
      properties: props,
      propertiesString: messageProperties2String(props),
      tagsCode: tags ? tagsHashCode(tags) : 0,
      sysFlag: m.sysFlag,
      bornTimestamp: m.bornTimestamp,
      bornHost: m.bornHost,
      storeHost: m.storeHost,
      reconsumeTimes: m.reconsumeTimes,
    };
  }

  private setOffset(level: number, offset: number): void {
    if (this.offsets.get(level) === offset) return;
    this.offsets.set(level, offset);
    this.dirty = true;
  }

  persistIfDirty(): Promise<void> {
    if (!this.dirty) return Promise.resolve();
    this.dirty = false;
    return this.writer.persist();
  }

  persistSync(): void {
    this.dirty = false;
    this.writer.persistSync();
  }

  stop(): void {
    this.started = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
