import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopicAttributes } from './admin-config-query.ts';

test('UPDATE_AND_CREATE_TOPIC attributes text becomes the map a 5.3.3 broker stores (keys without their sign)', () => {
  assert.deepEqual(parseTopicAttributes('+message.type=FIFO, +queue.type=BatchCQ'), new Map([['message.type', 'FIFO'], ['queue.type', 'BatchCQ']]));
  assert.equal(parseTopicAttributes(''), undefined);
  assert.equal(parseTopicAttributes('-message.type'), undefined);
});
