// Stored record codec: random round trips (IPv4/IPv6 hosts, empty bodies, unicode, compression), in-place patching,
// CRC checks, V2 topics and refusal of damaged records.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { MessageSysFlag } from './message-const.ts';
import {
  BLANK_MAGIC_CODE,
  MESSAGE_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V2,
  MESSAGE_STORE_TIMESTAMP_POSITION,
  type StoredMessageFields,
  bodyCrc32,
  calMsgLength,
  compressMessageBody,
  decodeMessage,
  decodeMessages,
  encodeStoredMessage,
  patchPhysicalOffset,
  patchQueueOffset,
  patchStoreTimestamp,
  storedMessageSize,
  uncompressMessageBody,
} from './message-codec.ts';
import { createMessageId, ipToBytes, normalizeAddress } from './message-host.ts';

function sample(over: Partial<StoredMessageFields> = {}): StoredMessageFields {
  return {
    topic: 'VecTopic',
    flag: 0,
    properties: { KEYS: 'K', TAGS: 'TagA' },
    body: Buffer.from('hello'),
    queueId: 3,
    queueOffset: 0,
    commitLogOffset: 0,
    sysFlag: 0,
    bornTimestamp: 1795556241542,
    bornHost: { address: '127.0.0.1', port: 44214 },
    storeTimestamp: 1795556241555,
    storeHost: { address: '127.0.0.1', port: 20911 },
    ...over,
  };
}

const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }).filter((s) => !/[\u0001\u0002]/.test(s));
const host = fc.record({ address: fc.oneof(fc.ipV4(), fc.ipV6()), port: fc.integer({ min: 0, max: 65535 }) });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const storedMessage = fc.record({
  topic: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_%|-]{1,40}$/), fc.string({ unit: 'binary', minLength: 1, maxLength: 200 })),
  flag: int32,
  properties: fc.dictionary(text.map((s) => `p${s}`), text, { maxKeys: 6 }).map((p) => ({ ...p })),
  body: fc.oneof(fc.constant(Buffer.alloc(0)), fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))),
  queueId: fc.integer({ min: 0, max: 1023 }),
  queueOffset: fc.maxSafeNat(),
  commitLogOffset: fc.maxSafeNat(),
  sysFlag: fc.constantFrom(0, MessageSysFlag.MULTI_TAGS_FLAG, MessageSysFlag.TRANSACTION_PREPARED_TYPE, MessageSysFlag.TRANSACTION_COMMIT_TYPE),
  bornTimestamp: fc.maxSafeNat(),
  bornHost: host,
  storeTimestamp: fc.maxSafeNat(),
  storeHost: host,
  reconsumeTimes: fc.integer({ min: 0, max: 16 }),
  preparedTransactionOffset: fc.maxSafeInteger(),
});

describe('stored record round trips', () => {
  test('random messages decode to what was encoded and re-encode to the same bytes', () => {
    fc.assert(
      fc.property(storedMessage, (m) => {
        const buf = encodeStoredMessage(m);
        assert.equal(buf.length, storedMessageSize(m));
        const d = decodeMessage(buf, 0, { checkCRC: true });
        assert.equal(d.storeSize, buf.length);
        assert.equal(d.topic, m.topic);
        assert.equal(d.flag, m.flag);
        assert.deepEqual(d.properties, m.properties);
        assert.ok(d.body.equals(m.body));
        for (const k of ['queueId', 'queueOffset', 'commitLogOffset', 'bornTimestamp', 'storeTimestamp', 'reconsumeTimes', 'preparedTransactionOffset'] as const) {
          assert.equal(d[k], m[k], k);
        }
        assert.deepEqual(ipToBytes(d.bornHost.address), ipToBytes(m.bornHost.address));
        assert.deepEqual(ipToBytes(d.storeHost.address), ipToBytes(m.storeHost.address));
        assert.equal(d.bornHost.port, m.bornHost.port);
        assert.equal(d.storeHost.port, m.storeHost.port);
        assert.equal(d.sysFlag & ~0x30, m.sysFlag);
        assert.equal(!!(d.sysFlag & MessageSysFlag.BORNHOST_V6_FLAG), m.bornHost.address.includes(':'));
        assert.equal(!!(d.sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG), m.storeHost.address.includes(':'));
        assert.equal(d.bodyCRC, bodyCrc32(m.body));
        assert.equal(d.msgId, createMessageId(m.storeHost, m.commitLogOffset));
        assert.equal(buf.readInt32BE(4), Buffer.byteLength(m.topic) > 127 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE);
        assert.ok(encodeStoredMessage(d).equals(buf));
      }),
      { numRuns: 300 },
    );
  });

  test('compressed bodies are inflated on decode, or kept as stored and re-encoded identically', () => {
    fc.assert(
      fc.property(storedMessage, fc.uint8Array({ minLength: 1, maxLength: 5000 }), fc.constantFrom(0, MessageSysFlag.COMPRESSION_ZLIB_TYPE), (m, raw, type) => {
        const original = Buffer.from(raw);
        const compressed = compressMessageBody(original);
        const msg = { ...m, body: compressed, sysFlag: m.sysFlag | MessageSysFlag.COMPRESSED_FLAG | type };
        const buf = encodeStoredMessage(msg);
        const d = decodeMessage(buf, 0, { checkCRC: true });
        assert.ok(d.body.equals(original));
        assert.equal(d.sysFlag & MessageSysFlag.COMPRESSED_FLAG, 0);
        assert.equal(d.bodyCRC, bodyCrc32(compressed));
        const kept = decodeMessage(buf, 0, { decompressBody: false });
        assert.ok(kept.body.equals(compressed));
        assert.ok(encodeStoredMessage(kept).equals(buf));
      }),
      { numRuns: 100 },
    );
  });

  test('back-to-back records decode in order', () => {
    fc.assert(
      fc.property(fc.array(storedMessage, { maxLength: 6 }), (msgs) => {
        const buf = Buffer.concat(msgs.map((m) => encodeStoredMessage(m)));
        const back = decodeMessages(buf);
        assert.equal(back.length, msgs.length);
        assert.ok(Buffer.concat(back.map((m) => encodeStoredMessage(m))).equals(buf));
      }),
      { numRuns: 100 },
    );
  });
});

describe('record layout details', () => {
  test('empty body and no properties give the smallest record', () => {
    const m = sample({ body: Buffer.alloc(0), properties: {}, topic: 'T' });
    const buf = encodeStoredMessage(m);
    assert.equal(buf.length, 84 + 4 + 2 + 2);
    assert.equal(buf.length, calMsgLength(0, 0, 1, 0));
    const d = decodeMessage(buf);
    assert.equal(d.body.length, 0);
    assert.deepEqual(d.properties, {});
  });

  test('IPv6 hosts take 16 address bytes and set the V6 sysFlag bits', () => {
    const m = sample({ bornHost: { address: '::1', port: 1 }, storeHost: { address: '2001:db8::1', port: 10911 } });
    const buf = encodeStoredMessage(m);
    assert.equal(buf.length, encodeStoredMessage(sample()).length + 24);
    const d = decodeMessage(buf);
    assert.equal(d.sysFlag, MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
    assert.deepEqual(d.bornHost, { address: '::1', port: 1 });
    assert.deepEqual(d.storeHost, { address: '2001:db8::1', port: 10911 });
    assert.equal(d.msgId.length, 56);
  });

  test('IPv4-mapped peers are IPv4 to Java', () => {
    assert.equal(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(normalizeAddress('::1'), '::1');
    assert.equal(normalizeAddress('10.1.2.3'), '10.1.2.3');
  });

  test('topics longer than 127 bytes use the V2 magic code and an int16 topic length', () => {
    const topic = 'x'.repeat(200);
    const buf = encodeStoredMessage(sample({ topic }));
    assert.equal(buf.readInt32BE(4), MESSAGE_MAGIC_CODE_V2);
    assert.equal(buf.length, encodeStoredMessage(sample({ topic: 'x'.repeat(127) })).length + 73 + 1);
    assert.equal(decodeMessage(buf).topic, topic);
  });

  test('patching QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP in place equals encoding with those values', () => {
    for (const bornHost of [{ address: '127.0.0.1', port: 1 }, { address: 'fe80::2', port: 2 }]) {
      const draft = encodeStoredMessage(sample({ bornHost }));
      const buf = Buffer.concat([Buffer.alloc(7), draft]);
      patchQueueOffset(buf, 7, 123456789);
      patchPhysicalOffset(buf, 7, 2 ** 40 + 17);
      patchStoreTimestamp(buf, 7, 1795556299999);
      const want = encodeStoredMessage(sample({ bornHost, queueOffset: 123456789, commitLogOffset: 2 ** 40 + 17, storeTimestamp: 1795556299999 }));
      assert.ok(buf.subarray(7).equals(want));
    }
    const v4 = encodeStoredMessage(sample());
    assert.equal(v4.readBigInt64BE(MESSAGE_STORE_TIMESTAMP_POSITION), 1795556241555n);
  });

  test('a given bodyCRC or propertiesString is written as given', () => {
    const buf = encodeStoredMessage(sample({ bodyCRC: 42, propertiesString: 'A\u00011\u0002' }));
    const d = decodeMessage(buf);
    assert.equal(d.bodyCRC, 42);
    assert.equal(buf.toString('utf8', buf.length - 4), 'A\u00011\u0002');
    assert.throws(() => decodeMessage(buf, 0, { checkCRC: true }), { name: 'MessageDecodeError', message: /CRC/ });
  });

  test('compression matches zlib deflate at level 5 and inflates what Java-style deflate produced', () => {
    const body = Buffer.from('RocketMQ '.repeat(1000));
    assert.ok(compressMessageBody(body).equals(deflateSync(body, { level: 5 })));
    assert.ok(uncompressMessageBody(deflateSync(body, { level: 9 })).equals(body));
    assert.throws(() => uncompressMessageBody(body), { name: 'MessageDecodeError' });
    assert.throws(() => uncompressMessageBody(body, MessageSysFlag.COMPRESSED_FLAG | MessageSysFlag.COMPRESSION_LZ4_TYPE), {
      name: 'MessageDecodeError',
      message: /LZ4/,
    });
  });
});

describe('damaged records', () => {
  const good = encodeStoredMessage(sample());

  test('a truncated record is refused with MessageDecodeError', () => {
    for (const cut of [3, 20, 90, good.length - 1]) {
      assert.throws(() => decodeMessage(good.subarray(0, cut)), { name: 'MessageDecodeError' }, `cut at ${cut}`);
    }
    assert.throws(() => decodeMessages(Buffer.concat([good, good.subarray(0, 10)])), { name: 'MessageDecodeError' });
  });

  test('bad magic codes and the blank end-of-file marker are refused', () => {
    const bad = Buffer.from(good);
    bad.writeInt32BE(0x12345678, 4);
    assert.throws(() => decodeMessage(bad), { name: 'MessageDecodeError', message: /magic/ });
    const blank = Buffer.alloc(16);
    blank.writeInt32BE(16, 0);
    blank.writeInt32BE(BLANK_MAGIC_CODE, 4);
    assert.throws(() => decodeMessage(blank), { name: 'MessageDecodeError', message: /blank/ });
  });

  test('a TOTALSIZE that disagrees with the field lengths is refused', () => {
    const longer = Buffer.concat([good, Buffer.alloc(3)]);
    longer.writeInt32BE(good.length + 3, 0);
    assert.throws(() => decodeMessage(longer), { name: 'MessageDecodeError' });
    const badBody = Buffer.from(good);
    badBody.writeInt32BE(1_000_000, 84);
    assert.throws(() => decodeMessage(badBody), { name: 'MessageDecodeError', message: /body length/ });
  });

  test('unencodable messages are refused with MessageEncodeError', () => {
    assert.throws(() => encodeStoredMessage(sample({ properties: { K: 'v'.repeat(33000) } })), { name: 'MessageEncodeError' });
    assert.throws(() => encodeStoredMessage(sample({ bornHost: { address: 'not-an-ip', port: 1 } })), { name: 'MessageEncodeError' });
    assert.throws(() => encodeStoredMessage(sample({ queueOffset: 2 ** 53 })), { name: 'MessageEncodeError' });
    assert.throws(() => encodeStoredMessage(sample(), Buffer.alloc(10)), { name: 'MessageEncodeError' });
  });
});
