// Derived figures: resampling sparse history, lag trend, time to drain, and the flags on a group's shape.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { drainEstimate, groupFlags, resample, slope, trendOf } from './analysis.ts';

describe('resample', () => {
  test('holds the last value through gaps and carries the value from before the window', () => {
    const pts = [{ ts: 150, value: 5 }, { ts: 350, value: 9 }];
    assert.deepEqual(resample(pts, 0, 500, 5, 2), [2, 5, 5, 9, 9]);
    assert.deepEqual(resample(pts, 0, 500, 5), [5, 5, 5, 9, 9], 'without a carry the first point fills the start');
    assert.deepEqual(resample(pts, 0, 500, 5, 2, 11), [2, 5, 5, 9, 11], 'the current value ends the line');
    assert.deepEqual(resample([], 0, 500, 3, undefined, 4), [4, 4, 4]);
  });
});

describe('trend', () => {
  test('slope of a straight line is its step', () => {
    assert.equal(slope([0, 2, 4, 6]), 2);
    assert.equal(slope([3]), 0);
  });

  test('a lag rising or falling well beyond noise is growing or shrinking; small wobbles are steady', () => {
    assert.equal(trendOf([100, 200, 300, 400]), 'growing');
    assert.equal(trendOf([400, 300, 200, 100]), 'shrinking');
    assert.equal(trendOf([1000, 1010, 990, 1005]), 'steady');
    assert.equal(trendOf([0, 3, 0, 2, 1]), 'steady', 'a few messages in flight are not a trend');
    assert.equal(trendOf([0, 0, 0, 50]), 'growing');
    assert.equal(trendOf([7]), 'steady');
  });
});

describe('drain estimate', () => {
  test('lag over the net consume rate; none when producers keep up or outrun', () => {
    assert.equal(drainEstimate(1000, { consumeTps: 30, inTps: 10 }), 50);
    assert.equal(drainEstimate(1000, { consumeTps: 10, inTps: 10 }), null);
    assert.equal(drainEstimate(0, { consumeTps: 0, inTps: 5 }), 0);
  });

  test('falls back to the lag history when rates are unknown', () => {
    // 600 -> 0 messages over 600 s: one per second; 300 left -> 300 s
    assert.equal(drainEstimate(300, {}, { values: [600, 450, 300, 150, 0], windowSeconds: 600 }), 300);
    assert.equal(drainEstimate(300, {}, { values: [0, 100, 200], windowSeconds: 600 }), null);
  });
});

describe('group flags', () => {
  const members = ['c1', 'c2', 'c3', 'c4', 'c5'];

  test('more members than queues flags the idle ones by name', () => {
    const flags = groupFlags({
      lag: 0, members, queuesPerTopic: new Map([['T', 4]]),
      holdings: new Map([['T', new Map([['c1', 1], ['c2', 1], ['c3', 1], ['c4', 1]])]]),
    });
    assert.equal(flags.length, 1);
    assert.equal(flags[0]!.kind, 'idle-members');
    assert.match(flags[0]!.reason, /5 members share 4 queues of T: 1 member holds none \(c5\)/);
  });

  test('a member holding twice the share, two queues more, is uneven; an even split is not', () => {
    const uneven = groupFlags({
      lag: 0, members: ['a', 'b'], queuesPerTopic: new Map([['T', 8]]), holdings: new Map([['T', new Map([['a', 6], ['b', 2]])]]),
    });
    assert.deepEqual(uneven.map((f) => f.kind), ['uneven-shares']);
    assert.match(uneven[0]!.reason, /a holds 6 of 8 queues of T while b holds 2/);
    const even = groupFlags({
      lag: 0, members: ['a', 'b', 'c'], queuesPerTopic: new Map([['T', 8]]), holdings: new Map([['T', new Map([['a', 3], ['b', 3], ['c', 2]])]]),
    });
    assert.deepEqual(even, []);
  });

  test('lag with nobody online, and one queue holding most of a large lag', () => {
    assert.deepEqual(groupFlags({ lag: 5, members: [] }).map((f) => f.kind), ['offline-with-lag']);
    assert.deepEqual(groupFlags({ lag: 5 }), [], 'members unknown: no claim');
    const hot = groupFlags({ lag: 2000, maxQueueLag: { topic: 'T', brokerName: 'b', queueId: 3, diff: 1900, queues: 8 } });
    assert.equal(hot[0]!.kind, 'hot-queue');
    assert.match(hot[0]!.reason, /queue b\/3 of T holds 95% of the lag/);
    assert.deepEqual(groupFlags({ lag: 200, maxQueueLag: { topic: 'T', brokerName: 'b', queueId: 3, diff: 190, queues: 8 } }), [], 'small lag');
  });

  test('broadcasting groups get no share flags: every member reads every queue', () => {
    const shape = { lag: 0, members: ['a', 'b', 'c'], queuesPerTopic: new Map([['T', 2]]), holdings: new Map([['T', new Map([['a', 2]])]]) };
    assert.deepEqual(groupFlags(shape).map((f) => f.kind), ['idle-members'], 'clustering: flagged');
    assert.deepEqual(groupFlags({ ...shape, messageModel: 'BROADCASTING' }), []);
    const uneven = { lag: 0, members: ['a', 'b'], queuesPerTopic: new Map([['T', 8]]), holdings: new Map([['T', new Map([['a', 6], ['b', 2]])]]) };
    assert.deepEqual(groupFlags({ ...uneven, messageModel: 'BROADCASTING' }), []);
    assert.deepEqual(groupFlags({ ...uneven, messageModel: 'CLUSTERING' }).map((f) => f.kind), ['uneven-shares']);
  });

  test('retry topics are left out of share checks', () => {
    const flags = groupFlags({
      lag: 0, members: ['a', 'b'], queuesPerTopic: new Map([['%RETRY%g', 1]]), holdings: new Map([['%RETRY%g', new Map([['a', 1]])]]),
    });
    assert.deepEqual(flags, []);
  });
});
