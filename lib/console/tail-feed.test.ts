import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TailFeed, type FeedItem } from './tail-feed.ts';
import type { AdminClient, BrokerTarget, QueueMessage, QueuePullResult } from '../admin/index.ts';
import { waitFor } from '../common/wait-for.ts';

/** Queues held in memory behind the few AdminClient reads a feed makes (the process tests use a real cluster). */
class Queues {
  readonly stored = new Map<string, number>(); // "broker:queue" -> max offset
  pulls = 0;
  failing = new Set<string>();
  add(broker: string, queueId: number, n: number): void {
    const k = `${broker}:${queueId}`;
    this.stored.set(k, (this.stored.get(k) ?? 0) + n);
  }
  admin(): AdminClient {
    const route = {
      topic: 'T',
      brokerDatas: ['a', 'b'].map((b) => ({ clusterName: 'c', brokerName: b, brokerAddrs: { '0': `${b}:1` } })),
      queueDatas: ['a', 'b'].map((b) => ({ brokerName: b, readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 })),
    };
    const max = (t: BrokerTarget, q: number) => this.stored.get(`${t.brokerName}:${q}`) ?? 0;
    return {
      topicRoute: async () => route,
      brokerTopicQueues: async (t: BrokerTarget) => [0, 1].map((q) => ({ queueId: q, minOffset: 0, maxOffset: max(t, q), lastUpdateTimestamp: 0 })),
      // store times in these queues are the offsets themselves: a wall-clock time is after all of them
      searchOffset: async (t: BrokerTarget, _topic: string, q: number, ts: number) => Math.min(ts, max(t, q)),
      pullQueue: async (t: BrokerTarget, _topic: string, q: number, offset: number, o?: { maxNums?: number }): Promise<QueuePullResult> => {
        this.pulls++;
        if (this.failing.has(t.brokerName)) throw new Error(`${t.brokerAddr} did not answer within 600ms`);
        const end = max(t, q);
        const n = Math.max(0, Math.min(o?.maxNums ?? 32, end - offset));
        const messages: QueueMessage[] = Array.from({ length: n }, (_, i) => ({
          msgId: `${t.brokerName}-${q}-${offset + i}`, offsetMsgId: '', topic: 'T', keys: [], queueId: q, queueOffset: offset + i, reconsumeTimes: 0,
          bornTimestamp: 0, storeTimestamp: offset + i, bornHost: '', storeHost: '', storeSize: 0, properties: {}, body: Buffer.alloc(0),
        }));
        return { status: n ? 'FOUND' : 'NO_NEW_MSG', messages, nextBeginOffset: offset + n, minOffset: 0, maxOffset: end };
      },
    } as unknown as AdminClient;
  }
}

function collect(feed: TailFeed): { items: FeedItem[]; errors: Array<[string, string | undefined]> } {
  const out = { items: [] as FeedItem[], errors: [] as Array<[string, string | undefined]> };
  feed.listeners.add({ onMessages: (it) => out.items.push(...it), onBroker: (b, _a, e) => out.errors.push([b, e]) });
  return out;
}

test('a feed from now reads only what is stored after it starts, every message once and in queue order', async () => {
  const qs = new Queues();
  qs.add('a', 0, 100); // before the tail: not shown
  const feed = new TailFeed(qs.admin(), 'T', { pollMs: 10 });
  const got = collect(feed);
  feed.start();
  await waitFor('cursors at the end', async () => qs.pulls > 4, 5000, 5);
  qs.add('a', 0, 1000); // far enough behind to pull several batches at once
  qs.add('b', 1, 7);
  await waitFor('all read', () => got.items.length === 1007, 5000, 5);
  feed.stop();
  const a0 = got.items.filter((i) => i.brokerName === 'a').map((i) => i.m.queueOffset);
  assert.deepEqual(a0, Array.from({ length: 1000 }, (_, i) => 100 + i));
  assert.deepEqual(got.items.filter((i) => i.brokerName === 'b').map((i) => i.m.queueOffset), [0, 1, 2, 3, 4, 5, 6]);
});

test('a feed from now that falls too far behind jumps ahead and counts what it skipped', async () => {
  const qs = new Queues();
  const feed = new TailFeed(qs.admin(), 'T', { pollMs: 10, maxBehind: 100 });
  const got = collect(feed);
  feed.start();
  await waitFor('started', async () => qs.pulls > 4, 5000, 5);
  feed.stop(); // the loops end; a new feed picks up the queues as they are now
  const live = new TailFeed(qs.admin(), 'T', { pollMs: 10, maxBehind: 100 });
  const got2 = collect(live);
  live.start();
  await waitFor('live started', async () => live.brokers().length === 2 && live.brokers().every((b) => b.behind === 0), 5000, 5);
  qs.add('a', 1, 5000);
  await waitFor('caught up', () => live.brokers().find((b) => b.brokerName === 'a')!.behind === 0 && got2.items.length > 0, 5000, 5);
  live.stop();
  assert.equal(live.skipped + got2.items.length, 5000);
  assert.ok(live.skipped >= 4800, `skipped ${live.skipped}`);
  assert.equal(got.items.length, 0);
});

test('a feed from a time never skips', async () => {
  const qs = new Queues();
  qs.add('b', 0, 3000);
  const feed = new TailFeed(qs.admin(), 'T', { pollMs: 10, from: 0, maxBehind: 100 });
  const got = collect(feed);
  feed.start();
  await waitFor('all history', () => got.items.length === 3000, 10_000, 5);
  feed.stop();
  assert.equal(feed.skipped, 0);
});

test('a failing broker group is named and does not hold back the other; stop ends the pulling', async () => {
  const qs = new Queues();
  qs.failing.add('b');
  const feed = new TailFeed(qs.admin(), 'T', { pollMs: 10, retryMs: 50 });
  const got = collect(feed);
  feed.start();
  await waitFor('a started', () => feed.brokers().length === 2, 5000, 5);
  await waitFor('b named', () => got.errors.some(([b, e]) => b === 'b' && e !== undefined), 5000, 5);
  qs.add('a', 0, 3);
  await waitFor('a read', () => got.items.length === 3, 5000, 5);
  qs.failing.delete('b');
  await waitFor('b back', () => got.errors.some(([b, e]) => b === 'b' && e === undefined), 5000, 5);
  feed.stop();
  const n = qs.pulls;
  await new Promise((r) => setTimeout(r, 100)); // an observation window: nothing is pulled after stop
  assert.equal(qs.pulls, n);
});
