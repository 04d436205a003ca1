import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tagsHashCode } from '../../protocol/message.ts';
import { SubscriptionParseError, buildSubscriptionData, tagFilter } from './filter.ts';

describe('subscription expressions', () => {
  test('"*" and "" subscribe to every tag', () => {
    for (const text of ['*', '', '  ', undefined]) {
      const sub = buildSubscriptionData('T', text, 'TAG');
      assert.equal(sub.subString, '*');
      assert.deepEqual(sub.tagsSet, []);
      assert.equal(tagFilter(sub).isMatchedByConsumeQueue(12345), true);
    }
  });

  test('"A || B" lists trimmed, de-duplicated tags with their Java hash codes', () => {
    const sub = buildSubscriptionData('T', ' TagA ||TagB|| TagA ', 'TAG');
    assert.deepEqual(sub.tagsSet, ['TagA', 'TagB']);
    assert.deepEqual(sub.codeSet, [tagsHashCode('TagA'), tagsHashCode('TagB')]);
  });

  test('a TAG filter passes subscribed tags, unknown codes and nothing else', () => {
    const f = tagFilter(buildSubscriptionData('T', 'TagA || TagB', 'TAG'));
    assert.equal(f.isMatchedByConsumeQueue(tagsHashCode('TagA')), true);
    assert.equal(f.isMatchedByConsumeQueue(tagsHashCode('TagB')), true);
    assert.equal(f.isMatchedByConsumeQueue(tagsHashCode('TagC')), false);
    assert.equal(f.isMatchedByConsumeQueue(undefined), true);
  });

  test('an expression naming no tag is a parse error', () => {
    assert.throws(() => buildSubscriptionData('T', '||', 'TAG'), SubscriptionParseError);
  });

  test('SQL92 expressions are kept as text (the filter compiles them); an empty one is a parse error', () => {
    const sub = buildSubscriptionData('T', ' a > 1 ', 'SQL92');
    assert.equal(sub.expressionType, 'SQL92');
    assert.equal(sub.subString, 'a > 1');
    assert.deepEqual(sub.tagsSet, []);
    assert.throws(() => buildSubscriptionData('T', '  ', 'SQL92'), SubscriptionParseError);
    assert.equal(buildSubscriptionData('T', '*', 'SQL92').subString, '*', '"*" is an expression like any other (it does not compile)');
  });
});
