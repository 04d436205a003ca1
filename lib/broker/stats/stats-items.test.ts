import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StatsItems, StatsName } from './stats-items.ts';

describe('keyed stats items', () => {
  test('minute snapshot: sum, rate and average per call over the sampled window', () => {
    let now = 0;
    const items = new StatsItems(() => now);
    for (let s = 0; s < 60; s++) {
      items.add(StatsName.TOPIC_PUT_NUMS, 'T', 10);
      now += 1000;
      items.sample();
    }
    const d = items.get(StatsName.TOPIC_PUT_NUMS, 'T')!;
    assert.ok(d.statsMinute.sum >= 500 && d.statsMinute.sum <= 600, `sum ${d.statsMinute.sum}`);
    assert.ok(Math.abs(d.statsMinute.tps - 10) < 1.5, `tps ${d.statsMinute.tps}`);
    assert.equal(d.statsMinute.avgpt, 10);
    assert.equal(d.statsDay.sum, 600);
  });

  test('an item never counted does not exist; deleting a topic drops its keys', () => {
    const items = new StatsItems(() => 0);
    assert.equal(items.get(StatsName.TOPIC_PUT_NUMS, 'T'), undefined);
    items.add(StatsName.GROUP_GET_NUMS, 'T@g', 1);
    items.add(StatsName.GROUP_GET_NUMS, 'U@g', 1);
    items.removeTopic('T');
    assert.equal(items.get(StatsName.GROUP_GET_NUMS, 'T@g'), undefined);
    assert.ok(items.get(StatsName.GROUP_GET_NUMS, 'U@g'));
  });
});
