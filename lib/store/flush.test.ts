import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogLevel } from '../common/log.ts';
import { decodeMessage } from '../protocol/message-codec.ts';
import { resetStoreIo, storeIo } from './io.ts';
import { MessageStore } from './message-store.ts';
import { inner, removeDir, smallConfig, tempStoreDir, waitFor } from './store-test-util.ts';

setLogLevel('error');

afterEach(() => resetStoreIo());

describe('SYNC_FLUSH', () => {
  test('an append is acknowledged only once fdatasync covers it, and concurrent appends share syncs', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir, { flushDiskType: 'SYNC_FLUSH', flushIntervalCommitLog: 3600_000 }));
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
      const s = await MessageStore.open(smallConfig(dir, { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 100, flushIntervalCommitLog: 3600_000 }));
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
      await waitFor(() => s.getFlushedPhyOffset() === s.getMaxPhyOffset(), 5000, 'background flush');
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });
});
