// Tests of REGISTER_BROKER body reading: JSON, the pre-3.0.11 bare wrapper, the deflated binary form, bad input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { BodyError } from '../../protocol/bodies/index.ts';
import { readRegisterBody } from './register-body.ts';
import { loadVector } from '../../protocol/fixtures/vectors.ts';

const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const chunk = (s: string): Buffer => Buffer.concat([int32(Buffer.byteLength(s)), Buffer.from(s)]);

/** What RegisterBrokerBody.encode(true) produces for the given topics. */
function compressed(topics: string[], filterServers = '[]'): Buffer {
  const parts = [chunk('{"counter":7,"timestamp":1700000000000}'), int32(topics.length), ...topics.map(chunk), chunk(filterServers)];
  return deflateSync(Buffer.concat(parts));
}

describe('readRegisterBody', () => {
  test('reads the captured 4.9.8 master registration', () => {
    const v = loadVector('103-REGISTER_BROKER');
    const b = readRegisterBody(v.request.body!, false, v.request.version);
    assert.deepEqual(b.topicConfigSerializeWrapper.dataVersion, { counter: 0, timestamp: 1795556204741 });
    assert.equal(b.topicConfigSerializeWrapper.topicConfigTable.length, 8);
    const bench = b.topicConfigSerializeWrapper.topicConfigTable.find((t) => t.topicName === 'BenchmarkTest')!;
    assert.deepEqual([bench.readQueueNums, bench.writeQueueNums, bench.perm, bench.topicSysFlag], [1024, 1024, 6, 0]);
    assert.deepEqual(b.filterServerList, []);
  });

  test('brokers before 3.0.11 send a bare TopicConfigSerializeWrapper', () => {
    const body = Buffer.from('{"dataVersion":{"counter":1,"timestamp":5},"topicConfigTable":{"T":{"perm":6,"readQueueNums":2,"topicName":"T","writeQueueNums":2}}}');
    const b = readRegisterBody(body, false, 30);
    assert.deepEqual(b.topicConfigSerializeWrapper.dataVersion, { counter: 1, timestamp: 5 });
    assert.equal(b.topicConfigSerializeWrapper.topicConfigTable[0].topicName, 'T');
  });

  test('reads the deflated binary form of compressedRegister=true', () => {
    const b = readRegisterBody(compressed(['TopicA 4 4 6 SINGLE_TAG', 'TopicB 8 2 7 MULTI_TAG'], '["127.0.0.1:30000"]'), true, 409);
    assert.deepEqual(b.topicConfigSerializeWrapper.dataVersion, { counter: 7, timestamp: 1700000000000 });
    assert.deepEqual(b.topicConfigSerializeWrapper.topicConfigTable, [
      { topicName: 'TopicA', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
      { topicName: 'TopicB', readQueueNums: 8, writeQueueNums: 2, perm: 7, topicSysFlag: 0 },
    ]);
    assert.deepEqual(b.filterServerList, ['127.0.0.1:30000']);
  });

  test('malformed bodies are BodyErrors saying what is wrong', () => {
    const bad = (body: Buffer, compressedFlag: boolean, re: RegExp) =>
      assert.throws(() => readRegisterBody(body, compressedFlag, 409), (e: unknown) => e instanceof BodyError && re.test(e.message));
    bad(Buffer.from('{"topicConfigSerializeWrapper":'), false, /RegisterBrokerBody/);
    bad(Buffer.from('not deflate'), true, /not a deflate stream/);
    bad(deflateSync(Buffer.concat([chunk('{"counter":1,"timestamp":1}'), int32(2), chunk('T 1 1 6 SINGLE_TAG')])), true, /truncated/);
    bad(compressed(['T 1 x 6 SINGLE_TAG']), true, /topic config 0/);
  });
});
