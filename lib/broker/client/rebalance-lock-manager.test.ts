import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RebalanceLockManager } from './rebalance-lock-manager.ts';

const mq = (queueId: number) => ({ topic: 'T', brokerName: 'b', queueId });

describe('orderly queue locks', () => {
  test('a queue locked by one client is refused to another until unlocked', () => {
    const locks = new RebalanceLockManager(() => 0);
    assert.deepEqual(locks.tryLockBatch('g', [mq(0), mq(1)], 'c1'), [mq(0), mq(1)]);
    assert.deepEqual(locks.tryLockBatch('g', [mq(1), mq(2)], 'c2'), [mq(2)]);
    assert.equal(locks.isLocked('g', mq(1), 'c1'), true);
    locks.unlockBatch('g', [mq(1)], 'c2');
    assert.equal(locks.isLocked('g', mq(1), 'c1'), true, 'only the holder unlocks');
    locks.unlockBatch('g', [mq(1)], 'c1');
    assert.deepEqual(locks.tryLockBatch('g', [mq(1)], 'c2'), [mq(1)]);
  });

  test('a lock not renewed within 60 s can be taken over; renewing keeps it', () => {
    let now = 0;
    const locks = new RebalanceLockManager(() => now);
    locks.tryLockBatch('g', [mq(0)], 'c1');
    now = 50_000;
    assert.deepEqual(locks.tryLockBatch('g', [mq(0)], 'c1'), [mq(0)]);
    now = 100_000;
    assert.deepEqual(locks.tryLockBatch('g', [mq(0)], 'c2'), []);
    now = 111_000;
    assert.deepEqual(locks.tryLockBatch('g', [mq(0)], 'c2'), [mq(0)]);
  });

  test('groups are independent', () => {
    const locks = new RebalanceLockManager(() => 0);
    locks.tryLockBatch('g1', [mq(0)], 'c1');
    assert.deepEqual(locks.tryLockBatch('g2', [mq(0)], 'c2'), [mq(0)]);
  });
});
