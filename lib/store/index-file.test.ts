import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setLogLevel } from '../common/log.ts';
import { IndexFile, indexKeyHash } from './index-file.ts';
import { IndexService } from './index-service.ts';
import { removeDir, tempStoreDir } from './store-test-util.ts';

setLogLevel('error');

describe('index', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeDir));
  const dir = (): string => {
    const d = tempStoreDir();
    dirs.push(d);
    return d;
  };

  test('key hash is |String.hashCode| as RocketMQ computes it', () => {
    assert.equal(indexKeyHash('hello'), 99162322);
    assert.equal(indexKeyHash('a'), 97);
    assert.equal(indexKeyHash('polygenelubricants'), 0, 'Integer.MIN_VALUE maps to 0');
  });

  test('keys are found newest first within a time range; colliding slots keep chains apart', async () => {
    const f = IndexFile.create(path.join(dir(), 'x'), 4, 100, 0, 0);
    const t = 1_700_000_000_000;
    for (let i = 0; i < 40; i++) f.putKey(`T#k${i % 5}`, i * 10, t + i * 1000);
    f.commit();
    const out: number[] = [];
    f.selectPhyOffset(out, 'T#k3', 100, 0, t + 100_000);
    assert.deepEqual(out, [380, 330, 280, 230, 180, 130, 80, 30]);
    const ranged: number[] = [];
    f.selectPhyOffset(ranged, 'T#k3', 100, t + 100_000 - 80_000, t + 30_000);
    assert.deepEqual(ranged, [280, 230]);
    const limited: number[] = [];
    f.selectPhyOffset(limited, 'T#k1', 2, 0, t + 100_000);
    assert.equal(limited.length, 2);
    await f.flush();
    f.close();
  });

  test('slots written after the last header flush are repaired on load (crash)', async () => {
    const d = dir();
    const name = path.join(d, 'idx');
    const f = IndexFile.create(name, 8, 100, 0, 0);
    for (let i = 0; i < 5; i++) f.putKey(`T#a`, i, 1000);
    await f.flush(); // header says 6 (5 entries)
    for (let i = 5; i < 9; i++) f.putKey(`T#a`, i, 1000);
    await f.flush(); // slots and entries reach the file...
    // ...but the header on disk still counts the first 5 (as if the process died before writing it).
    const hb = Buffer.alloc(4);
    hb.writeInt32BE(6, 0);
    const fd = fs.openSync(name, 'r+');
    fs.writeSync(fd, hb, 0, 4, 36);
    fs.closeSync(fd);
    f.close();
    const g = IndexFile.load(name, 8, 100, true);
    assert.equal(g.header.indexCount, 6);
    const out: number[] = [];
    g.selectPhyOffset(out, 'T#a', 100, 0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(out, [4, 3, 2, 1, 0]);
    g.putKey('T#a', 99, 2000);
    const again: number[] = [];
    g.selectPhyOffset(again, 'T#a', 100, 0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(again, [99, 4, 3, 2, 1, 0]);
    g.close();
  });

  test('the service rolls over full files, queries across them and deletes files behind the commit log', async () => {
    const d = dir();
    const svc = new IndexService(d, 16, 10);
    const t = Date.now();
    for (let i = 0; i < 50; i++) svc.buildIndex({ topic: 'T', commitLogOffset: i * 100, storeTimestamp: t + i, sysFlag: 0, keys: `k${i % 3}`, uniqKey: `U${i}` });
    svc.commit();
    assert.ok(svc.fileCount() >= 10);
    assert.deepEqual(svc.queryOffset('T', 'U42', 10, 0, t + 1000).phyOffsets, [4200]);
    assert.equal(svc.queryOffset('T', 'k1', 100, 0, t + 1000).phyOffsets.length, 17);
    assert.equal(svc.queryOffset('Other', 'U42', 10, 0, t + 1000).phyOffsets.length, 0);
    // A replay of messages already indexed adds nothing.
    svc.buildIndex({ topic: 'T', commitLogOffset: 4200, storeTimestamp: t + 42, sysFlag: 0, keys: undefined, uniqKey: 'U42' });
    assert.deepEqual(svc.queryOffset('T', 'U42', 10, 0, t + 1000).phyOffsets, [4200]);
    // Rolled-back transactions are not indexed.
    svc.buildIndex({ topic: 'T', commitLogOffset: 9000, storeTimestamp: t + 90, sysFlag: 0xc, keys: 'rb', uniqKey: undefined });
    assert.equal(svc.queryOffset('T', 'rb', 10, 0, t + 1000).phyOffsets.length, 0);
    const before = svc.fileCount();
    assert.ok(svc.deleteExpiredFile(2500) > 0);
    assert.ok(svc.fileCount() < before);
    assert.equal(svc.queryOffset('T', 'U1', 10, 0, t + 1000).phyOffsets.length, 0);
    assert.deepEqual(svc.queryOffset('T', 'U49', 10, 0, t + 1000).phyOffsets, [4900]);
    await svc.shutdown();
    const reloaded = new IndexService(d, 16, 10);
    reloaded.load();
    assert.equal(reloaded.getLastIndexedOffset(), 4900);
    assert.deepEqual(reloaded.queryOffset('T', 'U49', 10, 0, t + 1000).phyOffsets, [4900]);
    await reloaded.shutdown();
  });
});
