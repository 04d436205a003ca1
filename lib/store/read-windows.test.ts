// ReadWindows over a real commit log: what a window serves is byte for byte what a direct read returns, across
// window and file boundaries, while the log grows and after it is cut; pulls of interleaved queues read through them.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogLevel } from '../common/log.ts';
import { waitFor } from '../common/wait-for.ts';
import { decodeMessage } from '../protocol/message-codec.ts';
import type { CommitLog } from './commit-log.ts';
import { MessageStore } from './message-store.ts';
import { ReadWindows } from './read-windows.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from './store-test-util.ts';

setLogLevel('error');

const QUEUES = 8;
const commitLogOf = (s: MessageStore): CommitLog => (s as unknown as { commitLog: CommitLog }).commitLog;

/** Puts `n` messages round robin over the queues (bodies of 50-1,550 bytes, named by `tag` and number). */
async function putInterleaved(store: MessageStore, n: number, tag: string, topic = 'WinTopic'): Promise<Array<{ phy: number; size: number; body: string }>> {
  const out: Array<{ phy: number; size: number; body: string }> = [];
  for (let i = 0; i < n; i++) {
    const body = `${tag}-${i}-${'x'.repeat(50 + ((i * 37) % 1500))}`;
    const r = await store.putMessage(inner(topic, body, { queueId: i % QUEUES }));
    assert.equal(r.status, 'PUT_OK');
    out.push({ phy: r.appendResult!.wroteOffset, size: r.appendResult!.wroteBytes, body });
  }
  return out;
}

describe('ReadWindows', () => {
  let dir: string;
  let store: MessageStore;
  before(async () => {
    dir = tempStoreDir();
    store = await MessageStore.open(smallConfig(dir)); // 64 KiB commit log files
  });
  after(async () => {
    await store.shutdown();
    removeDir(dir);
  });

  test('copies equal direct reads of every record across window and file boundaries, also as the log grows', async () => {
    const log = commitLogOf(store);
    const windows = new ReadWindows(log, 4096, 3);
    const first = await putInterleaved(store, 300, 'a');
    let served = 0;
    const check = (recs: typeof first) => {
      for (const r of recs) {
        const got = Buffer.alloc(r.size + 8, 0xee);
        if (windows.copySync(r.phy, r.size, got, 4)) {
          served++;
          assert.ok(got.subarray(4, 4 + r.size).equals(log.getDataSync(r.phy, r.size)!), `record at ${r.phy}`);
          assert.equal(got[3], 0xee);
          assert.equal(got[4 + r.size], 0xee);
          assert.equal(decodeMessage(got.subarray(4, 4 + r.size)).body.toString(), r.body);
        }
      }
    };
    // each queue's records in turn, as pulls of one queue after another read them
    for (let q = 0; q < QUEUES; q++) check(first.filter((_, i) => i % QUEUES === q));
    assert.ok(served > first.length * 0.6, `most records come from windows (${served} of ${first.length})`);
    // the last window holds the log's end; records written after it was read are read on into it
    const more = await putInterleaved(store, 20, 'b');
    served = 0;
    check(more);
    assert.ok(served > 0);
    assert.equal(windows.copySync(log.getMaxOffset() - 10, 20, Buffer.alloc(20), 0), false, 'bytes past the written end are not served');
  });

  test('a cut of the log drops every window: the bytes written after it are served, not the old ones', async () => {
    const log = commitLogOf(store);
    const windows = new ReadWindows(log, 64 * 1024, 4);
    const recs = await putInterleaved(store, 10, 'c');
    const last = recs[recs.length - 1]!;
    assert.ok(windows.copySync(last.phy, last.size, Buffer.alloc(last.size), 0));
    log.setRecoveredEnd(last.phy);
    const [again] = await putInterleaved(store, 1, 'd');
    assert.equal(again!.phy, last.phy);
    const got = Buffer.alloc(again!.size);
    assert.ok(windows.copySync(again!.phy, again!.size, got, 0));
    assert.equal(decodeMessage(got).body.toString(), again!.body);
  });

  test('queues drained apart from one another keep their windows: each stretch of the log is read once', async (t) => {
    const log = commitLogOf(store);
    const recs = await putInterleaved(store, QUEUES * 200, 'spread');
    const windows = new ReadWindows(log, 4096, 32);
    const logReads = t.mock.method(log, 'getDataSync').mock;
    // queue q's consumer is 3q messages ahead of queue 0's (the eight are further apart than 8 windows reach:
    // with 8 windows this read 2.7 times the stretch), and each pulls 4 messages in turn
    const next = Array.from({ length: QUEUES }, (_, q) => 3 * q);
    let lo = Infinity;
    let hi = 0;
    for (let round = 0; round < 30; round++) {
      for (let q = 0; q < QUEUES; q++) {
        for (let k = 0; k < 4; k++) {
          const r = recs[(next[q]! + k) * QUEUES + q]!;
          const got = Buffer.alloc(r.size);
          if (!windows.copySync(r.phy, r.size, got, 0)) assert.ok(log.getDataSync(r.phy, r.size, got, 0));
          assert.equal(decodeMessage(got).body.toString(), r.body);
          lo = Math.min(lo, r.phy);
          hi = Math.max(hi, r.phy + r.size);
        }
        next[q]! += 4;
      }
    }
    const bytesRead = logReads.calls.reduce((sum, c) => sum + c.arguments[1], 0);
    assert.ok(bytesRead < 1.3 * (hi - lo), `${bytesRead} bytes read for a ${hi - lo} byte stretch`);
  });

  test('windows no copy used since the last release are freed; windows in use are kept', async () => {
    const log = commitLogOf(store);
    const recs = await putInterleaved(store, 40, 'idle');
    const windows = new ReadWindows(log, 4096, 8);
    const copyAll = () => {
      for (const r of recs) {
        const got = Buffer.alloc(r.size);
        if (!windows.copySync(r.phy, r.size, got, 0)) assert.ok(log.getDataSync(r.phy, r.size, got, 0));
        assert.equal(decodeMessage(got).body.toString(), r.body);
      }
    };
    copyAll();
    const held = windows.heldBytes;
    assert.ok(held >= 4096, 'the copies read windows');
    assert.equal(windows.releaseIdle(), 0, 'used since the last release: kept');
    assert.equal(windows.heldBytes, held);
    copyAll();
    assert.equal(windows.releaseIdle(), 0, 'still in use');
    assert.equal(windows.releaseIdle(), held, 'no copy since the last release: freed');
    assert.equal(windows.heldBytes, 0);
    // a drain that starts again reads new windows and serves the same bytes
    copyAll();
    assert.ok(windows.heldBytes > 0);
  });

  test('pulls of interleaved queues answer one body holding their records back to back, in queue order', async () => {
    const recs = await putInterleaved(store, 800, 'e', 'PullTopic');
    for (let q = 0; q < QUEUES; q++) {
      const r = await store.getMessage('g', 'PullTopic', q, 50, 32); // queue offsets 50-81 (consume queue files of 100)
      assert.equal(r.status, 'FOUND');
      assert.equal(r.buffers.length, 32);
      assert.ok(r.body!.equals(Buffer.concat(r.buffers)), 'the body is the records back to back');
      assert.equal(r.bufferTotalSize, r.body!.length);
      const bodies = r.buffers.map((b) => decodeMessage(b).body.toString());
      const want = Array.from({ length: 32 }, (_, k) => recs[(50 + k) * QUEUES + q]!.body);
      assert.deepEqual(bodies, want);
    }
  });

  test('records a commit log filter refuses are left out of the body, which stays back to back', async () => {
    const recs = await putInterleaved(store, 400, 'f', 'FilterTopic');
    const r = await store.getMessage('g', 'FilterTopic', 3, 10, 32, {
      isMatchedByConsumeQueue: () => true,
      isMatchedByCommitLog: (rec) => Number(decodeMessage(rec).body.toString().split('-')[1]) % 3 !== 0,
    });
    assert.equal(r.status, 'FOUND');
    assert.ok(r.body!.equals(Buffer.concat(r.buffers)));
    assert.equal(r.bufferTotalSize, r.body!.length);
    // a pull may stop short of 32 (e.g. at the end of what the consume queue has written so far); whatever it
    // examined, [10, nextBeginOffset), comes back with exactly the refused records left out
    const examined = r.nextBeginOffset - 10;
    assert.ok(examined >= 3 && examined <= 32, `examined ${examined}`);
    const want = Array.from({ length: examined }, (_, k) => recs[(10 + k) * QUEUES + 3]!).filter((x) => Number(x.body.split('-')[1]) % 3 !== 0);
    assert.deepEqual(r.buffers.map((b) => decodeMessage(b).body.toString()), want.map((x) => x.body));
    assert.deepEqual(r.queueOffsets, Array.from({ length: examined }, (_, k) => 10 + k).filter((o) => (o * QUEUES + 3) % 3 !== 0));
  });

  test("a store frees its pulls' read buffers once no pull has used them for a retention interval", async () => {
    const own = tempStoreDir();
    const st = await MessageStore.open(smallConfig(own, { cleanResourceInterval: 100 }));
    try {
      const reader = (st as unknown as { reader: { windows: ReadWindows } }).reader;
      const recs = await putInterleaved(st, 80, 'g', 'IdleTopic');
      for (let q = 0; q < QUEUES; q++) {
        const r = await st.getMessage('g', 'IdleTopic', q, 0, 8);
        assert.equal(r.status, 'FOUND');
        assert.deepEqual(r.buffers.map((b) => decodeMessage(b).body.toString()), recs.filter((_, i) => i % QUEUES === q).slice(0, 8).map((x) => x.body));
      }
      assert.ok(reader.windows.heldBytes > 0, 'the pulls read windows');
      await waitFor('windows freed', () => reader.windows.heldBytes === 0, 5_000);
    } finally {
      await st.shutdown();
      removeDir(own);
    }
  });
});
