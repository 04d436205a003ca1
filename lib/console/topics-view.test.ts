// Topic list figures from the collector's group data: which groups consume each topic.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { consumingGroups } from './topics-view.ts';
import type { GroupStat } from './collect.ts';

const group = (name: string, offsetTopics: string[], subscribed?: string[]): GroupStat => ({
  group: name,
  perTopic: offsetTopics.map((topic) => ({ topic })),
  ...(subscribed ? { members: { clientIds: [], clientAddrs: [], topics: subscribed } } : {}),
}) as unknown as GroupStat;

describe('consuming groups per topic', () => {
  test('a group counts for topics it holds offsets on or subscribes to, once each', () => {
    const m = consumingGroups([group('g1', ['T', '%RETRY%g1']), group('g2', ['T'], ['T', 'U']), group('g3', [], ['U'])]);
    assert.deepEqual([...m.get('T')!].sort(), ['g1', 'g2']);
    assert.deepEqual([...m.get('U')!].sort(), ['g2', 'g3']);
    assert.deepEqual([...m.get('%RETRY%g1')!], ['g1']);
    assert.equal(m.get('V'), undefined);
  });
});
