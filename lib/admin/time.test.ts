import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime, parseResetPoint, parseRocketDate, resetPointTimestamp } from './time.ts';
import { AdminError } from './errors.ts';

describe('mqadmin timestamps', () => {
  test('yyyy-MM-dd#HH:mm:ss:SSS is read in local time', () => {
    assert.equal(parseRocketDate('2024-03-05#07:08:09:010'), new Date(2024, 2, 5, 7, 8, 9, 10).getTime());
  });

  test('rolled-over or malformed dates are refused', () => {
    assert.equal(parseRocketDate('2024-13-05#07:08:09:010'), undefined);
    assert.equal(parseRocketDate('2024-02-30#07:08:09:010'), undefined);
    assert.equal(parseRocketDate('2024-03-05 07:08:09'), undefined);
  });

  test('resetOffsetByTime -s: now and latest mean the queue end (-1), earliest 0, else a time', () => {
    assert.equal(parseResetPoint('now'), 'latest');
    assert.equal(resetPointTimestamp(parseResetPoint('latest')), -1);
    assert.equal(resetPointTimestamp(parseResetPoint('earliest')), 0);
    assert.deepEqual(parseResetPoint('1700000000000'), { timestamp: 1700000000000 });
    assert.deepEqual(parseResetPoint('2024-03-05#07:08:09:010'), { timestamp: new Date(2024, 2, 5, 7, 8, 9, 10).getTime() });
    assert.throws(() => parseResetPoint('yesterday'), (e) => e instanceof AdminError && /bad timestamp 'yesterday'/.test(e.message));
  });

  test('formatTime prints local time with milliseconds and nothing for 0', () => {
    assert.equal(formatTime(new Date(2024, 0, 2, 3, 4, 5, 6).getTime()), '2024-01-02 03:04:05,006');
    assert.equal(formatTime(0), '');
  });
});
