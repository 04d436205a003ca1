// ConsumeMessageConcurrentlyService: listener calls for any queue run in parallel up to consumeThreadMin; a failed
// message goes back to the broker (CONSUMER_SEND_MSG_BACK) and the queue's offset moves past everything done.

import type { MessageQueue } from '../protocol/bodies/read.ts';
import { TaskPool, TimerSet } from './async-util.ts';
import {
  callListener, callListenerTraced, resetRetryTopic, setConsumeStartTime,
  type ConsumeContext, type ConsumeHost, type ConsumeMessageDirectlyResult, type ConsumeMessageService, type ConsumeStatus,
} from './consume-service.ts';
import type { ConsumedMessage } from './pull-api.ts';
import type { ProcessQueue } from './process-queue.ts';

/** Delay before a message whose send-back failed is consumed again locally (Java: 5 s). */
const RETRY_LOCALLY_DELAY_MS = 5000;

export class ConsumeMessageConcurrentlyService implements ConsumeMessageService {
  private readonly pool: TaskPool;
  private readonly timers = new TimerSet();
  private stopped = false;
  /** Result handling of listener calls that already returned (offset updates, send-backs). */
  private readonly finishing = new Set<Promise<void>>();

  constructor(private readonly host: ConsumeHost) {
    this.pool = new TaskPool(host.consumeThreadMin);
  }

  get activeCount(): number {
    return this.pool.active;
  }

  start(): void {}

  async shutdown(awaitTerminationMillis: number): Promise<void> {
    this.stopped = true;
    this.timers.clear();
    this.pool.clear();
    // Listener calls that have returned get their offsets updated before the caller commits them: one macrotask
    // lets their promise chains reach processConsumeResult.
    await new Promise((r) => setImmediate(r));
    await Promise.all(this.finishing);
    if (awaitTerminationMillis > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.pool.whenIdle(), new Promise<void>((r) => (timer = setTimeout(r, awaitTerminationMillis)))]);
      clearTimeout(timer);
    }
  }

  submitConsumeRequest(msgs: ConsumedMessage[], pq: ProcessQueue, mq: MessageQueue): void {
    const size = this.host.consumeMessageBatchMaxSize;
    for (let i = 0; i < msgs.length; i += size) {
      const chunk = msgs.slice(i, i + size);
      this.pool.submit(() => this.consume(chunk, pq, mq));
    }
  }

  private submitLater(msgs: ConsumedMessage[], pq: ProcessQueue, mq: MessageQueue): void {
    this.timers.after(RETRY_LOCALLY_DELAY_MS, () => {
      if (!this.stopped) this.submitConsumeRequest(msgs, pq, mq);
    });
  }

  private async consume(msgs: ConsumedMessage[], pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    if (pq.dropped || this.stopped) return;
    const ctx: ConsumeContext = {
      messageQueue: mq, orderly: false, delayLevelWhenNextConsume: 0, ackIndex: 0x7fffffff,
      suspendCurrentQueueTimeMillis: this.host.suspendCurrentQueueTimeMillis,
    };
    resetRetryTopic(msgs, this.host.group);
    setConsumeStartTime(msgs);
    const begin = Date.now();
    let status: ConsumeStatus;
    try {
      const s = await callListenerTraced(this.host, msgs, ctx);
      status = s === 'RECONSUME_LATER' || s === 'SUSPEND_CURRENT_QUEUE_A_MOMENT' ? 'RECONSUME_LATER' : 'CONSUME_SUCCESS';
    } catch (err) {
      this.host.logger.warn('consume_message_failed', {
        group: this.host.group, topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId,
        msgIds: msgs.map((m) => m.msgId), error: err,
      });
      status = 'RECONSUME_LATER';
    }
    this.host.stats.incConsumeRT(mq.topic, Date.now() - begin);
    // A queue given away while the listener ran is now another member's; its offset is not ours to move.
    if (pq.dropped) return;
    const done = this.processConsumeResult(status, ctx, msgs, pq, mq);
    this.finishing.add(done);
    try {
      await done;
    } finally {
      this.finishing.delete(done);
    }
  }

  private async processConsumeResult(status: ConsumeStatus, ctx: ConsumeContext, msgs: ConsumedMessage[], pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    let ackIndex = ctx.ackIndex;
    if (status === 'CONSUME_SUCCESS') {
      if (ackIndex >= msgs.length) ackIndex = msgs.length - 1;
      this.host.stats.incConsumeOKTPS(mq.topic, ackIndex + 1);
      if (msgs.length - ackIndex - 1 > 0) this.host.stats.incConsumeFailedTPS(mq.topic, msgs.length - ackIndex - 1);
    } else {
      ackIndex = -1;
      this.host.stats.incConsumeFailedTPS(mq.topic, msgs.length);
    }
    let done = msgs;
    if (this.host.messageModel === 'BROADCASTING') {
      for (let i = ackIndex + 1; i < msgs.length; i++) {
        this.host.logger.warn('broadcast_consume_failed_dropped', { group: this.host.group, topic: msgs[i]!.topic, msgId: msgs[i]!.msgId });
      }
    } else {
      const failedBack: ConsumedMessage[] = [];
      for (let i = ackIndex + 1; i < msgs.length; i++) {
        const m = msgs[i]!;
        if (!pq.containsMessage(m)) continue;
        try {
          await this.host.sendMessageBack(m, ctx.delayLevelWhenNextConsume, mq.brokerName);
        } catch (err) {
          this.host.logger.warn('send_message_back_failed', { group: this.host.group, msgId: m.msgId, error: err });
          m.reconsumeTimes++;
          failedBack.push(m);
        }
      }
      if (failedBack.length > 0) {
        done = msgs.filter((m) => !failedBack.includes(m));
        this.submitLater(failedBack, pq, mq);
      }
    }
    const offset = pq.removeMessage(done);
    if (offset >= 0 && !pq.dropped) this.host.offsetStore.updateOffset(mq, offset, true);
  }

  async consumeMessageDirectly(msg: ConsumedMessage, brokerName: string | undefined): Promise<ConsumeMessageDirectlyResult> {
    const mq = { topic: msg.topic, brokerName: brokerName ?? msg.brokerName, queueId: msg.queueId };
    const ctx: ConsumeContext = {
      messageQueue: mq, orderly: false, delayLevelWhenNextConsume: 0, ackIndex: 0x7fffffff,
      suspendCurrentQueueTimeMillis: this.host.suspendCurrentQueueTimeMillis,
    };
    resetRetryTopic([msg], this.host.group);
    const begin = Date.now();
    const result: ConsumeMessageDirectlyResult = { order: false, autoCommit: true, consumeResult: 'CR_SUCCESS', remark: '', spentTimeMills: 0 };
    try {
      const s = await callListener(this.host.listener, [msg], ctx);
      result.consumeResult = s === undefined ? 'CR_SUCCESS' : s === 'RECONSUME_LATER' ? 'CR_LATER' : 'CR_SUCCESS';
    } catch (err) {
      result.consumeResult = 'CR_THROW_EXCEPTION';
      result.remark = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    result.spentTimeMills = Date.now() - begin;
    return result;
  }
}
