import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflightFromEntries, parseReviveEntry, reviveEntryOf, type ReviveEntry, type StoredMessage } from './pop-inflight.ts';

// Captured from Apache RocketMQ 5.3.3 by e2e/apache5-cluster/capture-revive.ts while workload.mjs had 16 popped
// (10 minutes invisible) and not acked: the timer wheel's revive-log entries and the revive log past the revive offsets.
interface Fixture {
  capturedAt: number;
  group: string;
  reviveTopic: string;
  expectedInflight: number;
  revive: StoredMessage[];
  timer: StoredMessage[];
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/apache-5.3.3/pop-revive-entries.json', import.meta.url), 'utf8')) as Fixture;

function entriesAt(now: number): ReviveEntry[] {
  return [
    ...fx.revive.map((m) => reviveEntryOf(m)),
    ...fx.timer.map((m) => reviveEntryOf(m, { reviveTopic: fx.reviveTopic, from: now })),
  ].filter((e): e is ReviveEntry => e !== undefined);
}

const ck = (o: Record<string, unknown>, uniq?: string) => parseReviveEntry('ck', JSON.stringify({ bn: 'b', c: 'g', t: 'T', q: 0, pt: 100, it: 1000, bm: 0, ...o }), uniq)!;
const ack = (o: Record<string, unknown>, tags = 'ack', uniq?: string) => parseReviveEntry(tags, JSON.stringify({ bn: 'b', c: 'g', t: 'T', q: 0, pt: 100, ...o }), uniq)!;

describe('POP in flight from an Apache 5.3.3 revive log', () => {
  test('the captured checkpoints and acks give the 16 the workload left popped and not acked, per queue', () => {
    const queues = inflightFromEntries(entriesAt(fx.capturedAt), fx.group);
    assert.equal(queues.reduce((n, q) => n + q.inflight, 0), fx.expectedInflight);
    assert.equal(fx.expectedInflight, 16);
    assert.ok(queues.every((q) => q.brokerName === 'broker-a' && q.topic.startsWith('A5Normal_')));
    assert.deepEqual(queues.map((q) => [q.queueId, q.inflight]), [[0, 5], [1, 5], [2, 1], [3, 5]]);
  });

  test('once their invisible time has passed the checkpoints have left the timer wheel and count no more', () => {
    const queues = inflightFromEntries(entriesAt(fx.capturedAt + 11 * 60_000), fx.group);
    assert.equal(queues.reduce((n, q) => n + q.inflight, 0), 0);
  });

  test('the timer wheel entries rolled out before the capture are not pending', () => {
    const pending = fx.timer.filter((m) => reviveEntryOf(m, { reviveTopic: fx.reviveTopic, from: fx.capturedAt }));
    assert.ok(pending.length > 0 && pending.length < fx.timer.length, `${pending.length} of ${fx.timer.length}`);
    assert.equal(fx.timer.filter((m) => reviveEntryOf(m, { reviveTopic: 'rmq_sys_REVIVE_LOG_Other', from: 0 })).length, 0);
  });

  test('another group sees none of this group\'s checkpoints', () => {
    assert.deepEqual(inflightFromEntries(entriesAt(fx.capturedAt), 'SomeOtherGroup'), []);
  });

  test('the captured bodies parse as PopCheckPoint and AckMsg with their UNIQ_KEY', () => {
    const e = entriesAt(fx.capturedAt);
    const c = e.find((x) => x.kind === 'ck' && x.reviveTime! - x.popTime === 600_000)!;
    assert.match(c.uniqKey, /@ck$/);
    assert.ok(c.offsets.length >= 1);
    assert.ok(e.some((x) => x.kind === 'ack' && x.offsets.length === 1));
  });
});

describe('revive entries', () => {
  test('an entry found in the timer wheel and again in the revive log counts once', () => {
    const c = ck({ so: 5, d: [0, 1, 2] }, 'k1');
    assert.deepEqual(inflightFromEntries([c, { ...c }], 'g'), [{ topic: 'T', brokerName: 'b', queueId: 0, inflight: 3 }]);
  });

  test('acks cover the offsets they name, a batch ack its list, and only for the checkpoint of the same pop', () => {
    const c = ck({ so: 10, d: [0, 2, 5] }, 'k');
    const entries = [c, ack({ so: 10, ao: 10 }, 'ack', 'a1'), ack({ so: 10, aol: [12, 15] }, 'bAck', 'a2'), ack({ so: 10, ao: 12, pt: 999 }, 'ack', 'a3')];
    assert.deepEqual(inflightFromEntries(entries, 'g'), []);
    assert.deepEqual(inflightFromEntries([c, entries[1]!], 'g').map((q) => q.inflight), [2]);
    // an ack of another pop (other pop time) leaves this checkpoint's offset in flight
    assert.deepEqual(inflightFromEntries([c, entries[3]!], 'g').map((q) => q.inflight), [3]);
  });

  test('bits already set in the checkpoint\'s bitmap are acked; an old checkpoint without d covers so..so+n-1', () => {
    assert.deepEqual(inflightFromEntries([ck({ so: 0, d: [0, 1, 2], bm: 0b101 })], 'g').map((q) => q.inflight), [1]);
    const old = ck({ so: 7, n: 3 });
    assert.deepEqual(old.offsets, [7, 8, 9]);
    assert.deepEqual(inflightFromEntries([old, ack({ so: 7, ao: 8 })], 'g').map((q) => q.inflight), [2]);
  });

  test('AckMsg\'s long field names (fastjson alternateNames) are read too', () => {
    const a = parseReviveEntry('ack', JSON.stringify({ ackOffset: 3, startOffset: 3, consumerGroup: 'g', topic: 'T', queueId: 1, popTime: 5, brokerName: 'b' }))!;
    assert.deepEqual([a.kind, a.offsets, a.startOffset, a.group, a.queueId, a.popTime], ['ack', [3], 3, 'g', 1, 5]);
  });

  test('other tags, bodies that are not JSON objects and checkpoints missing a field are skipped', () => {
    assert.equal(parseReviveEntry('other', '{}'), undefined);
    assert.equal(parseReviveEntry(undefined, '{}'), undefined);
    assert.equal(parseReviveEntry('ck', 'not json'), undefined);
    assert.equal(parseReviveEntry('ck', '[1,2]'), undefined);
    assert.equal(parseReviveEntry('ck', JSON.stringify({ so: 1, pt: 2, q: 0, t: 'T' })), undefined);
  });
});
