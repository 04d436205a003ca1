// Stored message records decoded from and re-encoded to frames captured from Apache RocketMQ 4.9.8.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeFrameWithLength } from '../remoting/codec.ts';
import {
  type MessageExt,
  createMessage,
  createMessageId,
  decodeMessage,
  decodeMessageId,
  decodeMessages,
  encodeStoredMessage,
  formatSocketHost,
  getClientMsgId,
  getDelayTimeLevel,
  getKeyList,
  getKeys,
  getTags,
  getUniqKey,
  isWaitStoreMsgOK,
  messageProperties2String,
  setKeys,
  tagsHashCode,
} from './message.ts';

const VECTORS = new URL('./fixtures/vectors/', import.meta.url);
const readVector = (dir: string, file: string): string => readFileSync(new URL(`${dir}/${file}`, VECTORS), 'utf8');
const frame = (dir: string, file: 'request.hex' | 'response.hex') => decodeFrameWithLength(Buffer.from(readVector(dir, file).trim(), 'hex'));

/** One message as the capture tool wrote it in response.body.decoded.json. */
interface DecodedJson {
  offsetInBuffer: number;
  totalSize: number;
  magicCode: string;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  bodyLength: number;
  body: string;
  topic: string;
  propertiesRaw: string;
  properties: Record<string, string>;
}

// The tool escaped control characters as literal "\u0001" text.
const unescape = (s: string): string => s.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

function assertMatchesJson(msg: MessageExt, exp: DecodedJson): void {
  assert.equal(msg.storeSize, exp.totalSize);
  assert.equal(msg.bodyCRC, exp.bodyCRC);
  assert.equal(msg.queueId, exp.queueId);
  assert.equal(msg.flag, exp.flag);
  assert.equal(msg.queueOffset, exp.queueOffset);
  assert.equal(msg.commitLogOffset, exp.commitLogOffset);
  assert.equal(msg.sysFlag, exp.sysFlag);
  assert.equal(msg.bornTimestamp, exp.bornTimestamp);
  assert.equal(formatSocketHost(msg.bornHost), exp.bornHost);
  assert.equal(msg.storeTimestamp, exp.storeTimestamp);
  assert.equal(formatSocketHost(msg.storeHost), exp.storeHost);
  assert.equal(msg.reconsumeTimes, exp.reconsumeTimes);
  assert.equal(msg.preparedTransactionOffset, exp.preparedTransactionOffset);
  assert.equal(msg.body.length, exp.bodyLength);
  assert.equal(msg.body.toString('utf8'), exp.body);
  assert.equal(msg.topic, exp.topic);
  assert.deepEqual(msg.properties, exp.properties);
  assert.deepEqual(Object.keys(msg.properties), Object.keys(exp.properties));
  assert.equal(messageProperties2String(msg.properties), unescape(exp.propertiesRaw));
  assert.equal(msg.msgId, createMessageId(msg.storeHost, msg.commitLogOffset));
}

const BODY_VECTORS = ['11-PULL_MESSAGE', '11-PULL_MESSAGE-ROCKETMQ', '12-QUERY_MESSAGE', '12-QUERY_MESSAGE-uniqKey', '33-VIEW_MESSAGE_BY_ID'];

describe('captured PULL_MESSAGE / QUERY_MESSAGE / VIEW_MESSAGE_BY_ID bodies', () => {
  for (const dir of BODY_VECTORS) {
    test(`${dir}: every field matches response.body.decoded.json`, () => {
      const body = frame(dir, 'response.hex').body!;
      const expected = JSON.parse(readVector(dir, 'response.body.decoded.json')) as DecodedJson[];
      const msgs = decodeMessages(body, { checkCRC: true });
      assert.equal(msgs.length, expected.length);
      let offset = 0;
      for (let i = 0; i < msgs.length; i++) {
        assert.equal(offset, expected[i]!.offsetInBuffer);
        assert.equal(body.readUInt32BE(offset + 4).toString(16), expected[i]!.magicCode);
        assertMatchesJson(msgs[i]!, expected[i]!);
        offset += msgs[i]!.storeSize;
      }
    });

    test(`${dir}: re-encoding the decoded messages gives the captured body byte for byte`, () => {
      const body = frame(dir, 'response.hex').body!;
      const msgs = decodeMessages(body);
      const reencoded = Buffer.concat(msgs.map((m) => encodeStoredMessage(m)));
      assert.equal(reencoded.toString('hex'), body.toString('hex'));
      // Writing into one shared buffer at running offsets gives the same bytes.
      const into = Buffer.alloc(body.length);
      let o = 0;
      for (const m of msgs) o += encodeStoredMessage(m, into, o).length;
      assert.ok(into.equals(body));
    });
  }

  test('decodeMessage at an offset reads the record there, and bodies can share the input memory', () => {
    const body = frame('11-PULL_MESSAGE', 'response.hex').body!;
    const second = decodeMessage(body, 212, { copyBody: false });
    assert.equal(second.body.toString(), 'Hello RocketMQ 7');
    assert.equal(second.body.buffer, body.buffer);
    const copied = decodeMessage(body, 212);
    assert.notEqual(copied.body.buffer, body.buffer);
    const noBody = decodeMessage(body, 212, { readBody: false });
    assert.equal(noBody.body.length, 0);
    assert.equal(noBody.storeSize, 212);
    assert.equal(getTags(noBody), 'TagA');
  });
});

describe('offset message ids from captured frames', () => {
  test('the msgId of a SEND_MESSAGE_V2 response is the offset id of the stored message with that UNIQ_KEY', () => {
    const sendReq = frame('310-SEND_MESSAGE_V2', 'request.hex');
    const sendResp = frame('310-SEND_MESSAGE_V2', 'response.hex');
    const stored = decodeMessages(frame('33-VIEW_MESSAGE_BY_ID', 'response.hex').body!)[0]!;
    assert.equal(getUniqKey(stored), /UNIQ_KEY\u0001([0-9A-F]+)/.exec(sendReq.extFields!.i!)![1]);
    assert.equal(sendResp.extFields!.msgId, stored.msgId);
    assert.equal(createMessageId(stored.storeHost, stored.commitLogOffset), '7F000001000051AF0000000000000000');
    assert.deepEqual(decodeMessageId(stored.msgId), { address: '127.0.0.1', port: 20911, offset: 0 });
  });

  test('offset ids of other captured sends decode to the master and the offsets the HA stream shows', () => {
    const half = frame('310-SEND_MESSAGE_V2-transaction-half', 'response.hex').extFields!.msgId!;
    assert.deepEqual(decodeMessageId(half), { address: '127.0.0.1', port: 20911, offset: 0x37a5f });
    assert.equal(createMessageId({ address: '127.0.0.1', port: 20911 }, 0x37a5f), half);
  });

  test('IPv6 offset ids take 56 hex chars and round trip', () => {
    const id = createMessageId({ address: 'fe80::1', port: 10911 }, 2 ** 40 + 5);
    assert.equal(id.length, 56);
    assert.equal(id, 'FE800000000000000000000000000001' + '00002A9F' + '0000010000000005');
    assert.deepEqual(decodeMessageId(id), { address: 'fe80::1', port: 10911, offset: 2 ** 40 + 5 });
    assert.deepEqual(decodeMessageId(id.toLowerCase()), decodeMessageId(id));
  });

  test('decodeMessageId refuses ids of the wrong length or with non-hex chars', () => {
    assert.throws(() => decodeMessageId('7F000001'), { name: 'MessageDecodeError' });
    assert.throws(() => decodeMessageId('Z'.repeat(32)), { name: 'MessageDecodeError' });
  });
});

describe('HA replication stream (master -> slave raw commit log)', () => {
  // Transfers: [int64 masterPhyOffset][int32 size][size bytes of commit log]; the capture keeps the first 8192 bytes.
  function commitLogFromStream(): { start: number; data: Buffer } {
    const stream = Buffer.from(readVector('HA-replication-broker-a-0-ha', 'master_to_slave.first8192.hex').trim(), 'hex');
    const parts: Buffer[] = [];
    let start = -1;
    let expectedNext = -1;
    for (let o = 0; o + 12 <= stream.length; ) {
      const phyOffset = Number(stream.readBigInt64BE(o));
      const size = stream.readInt32BE(o + 8);
      o += 12;
      if (size === 0) continue;
      if (start < 0) start = expectedNext = phyOffset;
      assert.equal(phyOffset, expectedNext);
      const chunk = stream.subarray(o, Math.min(o + size, stream.length));
      parts.push(chunk);
      expectedNext += size;
      o += size;
    }
    return { start, data: Buffer.concat(parts) };
  }

  test('complete records in the captured stream decode, sit at their commit log offsets and re-encode identically', () => {
    const { start, data } = commitLogFromStream();
    assert.equal(start, 0);
    const expected = JSON.parse(readVector('HA-replication-broker-a-0-ha', 'first_transfer_first3_messages.decoded.json')) as DecodedJson[];
    let offset = 0;
    let count = 0;
    while (offset + 4 <= data.length && offset + data.readInt32BE(offset) <= data.length) {
      const msg = decodeMessage(data, offset, { checkCRC: true });
      assert.equal(msg.commitLogOffset, start + offset);
      if (count < expected.length) assertMatchesJson(msg, expected[count]!);
      assert.ok(encodeStoredMessage(msg).equals(data.subarray(offset, offset + msg.storeSize)));
      offset += msg.storeSize;
      count++;
    }
    assert.ok(count >= 30, `decoded ${count} records`);
  });
});

describe('message accessors', () => {
  test('createMessage fills TAGS, KEYS and WAIT like the Java constructor', () => {
    const msg = createMessage('VecTopic', 'Hello', { tags: 'TagA', keys: ['K1', 'K2'], properties: { demoIndex: '1' } });
    assert.deepEqual(msg.properties, { TAGS: 'TagA', KEYS: 'K1 K2', WAIT: 'true', demoIndex: '1' });
    assert.equal(getTags(msg), 'TagA');
    assert.equal(getKeys(msg), 'K1 K2');
    assert.deepEqual(getKeyList(msg), ['K1', 'K2']);
    assert.equal(isWaitStoreMsgOK(msg), true);
    assert.equal(getDelayTimeLevel(msg), 0);
    setKeys(msg, 'single');
    assert.deepEqual(getKeyList(msg), ['single']);
    assert.equal(isWaitStoreMsgOK(createMessage('T', Buffer.alloc(0), { waitStoreMsgOK: false })), false);
    assert.equal(getDelayTimeLevel(createMessage('T', '', { properties: { DELAY: '3' } })), 3);
  });

  test('getClientMsgId prefers UNIQ_KEY over the offset id', () => {
    const stored = decodeMessages(frame('33-VIEW_MESSAGE_BY_ID', 'response.hex').body!)[0]!;
    assert.equal(getClientMsgId(stored), 'C0000202255C5FFD2B277B1608850000');
    assert.equal(getClientMsgId({ ...stored, properties: {} }), stored.msgId);
  });

  test('tagsHashCode is Java String.hashCode', () => {
    assert.equal(tagsHashCode(''), 0);
    assert.equal(tagsHashCode('a'), 97);
    assert.equal(tagsHashCode('hello'), 99162322);
    assert.equal(tagsHashCode('Aa'), tagsHashCode('BB'));
    assert.equal(tagsHashCode('polygenelubricants'), -2147483648);
    assert.equal(tagsHashCode('TagA'), 2598919);
    assert.equal(tagsHashCode('é'), 233);
    assert.equal(tagsHashCode('\u{1F600}'), 0xd83d * 31 + 0xde00);
  });
});
