// HA stream codec against the captured 4.9.8 master/slave stream: reports, transfer headers, heartbeats and the
// commit log records in the first transfer; the record framer on the same bytes cut at every boundary.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeMessage } from '../../protocol/message-codec.ts';
import { encodeReport, encodeTransferHeader, HAProtocolError, ReportDecoder, TransferDecoder, type Transfer } from './codec.ts';
import { RecordFramer } from './record-framer.ts';

const DIR = new URL('../../protocol/fixtures/vectors/HA-replication-broker-a-0-ha/', import.meta.url);
const hex = (name: string): Buffer => Buffer.from(readFileSync(new URL(name, DIR), 'utf8').trim(), 'hex');
const masterToSlave = hex('master_to_slave.first8192.hex');
const slaveToMaster = hex('slave_to_master.first4096.hex');
const firstMessages = JSON.parse(readFileSync(new URL('first_transfer_first3_messages.decoded.json', DIR), 'utf8')) as Array<{
  totalSize: number; commitLogOffset: number; queueId: number; body: string; topic: string; properties: Record<string, string>;
}>;
/** The 4.9.8 broker of the capture writes 1 GiB commit log files. */
const FILE_SIZE = 1024 * 1024 * 1024;

/** Feeds `bytes` to `push` in pieces of `step` bytes. */
function inPieces<T>(bytes: Buffer, step: number, push: (b: Buffer) => T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < bytes.length; i += step) out.push(...push(bytes.subarray(i, i + step)));
  return out;
}

describe('HA wire codec (captured 4.9.8 stream)', () => {
  test('slave reports: 8-byte offsets, heartbeats of 0 first, then the offsets it reached', () => {
    const seen: number[] = [];
    const d = new ReportDecoder();
    for (let i = 0; i < slaveToMaster.length; i += 8) seen.push(d.push(slaveToMaster.subarray(i, i + 8))!);
    assert.equal(seen.length, 64);
    assert.deepEqual(seen.slice(0, 8), [0, 0, 0, 0, 0, 2120, 9000, 18675]);
    assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]!), 'reports never go back');
    assert.equal(seen.at(-1), 0x37ee0);
    assert.deepEqual(encodeReport(2120), slaveToMaster.subarray(40, 48));
  });

  test('only the newest complete report counts; a partial one waits for its bytes', () => {
    const d = new ReportDecoder();
    assert.equal(d.push(slaveToMaster.subarray(0, 61)), 0x2328);
    assert.equal(d.push(slaveToMaster.subarray(61, 63)), undefined);
    assert.equal(d.push(slaveToMaster.subarray(63, 72)), 0x49ca);
  });

  test('master transfers: heartbeats (size 0) then commit log bytes from offset 0, whatever the chunking', () => {
    for (const step of [1, 7, 12, 13, 1000, masterToSlave.length]) {
      const d = new TransferDecoder();
      const transfers: Transfer[] = inPieces(masterToSlave, step, (b) => d.push(b));
      assert.deepEqual(transfers.map((t) => [t.phyOffset, t.body.length]), [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 2120]], `step ${step}`);
      // The second data transfer (offset 2120, 6880 bytes) is cut by the capture's 8192-byte limit: its header is
      // read, its body bytes wait.
      assert.equal(d.pendingBytes, masterToSlave.length - 5 * 12 - 12 - 2120 - 12, `step ${step}`);
    }
    assert.deepEqual(encodeTransferHeader(0, 2120), masterToSlave.subarray(60, 72));
    assert.deepEqual(encodeTransferHeader(0, 0), masterToSlave.subarray(0, 12));
  });

  test('the first transfer holds the first stored messages, byte for byte', () => {
    const [t] = new TransferDecoder().push(masterToSlave.subarray(60));
    let pos = 0;
    for (const want of firstMessages) {
      const m = decodeMessage(t!.body, pos);
      assert.equal(m.storeSize, want.totalSize);
      assert.equal(m.commitLogOffset, want.commitLogOffset);
      assert.equal(m.topic, want.topic);
      assert.equal(m.queueId, want.queueId);
      assert.equal(m.body.toString('utf8'), want.body);
      assert.deepEqual(m.properties, want.properties);
      pos += m.storeSize;
    }
  });

  test('a bad header is refused', () => {
    assert.throws(() => new TransferDecoder(1024).push(encodeTransferHeader(0, 4096)), HAProtocolError);
    const neg = Buffer.alloc(12, 0xff);
    assert.throws(() => new TransferDecoder().push(neg), HAProtocolError);
    assert.throws(() => new ReportDecoder().push(Buffer.alloc(8, 0xff)), HAProtocolError);
  });
});

describe('record framer', () => {
  // Commit log bytes of the first transfer and the start of the second, without the transfer headers.
  const stream = Buffer.concat([masterToSlave.subarray(72, 72 + 2120), masterToSlave.subarray(72 + 2120 + 12)]);

  test('returns whole records only, however the bytes are cut, in one contiguous run', () => {
    for (const step of [1, 50, 211, 212, 213, 4096, stream.length]) {
      const f = new RecordFramer(0, FILE_SIZE);
      let expected = 0;
      let out = 0;
      for (let i = 0; i < stream.length; i += step) {
        const chunk = f.push([stream.subarray(i, i + step)]);
        if (!chunk) continue;
        assert.equal(chunk.offset, expected);
        // Every run ends on a record boundary: decoding it record by record lands exactly on its end.
        let pos = 0;
        while (pos < chunk.data.length) {
          const m = decodeMessage(chunk.data, pos, { readBody: false });
          assert.equal(m.commitLogOffset, chunk.offset + pos);
          pos += m.storeSize;
        }
        assert.equal(pos, chunk.data.length);
        expected += chunk.data.length;
        out += chunk.data.length;
      }
      assert.equal(out + f.pendingBytes, stream.length, `step ${step}`);
      assert.equal(f.end, stream.length);
      assert.ok(out >= 2120, `step ${step}: the first transfer's records came out`);
    }
  });

  test('an end-of-file marker completes with the zeros after it; the next file starts after them', () => {
    const fileSize = 1024;
    const rec = stream.subarray(0, 212);
    const blank = Buffer.alloc(fileSize - 4 * 212);
    blank.writeInt32BE(blank.length, 0);
    blank.writeInt32BE(-875286124, 4);
    const f = new RecordFramer(0, fileSize);
    const first = Buffer.concat([rec, stream.subarray(212, 848)]);
    assert.equal(f.push([first])!.data.length, 848);
    assert.equal(f.push([blank.subarray(0, 100)]), undefined);
    const done = f.push([blank.subarray(100)]);
    assert.deepEqual([done!.offset, done!.data.length], [848, blank.length]);
    assert.equal(f.end, fileSize);
  });

  test('bytes that are not records, a record that lies about its offset, or a wrong file size are errors', () => {
    assert.throws(() => new RecordFramer(0, FILE_SIZE).push([Buffer.alloc(64, 1)]), /not a commit log record/);
    assert.throws(() => new RecordFramer(212, FILE_SIZE).push([stream.subarray(0, 212)]), /says it sits at 0/);
    const blank = Buffer.alloc(8);
    blank.writeInt32BE(100, 0);
    blank.writeInt32BE(-875286124, 4);
    assert.throws(() => new RecordFramer(0, 4096).push([blank]), /same mappedFileSizeCommitLog/);
  });
});
