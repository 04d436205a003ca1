// PopState without a store process: the revive group's offset never passes an outstanding checkpoint (also when
// checkpoint writes finish out of order), and a replay of the revive log rebuilds what is still in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConsumerOffsetManager } from '../offset/consumer-offset-manager.ts';
import type { BrokerContext } from '../context.ts';
import { TopicConfigManager } from '../topic/topic-config-manager.ts';
import { silentLog, testConfig, withTempDir } from '../test-util.ts';
import type { MessageExtBrokerInner, PutMessageResult, GetMessageResult } from '../../store/types.ts';
import { encodeStoredMessage } from '../../protocol/message-codec.ts';
import { PopState } from './pop-state.ts';
import { REVIVE_GROUP } from './revive-log.ts';

/** A revive log kept in memory: puts append per queue (optionally resolving in a chosen order), gets read back. */
function fakeContext(dir: string) {
  const cfg = testConfig();
  const queues = new Map<string, MessageExtBrokerInner[]>();
  const held: Array<() => void> = [];
  let holdPuts = false;
  const key = (t: string, q: number) => `${t}@${q}`;
  const store = {
    async putMessage(m: MessageExtBrokerInner): Promise<PutMessageResult> {
      const list = queues.get(key(m.topic, m.queueId)) ?? [];
      queues.set(key(m.topic, m.queueId), list);
      const logicsOffset = list.length;
      list.push(m);
      if (holdPuts) await new Promise<void>((r) => held.push(r));
      return { status: 'PUT_OK', appendResult: { logicsOffset, msgNum: 1, wroteBytes: 1 } } as unknown as PutMessageResult;
    },
    getMaxOffsetInQueue: (t: string, q: number) => queues.get(key(t, q))?.length ?? 0,
    getMinOffsetInQueue: () => 0,
    async getMessage(_g: string, t: string, q: number, offset: number, max: number): Promise<GetMessageResult> {
      const list = (queues.get(key(t, q)) ?? []).slice(offset, offset + max);
      const buffers = list.map((m, i) => encodeStoredMessage({
        ...m, queueOffset: offset + i, commitLogOffset: 0, storeTimestamp: Date.now(), propertiesString: undefined,
      }));
      return {
        status: buffers.length ? 'FOUND' : 'NO_MESSAGE_IN_QUEUE', nextBeginOffset: offset + list.length, minOffset: 0,
        maxOffset: queues.get(key(t, q))?.length ?? 0, buffers, queueOffsets: list.map((_, i) => offset + i),
        bufferTotalSize: buffers.reduce((n, b) => n + b.length, 0), suggestPullingFromSlave: false,
      };
    },
  };
  const offsets = new ConsumerOffsetManager(path.join(dir, 'offsets.json'), silentLog);
  const topics = new TopicConfigManager(() => cfg, path.join(dir, 'topics.json'), silentLog);
  const ctx = {
    config: () => cfg, store, offsets, topics, log: silentLog, storeHost: () => ({ address: '127.0.0.1', port: 1 }),
    registerBrokerAll: async () => {},
  } as unknown as BrokerContext;
  return {
    ctx, offsets,
    hold(on: boolean) {
      holdPuts = on;
    },
    release(i: number) {
      held.splice(i, 1)[0]!();
    },
  };
}

const ck = (startOffset: number, popTime: number) => ({
  startOffset, popTime, invisibleTime: 60_000, queueId: 0, topic: 'T', group: 'g', brokerName: 'b', offsets: [startOffset, startOffset + 1],
});

test('the revive offset stays at the oldest outstanding checkpoint, whatever order writes finish in', () =>
  withTempDir(async (dir) => {
    const f = fakeContext(dir);
    const st = new PopState(f.ctx, () => {});
    const reviveTopic = st.reviveTopic;
    f.hold(true);
    const a = st.addCheckPoint(ck(0, 1000), 0); // revive log offset 0
    const b = st.addCheckPoint(ck(2, 1001), 0); // revive log offset 1
    f.hold(false);
    f.release(1); // b's write finishes first
    const cb = await b;
    f.release(0);
    const ca = await a;
    assert.deepEqual([ca.logOffset, cb.logOffset], [0, 1]);
    const cc = await st.addCheckPoint(ck(4, 1002), 0); // revive log offset 2
    await st.ack(cc, [4, 5]); // c done, a and b outstanding
    assert.equal(f.offsets.queryOffset(REVIVE_GROUP, reviveTopic, 0), 0, 'a (written first, tracked last) is still outstanding');
    await st.ack(cb, [2, 3]); // b done, a outstanding
    assert.equal(f.offsets.queryOffset(REVIVE_GROUP, reviveTopic, 0), 0, 'must not pass the outstanding checkpoint at 0');
    await st.ack(ca, [0]);
    assert.equal(f.offsets.queryOffset(REVIVE_GROUP, reviveTopic, 0), 0);
    await st.ack(ca, [1]);
    assert.ok(f.offsets.queryOffset(REVIVE_GROUP, reviveTopic, 0) >= 3, 'all done: past every checkpoint');
  }));

test('a replay of the revive log rebuilds outstanding checkpoints, their acked offsets and the pop offsets', () =>
  withTempDir(async (dir) => {
    const f = fakeContext(dir);
    const st = new PopState(f.ctx, () => {});
    const c1 = await st.addCheckPoint(ck(0, 1000), 0);
    st.advance('T', 'g', 0, 2);
    const c2 = await st.addCheckPoint(ck(2, 1001), 1);
    st.advance('T', 'g', 0, 4);
    await st.ack(c1, [0, 1]);
    await st.ack(c2, [3]);
    // A new broker on the same log, with no consumer offset committed (lost in the crash).
    const offsets2 = new ConsumerOffsetManager(path.join(dir, 'offsets2.json'), silentLog);
    const ctx2 = { ...f.ctx, offsets: offsets2 } as BrokerContext;
    const again = new PopState(ctx2, () => {});
    const r = await again.replay();
    assert.deepEqual(r, { checkPoints: 2, acks: 2 });
    assert.equal(again.findCheckPoint('g', 'T', 0, 0, 1000), undefined, 'fully acked: gone');
    const left = again.findCheckPoint('g', 'T', 0, 2, 1001)!;
    assert.deepEqual([...left.acked], [3]);
    assert.equal(again.inflightOfQueue('g', 'T', 0), 1);
    assert.equal(offsets2.queryOffset('g', 'T', 0), 4, 'the pop offset comes back from the checkpoints');
  }));
