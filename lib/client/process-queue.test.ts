import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { MessageExt } from '../protocol/message.ts';
import { ProcessQueue } from './process-queue.ts';

const msg = (queueOffset: number, bodyLen = 10, props: Record<string, string> = {}): MessageExt =>
  ({ queueOffset, body: Buffer.alloc(bodyLen), properties: props, topic: 'T', flag: 0 }) as unknown as MessageExt;

describe('ProcessQueue (concurrently)', () => {
  test('removeMessage returns the smallest offset still cached, or one past the last pulled', () => {
    const pq = new ProcessQueue();
    assert.equal(pq.putMessage([msg(5), msg(6), msg(7)]), true);
    assert.equal(pq.removeMessage([msg(6)]), 5);
    assert.equal(pq.removeMessage([msg(5)]), 7);
    assert.equal(pq.removeMessage([msg(7)]), 8);
    assert.equal(pq.msgCount, 0);
    assert.equal(pq.msgSize, 0);
    assert.equal(pq.removeMessage([msg(8)]), -1);
  });

  test('tracks count, bytes, span and the broker backlog', () => {
    const pq = new ProcessQueue();
    pq.putMessage([msg(0, 100), msg(1, 50), msg(9, 1, { MAX_OFFSET: '30' })]);
    assert.equal(pq.msgCount, 3);
    assert.equal(pq.msgSize, 151);
    assert.equal(pq.getMaxSpan(), 9);
    assert.equal(pq.msgAccCnt, 21);
    pq.putMessage([msg(9)]);
    assert.equal(pq.msgCount, 3, 'a duplicate offset is not counted twice');
  });

  test('matches a sorted-set model under random puts and removes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 200 })), { maxLength: 300 }), (ops) => {
        const pq = new ProcessQueue();
        const model = new Set<number>();
        let next = 0;
        let maxPulled = -1;
        for (const [put, n] of ops) {
          if (put) {
            const batch = Array.from({ length: (n % 5) + 1 }, () => msg(next++));
            pq.putMessage(batch);
            for (const m of batch) model.add(m.queueOffset);
            maxPulled = next - 1;
          } else if (model.size > 0) {
            const all = [...model];
            const pick = all[n % all.length]!;
            const r = pq.removeMessage([msg(pick)]);
            model.delete(pick);
            const expected = model.size > 0 ? Math.min(...model) : maxPulled + 1;
            assert.equal(r, expected);
          }
          assert.equal(pq.msgCount, model.size);
          const min = model.size ? Math.min(...model) : 0;
          const max = model.size ? Math.max(...model) : 0;
          assert.equal(pq.getMaxSpan(), max - min);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('ProcessQueue (orderly)', () => {
  test('takeMessages hands out offsets in order and commit returns the next offset', () => {
    const pq = new ProcessQueue();
    pq.putMessage([msg(3), msg(1), msg(2)]);
    assert.deepEqual(pq.takeMessages(2).map((m) => m.queueOffset), [1, 2]);
    assert.equal(pq.msgCount, 3, 'taken messages still count until committed');
    assert.equal(pq.commit(), 3);
    assert.equal(pq.msgCount, 1);
    assert.deepEqual(pq.takeMessages(5).map((m) => m.queueOffset), [3]);
    assert.equal(pq.commit(), 4);
    assert.equal(pq.consuming, true);
    assert.deepEqual(pq.takeMessages(1), []);
    assert.equal(pq.consuming, false, 'an empty take releases the queue for the next dispatch');
  });

  test('makeMessageToConsumeAgain puts messages back ahead of the rest', () => {
    const pq = new ProcessQueue();
    pq.putMessage([msg(10), msg(11), msg(12)]);
    const taken = pq.takeMessages(1);
    pq.makeMessageToConsumeAgain(taken);
    assert.deepEqual(pq.takeMessages(3).map((m) => m.queueOffset), [10, 11, 12]);
    pq.rollback();
    assert.deepEqual(pq.takeMessages(1).map((m) => m.queueOffset), [10]);
  });

  test('lock and pull expiry follow their lease times', () => {
    const pq = new ProcessQueue();
    const now = Date.now();
    pq.lastLockTimestamp = now - 31_000;
    assert.equal(pq.isLockExpired(now), true);
    pq.lastLockTimestamp = now;
    assert.equal(pq.isLockExpired(now), false);
    pq.lastPullTimestamp = now - 121_000;
    assert.equal(pq.isPullExpired(now), true);
  });

  test('info reports what GET_CONSUMER_RUNNING_INFO shows', () => {
    const pq = new ProcessQueue();
    pq.putMessage([msg(4), msg(5)]);
    pq.takeMessages(1);
    const info = pq.info(4);
    assert.equal(info.commitOffset, 4);
    assert.equal(info.cachedMsgMinOffset, 5);
    assert.equal(info.cachedMsgCount, 1);
    assert.equal(info.transactionMsgCount, 1);
    assert.equal(info.droped, false);
  });
});
