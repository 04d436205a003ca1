// lib/filter against the decisions of a real Apache RocketMQ 4.9.8 broker: for each of 30 expressions, the messages
// out of 3,000 (values chosen to hit its coercions) that the broker delivered to a SQL92 lite pull consumer,
// captured by e2e/apache-cluster/capture-sql92.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileSql92, propertiesOf } from './index.ts';
import { SQL92_FIXTURE_EXPRESSIONS, SQL92_FIXTURE_MESSAGES, sql92FixtureProps } from './fixtures/sql92-messages.ts';

const captured = JSON.parse(readFileSync(new URL('./fixtures/apache-4.9.8-sql92.json', import.meta.url), 'utf8')) as {
  messages: number;
  delivered: Record<string, number[]>;
};

test('the fixture covers every expression over the same messages', () => {
  assert.equal(captured.messages, SQL92_FIXTURE_MESSAGES);
  assert.deepEqual(Object.keys(captured.delivered).sort(), [...SQL92_FIXTURE_EXPRESSIONS].sort());
});

for (const sql of SQL92_FIXTURE_EXPRESSIONS) {
  test(`matches what Apache RocketMQ 4.9.8 delivered for: ${sql}`, () => {
    const c = compileSql92(sql);
    if (!c.ok) assert.fail(c.message);
    const ours: number[] = [];
    for (let i = 0; i < SQL92_FIXTURE_MESSAGES; i++) if (c.evaluate(propertiesOf(sql92FixtureProps(i)))) ours.push(i);
    assert.deepEqual(ours, captured.delivered[sql]);
  });
}
