import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createMessage, getKeys, getTags } from '../protocol/message.ts';
import { MessageValidationError } from './errors.ts';
import { checkBatch, checkMessage, javaHashOf, selectMessageQueueByHash, toMessage } from './producer-message.ts';

describe('toMessage', () => {
  test('builds a protocol Message from plain data, as Java\'s Message constructor fills it', () => {
    const m = toMessage({ topic: 'T', body: 'hello', tags: 'TagA', keys: ['k1', 'k2'], properties: { a: '1' }, delayTimeLevel: 3 });
    assert.equal(m.body.toString(), 'hello');
    assert.equal(getTags(m), 'TagA');
    assert.equal(getKeys(m), 'k1 k2');
    assert.equal(m.properties.WAIT, 'true');
    assert.equal(m.properties.DELAY, '3');
    assert.equal(m.properties.a, '1');
  });

  test('passes a protocol Message through unchanged', () => {
    const m = createMessage('T', 'x', { tags: 'A' });
    assert.equal(toMessage(m), m);
  });

  test('refuses reserved property names and bad delay levels', () => {
    assert.throws(() => toMessage({ topic: 'T', body: 'x', properties: { TAGS: 'no' } }), MessageValidationError);
    assert.throws(() => toMessage({ topic: 'T', body: 'x', delayTimeLevel: -1 }), MessageValidationError);
  });
});

describe('checkMessage / checkBatch', () => {
  test('rejects bad topics, forbidden topics, empty and oversized bodies', () => {
    assert.throws(() => checkMessage(createMessage('bad topic', 'x'), 100), MessageValidationError);
    assert.throws(() => checkMessage(createMessage('SCHEDULE_TOPIC_XXXX', 'x'), 100), MessageValidationError);
    assert.throws(() => checkMessage(createMessage('T', ''), 100), MessageValidationError);
    assert.throws(() => checkMessage(createMessage('T', Buffer.alloc(101)), 100), MessageValidationError);
    checkMessage(createMessage('T', Buffer.alloc(100)), 100);
  });

  test('a batch needs one topic, one WAIT value, no delay and no retry topic', () => {
    checkBatch([createMessage('T', 'a'), createMessage('T', 'b')]);
    assert.throws(() => checkBatch([]), MessageValidationError);
    assert.throws(() => checkBatch([createMessage('T', 'a'), createMessage('U', 'b')]), MessageValidationError);
    assert.throws(() => checkBatch([createMessage('T', 'a'), createMessage('T', 'b', { waitStoreMsgOK: false })]), MessageValidationError);
    assert.throws(() => checkBatch([toMessage({ topic: 'T', body: 'a', delayTimeLevel: 1 })]), MessageValidationError);
    assert.throws(() => checkBatch([createMessage('%RETRY%g', 'a')]), MessageValidationError);
  });
});

describe('selectMessageQueueByHash', () => {
  const mqs = Array.from({ length: 8 }, (_, queueId) => ({ topic: 'T', brokerName: 'b', queueId }));

  test('uses Java hash codes: String.hashCode, int value, Long.hashCode', () => {
    assert.equal(javaHashOf('order-1'), 'order-1'.split('').reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 0));
    assert.equal(javaHashOf(12), 12);
    assert.equal(javaHashOf(2 ** 40 + 5), (2 ** 8) ^ 5);
  });

  test('one key always maps to one queue; negative hashes map by absolute remainder', () => {
    const m = createMessage('T', 'x');
    for (const key of ['a', 'order-42', 'zzzzzzzzzz', -7, 123456789]) {
      const q1 = selectMessageQueueByHash(mqs, m, key);
      const q2 = selectMessageQueueByHash(mqs, m, key);
      assert.equal(q1, q2);
      assert.equal(q1.queueId, Math.abs(javaHashOf(key) % 8));
    }
  });
});
