import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setLogLevel } from '../common/log.ts';
import { decodeMessage } from '../protocol/message-codec.ts';
import { resetStoreIo, storeIo } from './io.ts';
import { MessageStore } from './message-store.ts';
import { isItTimeToDo } from './retention.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from './store-test-util.ts';

setLogLevel('error');
afterEach(() => resetStoreIo());

const HOUR = 3600_000;

function age(dir: string, hours: number, keepLast = 1): void {
  const files = fs.readdirSync(dir).sort();
  const old = (Date.now() - hours * HOUR) / 1000;
  for (const f of files.slice(0, files.length - keepLast)) fs.utimesSync(path.join(dir, f), old, old);
}

async function fill(s: MessageStore, n: number, topic = 'Ret'): Promise<void> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => s.putMessage(inner(topic, `r${i}`.padEnd(900, '~'), { keys: `k${i}` }))));
  assert.ok(results.every((r) => r.status === 'PUT_OK'));
}

describe('retention', () => {
  test('deleteWhen hours', () => {
    const at4 = new Date(2024, 0, 1, 4, 30).getTime();
    assert.equal(isItTimeToDo('04', at4), true);
    assert.equal(isItTimeToDo('03;04', at4), true);
    assert.equal(isItTimeToDo('05', at4), false);
  });

  test('expired commit log files go at deleteWhen; queues, index and min offsets follow', async () => {
    const dir = tempStoreDir();
    let now = new Date(2024, 0, 1, 12, 0).getTime();
    try {
      const s = await MessageStore.open(smallConfig(dir, { fileReservedTime: 1, deleteWhen: '04', maxIndexNum: 100 }), {
        now: () => now,
        diskUsageRatio: () => 0.3,
      });
      await fill(s, 400);
      const clDir = path.join(dir, 'commitlog');
      const before = fs.readdirSync(clDir).length;
      assert.ok(before >= 5);
      const indexFilesBefore = fs.readdirSync(path.join(dir, 'index')).length;
      assert.ok(indexFilesBefore >= 3, 'index rolled over');
      age(clDir, 2);
      now = Date.now();
      // Not the deleteWhen hour: nothing goes.
      if (!isItTimeToDo('04', now)) assert.equal(s.runRetention().commitLogFilesDeleted, 0);
      // At the hour: every expired file but the last.
      const tomorrow = new Date(Date.now() + 24 * HOUR);
      now = new Date(tomorrow.setHours(4, 10, 0, 0)).getTime();
      const round = s.runRetention();
      assert.equal(round.commitLogFilesDeleted, Math.min(before - 1, 10));
      const minPhy = s.getMinPhyOffset();
      assert.ok(minPhy > 0);
      assert.equal(Number(fs.readdirSync(clDir).sort()[0]), minPhy);
      assert.ok(round.consumeQueueFilesDeleted > 0);
      assert.ok(round.indexFilesDeleted > 0);
      const min = s.getMinOffsetInQueue('Ret', 0);
      assert.ok(min > 0);
      const tooSmall = await s.getMessage('g', 'Ret', 0, 0, 8);
      assert.equal(tooSmall.status, 'OFFSET_TOO_SMALL');
      assert.equal(tooSmall.nextBeginOffset, min);
      const first = await s.getMessage('g', 'Ret', 0, min, 1);
      assert.equal(first.status, 'FOUND');
      assert.ok(decodeMessage(first.buffers[0]!).commitLogOffset >= minPhy);
      assert.ok((await s.getEarliestMessageTime('Ret', 0)) > 0);
      assert.equal((await s.queryMessage('Ret', 'k0', 4, 0, Date.now() + 1000)).buffers.length, 0);
      assert.equal((await s.queryMessage('Ret', 'k399', 4, 0, Date.now() + 1000)).buffers.length, 1);
      await s.shutdown();
      const again = await MessageStore.open(smallConfig(dir, { maxIndexNum: 100 }));
      assert.equal(again.getMinOffsetInQueue('Ret', 0), min);
      assert.equal(again.getMinPhyOffset(), minPhy);
      await again.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('a nearly full disk deletes unexpired files at any hour, and a full disk refuses appends', async () => {
    const dir = tempStoreDir();
    let ratio = 0.3;
    try {
      const s = await MessageStore.open(smallConfig(dir, { fileReservedTime: 72, deleteWhen: '04', deleteFileBatchMax: 2 }), {
        diskUsageRatio: () => ratio,
        now: () => new Date(2024, 0, 1, 12).getTime(),
      });
      await fill(s, 300);
      const files = fs.readdirSync(path.join(dir, 'commitlog')).length;
      assert.equal(s.runRetention().commitLogFilesDeleted, 0);
      ratio = 0.8; // past diskMaxUsedSpaceRatio: only expired files may go, none is
      assert.equal(s.runRetention().commitLogFilesDeleted, 0);
      ratio = 0.87; // past diskSpaceCleanForciblyRatio: unexpired files go too, a batch at a time
      assert.equal(s.runRetention().commitLogFilesDeleted, 2);
      assert.equal(fs.readdirSync(path.join(dir, 'commitlog')).length, files - 2);
      assert.equal((await s.putMessage(inner('Ret', 'still ok'))).status, 'PUT_OK');
      ratio = 0.95; // past diskSpaceWarningLevelRatio: appends are refused
      s.runRetention();
      const refused = await s.putMessage(inner('Ret', 'no room'));
      assert.equal(refused.status, 'SERVICE_NOT_AVAILABLE');
      assert.match(refused.remark!, /disk full/);
      assert.equal(s.getRuntimeStats().writeable, false);
      ratio = 0.5;
      s.runRetention();
      assert.equal((await s.putMessage(inner('Ret', 'room again'))).status, 'PUT_OK');
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('a write that hits ENOSPC fails those appends cleanly and leaves the log consistent', async () => {
    const dir = tempStoreDir();
    let ratio = 0.3;
    try {
      const s = await MessageStore.open(smallConfig(dir), { diskUsageRatio: () => ratio });
      await fill(s, 20, 'Full');
      const real = storeIo.write;
      const realSync = storeIo.writeSync;
      let failures = 0;
      const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      // The next commit log write (small ones are synchronous) stores half its data, then the disk is full.
      storeIo.write = async (fd, buf, off, len, pos) => {
        if (failures++ < 1) {
          await real(fd, buf, off, len >> 1, pos);
          throw enospc();
        }
        return real(fd, buf, off, len, pos);
      };
      storeIo.writeSync = (fd, buf, off, len, pos) => {
        if (failures++ < 1) {
          realSync(fd, buf, off, len >> 1, pos);
          throw enospc();
        }
        return realSync(fd, buf, off, len, pos);
      };
      const failed = await Promise.all(Array.from({ length: 10 }, (_, i) => s.putMessage(inner('Full', `lost${i}`))));
      assert.ok(failed.every((r) => r.status === 'SERVICE_NOT_AVAILABLE' && /disk full/.test(r.remark!)), JSON.stringify(failed[0]));
      assert.equal((await s.putMessage(inner('Full', 'refused'))).status, 'SERVICE_NOT_AVAILABLE');
      assert.equal(s.getMaxOffsetInQueue('Full', 0), 20);
      s.runRetention(); // space is back (ratio 0.3)
      const ok = await s.putMessage(inner('Full', 'after'));
      assert.equal(ok.status, 'PUT_OK');
      assert.equal(ok.appendResult!.logicsOffset, 20, 'queue offsets of the failed appends are reused');
      const copy = tempStoreDir('rd-crash-');
      fs.cpSync(dir, copy, { recursive: true });
      fs.rmSync(path.join(copy, 'lock'));
      await s.shutdown();
      const r = await MessageStore.open(smallConfig(copy));
      assert.equal(r.getMaxOffsetInQueue('Full', 0), 21);
      const last = await r.getMessage('g', 'Full', 0, 20, 1);
      assert.equal(decodeMessage(last.buffers[0]!).body.toString(), 'after');
      await r.shutdown();
      removeDir(copy);
      ratio = 0;
    } finally {
      removeDir(dir);
    }
  });
});
