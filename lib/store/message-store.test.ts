import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setLogLevel } from '../common/log.ts';
import { decodeMessage } from '../protocol/message-codec.ts';
import { encodeBatchMessages } from '../protocol/message-batch.ts';
import { tagsHashCode } from '../protocol/message.ts';
import { MessageStore } from './message-store.ts';
import { RecordFramer } from './ha/record-framer.ts';
import { waitFor } from '../common/wait-for.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from './store-test-util.ts';
import type { ConsumeQueueStore } from './consume-queue-store.ts';
import type { MessageFilter } from './types.ts';

setLogLevel('error');

const tagFilter = (...tags: string[]): MessageFilter => {
  const codes = new Set(tags.map(tagsHashCode));
  return { isMatchedByConsumeQueue: (code) => code === undefined || codes.has(code) };
};

const bodyOf = (b: Buffer): string => decodeMessage(b).body.toString();

async function readAll(store: MessageStore, topic: string, queueId: number, filter?: MessageFilter): Promise<string[]> {
  const out: string[] = [];
  let offset = store.getMinOffsetInQueue(topic, queueId);
  for (;;) {
    const r = await store.getMessage('g', topic, queueId, offset, 32, filter);
    for (const b of r.buffers) out.push(bodyOf(b));
    if (r.nextBeginOffset === offset) break;
    offset = r.nextBeginOffset;
    if (r.status === 'OFFSET_OVERFLOW_ONE') break;
  }
  return out;
}

describe('MessageStore appends and reads', () => {
  let dir: string;
  let store: MessageStore;
  before(async () => {
    dir = tempStoreDir();
    store = await MessageStore.open(smallConfig(dir));
  });
  after(async () => {
    await store.shutdown();
    removeDir(dir);
  });

  test('a put returns PUT_OK with offsets and an offset message id', async () => {
    const r = await store.putMessage(inner('TopicA', 'first', { tags: 'A' }));
    assert.equal(r.status, 'PUT_OK');
    assert.equal(r.appendResult!.wroteOffset, 0);
    assert.equal(r.appendResult!.logicsOffset, 0);
    assert.equal(r.appendResult!.msgNum, 1);
    assert.equal(r.appendResult!.msgId, '7F00000100002A9F0000000000000000');
    const rec = await store.selectOneMessageByOffset(0);
    assert.equal(rec!.length, r.appendResult!.wroteBytes);
    const m = decodeMessage(rec!);
    assert.equal(m.body.toString(), 'first');
    assert.equal(m.storeTimestamp, r.appendResult!.storeTimestamp);
    assert.equal(m.queueOffset, 0);
  });

  test('appends cross commit log and consume queue file boundaries and read back in order', async () => {
    const bodies: string[] = [];
    const puts = [];
    for (let i = 0; i < 400; i++) {
      const body = `m${i}:`.padEnd(300 + (i % 7) * 50, 'x');
      bodies.push(body);
      puts.push(store.putMessage(inner('Cross', body, { queueId: 1 })));
    }
    const results = await Promise.all(puts);
    assert.ok(results.every((r) => r.status === 'PUT_OK'));
    assert.deepEqual(results.map((r) => r.appendResult!.logicsOffset), bodies.map((_, i) => i));
    assert.ok(store.getMaxPhyOffset() > 3 * 64 * 1024, 'several commit log files');
    assert.equal(store.getMaxOffsetInQueue('Cross', 1), 400);
    assert.deepEqual(await readAll(store, 'Cross', 1), bodies);
    const files = fs.readdirSync(path.join(dir, 'commitlog'));
    assert.ok(files.length >= 4);
    assert.ok(files.every((f) => /^\d{20}$/.test(f) && Number(f) % (64 * 1024) === 0));
    assert.ok(fs.readdirSync(path.join(dir, 'consumequeue', 'Cross', '1')).length >= 4);
  });

  test('consume queue entries from an index stop at the end of their file (mqadmin queryCq)', async () => {
    const results = await Promise.all(Array.from({ length: 130 }, (_, i) => store.putMessage(inner('CqView', `v${i}`, { queueId: 2, tags: `T${i % 3}` }))));
    const atFileEnd = store.getConsumeQueueEntries('CqView', 2, 95, 10)!; // 100 entries per consume queue file
    assert.deepEqual(
      atFileEnd.entries.map((e) => [e.queueOffset, e.commitLogOffset, e.size, e.tagsCode]),
      results.slice(95, 100).map((r, i) => [95 + i, r.appendResult!.wroteOffset, r.appendResult!.wroteBytes, tagsHashCode(`T${(95 + i) % 3}`)]),
    );
    assert.equal(atFileEnd.minOffset, 0);
    assert.equal(atFileEnd.maxOffset, 130);
    assert.equal(store.getConsumeQueueEntries('CqView', 2, 120, 3)!.entries.length, 3);
    assert.deepEqual(store.getConsumeQueueEntries('CqView', 2, 130, 3)!.entries, []);
    assert.equal(store.getConsumeQueueEntries('CqView', 3, 0, 3), undefined);
  });

  test('getMessage statuses follow RocketMQ (empty, too small, overflow one/badly, no queue)', async () => {
    assert.equal((await store.getMessage('g', 'Nope', 0, 0, 32)).status, 'NO_MATCHED_LOGIC_QUEUE');
    const max = store.getMaxOffsetInQueue('Cross', 1);
    const one = await store.getMessage('g', 'Cross', 1, max, 32);
    assert.equal(one.status, 'OFFSET_OVERFLOW_ONE');
    assert.equal(one.nextBeginOffset, max);
    const badly = await store.getMessage('g', 'Cross', 1, max + 10, 32);
    assert.equal(badly.status, 'OFFSET_OVERFLOW_BADLY');
    assert.equal(badly.nextBeginOffset, max);
    const found = await store.getMessage('g', 'Cross', 1, 5, 3);
    assert.equal(found.status, 'FOUND');
    assert.equal(found.buffers.length, 3);
    assert.deepEqual(found.queueOffsets, [5, 6, 7]);
    assert.equal(found.nextBeginOffset, 8);
    assert.equal(found.minOffset, 0);
    assert.equal(found.maxOffset, max);
  });

  test('a pull that fills its batch asks the consume queue for no entries past it', async (t) => {
    const cq = (store as unknown as { cqStore: ConsumeQueueStore }).cqStore.findConsumeQueue('Cross', 1)!;
    const entryReads = t.mock.method(cq, 'getEntriesSync').mock;
    const r = await store.getMessage('g', 'Cross', 1, 40, 32);
    assert.equal(r.buffers.length, 32);
    assert.deepEqual(entryReads.calls.map((c) => c.arguments[1]), [32]);
    entryReads.resetCalls();
    // a filter that refuses every other entry: the scan reads on past the first 32 entries until 32 match
    let seen = 0;
    const everyOther: MessageFilter = { isMatchedByConsumeQueue: () => seen++ % 2 === 0 };
    const half = await store.getMessage('g', 'Cross', 1, 0, 32, everyOther);
    assert.equal(half.buffers.length, 32);
    assert.equal(half.nextBeginOffset, 63);
    assert.equal(entryReads.callCount(), 2);
  });

  test('a pull is capped by maxTransferCountOnMessageInMemory', async () => {
    const r = await store.getMessage('g', 'Cross', 1, 0, 1000);
    assert.equal(r.buffers.length, 32);
    assert.equal(r.nextBeginOffset, 32);
  });

  test('tag filtering skips messages by consume queue tags code', async () => {
    const puts = [];
    for (let i = 0; i < 60; i++) puts.push(store.putMessage(inner('Tagged', `t${i}`, { tags: ['A', 'B', 'C'][i % 3]! })));
    await Promise.all(puts);
    const onlyB = await readAll(store, 'Tagged', 0, tagFilter('B'));
    assert.deepEqual(onlyB, Array.from({ length: 20 }, (_, k) => `t${k * 3 + 1}`));
    const none = await store.getMessage('g', 'Tagged', 0, 0, 32, tagFilter('Z'));
    assert.equal(none.status, 'NO_MATCHED_MESSAGE');
    assert.equal(none.nextBeginOffset, 60, 'the whole range was examined');
    const byRecord: MessageFilter = { isMatchedByConsumeQueue: () => true, isMatchedByCommitLog: (rec) => bodyOf(rec).endsWith('7') };
    assert.deepEqual(await readAll(store, 'Tagged', 0, byRecord), ['t7', 't17', 't27', 't37', 't47', 't57']);
  });

  test('a batch is appended in one piece with consecutive queue offsets', async () => {
    await store.putMessage(inner('Batch', 'before'));
    const body = encodeBatchMessages(
      Array.from({ length: 5 }, (_, i) => ({ flag: 0, body: Buffer.from(`b${i}`), properties: { KEYS: `bk${i}`, UNIQ_KEY: `BU${i}` } })),
    );
    const r = await store.putMessages({
      topic: 'Batch',
      queueId: 0,
      body,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      bornHost: { address: '10.0.0.1', port: 1234 },
      storeHost: { address: '127.0.0.1', port: 10911 },
      propertiesString: 'CLUSTER\u0001DefaultCluster',
    });
    assert.equal(r.status, 'PUT_OK');
    assert.equal(r.appendResult!.msgNum, 5);
    assert.equal(r.appendResult!.logicsOffset, 1);
    assert.equal(r.appendResult!.msgId.split(',').length, 5);
    const got = await store.getMessage('g', 'Batch', 0, 1, 32);
    const msgs = got.buffers.map((b) => decodeMessage(b));
    assert.deepEqual(msgs.map((m) => m.body.toString()), ['b0', 'b1', 'b2', 'b3', 'b4']);
    assert.deepEqual(msgs.map((m) => m.queueOffset), [1, 2, 3, 4, 5]);
    for (let i = 1; i < msgs.length; i++) assert.equal(msgs[i]!.commitLogOffset, msgs[i - 1]!.commitLogOffset + msgs[i - 1]!.storeSize);
    assert.equal(msgs[0]!.properties.CLUSTER, 'DefaultCluster');
    const q = await store.queryMessage('Batch', 'bk3', 10, 0, Date.now() + 1000);
    assert.equal(q.buffers.length, 1);
    assert.equal(bodyOf(q.buffers[0]!), 'b3');
  });

  test('illegal messages are refused with RocketMQ statuses', async () => {
    const big = await store.putMessage(inner('Big', Buffer.alloc(17 * 1024)));
    assert.equal(big.status, 'MESSAGE_ILLEGAL');
    const longTopic = await store.putMessage(inner('T'.repeat(128), 'x'));
    assert.equal(longTopic.status, 'MESSAGE_ILLEGAL');
    const escape = await store.putMessage(inner('../evil', 'x'));
    assert.equal(escape.status, 'MESSAGE_ILLEGAL');
    const props = await store.putMessage(inner('Props', 'x', { properties: { big: 'v'.repeat(40000) } }));
    assert.equal(props.status, 'PROPERTIES_SIZE_EXCEEDED');
    const host = inner('Host', 'x');
    host.bornHost = { address: 'not-an-ip', port: 1 };
    assert.equal((await store.putMessage(host)).status, 'MESSAGE_ILLEGAL');
    const after = await store.putMessage(inner('Props', 'fine'));
    assert.equal(after.status, 'PUT_OK');
    assert.equal(after.appendResult!.logicsOffset, 0);
  });

  test('query by key and by unique key within a time range', async () => {
    const t0 = Date.now();
    await Promise.all([
      store.putMessage(inner('Keys', 'one', { keys: 'order-1 shared', uniqKey: 'UNIQ-1' })),
      store.putMessage(inner('Keys', 'two', { keys: 'order-2 shared', uniqKey: 'UNIQ-2' })),
      store.putMessage(inner('Other', 'three', { keys: 'order-1' })),
    ]);
    const end = Date.now() + 1000;
    assert.deepEqual((await store.queryMessage('Keys', 'order-1', 32, 0, end)).buffers.map(bodyOf), ['one']);
    assert.deepEqual((await store.queryMessage('Keys', 'shared', 32, 0, end)).buffers.map(bodyOf).sort(), ['one', 'two']);
    assert.deepEqual((await store.queryMessage('Keys', 'UNIQ-2', 32, 0, end)).buffers.map(bodyOf), ['two']);
    assert.deepEqual((await store.queryMessage('Other', 'order-1', 32, 0, end)).buffers.map(bodyOf), ['three']);
    assert.equal((await store.queryMessage('Keys', 'order-1', 32, end + 10_000, end + 20_000)).buffers.length, 0);
    assert.equal((await store.queryMessage('Keys', 'missing', 32, 0, end)).buffers.length, 0);
    const q = await store.queryMessage('Keys', 'shared', 1, t0 - 1000, end);
    assert.equal(q.buffers.length, 1);
  });

  test('lookMessageByOffset decodes the record at a commit log offset', async () => {
    const r = await store.putMessage(inner('Look', 'here', { tags: 'L' }));
    const m = await store.lookMessageByOffset(r.appendResult!.wroteOffset);
    assert.equal(m!.body.toString(), 'here');
    assert.equal(m!.properties.TAGS, 'L');
    assert.equal(await store.lookMessageByOffset(r.appendResult!.wroteOffset + 1), null);
    assert.equal(await store.lookMessageByOffset(store.getMaxPhyOffset() + 100), null);
  });

  test('store time lookups: earliest time, time of an offset, offset by time', async () => {
    const stamps: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await store.putMessage(inner('Timed', `x${i}`));
      stamps.push(r.appendResult!.storeTimestamp);
      const until = Date.now() + 3;
      while (Date.now() < until) {
        // distinct store times
      }
    }
    assert.equal(await store.getEarliestMessageTime('Timed', 0), stamps[0]);
    assert.equal(await store.getMessageStoreTimeStamp('Timed', 0, 3), stamps[3]);
    assert.equal(await store.getMessageStoreTimeStamp('Timed', 0, 99), -1);
    assert.equal(await store.getOffsetInQueueByTime('Timed', 0, stamps[2]!), 2);
    assert.equal(await store.getOffsetInQueueByTime('Timed', 0, stamps[2]! + 1), 3);
    assert.equal(await store.getOffsetInQueueByTime('Timed', 0, stamps[2]! + 1, 'UPPER'), 2);
    assert.equal(await store.getOffsetInQueueByTime('Timed', 0, 0), 0);
    assert.equal(await store.getOffsetInQueueByTime('Timed', 0, stamps[5]! + 10_000), 6);
    assert.equal(await store.getOffsetInQueueByTime('Timed', 0, 0, 'UPPER'), 0);
    assert.equal(await store.getOffsetInQueueByTime('Nope', 0, 0), 0);
  });

  test('the arriving listener hears about new messages per queue', async () => {
    const heard: Array<[string, number, number]> = [];
    store.setMessageArrivingListener((topic, queueId, logicOffset) => heard.push([topic, queueId, logicOffset]));
    await Promise.all([store.putMessage(inner('Arrive', 'a', { queueId: 2 })), store.putMessage(inner('Arrive', 'b', { queueId: 2 }))]);
    store.setMessageArrivingListener(null);
    assert.deepEqual(heard.at(-1), ['Arrive', 2, 2]);
  });

  test('deleteTopics drops the queues of a topic', async () => {
    await store.putMessage(inner('Doomed', 'x', { queueId: 3 }));
    assert.equal(store.deleteTopics(['Doomed', 'NeverExisted']), 1);
    assert.equal(store.getMaxOffsetInQueue('Doomed', 3), 0);
    assert.ok(!fs.existsSync(path.join(dir, 'consumequeue', 'Doomed')));
    assert.equal((await store.getMessage('g', 'Doomed', 3, 0, 1)).status, 'NO_MATCHED_LOGIC_QUEUE');
  });

  test('runtime stats count puts and gets', async () => {
    const s = store.getRuntimeStats();
    assert.ok(s.putMessageTimesTotal > 400);
    assert.ok(s.getMessageTimesTotalFound > 0);
    assert.equal(s.commitLogMaxOffset, store.getMaxPhyOffset());
    assert.equal(s.writeable, true);
    assert.ok(s.commitLogDiskRatio >= 0 && s.commitLogDiskRatio <= 1);
  });
});

describe('MessageStore lifecycle', () => {
  test('a clean restart keeps everything and scans nothing', async () => {
    const dir = tempStoreDir();
    try {
      const s1 = await MessageStore.open(smallConfig(dir));
      const bodies = Array.from({ length: 150 }, (_, i) => `r${i}`.padEnd(700, '.'));
      await Promise.all(bodies.map((b, i) => s1.putMessage(inner('Restart', b, { queueId: i % 2, keys: `k${i}` }))));
      const maxPhy = s1.getMaxPhyOffset();
      await s1.shutdown();
      assert.ok(!fs.existsSync(path.join(dir, 'abort')));
      const s2 = await MessageStore.open(smallConfig(dir));
      assert.equal(s2.recovery.lastExitOK, true);
      assert.equal(s2.recovery.replayed, 0);
      assert.equal(s2.getMaxPhyOffset(), maxPhy);
      assert.deepEqual(await readAll(s2, 'Restart', 0), bodies.filter((_, i) => i % 2 === 0));
      assert.deepEqual(await readAll(s2, 'Restart', 1), bodies.filter((_, i) => i % 2 === 1));
      const r = await s2.putMessage(inner('Restart', 'after', { queueId: 1 }));
      assert.equal(r.appendResult!.logicsOffset, 75);
      assert.equal(r.appendResult!.wroteOffset, maxPhy > 0 ? r.appendResult!.wroteOffset : 0);
      assert.equal((await s2.queryMessage('Restart', 'k149', 4, 0, Date.now() + 1000)).buffers.length, 1);
      await s2.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('a second open of the same directory is refused while the first holds it', async () => {
    const dir = tempStoreDir();
    try {
      const s1 = await MessageStore.open(smallConfig(dir));
      await assert.rejects(MessageStore.open(smallConfig(dir)), /in use|already open/);
      await s1.shutdown();
      const s2 = await MessageStore.open(smallConfig(dir));
      await s2.shutdown();
    } finally {
      removeDir(dir);
    }
  });

  test('puts after shutdown are refused with SERVICE_NOT_AVAILABLE', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir));
      const pending = Array.from({ length: 50 }, (_, i) => s.putMessage(inner('Late', `p${i}`)));
      await s.shutdown();
      assert.ok((await Promise.all(pending)).every((r) => r.status === 'PUT_OK'), 'appends accepted before shutdown complete');
      assert.equal((await s.putMessage(inner('Late', 'x'))).status, 'SERVICE_NOT_AVAILABLE');
    } finally {
      removeDir(dir);
    }
  });

  test('unknown config keys are refused', async () => {
    await assert.rejects(MessageStore.open({ storePathRootDir: '/tmp/x', flushDiskTyp: 'SYNC_FLUSH' } as never), /unknown message store config key: flushDiskTyp/);
  });

  test('a slave dispatches whole records straight from what it received, across file ends, and flushes a SYNC_FLUSH log after', async () => {
    const mdir = tempStoreDir();
    const sdir = tempStoreDir();
    try {
      const master = await MessageStore.open(smallConfig(mdir));
      // The slave acknowledges once written; under SYNC_FLUSH it flushes right after, without O_DSYNC files.
      const slave = await MessageStore.open(smallConfig(sdir, { brokerRole: 'SLAVE', flushDiskType: 'SYNC_FLUSH', flushIntervalCommitLog: 3600_000 }));
      const bodies = Array.from({ length: 200 }, (_, i) => `whole-${i}`.padEnd(700 + (i % 5) * 100, '~'));
      await Promise.all(bodies.map((b, i) => master.putMessage(inner('Whole', b, { queueId: i % 4, tags: `t${i % 2}`, keys: `K${i}`, uniqKey: `WU${i}` }))));
      assert.ok(master.getMaxPhyOffset() > 2 * 64 * 1024, 'the records span several commit log files');
      // Whole records only, as the HA client's framer hands them over: dispatch reads them from this buffer.
      const framer = new RecordFramer(0, 64 * 1024);
      let offset = 0;
      let dispatchedAfter = 0;
      while (offset < master.getMaxPhyOffset()) {
        const data = await master.getCommitLogData(offset, 5000);
        assert.ok(data);
        offset += data.length;
        const chunk = framer.push([data]);
        if (!chunk) continue;
        // The callback (the HA client's report) comes once the bytes are written and before they are dispatched.
        const queued = () => [0, 1, 2, 3].reduce((n, q) => n + slave.getMaxOffsetInQueue('Whole', q), 0);
        const before = queued();
        let seen: [number, number] | undefined;
        assert.equal(await slave.appendToCommitLog(chunk.offset, chunk.data, () => (seen = [slave.getMaxPhyOffset(), queued()])), true);
        assert.deepEqual(seen, [chunk.offset + chunk.data.length, before]);
        if (queued() > before) dispatchedAfter++;
      }
      assert.ok(dispatchedAfter > 10, 'the records were dispatched after the callback');
      assert.equal(slave.getMaxPhyOffset(), master.getMaxPhyOffset());
      for (let q = 0; q < 4; q++) {
        assert.deepEqual(await readAll(slave, 'Whole', q), bodies.filter((_, i) => i % 4 === q));
        assert.equal(slave.getMaxOffsetInQueue('Whole', q), master.getMaxOffsetInQueue('Whole', q));
      }
      const tagged = await readAll(slave, 'Whole', 1, tagFilter('t1'));
      assert.deepEqual(tagged, bodies.filter((_, i) => i % 4 === 1 && i % 2 === 1));
      assert.equal((await slave.queryMessage('Whole', 'K123', 4, 0, Date.now() + 1000)).buffers.map(bodyOf)[0], bodies[123]);
      assert.equal((await slave.queryMessage('Whole', 'WU7', 4, 0, Date.now() + 1000)).buffers.map(bodyOf)[0], bodies[7]);
      await waitFor('slave flushed', () => slave.getFlushedPhyOffset() === slave.getMaxPhyOffset(), 5000);
      await master.shutdown();
      await slave.shutdown();
    } finally {
      removeDir(mdir);
      removeDir(sdir);
    }
  });

  test('a slave store refuses puts but takes replicated bytes and dispatches them', async () => {
    const mdir = tempStoreDir();
    const sdir = tempStoreDir();
    try {
      const master = await MessageStore.open(smallConfig(mdir));
      const slave = await MessageStore.open(smallConfig(sdir, { brokerRole: 'SLAVE' }));
      assert.equal((await slave.putMessage(inner('Repl', 'x'))).status, 'SERVICE_NOT_AVAILABLE');
      const bodies = Array.from({ length: 120 }, (_, i) => `repl-${i}`.padEnd(900, '#'));
      await Promise.all(bodies.map((b, i) => master.putMessage(inner('Repl', b, { queueId: i % 3, uniqKey: `RU${i}` }))));
      // Ship in odd-sized pieces so records are cut across transfers.
      let offset = 0;
      while (offset < master.getMaxPhyOffset()) {
        const data = await master.getCommitLogData(offset, 7000);
        assert.ok(data);
        assert.equal(await slave.appendToCommitLog(offset, data), true);
        offset += data.length;
      }
      assert.equal(await slave.appendToCommitLog(offset + 5, Buffer.alloc(10)), false);
      assert.equal(slave.getMaxPhyOffset(), master.getMaxPhyOffset());
      for (let q = 0; q < 3; q++) assert.deepEqual(await readAll(slave, 'Repl', q), bodies.filter((_, i) => i % 3 === q));
      assert.equal((await slave.queryMessage('Repl', 'RU77', 4, 0, Date.now() + 1000)).buffers.map(bodyOf)[0], bodies[77]);
      await master.shutdown();
      await slave.shutdown();
    } finally {
      removeDir(mdir);
      removeDir(sdir);
    }
  });

  test('flush moves the checkpoint to the end of the log', async () => {
    const dir = tempStoreDir();
    try {
      const s = await MessageStore.open(smallConfig(dir));
      await Promise.all(Array.from({ length: 20 }, (_, i) => s.putMessage(inner('Cp', `c${i}`))));
      await s.flush();
      await waitFor('background flush', () => s.getFlushedPhyOffset() === s.getMaxPhyOffset());
      await s.shutdown();
    } finally {
      removeDir(dir);
    }
  });
});
