import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { attributesOf, attributesTextOf, messageTypeOf } from './topic-attributes.ts';
import { HttpError } from './http.ts';

const place = (attributes?: Record<string, string>) => ({ clusterName: 'c', brokerName: 'b', readQueueNums: 2, writeQueueNums: 2, perm: 6, order: false, ...(attributes ? { attributes } : {}) });

describe('5.x topic attributes', () => {
  test('message type: as a 5.3.3 broker keeps it, NORMAL when unset, null on 4.x (no attributes)', () => {
    assert.equal(messageTypeOf([place({ 'message.type': 'FIFO' })]), 'FIFO');
    assert.equal(messageTypeOf([place({})]), 'NORMAL');
    assert.equal(messageTypeOf([place()]), null);
    // older RocketDeck brokers stored the sign in the key
    assert.deepEqual(attributesOf([place({ '+message.type': 'DELAY' })]), { 'message.type': 'DELAY' });
  });

  test('a write body becomes mqadmin attribute text; bad types and keys name their field', () => {
    assert.equal(attributesTextOf({ messageType: 'fifo' }), '+message.type=FIFO');
    assert.equal(attributesTextOf({ attributes: { 'queue.type': 'BatchCQ', old: '' } }), '+queue.type=BatchCQ,-old');
    assert.equal(attributesTextOf({}), undefined);
    const field = (f: () => unknown) => { try { f(); } catch (e) { return (e as HttpError).field; } return undefined; };
    assert.equal(field(() => attributesTextOf({ messageType: 'BATCH' })), 'messageType');
    assert.equal(field(() => attributesTextOf({ attributes: { 'a b': 'x' } })), 'attributes');
    assert.equal(field(() => attributesTextOf({ attributes: { k: 'a,b' } })), 'attributes');
    assert.equal(field(() => attributesTextOf({ attributes: ['x'] })), 'attributes');
  });
});
