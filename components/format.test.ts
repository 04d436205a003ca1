// Formatting of numbers, sizes, durations, times and permissions shown across the console.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtBytes, fmtCompact, fmtDuration, fmtNum, fmtRate, fromLocalInput, permText, toLocalInput } from './format.ts';
import { heartbeatState } from './cluster/heartbeat.ts';
import { hexDump } from './messages/hex.ts';
import { segmentName } from './segment.ts';

describe('format', () => {
  test('missing and non-finite numbers show as a dash', () => {
    for (const f of [fmtNum, fmtRate, fmtCompact, fmtBytes, fmtDuration]) {
      assert.equal(f(undefined), '—');
      assert.equal(f(null), '—');
      assert.equal(f(Number.NaN), '—');
    }
  });

  test('rates keep two decimals when small and none when large', () => {
    assert.equal(fmtRate(1.234), '1.23');
    assert.equal(fmtRate(123.45), '123.5');
    assert.equal(fmtRate(12345.6), '12,346');
  });

  test('sizes use binary units', () => {
    assert.equal(fmtBytes(512), '512 B');
    assert.equal(fmtBytes(1536), '1.5 KiB');
    assert.equal(fmtBytes(3 * 1024 * 1024), '3 MiB');
  });

  test('durations read as seconds, minutes, hours and days', () => {
    assert.equal(fmtDuration(45), '45 s');
    assert.equal(fmtDuration(200), '3 min 20 s');
    assert.equal(fmtDuration(3600 * 2 + 300), '2 h 5 min');
    assert.equal(fmtDuration(86400 * 3 + 3600 * 4), '3 d 4 h');
  });

  test('permissions read as RocketMQ perm letters', () => {
    assert.equal(permText(6), 'RW');
    assert.equal(permText(4), 'R');
    assert.equal(permText(2), 'W');
    assert.equal(permText(0), 'none');
  });

  test('a datetime-local value round-trips to the second', () => {
    const t = new Date(2026, 0, 31, 14, 5, 9).getTime();
    assert.equal(toLocalInput(t), '2026-01-31T14:05:09');
    assert.equal(fromLocalInput(toLocalInput(t)), t);
    assert.equal(fromLocalInput(''), undefined);
  });
});

describe('heartbeat state', () => {
  const now = 1_000_000;
  test('from the last heartbeat time: fresh, late at 60 s, expired at 120 s', () => {
    assert.equal(heartbeatState({ listed: true, lastUpdateTimestamp: now - 59_999 }, now), 'fresh');
    assert.equal(heartbeatState({ listed: true, lastUpdateTimestamp: now - 60_000 }, now), 'late');
    assert.equal(heartbeatState({ listed: false, lastUpdateTimestamp: now - 120_000 }, now), 'expired');
  });

  test('without a time, listed by the nameserver means fresh and unlisted means expired', () => {
    assert.equal(heartbeatState({ listed: true }, now), 'fresh');
    assert.equal(heartbeatState({ listed: false }, now), 'expired');
  });
});

describe('message body hex dump', () => {
  test('shows offset, hex bytes and printable ASCII', () => {
    const dump = hexDump(new TextEncoder().encode('{"a":1}\n'));
    assert.equal(dump, `00000000  7b 22 61 22 3a 31 7d 0a${' '.repeat(24)}  {"a":1}.`);
  });

  test('stops at the limit and counts the rest', () => {
    const dump = hexDump(new Uint8Array(40), 32);
    assert.equal(dump.split('\n').length, 3);
    assert.match(dump, /… 8 more bytes$/);
  });
});

describe('route segment names', () => {
  test('percent-encoded segments are decoded once; names with a literal % stay', () => {
    assert.equal(segmentName('%25RETRY%25my_group'), '%RETRY%my_group');
    assert.equal(segmentName('%RETRY%my_group'), '%RETRY%my_group');
    assert.equal(segmentName('TopicA'), 'TopicA');
  });
});
