import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { StoreCheckpoint } from './checkpoint.ts';
import { resolveMessageStoreConfig, storePaths } from './config.ts';
import { removeDir, tempStoreDir } from './store-test-util.ts';

describe('message store config', () => {
  test('defaults are RocketMQ defaults; the commit log follows the root', () => {
    const c = resolveMessageStoreConfig({ storePathRootDir: '/data/store' });
    assert.equal(c.mappedFileSizeCommitLog, 1024 * 1024 * 1024);
    assert.equal(c.mappedFileSizeConsumeQueue, 300000 * 20);
    assert.equal(c.flushDiskType, 'ASYNC_FLUSH');
    assert.equal(c.flushIntervalCommitLog, 500);
    assert.equal(c.syncFlushTimeout, 5000);
    assert.equal(c.fileReservedTime, 72);
    assert.equal(c.deleteWhen, '04');
    assert.equal(c.diskMaxUsedSpaceRatio, 75);
    assert.equal(c.maxMessageSize, 4 * 1024 * 1024);
    assert.equal(c.maxHashSlotNum, 5000000);
    assert.equal(c.maxIndexNum, 20000000);
    assert.equal(c.storePathCommitLog, '/data/store/commitlog');
    assert.deepEqual(storePaths(c), {
      commitLog: '/data/store/commitlog',
      consumeQueue: '/data/store/consumequeue',
      index: '/data/store/index',
      checkpoint: '/data/store/checkpoint',
      abort: '/data/store/abort',
      lock: '/data/store/lock',
    });
  });

  test('unknown keys and bad values are errors that name them', () => {
    assert.throws(() => resolveMessageStoreConfig({ mappedFileSizeCommitlog: 1 } as never), /unknown message store config key: mappedFileSizeCommitlog/);
    assert.throws(() => resolveMessageStoreConfig({ flushDiskType: 'FAST' as never }), /flushDiskType/);
    assert.throws(() => resolveMessageStoreConfig({ mappedFileSizeConsumeQueue: 1001 }), /multiple of 20/);
    assert.throws(() => resolveMessageStoreConfig({ maxMessageSize: '4m' as never }), /maxMessageSize must be a number/);
    assert.throws(() => resolveMessageStoreConfig({ deleteWhen: 'four' }), /deleteWhen/);
    assert.throws(() => resolveMessageStoreConfig({ collectAfterDrainBytes: -1 }), /collectAfterDrainBytes must be a non-negative number/);
  });
});

describe('checkpoint', () => {
  test('round-trips, keeps RocketMQ fields at their offsets, and ignores a torn write', async () => {
    const dir = tempStoreDir();
    try {
      const file = path.join(dir, 'checkpoint');
      const a = new StoreCheckpoint(file);
      assert.equal(a.valid, false);
      a.physicMsgTimestamp = 1_700_000_000_123;
      a.physicOffset = 123456789;
      a.logicsOffset = 1000;
      a.indexOffset = 900;
      await a.flush();
      await a.shutdown();
      const raw = fs.readFileSync(file);
      assert.equal(raw.length, 4096);
      assert.equal(Number(raw.readBigInt64BE(0)), 1_700_000_000_123);
      const b = new StoreCheckpoint(file);
      assert.equal(b.valid, true);
      assert.deepEqual([b.physicOffset, b.logicsOffset, b.indexOffset], [123456789, 1000, 900]);
      await b.shutdown();
      raw[70] ^= 1;
      fs.writeFileSync(file, raw);
      const c = new StoreCheckpoint(file);
      assert.equal(c.valid, false);
      await c.shutdown();
    } finally {
      removeDir(dir);
    }
  });
});
