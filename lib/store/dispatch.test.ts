// Reading dispatch requests from commit log records (recovery and replicated bytes): the field reader agrees with a
// full decode for IPv4/IPv6 hosts and long (MAGICCODE V2) topics, refuses what is not a whole valid record, and the
// in-memory walk stops where the records stop being valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageConst, MessageSysFlag } from '../protocol/message-const.ts';
import { BLANK_MAGIC_CODE, decodeMessage, encodeStoredMessage, type StoredMessageFields } from '../protocol/message-codec.ts';
import { tagsHashCode } from '../protocol/message.ts';
import { scanRecords } from './commit-log-scan.ts';
import { defaultTagsCode, dispatchRequestFromRecord, type DispatchRequest } from './dispatch.ts';

function record(o: { topic: string; at: number; props: Record<string, string>; v6?: boolean; body?: string; queueId?: number; queueOffset?: number }): Buffer {
  const msg: StoredMessageFields = {
    topic: o.topic,
    flag: 7,
    properties: o.props,
    body: Buffer.from(o.body ?? 'hello'),
    queueId: o.queueId ?? 3,
    queueOffset: o.queueOffset ?? 41,
    commitLogOffset: o.at,
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: { address: o.v6 ? '::1' : '10.0.0.1', port: 5000 },
    storeTimestamp: 1_700_000_000_123,
    storeHost: { address: o.v6 ? 'fe80::2' : '10.0.0.2', port: 10911 },
  };
  return encodeStoredMessage(msg);
}

/** What dispatch needs, read through a full decode. */
function expected(buf: Buffer, at: number): DispatchRequest {
  const m = decodeMessage(buf, at, { readBody: false });
  return {
    topic: m.topic, queueId: m.queueId, queueOffset: m.queueOffset, commitLogOffset: m.commitLogOffset, msgSize: m.storeSize,
    tagsCode: defaultTagsCode(m.topic, m.properties, m.storeTimestamp), storeTimestamp: m.storeTimestamp, sysFlag: m.sysFlag,
    keys: m.properties[MessageConst.PROPERTY_KEYS], uniqKey: m.properties[MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX], properties: m.properties,
  };
}

test('the field reader reads what a full decode reads, for IPv4 and IPv6 hosts and a V2 (long) topic', () => {
  const props = { TAGS: 'TagA', KEYS: 'k1 k2', UNIQ_KEY: 'AC11000100002A9F0000000000000001', WAIT: 'true' };
  const cases = [
    record({ topic: 'T', at: 1000, props }),
    record({ topic: 'T6', at: 2000, props, v6: true }),
    record({ topic: 'L'.repeat(200), at: 3000, props: { TAGS: 'x' } }),
    record({ topic: 'NoProps', at: 4000, props: {} }),
  ];
  const v6 = decodeMessage(cases[1]!, 0);
  assert.ok(v6.sysFlag & MessageSysFlag.BORNHOST_V6_FLAG && v6.sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG, 'the IPv6 case has both flags');
  assert.equal(cases[2]!.readInt32BE(4), -626843477, 'the long topic is written with MAGICCODE V2');
  for (const [i, buf] of cases.entries()) {
    const at = 1000 * (i + 1);
    const got = dispatchRequestFromRecord(buf, 0, at, true, defaultTagsCode);
    assert.deepEqual(got, expected(buf, 0), `case ${i}`);
  }
  assert.equal(dispatchRequestFromRecord(cases[0]!, 0, 1000, false, defaultTagsCode)!.tagsCode, tagsHashCode('TagA'));
  // The same topic twice in a row (the reader keeps the last one) and then another.
  assert.equal(dispatchRequestFromRecord(cases[0]!, 0, 1000, false, defaultTagsCode)!.topic, 'T');
  assert.equal(dispatchRequestFromRecord(cases[1]!, 0, 2000, false, defaultTagsCode)!.topic, 'T6');
});

test('the field reader refuses a record not where it claims, a torn one, a bad CRC and bad lengths', () => {
  const buf = record({ topic: 'T', at: 500, props: { TAGS: 'a' } });
  assert.equal(dispatchRequestFromRecord(buf, 0, 501, false, defaultTagsCode), undefined, 'PHYSICALOFFSET elsewhere');
  assert.equal(dispatchRequestFromRecord(buf.subarray(0, buf.length - 1), 0, 500, false, defaultTagsCode), undefined, 'torn');
  const badCrc = Buffer.from(buf);
  badCrc.writeInt32BE(badCrc.readInt32BE(8) ^ 1, 8);
  assert.ok(dispatchRequestFromRecord(badCrc, 0, 500, false, defaultTagsCode), 'CRC not checked');
  assert.equal(dispatchRequestFromRecord(badCrc, 0, 500, true, defaultTagsCode), undefined, 'CRC checked');
  const badProps = Buffer.from(buf);
  badProps.writeInt16BE(badProps.readInt16BE(buf.length - 2 - 'TAGS\u0001a'.length) + 1, buf.length - 2 - 'TAGS\u0001a'.length);
  assert.equal(dispatchRequestFromRecord(badProps, 0, 500, false, defaultTagsCode), undefined, 'properties not ending the record');
  const badMagic = Buffer.from(buf);
  badMagic.writeInt32BE(0x12345678, 4);
  assert.equal(dispatchRequestFromRecord(badMagic, 0, 500, false, defaultTagsCode), undefined, 'not a message');
});

test('scanRecords walks whole records and blank markers across a file end, and stops at the first bad bytes', () => {
  const fileSize = 4096;
  const a = record({ topic: 'S', at: 3000, props: { TAGS: 'a' }, queueOffset: 0 });
  const room = fileSize - 3000 - a.length;
  const blank = Buffer.alloc(room);
  blank.writeInt32BE(room, 0);
  blank.writeInt32BE(BLANK_MAGIC_CODE, 4);
  const b = record({ topic: 'S', at: fileSize, props: { TAGS: 'b' }, queueOffset: 1 });
  const c = record({ topic: 'S', at: fileSize + b.length, props: { TAGS: 'c' }, queueOffset: 2 });
  const all = Buffer.concat([a, blank, b, c]);
  const seen: DispatchRequest[] = [];
  assert.equal(scanRecords(all, 3000, fileSize, defaultTagsCode, (r) => seen.push(r)), fileSize + b.length + c.length);
  assert.deepEqual(seen.map((r) => [r.commitLogOffset, r.queueOffset, r.tagsCode]), [
    [3000, 0, tagsHashCode('a')], [fileSize, 1, tagsHashCode('b')], [fileSize + b.length, 2, tagsHashCode('c')],
  ]);
  // A torn last record, then garbage: the walk ends before each.
  const torn = Buffer.concat([a, blank, b, c.subarray(0, 30)]);
  assert.equal(scanRecords(torn, 3000, fileSize, defaultTagsCode, () => {}), fileSize + b.length);
  const wrongBlank = Buffer.concat([a, blank.subarray(0, room - 8)]);
  wrongBlank.writeInt32BE(room - 8, a.length);
  assert.equal(scanRecords(wrongBlank, 3000, fileSize, defaultTagsCode, () => {}), 3000 + a.length, 'a blank marker must cover the rest of its file');
});
