import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tagsHashCode } from '../../protocol/message.ts';
import { createRequest } from '../../remoting/command.ts';
import { buildSubscriptionData, tagFilter } from '../filter/filter.ts';
import { PullRequestHoldService, type HeldPull } from './long-polling.ts';
import { fakeConnection } from '../test-util.ts';

function setup(maxOffset = 0) {
  let now = 0;
  const woken: HeldPull[] = [];
  const svc = new PullRequestHoldService({ wake: (h) => woken.push(h), maxOffset: () => maxOffset, now: () => now });
  const hold = (offset: number, sub = '*', timeoutMillis = 15_000, conn = fakeConnection('c:1')): HeldPull => {
    const s = buildSubscriptionData('T', sub, 'TAG');
    const held: HeldPull = { req: createRequest(11), conn, topic: 'T', queueId: 0, pullFromThisOffset: offset, subscription: s, filter: tagFilter(s), suspendTimestamp: now, timeoutMillis };
    svc.suspend(held);
    return held;
  };
  return { svc, woken, hold, tick: (ms: number) => (now += ms) };
}

describe('held pulls', () => {
  test('a new message beyond the requested offset wakes the pull at once', () => {
    const { svc, woken, hold } = setup();
    const h = hold(5);
    svc.notifyMessageArriving('T', 0, 5);
    assert.equal(woken.length, 0);
    svc.notifyMessageArriving('T', 1, 6);
    assert.equal(woken.length, 0, 'another queue');
    svc.notifyMessageArriving('T', 0, 6);
    assert.deepEqual(woken, [h]);
    assert.equal(svc.size, 0);
  });

  test('messages with tags the pull does not want leave it held', () => {
    const { svc, woken, hold } = setup();
    hold(0, 'TagA');
    svc.notifyMessageArriving('T', 0, 1, tagsHashCode('TagB'));
    assert.equal(woken.length, 0);
    svc.notifyMessageArriving('T', 0, 2, tagsHashCode('TagA'));
    assert.equal(woken.length, 1);
  });

  test('the periodic check answers pulls whose suspend time is over', () => {
    const { svc, woken, hold, tick } = setup(3);
    hold(3, '*', 1000);
    tick(999);
    svc.checkHoldRequest();
    assert.equal(woken.length, 0);
    tick(1);
    svc.checkHoldRequest();
    assert.equal(woken.length, 1);
  });

  test('pulls of closed connections are dropped; stop() answers the rest', () => {
    const { svc, woken, hold } = setup();
    const gone = fakeConnection('gone:1');
    hold(0, '*', 15_000, gone);
    hold(0);
    (gone as unknown as { closed: boolean }).closed = true;
    svc.stop();
    assert.equal(woken.length, 1);
    assert.equal(woken[0]!.conn.remoteAddr, 'c:1');
  });
});
