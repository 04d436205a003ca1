import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setLogLevel } from '../common/log.ts';
import { ConsumeQueue, type CqPut } from './consume-queue.ts';
import { removeDir, tempStoreDir } from './store-test-util.ts';

setLogLevel('error');

const FILE = 10 * 20; // 10 entries per file
const puts = (from: number, n: number, phyStart = from * 100): CqPut[] =>
  Array.from({ length: n }, (_, i) => ({ queueOffset: from + i, commitLogOffset: phyStart + i * 100, msgSize: 100, tagsCode: from + i - 5 }));

describe('ConsumeQueue', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));
  const open = (root?: string): ConsumeQueue => {
    const dir = root ?? tempStoreDir();
    if (!root) dirs.push(dir);
    const cq = new ConsumeQueue(dir, 'T', 0, FILE);
    cq.load();
    cq.recover();
    return cq;
  };

  /** A queue (files of 1,000 entries) holding 300 written entries, its file's reads counted, and an entry reader. */
  const queueOf300 = (t: TestContext) => {
    const dir = tempStoreDir();
    dirs.push(dir);
    const cq = new ConsumeQueue(dir, 'T', 0, 1000 * 20);
    cq.load();
    cq.recover();
    cq.putMessagePositionInfos(puts(0, 300));
    cq.commitPending();
    const fileReads = t.mock.method(cq.mfq.getFirstMappedFile()!, 'readSync').mock;
    const offsetsAt = (from: number, n: number): number[] => {
      const b = cq.getEntriesSync(from, n);
      return Array.from({ length: b.length / 20 }, (_, i) => Number(b.readBigInt64BE(i * 20)));
    };
    return { cq, fileReads, offsetsAt };
  };

  test('entries cross file boundaries and read back, including negative tags codes', async () => {
    const cq = open();
    cq.putMessagePositionInfos(puts(0, 25));
    assert.equal(cq.getMaxOffsetInQueue(), 25);
    assert.equal(fs.readdirSync(cq.storePath).length, 3);
    assert.deepEqual(cq.getUnitSync(13), { queueOffset: 13, commitLogOffset: 1300, size: 100, tagsCode: 8 });
    assert.equal(cq.getUnitSync(2)!.tagsCode, -3);
    const e = await cq.getEntries(8, 100);
    assert.equal(e.length, 2 * 20, 'a read stops at the end of its file');
    assert.equal(cq.rollNextFile(8), 10);
    assert.equal(cq.maxPhysicOffset, 2500);
  });

  test('recover finds the end after reopening; a replayed entry is skipped, a gap is filled with blanks', () => {
    const dir = tempStoreDir();
    dirs.push(dir);
    const a = open(dir);
    a.putMessagePositionInfos(puts(0, 17));
    a.shutdown();
    const b = open(dir);
    assert.equal(b.getMaxOffsetInQueue(), 17);
    assert.equal(b.maxPhysicOffset, 1700);
    b.putMessagePositionInfos(puts(15, 4)); // 15, 16 already there, 17 and 18 are new
    assert.equal(b.getMaxOffsetInQueue(), 19);
    b.putMessagePositionInfos(puts(21, 1));
    assert.equal(b.getMaxOffsetInQueue(), 22);
    assert.equal(b.getUnitSync(20)!.size, 0x7fffffff);
  });

  test('a new queue starting past 0 begins at its file and its min offset is its first entry', () => {
    const cq = open();
    cq.putMessagePositionInfos(puts(33, 3));
    assert.equal(cq.getMinOffsetInQueue(), 33);
    assert.equal(cq.getMaxOffsetInQueue(), 36);
    assert.deepEqual(fs.readdirSync(cq.storePath), [String(30 * 20).padStart(20, '0')]);
  });

  test('truncateDirtyLogicFiles drops entries beyond the commit log end', () => {
    const cq = open();
    cq.putMessagePositionInfos(puts(0, 25));
    cq.truncateDirtyLogicFiles(1250); // entries whose end passes 1250
    assert.equal(cq.getMaxOffsetInQueue(), 12);
    assert.equal(cq.maxPhysicOffset, 1200);
    assert.equal(fs.readdirSync(cq.storePath).length, 2);
    cq.putMessagePositionInfos(puts(12, 1));
    assert.equal(cq.getMaxOffsetInQueue(), 13);
  });

  test('deleteExpiredFile removes files behind the commit log min offset and corrects the min offset', () => {
    const cq = open();
    cq.putMessagePositionInfos(puts(0, 35));
    assert.equal(cq.deleteExpiredFile(2150), 2);
    assert.equal(cq.getMinOffsetInQueue(), 22, 'first entry at or after 2150 is 2200');
    assert.equal(fs.readdirSync(cq.storePath).length, 2);
    assert.equal(path.basename(cq.mfq.getFirstMappedFile()!.fileName), String(20 * 20).padStart(20, '0'));
  });

  test('pulls read entries from one read ahead; a rewrite, a cut or new entries past it read the file again', (t) => {
    const { cq, fileReads, offsetsAt } = queueOf300(t);
    for (let at = 0; at < 288; at += 32) assert.deepEqual(offsetsAt(at, 32), puts(at, 32).map((p) => p.commitLogOffset));
    assert.equal(fileReads.callCount(), 1, 'nine pulls of 32, one file read');
    const held = cq.getEntriesSync(40, 1);

    // a rewritten entry (a different message at a taken offset) is read from the file, not from the read-ahead
    cq.putMessagePositionInfos([{ queueOffset: 40, commitLogOffset: 999_900, msgSize: 100, tagsCode: 0 }]);
    assert.deepEqual(offsetsAt(40, 1), [999_900]);
    assert.equal(Number(held.readBigInt64BE(0)), 4000, 'entries handed out before keep their bytes');

    // entries written after the read-ahead was read
    cq.putMessagePositionInfos(puts(300, 20));
    cq.commitPending();
    assert.deepEqual(offsetsAt(290, 20), [...puts(290, 10), ...puts(300, 10)].map((p) => p.commitLogOffset));

    // a cut, then other messages at the same offsets
    assert.deepEqual(offsetsAt(96, 8), puts(96, 8).map((p) => p.commitLogOffset));
    cq.truncateDirtyLogicFiles(100 * 100);
    assert.equal(cq.getMaxOffsetInQueue(), 100);
    cq.putMessagePositionInfos(puts(100, 50, 500_000));
    cq.commitPending();
    assert.deepEqual(offsetsAt(96, 8), [9600, 9700, 9800, 9900, 500_000, 500_100, 500_200, 500_300]);
    const before = fileReads.callCount();
    assert.deepEqual(offsetsAt(104, 4), [500_400, 500_500, 500_600, 500_700]);
    assert.equal(fileReads.callCount(), before, 'served by the read-ahead of the new entries');
  });

  test('a read-ahead no pull used since the last release is dropped; one in use is kept', (t) => {
    const { cq, fileReads, offsetsAt } = queueOf300(t);
    assert.equal(cq.releaseIdleReadAhead(), 0, 'nothing read yet');
    assert.deepEqual(offsetsAt(0, 32), puts(0, 32).map((p) => p.commitLogOffset));
    assert.equal(cq.releaseIdleReadAhead(), 0, 'read since the last release: kept');
    assert.deepEqual(offsetsAt(32, 32), puts(32, 32).map((p) => p.commitLogOffset));
    assert.equal(cq.releaseIdleReadAhead(), 0, 'served a pull since the last release: kept');
    assert.equal(fileReads.callCount(), 1);
    assert.equal(cq.releaseIdleReadAhead(), 300 * 20, 'no pull since the last release: dropped');
    assert.equal(cq.releaseIdleReadAhead(), 0);
    assert.deepEqual(offsetsAt(64, 32), puts(64, 32).map((p) => p.commitLogOffset));
    assert.equal(fileReads.callCount(), 2, 'the next pull reads the file again');
  });

  test('offset by store time: LOWER and UPPER boundaries', async () => {
    const cq = open();
    cq.putMessagePositionInfos(puts(0, 20));
    const timeOf = async (phy: number) => 1000 + Math.floor(phy / 100 / 2) * 10; // two messages per 10 ms step
    assert.equal(await cq.getOffsetInQueueByTime(1030, 'LOWER', timeOf), 6);
    assert.equal(await cq.getOffsetInQueueByTime(1030, 'UPPER', timeOf), 7);
    assert.equal(await cq.getOffsetInQueueByTime(1035, 'LOWER', timeOf), 8);
    assert.equal(await cq.getOffsetInQueueByTime(1035, 'UPPER', timeOf), 7);
    assert.equal(await cq.getOffsetInQueueByTime(0, 'LOWER', timeOf), 0);
    assert.equal(await cq.getOffsetInQueueByTime(99999, 'LOWER', timeOf), 20);
    assert.equal(await cq.getOffsetInQueueByTime(99999, 'UPPER', timeOf), 19);
  });
});
