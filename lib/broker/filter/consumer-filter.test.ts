// SQL92 filter data from heartbeats and the filter bits at dispatch, over a real message store: the same messages
// come out with and without the bits, and with them entries that cannot match are not read from the commit log.

import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, setLogSink } from '../../common/log.ts';
import { MessageStore } from '../../store/message-store.ts';
import { inner, removeDir, smallConfig, tempStoreDir } from '../../store/store-test-util.ts';
import type { MessageFilter } from '../../store/types.ts';
import type { SubscriptionData } from '../../protocol/bodies/consumer.ts';
import { decodeMessage } from '../../protocol/message-codec.ts';
import { ConsumerFilterManager } from './consumer-filter.ts';
import { MATCH_ALL, retryFilter, sqlFilter } from './filter.ts';

setLogSink(() => {});

const sql = (topic: string, expression: string, subVersion = 1): SubscriptionData => ({
  topic, subString: expression, tagsSet: [], codeSet: [], subVersion, expressionType: 'SQL92', classFilterMode: false,
});

describe('consumer filter data and filter bits', () => {
  let dir: string;
  let store: MessageStore;
  let bitMap: boolean;
  let mgr: ConsumerFilterManager;

  beforeEach(async () => {
    dir = tempStoreDir('rd-sqlfilter-');
    bitMap = true;
    mgr = new ConsumerFilterManager({ log: createLogger('test'), dispatchedOffset: () => store.getDispatchedOffset(), bitMapEnabled: () => bitMap });
    store = await MessageStore.open(smallConfig(dir, { mappedFileSizeCommitLog: 1024 * 1024, mappedFileSizeConsumeQueue: 20 * 10_000 }), {
      filterBits: { calculate: (topic, props) => mgr.calculate(topic, props) },
    });
  });
  afterEach(async () => {
    await store.shutdown();
    removeDir(dir);
  });

  const put = async (n: number, from: number): Promise<void> => {
    for (let i = from; i < from + n; i++) await store.putMessage(inner('T', `m${i}`, { properties: { a: String(i % 10), i: String(i) } }));
  };

  /** Reads the whole queue through `filter`, returning the `i` property of what it gives. */
  const readAll = async (filter: MessageFilter): Promise<number[]> => {
    const out: number[] = [];
    let offset = 0;
    for (;;) {
      const r = await store.getMessage('g', 'T', 0, offset, 32, filter);
      for (const b of r.buffers) out.push(Number(decodeMessage(b, 0, { readBody: false }).properties.i));
      if (r.nextBeginOffset === offset || r.status === 'OFFSET_OVERFLOW_ONE') break;
      offset = r.nextBeginOffset;
    }
    return out;
  };
  const counters = () => {
    const s = store.getRuntimeStats();
    return { skipped: s.filterSkippedByConsumeQueue, rejected: s.filterRejectedByCommitLog };
  };

  test('entries dispatched after the subscription are skipped by their bits; earlier ones are read and checked', async () => {
    await put(100, 0);
    mgr.register('G', [sql('T', 'a = 3')]);
    await put(100, 100);
    const data = mgr.get('T', 'G')!;
    assert.ok(data.slot, 'a slot');
    const got = await readAll(sqlFilter(data.filter, data.slot));
    assert.deepEqual(got, Array.from({ length: 20 }, (_, k) => 3 + 10 * k));
    assert.deepEqual(counters(), { skipped: 90, rejected: 90 });
  });

  test('without bits (no slot) every entry is read and the expression decides', async () => {
    mgr.register('G', [sql('T', 'a = 3 OR a = 4')]);
    await put(200, 0);
    const data = mgr.get('T', 'G')!;
    const got = await readAll(sqlFilter(data.filter));
    assert.equal(got.length, 40);
    assert.deepEqual(counters(), { skipped: 0, rejected: 160 });
  });

  test('with enableCalcFilterBitMap off nothing is calculated and there is no slot to look up', async () => {
    bitMap = false;
    mgr.register('G', [sql('T', 'a = 3')]);
    await put(50, 0);
    assert.equal(mgr.slotFor('T', 'a = 3'), undefined);
    assert.equal(mgr.calculate('T', { a: '3' }), 0);
  });

  test('two groups with one expression share a bit; it lives until the last leaves, then entries are read again', async () => {
    mgr.register('G1', [sql('T', 'a = 3')]);
    mgr.register('G2', [sql('T', ' a = 3 ')]);
    const slot = mgr.get('T', 'G1')!.slot!;
    assert.equal(mgr.get('T', 'G2')!.slot, slot);
    await put(100, 0);
    mgr.unregister('G1');
    assert.equal(slot.alive, true);
    const filter = sqlFilter(mgr.get('T', 'G2')!.filter, slot);
    assert.equal((await readAll(filter)).length, 10);
    assert.equal(counters().skipped, 90);
    mgr.unregister('G2');
    assert.equal(slot.alive, false);
    assert.equal((await readAll(filter)).length, 10);
    assert.equal(counters().rejected, 90, 'a released bit is not trusted');
  });

  test('a changed expression gets a new bit valid from then on; the old one is released', async () => {
    mgr.register('G', [sql('T', 'a = 3')]);
    const first = mgr.get('T', 'G')!.slot!;
    await put(50, 0);
    mgr.register('G', [sql('T', 'a = 5', 2)]);
    const second = mgr.get('T', 'G')!;
    assert.equal(first.alive, false);
    assert.equal(second.clientVersion, 2);
    await put(50, 50);
    const got = await readAll(sqlFilter(second.filter, second.slot));
    assert.deepEqual(got, [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
    assert.deepEqual(counters(), { skipped: 45, rejected: 45 });
  });

  test('a heartbeat with an expression that does not compile leaves no filter data; TAG subscriptions drop it', () => {
    mgr.register('G', [sql('T', 'a = 3')]);
    mgr.register('G', [sql('T', 'a >', 2)]);
    assert.equal(mgr.get('T', 'G'), undefined);
    mgr.register('G', [sql('T', 'a = 3', 3)]);
    assert.ok(mgr.get('T', 'G'));
    mgr.register('G', [{ ...sql('T', '*'), expressionType: 'TAG' }]);
    assert.equal(mgr.get('T', 'G'), undefined);
  });

  test('filterSupportRetry: a retried message is checked with its group\'s expression for its original topic', async () => {
    mgr.register('G', [sql('T', 'a = 3')]);
    const retry = '%RETRY%G';
    for (const [topic, a] of [['T', '3'], ['T', '4'], ['Other', '4']]) {
      await store.putMessage(inner(retry, `${topic}/${a}`, { properties: { RETRY_TOPIC: topic!, a: a! } }));
    }
    const filter = retryFilter({ ...sql(retry, '*'), expressionType: 'TAG' }, MATCH_ALL, (topic, group) => mgr.get(topic, group)?.filter);
    const r = await store.getMessage('G', retry, 0, 0, 32, filter);
    assert.deepEqual(r.buffers.map((b) => decodeMessage(b).body.toString()), ['T/3', 'Other/4']);
  });

  test('a topic gives at most 31 expressions a bit; further ones are read and checked', () => {
    for (let k = 0; k < 33; k++) mgr.register(`G${k}`, [sql('T', `a = ${k}`)]);
    const withSlot = Array.from({ length: 33 }, (_, k) => mgr.get('T', `G${k}`)!.slot).filter((s) => s !== undefined);
    assert.equal(withSlot.length, 31);
    assert.equal(mgr.calculate('T', { a: '30' }) >>> 0, (0x8000_0000 | (1 << 30)) >>> 0);
  });
});
