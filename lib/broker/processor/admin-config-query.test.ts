import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopicAttributes } from './admin-config-query.ts';

test('UPDATE_AND_CREATE_TOPIC attributes text becomes the "+key" map 5.x stores', () => {
  assert.deepEqual(parseTopicAttributes('+message.type=FIFO, +queue.type=BatchCQ'), new Map([['+message.type', 'FIFO'], ['+queue.type', 'BatchCQ']]));
  assert.equal(parseTopicAttributes(''), undefined);
  assert.equal(parseTopicAttributes('-message.type'), undefined);
});
