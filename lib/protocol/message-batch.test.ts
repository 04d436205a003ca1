// SEND_BATCH_MESSAGE body codec and its expansion into stored records, checked against a RocketMQ 4.9.8 capture.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decodeFrameWithLength } from '../remoting/codec.ts';
import {
  countBatchMessages,
  createMessageId,
  decodeBatchMessages,
  decodeMessages,
  encodeBatchAsStoredRecords,
  encodeBatchMessage,
  encodeBatchMessages,
  javaHashMapOrder,
  messageProperties2String,
  patchPhysicalOffset,
  patchQueueOffset,
  string2messageProperties,
  bodyCrc32,
} from './message.ts';

const VECTORS = new URL('./fixtures/vectors/', import.meta.url);
const frame = (dir: string, file: string) =>
  decodeFrameWithLength(Buffer.from(readFileSync(new URL(`${dir}/${file}`, VECTORS), 'utf8').trim(), 'hex'));

const request = frame('320-SEND_BATCH_MESSAGE', 'request.hex');
const response = frame('320-SEND_BATCH_MESSAGE', 'response.hex');
const batchBody = request.body!;

describe('captured SEND_BATCH_MESSAGE body', () => {
  test('splits into the 10 messages with their flag, body and properties', () => {
    const msgs = decodeBatchMessages(batchBody, { topic: request.extFields!.b });
    assert.equal(msgs.length, 10);
    assert.equal(countBatchMessages(batchBody), 10);
    msgs.forEach((m, i) => {
      assert.equal(m.topic, 'VecTopicX');
      assert.equal(m.flag, 0);
      assert.equal(m.body.toString('utf8'), `batch message ${i}`);
      assert.deepEqual(Object.keys(m.properties), ['KEYS', 'UNIQ_KEY', 'WAIT', 'TAGS']);
      assert.equal(m.properties.KEYS, `BATCH-${i}`);
      assert.equal(m.properties.TAGS, 'TagBatch');
      assert.equal(m.properties.WAIT, 'true');
      assert.match(m.properties.UNIQ_KEY!, /^C000020229B35FFD2B277B177CBC000[0-9A-F]$/);
    });
    assert.equal(msgs[9]!.properties.UNIQ_KEY, 'C000020229B35FFD2B277B177CBC0009');
  });

  test('re-encodes byte for byte, as a whole and entry by entry', () => {
    const msgs = decodeBatchMessages(batchBody);
    assert.equal(encodeBatchMessages(msgs).toString('hex'), batchBody.toString('hex'));
    assert.ok(Buffer.concat(msgs.map(encodeBatchMessage)).equals(batchBody));
  });

  test('stored records of the batch take the sizes the response msgIds imply', () => {
    // The broker answers with one offset id per message; consecutive ids differ by each stored record's size.
    const offsetIds = response.extFields!.msgId!.split(',');
    assert.equal(offsetIds.length, 10);
    const storeHost = { address: '127.0.0.1', port: 20911 };
    const batchProps = { ...string2messageProperties(request.extFields!.i), CLUSTER: 'DefaultCluster' };
    const records = encodeBatchAsStoredRecords(
      batchBody,
      { topic: 'VecTopicX', queueId: 0, sysFlag: 0, bornTimestamp: 1795556336963, bornHost: { address: '127.0.0.1', port: 40000 }, storeTimestamp: 1795556336970, storeHost },
      messageProperties2String(javaHashMapOrder(batchProps)),
    );
    const stored = decodeMessages(records, { checkCRC: true });
    assert.equal(stored.length, 10);
    let phy = 0x358fb;
    let o = 0;
    stored.forEach((m, i) => {
      assert.equal(createMessageId(storeHost, phy), offsetIds[i]);
      patchQueueOffset(records, o, i);
      patchPhysicalOffset(records, o, phy);
      phy += m.storeSize;
      o += m.storeSize;
      assert.equal(m.body.toString(), `batch message ${i}`);
      assert.equal(m.bodyCRC, bodyCrc32(m.body));
      assert.equal(m.topic, 'VecTopicX');
      assert.deepEqual(m.properties, { KEYS: `BATCH-${i}`, UNIQ_KEY: m.properties.UNIQ_KEY, WAIT: 'true', TAGS: 'TagBatch', CLUSTER: 'DefaultCluster' });
    });
    const patched = decodeMessages(records);
    assert.deepEqual(patched.map((m) => m.msgId), offsetIds);
    assert.deepEqual(patched.map((m) => m.queueOffset), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('batch codec', () => {
  test('entries whose properties already end with a separator get none added before the batch properties', () => {
    const body = encodeBatchMessages([
      { flag: 1, body: Buffer.from('a'), properties: {}, propertiesString: 'K\u0001v\u0002' },
      { flag: 2, body: Buffer.from('b'), properties: {} },
      { flag: 3, body: Buffer.alloc(0), properties: { K: 'v' } },
    ]);
    const fields = { topic: 'T', queueId: 1, sysFlag: 0, bornTimestamp: 5, bornHost: { address: '::1', port: 1 }, storeTimestamp: 6, storeHost: { address: '10.0.0.1', port: 2 } };
    const stored = decodeMessages(encodeBatchAsStoredRecords(body, fields, 'CLUSTER\u0001c'));
    assert.deepEqual(stored.map((m) => m.properties), [{ K: 'v', CLUSTER: 'c' }, { CLUSTER: 'c' }, { K: 'v', CLUSTER: 'c' }]);
    assert.deepEqual(stored.map((m) => m.flag), [1, 2, 3]);
    assert.deepEqual(stored.map((m) => m.sysFlag), [0x10, 0x10, 0x10]);
    assert.equal(stored[0]!.bornHost.address, '::1');
    // 84 fixed bytes + 12 more for the IPv6 born host; bodies, topic "T", properties "K\1v\2CLUSTER\1c" / "CLUSTER\1c".
    assert.deepEqual(stored.map((m) => m.storeSize), [96 + 5 + 2 + 2 + 13, 96 + 5 + 2 + 2 + 9, 96 + 4 + 2 + 2 + 13]);
  });

  test('random batches round trip', () => {
    const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).filter((s) => !/[\u0001\u0002]/.test(s));
    const entry = fc.record({
      flag: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      body: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      properties: fc.dictionary(text.map((s) => `p${s}`), text, { maxKeys: 5 }),
    }).map((e) => ({ flag: e.flag, body: e.body, properties: { ...e.properties } }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
        const body = encodeBatchMessages(entries);
        const back = decodeBatchMessages(body, { copyBody: false });
        assert.deepEqual(back.map((m) => ({ flag: m.flag, body: m.body, properties: m.properties })), entries);
        assert.ok(encodeBatchMessages(back).equals(body));
      }),
    );
  });

  test('truncated or inconsistent batch bodies are refused', () => {
    const body = encodeBatchMessages([{ flag: 0, body: Buffer.from('abc'), properties: { K: 'v' } }]);
    assert.throws(() => decodeBatchMessages(body.subarray(0, body.length - 1)), { name: 'MessageDecodeError' });
    const wrongSize = Buffer.from(body);
    wrongSize.writeInt32BE(body.length + 1, 0);
    assert.throws(() => decodeBatchMessages(wrongSize), { name: 'MessageDecodeError' });
    assert.throws(() => encodeBatchMessage({ flag: 0, body: Buffer.alloc(0), properties: { K: 'x'.repeat(40000) } }), {
      name: 'MessageEncodeError',
    });
  });
});
