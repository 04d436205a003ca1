import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerStats, formatRuntime, humanReadableByteCount } from './stats.ts';

describe('broker stats', () => {
  test('TPS windows print once they are covered by samples', () => {
    let now = 0;
    const s = new BrokerStats(() => now);
    for (let i = 1; i <= 10; i++) {
      s.incPut('T', 100, 100 * 1024, 1);
      now += 1000;
      s.sample();
    }
    assert.equal(s.tps('put'), '100.0  ');
    assert.equal(s.putNums, 1000);
    assert.equal(s.topicPutNums('T'), 1000);
  });

  test('consume TPS per topic and group over the last minute', () => {
    let now = 0;
    const s = new BrokerStats(() => now);
    s.sample();
    for (let i = 0; i < 5; i++) {
      s.incGet('g', 'T', 20, 2048);
      now += 1000;
      s.sample();
    }
    assert.equal(s.consumeTps('T', 'g'), 20);
    assert.equal(s.consumeTps('T', 'other'), 0);
  });

  test('put latencies fill RocketMQ\'s distribution buckets', () => {
    const s = new BrokerStats(() => 0);
    s.incPut('T', 1, 1, 0);
    s.incPut('T', 1, 1, 7);
    s.incPut('T', 1, 1, 20_000);
    assert.match(s.putLatencyDistribution(), /^\[<=0ms\]:1 \[0~10ms\]:1 \[10~50ms\]:0 .*\[10s~\]:1 $/);
  });

  test('runtime and byte counts print as RocketMQ prints them', () => {
    assert.equal(formatRuntime(19_500), '[ 0 days, 0 hours, 0 minutes, 19 seconds ]');
    assert.equal(humanReadableByteCount(0), '0 B');
    assert.equal(humanReadableByteCount(1536), '1.5 KiB');
    assert.equal(humanReadableByteCount(252 * 1024 ** 3), '252.0 GiB');
  });
});
