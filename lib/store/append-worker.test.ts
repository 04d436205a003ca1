import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setLogLevel } from '../common/log.ts';
import { bodyCrc32, calMsgLength, decodeMessage, hostSysFlag, writeStoredRecord, type StoredMessageFields } from '../protocol/message-codec.ts';
import { AppendWorker } from './append-worker.ts';
import { MessageStore } from './message-store.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from './store-test-util.ts';

setLogLevel('error');

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));
const dir = (): string => {
  const d = tempStoreDir('rd-append-worker-');
  dirs.push(d);
  return d;
};

/** Encodes records with their CRCs left out into `buf`; returns the byte count and the CRC triples. */
function encodeWithoutCrcs(buf: Buffer, bodies: Buffer[]): { length: number; crcs: number[] } {
  let at = 0;
  const crcs: number[] = [];
  for (const [i, body] of bodies.entries()) {
    const msg: StoredMessageFields = {
      topic: 'T',
      properties: {},
      queueId: 0,
      flag: 0,
      body,
      sysFlag: 0,
      bornTimestamp: 1_700_000_000_000,
      bornHost: { address: '127.0.0.1', port: 1 },
      storeTimestamp: 1_700_000_000_001,
      storeHost: { address: '127.0.0.1', port: 2 },
      queueOffset: i,
      commitLogOffset: at,
    };
    const properties = '';
    const sysFlag = hostSysFlag(0, msg.bornHost, msg.storeHost);
    const size = calMsgLength(sysFlag, body.length, 1, 0);
    const bodyAt = writeStoredRecord(buf, at, msg, { size, sysFlag, topicLength: 1, properties, propertiesLength: 0 }, true, true);
    assert.equal(buf.readInt32BE(at + 8), 0, 'the CRC is left for later');
    crcs.push(at + 8, bodyAt, body.length);
    at += size;
  }
  return { length: at, crcs };
}

describe('append worker', () => {
  test('fills in every body CRC and writes the buffer at the position given', async () => {
    const w = new AppendWorker(2, 64 * 1024, calMsgLength(0, 0, 1, 0));
    const file = path.join(dir(), 'segment');
    const fd = fs.openSync(file, 'w+');
    try {
      const bodies = Array.from({ length: 40 }, (_, i) => Buffer.from(`body ${i} `.repeat(i + 1)));
      const buf = w.buffer(1);
      const { length, crcs } = encodeWithoutCrcs(buf, bodies);
      await w.checksumAndWrite(buf, crcs, length, fd, 4096);
      const written = Buffer.alloc(length);
      fs.readSync(fd, written, 0, length, 4096);
      let at = 0;
      for (const body of bodies) {
        const m = decodeMessage(written, at, { checkCRC: true });
        assert.deepEqual(m.body, body);
        assert.equal(m.bodyCRC, bodyCrc32(body));
        at += m.storeSize;
      }
      assert.equal(at, length);
    } finally {
      fs.closeSync(fd);
      await w.close();
    }
  });

  test('a failed write rejects with its errno code and the thread goes on with the next job', async () => {
    const w = new AppendWorker(2, 64 * 1024, calMsgLength(0, 0, 1, 0));
    const d = dir();
    const readOnly = fs.openSync(path.join(d, 'ro'), 'w+');
    fs.closeSync(readOnly);
    const ro = fs.openSync(path.join(d, 'ro'), 'r');
    const rw = fs.openSync(path.join(d, 'rw'), 'w+');
    try {
      const buf = w.buffer(0);
      const { length, crcs } = encodeWithoutCrcs(buf, [Buffer.from('x'.repeat(100))]);
      await assert.rejects(w.checksumAndWrite(buf, crcs, length, ro, 0), (err: NodeJS.ErrnoException) => {
        assert.equal(err.code, 'EBADF');
        return true;
      });
      assert.equal(w.usable, true);
      await w.checksumAndWrite(buf, crcs, length, rw, 0);
      assert.equal(fs.fstatSync(rw).size, length);
      assert.throws(() => w.buffer(2), RangeError);
      await assert.rejects(w.checksumAndWrite(Buffer.alloc(16), [], 16, rw, 0), /not a buffer of this append worker/);
    } finally {
      fs.closeSync(ro);
      fs.closeSync(rw);
      await w.close();
    }
  });

  for (const flushDiskType of ['ASYNC_FLUSH', 'SYNC_FLUSH'] as const) {
    test(`${flushDiskType}: many concurrent appends go through the worker, every CRC checks out, and recovery accepts them`, async () => {
      const root = dir();
      // syncFlushWithDsync=false: group commit with fdatasync (O_DSYNC commit logs keep every write in the thread pool).
      const config = smallConfig(root, { flushDiskType, syncFlushWithDsync: false, mappedFileSizeCommitLog: 256 * 1024, writeBufferSize: 64 * 1024 });
      let store = await MessageStore.open(config);
      const bodies = Array.from({ length: 1500 }, (_, i) => `m${i}:`.padEnd(200 + (i % 300), String.fromCharCode(97 + (i % 26))));
      // Appends issued in waves of 300 at once: the commit log seals full buffers while the wave is encoded.
      for (let wave = 0; wave < bodies.length; wave += 300) {
        const results = await Promise.all(bodies.slice(wave, wave + 300).map((b, i) => store.putMessage(inner('W', b, { queueId: (wave + i) % 4 }))));
        assert.ok(results.every((r) => r.status === 'PUT_OK'));
      }
      assert.ok(store.appendWorkerWrites() > 0, 'the append worker wrote some buffers');
      const seen = new Set<string>();
      for (let q = 0; q < 4; q++) {
        for (let offset = 0; offset < store.getMaxOffsetInQueue('W', q); ) {
          const r = await store.getMessage('g', 'W', q, offset, 32);
          for (const b of r.buffers) seen.add(decodeMessage(b, 0, { checkCRC: true }).body.toString());
          offset = r.nextBeginOffset;
        }
      }
      assert.equal(seen.size, bodies.length);
      const end = store.getMaxPhyOffset();
      await store.shutdown();
      // Without consume queues the whole commit log is scanned again, every record's CRC checked: a bad one would
      // end the log there.
      fs.rmSync(path.join(root, 'consumequeue'), { recursive: true });
      store = await MessageStore.open({ ...config, checkCRCOnRecover: true });
      try {
        assert.equal(store.recovery.replayed, bodies.length);
        assert.equal(store.recovery.commitLogEnd, end);
      } finally {
        await store.shutdown();
      }
    });
  }

  test('a thread killed during a job: the job fails, and the worker says it is unusable', async () => {
    // One job with 32 MiB of bodies to checksum keeps the thread busy for milliseconds.
    const w = new AppendWorker(1, 32 * 1024 * 1024, 64 * 1024);
    const fd = fs.openSync(path.join(dir(), 'big'), 'w+');
    try {
      const triples: number[] = [];
      for (let at = 0; at + 64 * 1024 <= 32 * 1024 * 1024; at += 64 * 1024) triples.push(at, at + 4, 64 * 1024 - 4);
      const job = w.checksumAndWrite(w.buffer(0), triples, 32 * 1024 * 1024, fd, 0);
      await (w as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await assert.rejects(job, /append worker exited/);
      assert.equal(w.usable, false);
      await assert.rejects(w.checksumAndWrite(w.buffer(0), [], 16, fd, 0), /append worker exited/);
    } finally {
      fs.closeSync(fd);
      await w.close();
    }
  });

  test('a job of the worker that fails: its appends and those after fail, the log rolls back, later appends are stored', async () => {
    const root = dir();
    const store = await MessageStore.open(smallConfig(root, { mappedFileSizeCommitLog: 1024 * 1024, writeBufferSize: 64 * 1024 }));
    try {
      const put = (prefix: string) => Promise.all(Array.from({ length: 300 }, (_, i) => store.putMessage(inner('D', `${prefix}${i}`.padEnd(400, '.'), { queueId: i % 2 }))));
      const warmup = await put('w');
      assert.ok(warmup.every((r) => r.status === 'PUT_OK'));
      assert.ok(store.appendWorkerWrites() > 0);
      // Fault injection: the next job the worker gets fails as a write failing with EIO would.
      const aw = (store as unknown as { commitLog: { appendWorker: AppendWorker } }).commitLog.appendWorker;
      const real = aw.checksumAndWrite.bind(aw);
      let failNext = true;
      aw.checksumAndWrite = (...args) => {
        if (!failNext) return real(...args);
        failNext = false;
        return Promise.reject(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
      };
      const results = await put('x');
      const failed = results.filter((r) => r.status !== 'PUT_OK');
      assert.ok(failed.length > 0);
      assert.ok(failed.every((r) => r.status === 'UNKNOWN_ERROR' && /commit log write failed/.test(r.remark ?? '')), JSON.stringify(failed[0]));
      const after = await put('y');
      assert.ok(after.every((r) => r.status === 'PUT_OK'));
      // Exactly the acknowledged messages are stored, with no gap in the queues, and their CRCs check out.
      const acked = new Set(
        [...warmup.map((r, i) => [r, `w${i}`] as const), ...results.map((r, i) => [r, `x${i}`] as const), ...after.map((r, i) => [r, `y${i}`] as const)]
          .filter(([r]) => r.status === 'PUT_OK')
          .map(([, b]) => b.padEnd(400, '.')),
      );
      const stored: string[] = [];
      for (let q = 0; q < 2; q++) {
        for (let offset = 0; offset < store.getMaxOffsetInQueue('D', q); ) {
          const r = await store.getMessage('g', 'D', q, offset, 32);
          assert.equal(r.status, 'FOUND');
          for (const b of r.buffers) stored.push(decodeMessage(b, 0, { checkCRC: true }).body.toString());
          offset = r.nextBeginOffset;
        }
      }
      assert.equal(stored.length, acked.size);
      assert.deepEqual(new Set(stored), acked);
    } finally {
      await store.shutdown();
    }
  });

  test('appendWorkerEnable=false: no worker, and the CRCs are still right', async () => {
    const root = dir();
    const store = await MessageStore.open(smallConfig(root, { appendWorkerEnable: false, writeBufferSize: 64 * 1024 }));
    try {
      const results = await Promise.all(Array.from({ length: 300 }, (_, i) => store.putMessage(inner('N', `n${i}`.padEnd(500, '.')))));
      assert.ok(results.every((r) => r.status === 'PUT_OK'));
      assert.equal(store.appendWorkerWrites(), 0);
      const r = await store.getMessage('g', 'N', 0, 0, 32);
      for (const b of r.buffers) decodeMessage(b, 0, { checkCRC: true });
      assert.equal(r.buffers.length, 32);
    } finally {
      await store.shutdown();
    }
  });
});
