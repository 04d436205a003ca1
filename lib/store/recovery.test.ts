import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setLogLevel } from '../common/log.ts';
import { decodeMessage } from '../protocol/message-codec.ts';
import { MessageStore } from './message-store.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from './store-test-util.ts';

setLogLevel('error');

/** What a kill -9 leaves: the files as they are now (page cache included), abort file present, owner gone. */
function crashCopy(dir: string): string {
  const copy = tempStoreDir('rd-crash-');
  fs.cpSync(dir, copy, { recursive: true });
  fs.rmSync(path.join(copy, 'lock'), { force: true });
  assert.ok(fs.existsSync(path.join(copy, 'abort')));
  return copy;
}

async function bodiesInQueue(store: MessageStore, topic: string, queueId: number): Promise<string[]> {
  const out: string[] = [];
  for (let offset = store.getMinOffsetInQueue(topic, queueId); offset < store.getMaxOffsetInQueue(topic, queueId); ) {
    const r = await store.getMessage('g', topic, queueId, offset, 32);
    assert.equal(r.status, 'FOUND');
    for (const b of r.buffers) out.push(decodeMessage(b).body.toString());
    offset = r.nextBeginOffset;
  }
  return out;
}

/** Commit log file and position of a commit log offset. */
function locate(dir: string, offset: number, fileSize = 64 * 1024): { file: string; pos: number } {
  const start = offset - (offset % fileSize);
  return { file: path.join(dir, 'commitlog', String(start).padStart(20, '0')), pos: offset - start };
}

function writeAt(file: string, pos: number, data: Buffer): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, data, 0, data.length, pos);
  fs.closeSync(fd);
}

const cfg = (dir: string) => smallConfig(dir, { flushIntervalConsumeQueue: 3600_000, flushIntervalCommitLog: 3600_000 });

describe('recovery after a crash', () => {
  test('an empty newest segment (killed between creating and sizing it) is dropped and nothing is lost', async () => {
    const dir = tempStoreDir();
    const copies: string[] = [];
    try {
      const s = await MessageStore.open(cfg(dir));
      const bodies = Array.from({ length: 40 }, (_, i) => `e${i}`.padEnd(300, '-'));
      for (const [i, b] of bodies.entries()) assert.equal((await s.putMessage(inner('Empty', b, { queueId: i % 2 }))).status, 'PUT_OK');
      const copy = crashCopy(dir);
      copies.push(copy);
      await s.shutdown();
      const files = fs.readdirSync(path.join(copy, 'commitlog')).sort();
      const next = Number(files[files.length - 1]) + 64 * 1024;
      fs.writeFileSync(path.join(copy, 'commitlog', String(next).padStart(20, '0')), Buffer.alloc(0));

      const r = await MessageStore.open(cfg(copy));
      const got = [...(await bodiesInQueue(r, 'Empty', 0)), ...(await bodiesInQueue(r, 'Empty', 1))].sort();
      assert.deepEqual(got, [...bodies].sort());
      assert.equal((await r.putMessage(inner('Empty', 'after', { queueId: 0 }))).status, 'PUT_OK');
      await r.shutdown();
    } finally {
      removeDir(dir);
      for (const c of copies) removeDir(c);
    }
  });

  test('every acknowledged message is back, once, through its consume queue and the index', async () => {
    const dir = tempStoreDir();
    const copies: string[] = [];
    try {
      const s = await MessageStore.open(cfg(dir));
      const bodies = Array.from({ length: 300 }, (_, i) => `c${i}`.padEnd(400 + (i % 5) * 90, '='));
      const results = await Promise.all(bodies.map((b, i) => s.putMessage(inner('Crash', b, { queueId: i % 4, keys: `key-${i}` }))));
      assert.ok(results.every((r) => r.status === 'PUT_OK'));
      const copy = crashCopy(dir);
      copies.push(copy);
      await s.shutdown();

      const r = await MessageStore.open(cfg(copy));
      assert.equal(r.recovery.lastExitOK, false);
      assert.equal(r.recovery.replayed, 300, 'the checkpoint never moved, so everything is replayed');
      for (let q = 0; q < 4; q++) assert.deepEqual(await bodiesInQueue(r, 'Crash', q), bodies.filter((_, i) => i % 4 === q));
      for (const i of [0, 150, 299]) {
        const found = await r.queryMessage('Crash', `key-${i}`, 32, 0, Date.now() + 1000);
        assert.equal(found.buffers.length, 1, `key-${i} indexed exactly once`);
      }
      const next = await r.putMessage(inner('Crash', 'after', { queueId: 0 }));
      assert.equal(next.appendResult!.logicsOffset, 75);
      await r.shutdown();
    } finally {
      removeDir(dir);
      copies.forEach(removeDir);
    }
  });

  test('a half-written last record is cut off and the log continues from there', async () => {
    const dir = tempStoreDir();
    let copy = '';
    try {
      const s = await MessageStore.open(cfg(dir));
      const bodies = Array.from({ length: 40 }, (_, i) => `t${i}`.padEnd(1000, 'x'));
      for (const b of bodies) await s.putMessage(inner('Torn', b));
      const lastGood = s.getMaxPhyOffset();
      // A record that was being written when the process died: its first half reached the file.
      const extra = await s.putMessage(inner('Torn', 'z'.repeat(1500)));
      const whole = (await s.selectOneMessageByOffset(extra.appendResult!.wroteOffset))!;
      copy = crashCopy(dir);
      await s.shutdown();
      const at = locate(copy, lastGood);
      writeAt(at.file, at.pos, Buffer.alloc(whole.length)); // wipe the complete copy of it
      writeAt(at.file, at.pos, whole.subarray(0, whole.length >> 1)); // and leave half
      const cq = path.join(copy, 'consumequeue', 'Torn', '0', '00000000000000000000');
      assert.ok(fs.existsSync(cq));

      const r = await MessageStore.open(cfg(copy));
      assert.equal(r.getMaxPhyOffset(), lastGood);
      assert.equal(r.getMaxOffsetInQueue('Torn', 0), 40, 'the consume queue entry of the torn record is gone');
      assert.deepEqual(await bodiesInQueue(r, 'Torn', 0), bodies);
      const again = await r.putMessage(inner('Torn', 'fresh'));
      assert.equal(again.appendResult!.wroteOffset, lastGood);
      assert.equal(again.appendResult!.logicsOffset, 40);
      await r.shutdown();
      const r2 = await MessageStore.open(cfg(copy));
      assert.equal(r2.recovery.lastExitOK, true);
      assert.deepEqual(await bodiesInQueue(r2, 'Torn', 0), [...bodies, 'fresh']);
      await r2.shutdown();
    } finally {
      removeDir(dir);
      if (copy) removeDir(copy);
    }
  });

  test('a record with a bad body CRC ends the log, and records after a hole are not resurrected later', async () => {
    const dir = tempStoreDir();
    let copy = '';
    try {
      const s = await MessageStore.open(cfg(dir));
      const offsets: number[] = [];
      for (let i = 0; i < 30; i++) offsets.push((await s.putMessage(inner('Crc', `v${i}`.padEnd(500, '-')))).appendResult!.wroteOffset);
      copy = crashCopy(dir);
      await s.shutdown();
      // Flip a body byte of message 20: it and everything after it are dropped.
      const at = locate(copy, offsets[20]! + 200);
      const b = Buffer.alloc(1);
      const fd = fs.openSync(at.file, 'r+');
      fs.readSync(fd, b, 0, 1, at.pos);
      b[0]! ^= 0xff;
      fs.writeSync(fd, b, 0, 1, at.pos);
      fs.closeSync(fd);

      const r = await MessageStore.open(cfg(copy));
      assert.equal(r.getMaxPhyOffset(), offsets[20]);
      assert.equal(r.getMaxOffsetInQueue('Crc', 0), 20);
      // A new record ending exactly where the old record 21 began: old 21.. must not come back after a crash.
      const overhead = offsets[1]! - offsets[0]! - 500;
      const fill = offsets[21]! - offsets[20]!;
      const p = await r.putMessage(inner('Crc', 'p'.repeat(fill - overhead)));
      assert.equal(p.appendResult!.wroteOffset + p.appendResult!.wroteBytes, offsets[21]);
      const copy2 = crashCopy(copy);
      await r.shutdown();
      const r2 = await MessageStore.open(cfg(copy2));
      assert.equal(r2.getMaxPhyOffset(), offsets[21]);
      assert.equal(r2.getMaxOffsetInQueue('Crc', 0), 21);
      const bodies = await bodiesInQueue(r2, 'Crc', 0);
      assert.equal(bodies.at(-1), 'p'.repeat(fill - overhead));
      await r2.shutdown();
      removeDir(copy2);
    } finally {
      removeDir(dir);
      if (copy) removeDir(copy);
    }
  });

  test('consume queues and index are rebuilt from the commit log when their directory is gone', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(cfg(dir));
      const bodies = Array.from({ length: 120 }, (_, i) => `q${i}`);
      await Promise.all(bodies.map((b, i) => s.putMessage(inner(i % 2 ? 'Odd' : 'Even', b, { uniqKey: `UK${i}` }))));
      await s.shutdown();
      fs.rmSync(path.join(dir, 'consumequeue'), { recursive: true });
      fs.rmSync(path.join(dir, 'index'), { recursive: true });
      const r = await MessageStore.open(cfg(dir));
      assert.equal(r.recovery.replayed, 120);
      assert.deepEqual(await bodiesInQueue(r, 'Even', 0), bodies.filter((_, i) => i % 2 === 0));
      assert.deepEqual(await bodiesInQueue(r, 'Odd', 0), bodies.filter((_, i) => i % 2 === 1));
      assert.equal((await r.queryMessage('Odd', 'UK99', 4, 0, Date.now() + 1000)).buffers.length, 1);
      await r.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('after a crash with a recent checkpoint only the tail is replayed', async () => {
    const dir = tempStoreDir();
    let copy = '';
    try {
      const s = await MessageStore.open(cfg(dir));
      await Promise.all(Array.from({ length: 100 }, (_, i) => s.putMessage(inner('Cp', `a${i}`))));
      await s.flush();
      await Promise.all(Array.from({ length: 7 }, (_, i) => s.putMessage(inner('Cp', `b${i}`))));
      copy = crashCopy(dir);
      await s.shutdown();
      const r = await MessageStore.open(cfg(copy));
      assert.equal(r.recovery.replayed, 7);
      assert.equal(r.getMaxOffsetInQueue('Cp', 0), 107);
      assert.equal((await bodiesInQueue(r, 'Cp', 0)).length, 107);
      await r.shutdown();
    } finally {
      removeDir(dir);
      if (copy) removeDir(copy);
    }
  });
});
