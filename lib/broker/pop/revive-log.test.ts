import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAck, decodeCheckPoint, encodeAck, encodeCheckPoint } from './revive-log.ts';
import { MinHeap, NumberMinHeap } from './min-heap.ts';

test('checkpoint records use PopCheckPoint\'s fastjson names with offsets as diffs from the start offset', () => {
  const ck = { startOffset: 100, popTime: 1700000000000, invisibleTime: 30000, queueId: 1, topic: 'T', group: 'g', brokerName: 'broker-a', offsets: [100, 101, 103] };
  const body = encodeCheckPoint(ck);
  assert.equal(body.toString(), '{"bm":0,"bn":"broker-a","c":"g","d":[0,1,3],"it":30000,"n":3,"pt":1700000000000,"q":1,"ro":0,"so":100,"t":"T"}');
  assert.deepEqual(decodeCheckPoint(body), ck);
});

test('ack records are AckMsg ("ao") for one offset and BatchAckMsg ("aol") for several', () => {
  const base = { startOffset: 100, popTime: 5, queueId: 1, topic: 'T', group: 'g', brokerName: 'b' };
  assert.equal(encodeAck({ ...base, ackOffsets: [101] }).toString(), '{"ao":101,"bn":"b","c":"g","pt":5,"q":1,"so":100,"t":"T"}');
  assert.deepEqual(decodeAck(encodeAck({ ...base, ackOffsets: [101, 103] })), { ...base, ackOffsets: [101, 103] });
});

test('the min-heap gives values in key order', () => {
  const h = new MinHeap<number>();
  const keys = Array.from({ length: 500 }, () => Math.floor(Math.random() * 1000));
  keys.forEach((k, i) => h.push(k, i));
  const out: number[] = [];
  while (h.size > 0) {
    const k = h.peekKey()!;
    h.pop();
    out.push(k);
  }
  assert.deepEqual(out, [...keys].sort((a, b) => a - b));
});

test('the number heap gives values in key order and grows past its first capacity', () => {
  const h = new NumberMinHeap();
  const keys = Array.from({ length: 5000 }, () => Math.floor(Math.random() * 100000));
  keys.forEach((k, i) => h.push(k, i));
  const out: number[] = [];
  while (h.size > 0) {
    const k = h.peekKey()!;
    const v = h.pop()!;
    assert.equal(keys[v], k);
    out.push(k);
  }
  assert.deepEqual(out, [...keys].sort((a, b) => a - b));
  assert.equal(h.pop(), undefined);
});
