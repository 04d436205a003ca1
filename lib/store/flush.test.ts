import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogLevel } from '../common/log.ts';
import { decodeMessage } from '../protocol/message-codec.ts';
import { resetStoreIo, storeIo } from './io.ts';
import { MessageStore } from './message-store.ts';
import { waitFor } from '../common/wait-for.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from './store-test-util.ts';

setLogLevel('error');

afterEach(() => resetStoreIo());

describe('SYNC_FLUSH with group commit (syncFlushWithDsync=false)', () => {
  test('an append is acknowledged only once fdatasync covers it, and concurrent appends share syncs', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir, { flushDiskType: 'SYNC_FLUSH', syncFlushWithDsync: false, flushIntervalCommitLog: 3600_000 }));
      let syncs = 0;
      const real = storeIo.fdatasync;
      storeIo.fdatasync = async (fd) => {
        syncs++;
        await real(fd);
      };
      const puts = Array.from({ length: 300 }, (_, i) =>
        s.putMessage(inner('Sync', `s${i}`.padEnd(200, '.'))).then((r) => {
          // At the moment of the answer the bytes are durable.
          assert.ok(s.getFlushedPhyOffset() >= r.appendResult!.wroteOffset + r.appendResult!.wroteBytes);
          return r;
        }),
      );
      const results = await Promise.all(puts);
      assert.ok(results.every((r) => r.status === 'PUT_OK'));
      assert.ok(syncs >= 1 && syncs < 100, `group commit used ${syncs} syncs for 300 appends`);
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('an append whose sync does not finish in syncFlushTimeout reports FLUSH_DISK_TIMEOUT but is stored', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir, { flushDiskType: 'SYNC_FLUSH', syncFlushWithDsync: false, syncFlushTimeout: 100, flushIntervalCommitLog: 3600_000 }));
      const real = storeIo.fdatasync;
      let release!: () => void;
      const stalled = new Promise<void>((r) => (release = r));
      storeIo.fdatasync = async (fd) => {
        await stalled;
        await real(fd);
      };
      const r = await s.putMessage(inner('Slow', 'payload'));
      assert.equal(r.status, 'FLUSH_DISK_TIMEOUT');
      assert.ok(r.appendResult);
      const got = await s.getMessage('g', 'Slow', 0, 0, 1);
      assert.equal(decodeMessage(got.buffers[0]!).body.toString(), 'payload');
      // WAIT=false does not wait for the disk at all.
      const noWait = await s.putMessage(inner('Slow', 'fire and forget', { wait: false }));
      assert.equal(noWait.status, 'PUT_OK');
      release();
      await s.flush();
      assert.equal(s.getFlushedPhyOffset(), s.getMaxPhyOffset());
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });
});

/** open(2) flags of this process's descriptors of `file`, from /proc (Linux); null where /proc is not there. */
function openFlagsOf(file: string): number[] | null {
  if (!fs.existsSync('/proc/self/fd')) return null;
  const flags: number[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== file) continue;
    const m = /^flags:\s+([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    if (m) flags.push(parseInt(m[1]!, 8));
  }
  return flags;
}

describe('SYNC_FLUSH over O_DSYNC commit log files (the default)', () => {
  test('commit log files are opened with O_DSYNC, and only under SYNC_FLUSH on an ASYNC_MASTER', async (t) => {
    if (!fs.existsSync('/proc/self/fdinfo')) return t.skip('no /proc on this platform');
    // A SYNC_MASTER writes, replicates and fdatasyncs (group commit), so its slave gets bytes while the flush runs.
    const cases = [['SYNC_FLUSH', 'ASYNC_MASTER', true], ['ASYNC_FLUSH', 'ASYNC_MASTER', false], ['SYNC_FLUSH', 'SYNC_MASTER', false]] as const;
    for (const [flushDiskType, brokerRole, dsync] of cases) {
      const dir = tempStoreDir();
      try {
        const s = await MessageStore.open(smallConfig(dir, { flushDiskType, brokerRole }));
        assert.equal((await s.putMessage(inner('Dsync', 'x'))).status, 'PUT_OK');
        const flags = openFlagsOf(path.join(fs.realpathSync(dir), 'commitlog', '00000000000000000000'));
        assert.ok(flags && flags.length > 0, 'the commit log file is open');
        for (const f of flags!) assert.equal((f & fs.constants.O_DSYNC) !== 0, dsync, `${flushDiskType} ${brokerRole}: flags ${f.toString(8)}`);
        await s.shutdown();
      } finally {
        removeDir(dir);
      }
    }
  });

  test('an append is answered only when its write has returned, with no fdatasync; writes overlap', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir, { flushDiskType: 'SYNC_FLUSH', flushIntervalCommitLog: 3600_000 }));
      let syncs = 0;
      const realSync = storeIo.fdatasync;
      // Only the commit log's syncs count: consume queue, index and checkpoint flushes run on their own timers.
      storeIo.fdatasync = async (fd) => {
        if (fs.readlinkSync(`/proc/self/fd/${fd}`).includes(`${path.sep}commitlog${path.sep}`)) syncs++;
        await realSync(fd);
      };
      // Hold every commit log write until released, counting how many are in flight at once.
      const realWrite = storeIo.write;
      const held: Array<() => void> = [];
      let inFlight = 0;
      let maxInFlight = 0;
      storeIo.write = async (fd, buf, off, len, pos) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((r) => held.push(r));
        inFlight--;
        return realWrite(fd, buf, off, len, pos);
      };
      let answered = 0;
      const puts = Array.from({ length: 200 }, (_, i) =>
        s.putMessage(inner('Dsync', `d${i}`.padEnd(300, '.'))).then((r) => {
          answered++;
          assert.ok(s.getFlushedPhyOffset() >= r.appendResult!.wroteOffset + r.appendResult!.wroteBytes, 'durable when answered');
          return r;
        }),
      );
      await waitFor('writes in flight', () => held.length >= 2, 5000);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(answered, 0, 'nothing is answered while its write is held');
      while (answered < 200) {
        const next = held.shift();
        if (next) next();
        await new Promise((r) => setImmediate(r));
      }
      const results = await Promise.all(puts);
      assert.ok(results.every((r) => r.status === 'PUT_OK'));
      assert.ok(maxInFlight >= 2, `writes overlap (at most ${maxInFlight} at once)`);
      assert.equal(syncs, 0, 'no fdatasync was needed');
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('a write that does not return within syncFlushTimeout answers FLUSH_DISK_TIMEOUT; the record is kept', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir, { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 100, flushIntervalCommitLog: 3600_000 }));
      const realWrite = storeIo.write;
      let release!: () => void;
      const stalled = new Promise<void>((r) => (release = r));
      storeIo.write = async (fd, buf, off, len, pos) => {
        await stalled;
        return realWrite(fd, buf, off, len, pos);
      };
      const r = await s.putMessage(inner('Slow', 'payload'));
      assert.equal(r.status, 'FLUSH_DISK_TIMEOUT');
      release();
      const noWait = await s.putMessage(inner('Slow', 'fire and forget', { wait: false }));
      assert.equal(noWait.status, 'PUT_OK');
      const got = await s.getMessage('g', 'Slow', 0, 0, 2);
      assert.deepEqual(got.buffers.map((b) => decodeMessage(b).body.toString()), ['payload', 'fire and forget']);
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('when a later write fails first, the appends of the earlier write that succeeds are still answered PUT_OK', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir, { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 2000, flushIntervalCommitLog: 3600_000 }));
      const realWrite = storeIo.write;
      const held: Array<{ release: (fail: boolean) => void }> = [];
      storeIo.write = (fd, buf, off, len, pos) =>
        new Promise<number>((resolve, reject) => {
          held.push({
            release: (fail) => (fail ? reject(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' })) : resolve(realWrite(fd, buf, off, len, pos))),
          });
        });
      const results: Array<{ status: string; offset: number }> = [];
      const puts = Array.from({ length: 200 }, (_, i) =>
        s.putMessage(inner('Order', `o${i}`.padEnd(300, '.'))).then((r) => results.push({ status: r.status, offset: r.appendResult?.wroteOffset ?? -1 })),
      );
      await waitFor('two writes in flight', () => held.length >= 2, 5000);
      const [first, second] = held.splice(0, 2);
      second!.release(true);
      await new Promise((r) => setImmediate(r));
      first!.release(false);
      while (results.length < 200) {
        held.shift()?.release(true);
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(puts);
      const ok = results.filter((r) => r.status === 'PUT_OK');
      assert.ok(ok.length > 0, 'the first write\'s appends succeeded');
      assert.ok(ok.some((r) => r.offset === 0), 'they include the first record');
      assert.ok(results.every((r) => r.status === 'PUT_OK' || r.status === 'UNKNOWN_ERROR'), results.map((r) => r.status).join(','));
      resetStoreIo();
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('a failed write answers its appends with an error once, and later appends go through', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir, { flushDiskType: 'SYNC_FLUSH', flushIntervalCommitLog: 3600_000 }));
      const realWrite = storeIo.write;
      let fail = true;
      storeIo.write = async (fd, buf, off, len, pos) => {
        if (fail) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
        return realWrite(fd, buf, off, len, pos);
      };
      const failed = await Promise.all(Array.from({ length: 20 }, (_, i) => s.putMessage(inner('Fail', `f${i}`))));
      assert.ok(failed.every((r) => r.status === 'UNKNOWN_ERROR'), failed.map((r) => r.status).join(','));
      fail = false;
      const ok = await s.putMessage(inner('Fail', 'after'));
      assert.equal(ok.status, 'PUT_OK');
      assert.equal(ok.appendResult!.wroteOffset, 0, 'the failed records were rolled back');
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });
});

describe('write buffers', () => {
  test('a write starts only after every record in its buffer is encoded (buffer filled exactly)', async () => {
    const dir = tempStoreDir();
    try {
      const probe = await MessageStore.open(smallConfig(dir));
      const size = (await probe.putMessage(inner('Exact', 'x'.repeat(100)))).appendResult!.wroteBytes;
      await probe.shutdown();
      removeDir(dir);
      const s = await MessageStore.open(smallConfig(dir, { writeBufferSize: size * 4, writeBufferCount: 2 }));
      // The kernel may copy a buffer the moment a write is issued: write what the buffer holds at that moment.
      const real = storeIo.write;
      storeIo.write = (fd, buf, off, len, pos) => real(fd, Buffer.from(buf.subarray(off, off + len)), 0, len, pos);
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => s.putMessage(inner('Exact', `${i}`.padEnd(100, 'x')))));
      assert.ok(results.every((r) => r.status === 'PUT_OK' && r.appendResult!.wroteBytes === size));
      for (let i = 0; i < 12; i++) {
        const m = await s.lookMessageByOffset(results[i]!.appendResult!.wroteOffset);
        assert.equal(m?.body.toString(), `${i}`.padEnd(100, 'x'), `record ${i}`);
      }
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });
});

describe('ASYNC_FLUSH', () => {
  test('a flush with nothing to flush does not block later flushes', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir, { flushIntervalCommitLog: 3600_000 }));
      await s.flush();
      await s.flush();
      assert.equal((await s.putMessage(inner('Idle', 'after an empty flush'))).status, 'PUT_OK');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('flush did not finish in 5 s')), 5000)));
      await Promise.race([s.flush(), timeout]).finally(() => clearTimeout(timer));
      assert.equal(s.getFlushedPhyOffset(), s.getMaxPhyOffset());
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('appends are acknowledged from the page cache and flushed in the background', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir, { flushIntervalCommitLog: 20, flushCommitLogLeastPages: 0 }));
      const real = storeIo.fdatasync;
      let release!: () => void;
      const stalled = new Promise<void>((r) => (release = r));
      storeIo.fdatasync = async (fd) => {
        await stalled;
        await real(fd);
      };
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => s.putMessage(inner('Async', `a${i}`))));
      assert.ok(results.every((r) => r.status === 'PUT_OK'), 'no append waited for the stalled disk');
      assert.ok(s.getFlushedPhyOffset() < s.getMaxPhyOffset());
      release();
      await waitFor('background flush', () => s.getFlushedPhyOffset() === s.getMaxPhyOffset(), 5000);
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });
});
