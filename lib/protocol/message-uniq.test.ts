// UNIQ_KEY creation and parsing, checked against keys a RocketMQ 4.9.8 Java producer wrote.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createUniqId, createUniqIdGenerator, parseUniqId, uniqIdIp, uniqIdTimestamp } from './message-uniq.ts';

// From the capture: a producer on 192.0.2.2, pid 0x255C, sending at bornTimestamp 1795556241542 (2026-11-24, UTC clock).
const CAPTURED = 'C0000202255C5FFD2B277B1608850000';
const CAPTURED_BORN = 1795556241542;

describe('UNIQ_KEY', () => {
  test('a captured key splits into ip, pid, class loader hash, time in month and counter', () => {
    assert.deepEqual(parseUniqId(CAPTURED), {
      ip: '192.0.2.2',
      pid: 0x255c,
      classLoaderHash: 0x5ffd2b27,
      timeSinceMonthStart: 0x7b160885,
      counter: 0,
    });
    assert.equal(uniqIdIp(CAPTURED), '192.0.2.2');
    assert.equal(parseUniqId('C0000202255C5FFD2B277B1608CB000B').counter, 11);
  });

  test('the key time lands within a second before the message born timestamp', () => {
    const t = uniqIdTimestamp(CAPTURED, { now: CAPTURED_BORN + 60_000, utc: true });
    assert.ok(t <= CAPTURED_BORN && t > CAPTURED_BORN - 1000, `${t}`);
  });

  test('a key read in the first days of the next month still points into the month it was made in', () => {
    const t = uniqIdTimestamp(CAPTURED, { now: Date.UTC(2026, 11, 2), utc: true });
    assert.equal(new Date(t).getUTCMonth(), 10);
    assert.ok(Math.abs(t - CAPTURED_BORN) < 1000);
  });

  test('a generator with the captured producer identity reproduces the captured key', () => {
    const gen = createUniqIdGenerator({ ip: '192.0.2.2', pid: 0x255c, classLoaderHash: 0x5ffd2b27, now: () => CAPTURED_BORN - 1, utc: true });
    assert.equal(gen(), CAPTURED);
    assert.equal(gen(), 'C0000202255C5FFD2B277B1608850001');
  });

  test('the counter keeps its low 16 bits and the time field wraps like a Java int', () => {
    let now = Date.UTC(2026, 0, 31, 23, 59, 59);
    const gen = createUniqIdGenerator({ ip: '10.0.0.1', pid: 0x12345, classLoaderHash: -1, now: () => now, utc: true, counter: 0xffff });
    const a = parseUniqId(gen());
    assert.equal(a.pid, 0x2345);
    assert.equal(a.classLoaderHash, -1);
    assert.equal(a.counter, 0xffff);
    assert.equal(a.timeSinceMonthStart, 30 * 86_400_000 + 86_399_000);
    assert.equal(parseUniqId(gen()).counter, 0);
    now = Date.UTC(2026, 1, 1, 0, 0, 1);
    assert.equal(parseUniqId(gen()).timeSinceMonthStart, 1000);
  });

  test('IPv6 producers get 56-char keys', () => {
    const gen = createUniqIdGenerator({ ip: '2001:db8::7', pid: 1, classLoaderHash: 2, now: () => Date.UTC(2026, 5, 1, 0, 0, 5), utc: true });
    const id = gen();
    assert.equal(id.length, 56);
    assert.deepEqual(parseUniqId(id), { ip: '2001:db8::7', pid: 1, classLoaderHash: 2, timeSinceMonthStart: 5000, counter: 0 });
  });

  test('keys round trip for random producers and clocks', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.ipV4(), fc.ipV6()),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: 0, max: 0xffff }),
        (ip, pid, hash, now, counter) => {
          const id = createUniqIdGenerator({ ip, pid, classLoaderHash: hash, now: () => now, utc: true, counter })();
          assert.match(id, /^[0-9A-F]+$/);
          const p = parseUniqId(id);
          assert.equal(p.pid, pid);
          assert.equal(p.classLoaderHash, hash);
          assert.equal(p.counter, counter);
          assert.equal(uniqIdTimestamp(id, { now: now + 1, utc: true }), now);
        },
      ),
    );
  });

  test('the process generator makes distinct upper-case keys', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createUniqId()));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, /^[0-9A-F]{32}([0-9A-F]{24})?$/);
  });

  test('malformed keys are refused', () => {
    assert.throws(() => parseUniqId('C0000202'), { name: 'MessageDecodeError' });
    assert.throws(() => parseUniqId('G'.repeat(32)), { name: 'MessageDecodeError' });
  });
});
