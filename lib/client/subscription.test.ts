import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createMessage, javaStringHashCode } from '../protocol/message.ts';
import { ClientConfigError } from './errors.ts';
import { buildSubscriptionData, matchesSubscription } from './subscription.ts';

describe('buildSubscriptionData', () => {
  test('"*", empty and missing expressions subscribe to everything', () => {
    for (const expr of ['*', '', undefined]) {
      const s = buildSubscriptionData('T', expr, 42);
      assert.deepEqual(s, { topic: 'T', subString: '*', tagsSet: [], codeSet: [], subVersion: 42, expressionType: 'TAG', classFilterMode: false });
    }
  });

  test('"TagA || TagB" becomes trimmed tags and their Java hash codes', () => {
    const s = buildSubscriptionData('T', 'TagA || TagB||TagA', 1);
    assert.equal(s.subString, 'TagA || TagB||TagA');
    assert.deepEqual(s.tagsSet, ['TagA', 'TagB']);
    assert.deepEqual(s.codeSet, [javaStringHashCode('TagA'), javaStringHashCode('TagB')]);
  });

  test('an expression with no tag is refused', () => {
    assert.throws(() => buildSubscriptionData('T', ' || '), ClientConfigError);
  });
});

describe('matchesSubscription', () => {
  test('checks the TAGS property against the tag set', () => {
    const s = buildSubscriptionData('T', 'TagA || TagB');
    assert.equal(matchesSubscription(s, createMessage('T', 'x', { tags: 'TagA' })), true);
    assert.equal(matchesSubscription(s, createMessage('T', 'x', { tags: 'TagC' })), false);
    assert.equal(matchesSubscription(s, createMessage('T', 'x')), false);
    assert.equal(matchesSubscription(buildSubscriptionData('T', '*'), createMessage('T', 'x')), true);
  });
});
