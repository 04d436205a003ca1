// ConsumeMessageOrderlyService: one listener call at a time per queue, in offset order, only while this client
// holds the queue's broker lock (clustering). A failure suspends the queue and retries the same messages; past
// maxReconsumeTimes a message goes to the retry topic, where the broker moves it to the DLQ.

import { mqKey, type MessageQueue } from '../protocol/bodies/read.ts';
import { MessageConst } from '../protocol/message-const.ts';
import { AsyncMutex, TaskPool, TimerSet } from './async-util.ts';
import {
  callListener, callListenerTraced, effectiveMaxReconsumeTimes, resetRetryTopic, setConsumeStartTime,
  type ConsumeContext, type ConsumeHost, type ConsumeMessageDirectlyResult, type ConsumeMessageService, type ConsumeStatus,
} from './consume-service.ts';
import type { ConsumedMessage } from './pull-api.ts';
import type { ProcessQueue } from './process-queue.ts';
import { REBALANCE_LOCK_INTERVAL } from './process-queue.ts';
import type { RebalanceImpl } from './rebalance.ts';

/** A queue is yielded after this long of continuous consumption so others get their turn (MAX_TIME_CONSUME_CONTINUOUSLY). */
const MAX_TIME_CONSUME_CONTINUOUSLY = 60_000;

export class ConsumeMessageOrderlyService implements ConsumeMessageService {
  private readonly pool: TaskPool;
  private readonly timers = new TimerSet();
  /** MessageQueueLock: one consume loop per queue at a time. */
  private readonly mqLocks = new Map<string, AsyncMutex>();
  private lockTimer?: NodeJS.Timeout;
  private stopped = false;
  private active = 0;
  /** Result handling of listener calls that already returned (commits, send-backs). */
  private readonly finishing = new Set<Promise<boolean>>();

  constructor(
    private readonly host: ConsumeHost,
    private readonly rebalance: RebalanceImpl,
  ) {
    this.pool = new TaskPool(host.consumeThreadMin);
  }

  get activeCount(): number {
    return this.active;
  }

  start(): void {
    if (this.host.messageModel !== 'CLUSTERING') return;
    const renew = () => {
      this.lockTimer = setTimeout(() => {
        void this.rebalance.lockAll().finally(() => {
          if (!this.stopped) renew();
        });
      }, REBALANCE_LOCK_INTERVAL);
      this.lockTimer.unref();
    };
    renew();
  }

  async shutdown(awaitTerminationMillis: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.lockTimer);
    this.timers.clear();
    this.pool.clear();
    await new Promise((r) => setImmediate(r));
    await Promise.all(this.finishing);
    if (awaitTerminationMillis > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.pool.whenIdle(), new Promise<void>((r) => (timer = setTimeout(r, awaitTerminationMillis)))]);
      clearTimeout(timer);
    }
  }

  submitConsumeRequest(_msgs: ConsumedMessage[], pq: ProcessQueue, mq: MessageQueue, dispatchToConsume: boolean): void {
    if (dispatchToConsume) this.pool.submit(() => this.run(pq, mq));
  }

  private submitLater(pq: ProcessQueue, mq: MessageQueue, delayMs: number): void {
    this.timers.after(Math.min(Math.max(delayMs, 10), 30_000), () => {
      if (!this.stopped) this.pool.submit(() => this.run(pq, mq));
    });
  }

  private tryLockLaterAndReconsume(pq: ProcessQueue, mq: MessageQueue, delayMs: number): void {
    this.timers.after(delayMs, () => {
      if (this.stopped) return;
      void this.host.lockQueue(mq).then((ok) => this.submitLater(pq, mq, ok ? 10 : 3000));
    });
  }

  private mqLock(mq: MessageQueue): AsyncMutex {
    const k = mqKey(mq);
    let l = this.mqLocks.get(k);
    if (!l) {
      l = new AsyncMutex();
      this.mqLocks.set(k, l);
    }
    return l;
  }

  private async run(pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    if (pq.dropped || this.stopped) return;
    const lock = this.mqLock(mq);
    await lock.lock();
    try {
      const clustering = this.host.messageModel === 'CLUSTERING';
      if (clustering && (!pq.locked || pq.isLockExpired())) {
        if (!pq.dropped) this.tryLockLaterAndReconsume(pq, mq, 100);
        return;
      }
      const begin = Date.now();
      for (;;) {
        if (pq.dropped || this.stopped) return;
        if (clustering && (!pq.locked || pq.isLockExpired())) {
          this.tryLockLaterAndReconsume(pq, mq, 10);
          return;
        }
        if (Date.now() - begin > MAX_TIME_CONSUME_CONTINUOUSLY) {
          this.submitLater(pq, mq, 10);
          return;
        }
        const msgs = pq.takeMessages(this.host.consumeMessageBatchMaxSize) as ConsumedMessage[];
        if (msgs.length === 0) return;
        resetRetryTopic(msgs, this.host.group);
        setConsumeStartTime(msgs);
        const ctx: ConsumeContext = {
          messageQueue: mq, orderly: true, delayLevelWhenNextConsume: 0, ackIndex: 0x7fffffff,
          suspendCurrentQueueTimeMillis: this.host.suspendCurrentQueueTimeMillis,
        };
        const status = await this.consumeOnce(msgs, ctx, pq, mq);
        const done = this.processConsumeResult(msgs, status, ctx, pq, mq);
        this.finishing.add(done);
        let goOn: boolean;
        try {
          goOn = await done;
        } finally {
          this.finishing.delete(done);
        }
        if (!goOn) return;
      }
    } finally {
      lock.unlock();
    }
  }

  private async consumeOnce(msgs: ConsumedMessage[], ctx: ConsumeContext, pq: ProcessQueue, mq: MessageQueue): Promise<ConsumeStatus> {
    const started = Date.now();
    await pq.consumeLock.lock();
    this.active++;
    try {
      if (pq.dropped) return 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
      const s = await callListenerTraced(this.host, msgs, ctx);
      return s === 'RECONSUME_LATER' || s === 'SUSPEND_CURRENT_QUEUE_A_MOMENT' ? 'SUSPEND_CURRENT_QUEUE_A_MOMENT' : 'SUCCESS';
    } catch (err) {
      this.host.logger.warn('consume_message_failed', {
        group: this.host.group, topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, msgIds: msgs.map((m) => m.msgId), error: err,
      });
      return 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
    } finally {
      this.active--;
      pq.consumeLock.unlock();
      this.host.stats.incConsumeRT(mq.topic, Date.now() - started);
    }
  }

  /** Returns false when the queue's loop should stop for now (suspended). */
  private async processConsumeResult(msgs: ConsumedMessage[], status: ConsumeStatus, ctx: ConsumeContext, pq: ProcessQueue, mq: MessageQueue): Promise<boolean> {
    let commitOffset = -1;
    let goOn = true;
    if (status === 'SUCCESS') {
      commitOffset = pq.commit();
      this.host.stats.incConsumeOKTPS(mq.topic, msgs.length);
    } else {
      this.host.stats.incConsumeFailedTPS(mq.topic, msgs.length);
      if (await this.checkReconsumeTimes(msgs)) {
        pq.makeMessageToConsumeAgain(msgs);
        this.submitLater(pq, mq, ctx.suspendCurrentQueueTimeMillis);
        goOn = false;
      } else {
        commitOffset = pq.commit();
      }
    }
    if (commitOffset >= 0 && !pq.dropped) this.host.offsetStore.updateOffset(mq, commitOffset, false);
    return goOn;
  }

  /** True when at least one message must be retried here; messages past the limit go to the retry topic instead. */
  private async checkReconsumeTimes(msgs: ConsumedMessage[]): Promise<boolean> {
    const max = effectiveMaxReconsumeTimes(this.host.maxReconsumeTimes, true);
    let suspend = false;
    for (const m of msgs) {
      if (m.reconsumeTimes >= max) {
        m.properties[MessageConst.PROPERTY_RECONSUME_TIME] = String(m.reconsumeTimes);
        try {
          await this.host.sendMessageBackAsNormalMessage(m, max);
        } catch (err) {
          this.host.logger.warn('send_message_back_failed', { group: this.host.group, msgId: m.msgId, error: err });
          suspend = true;
          m.reconsumeTimes++;
        }
      } else {
        suspend = true;
        m.reconsumeTimes++;
      }
    }
    return suspend;
  }

  async consumeMessageDirectly(msg: ConsumedMessage, brokerName: string | undefined): Promise<ConsumeMessageDirectlyResult> {
    const mq = { topic: msg.topic, brokerName: brokerName ?? msg.brokerName, queueId: msg.queueId };
    const ctx: ConsumeContext = {
      messageQueue: mq, orderly: true, delayLevelWhenNextConsume: 0, ackIndex: 0x7fffffff,
      suspendCurrentQueueTimeMillis: this.host.suspendCurrentQueueTimeMillis,
    };
    const begin = Date.now();
    const result: ConsumeMessageDirectlyResult = { order: true, autoCommit: true, consumeResult: 'CR_SUCCESS', remark: '', spentTimeMills: 0 };
    try {
      const s = await callListener(this.host.listener, [msg], ctx);
      result.consumeResult = s === 'SUSPEND_CURRENT_QUEUE_A_MOMENT' || s === 'RECONSUME_LATER' ? 'CR_LATER' : 'CR_SUCCESS';
    } catch (err) {
      result.consumeResult = 'CR_THROW_EXCEPTION';
      result.remark = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    result.spentTimeMills = Date.now() - begin;
    return result;
  }
}
