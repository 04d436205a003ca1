import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TAIL_BUFFER_BYTES, TailStream } from './tail-stream.ts';
import { compileTailFilter, parseTailFilter } from './tail-filter.ts';
import type { FeedItem } from './tail-feed.ts';

const filter = (qs = '') => compileTailFilter(parseTailFilter(new URL(`http://x/api/tail?topic=T&${qs}`)));

let offset = 0;
function item(o: { brokerName?: string; queueId?: number; tags?: string; props?: Record<string, string>; body?: string } = {}): FeedItem {
  const properties = { ...(o.props ?? {}), ...(o.tags ? { TAGS: o.tags } : {}) };
  return {
    brokerName: o.brokerName ?? 'b1',
    m: {
      msgId: `id${offset}`, offsetMsgId: `off${offset}`, topic: 'T', keys: [], queueId: o.queueId ?? 0, queueOffset: offset++, reconsumeTimes: 0,
      bornTimestamp: 1, storeTimestamp: 2, bornHost: 'h:1', storeHost: 'h:2', storeSize: 10, properties, body: Buffer.from(o.body ?? 'hello'),
      ...(o.tags ? { tags: o.tags } : {}),
    },
  };
}

/** A stream with its body read into `events` (parsed), on a clock the test moves. */
async function started(opts: Partial<ConstructorParameters<typeof TailStream>[0]> & { read?: boolean } = {}) {
  let now = 1_000_000;
  const s = new TailStream({ id: 'x', user: 'u', filter: filter(), rateLimit: 1000, now: () => now, ...opts });
  const body = s.body(() => {});
  const events: Array<{ event: string; data: any }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const drain = async (): Promise<void> => {
    const reader = body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await Promise.race([reader.read(), new Promise<{ value: undefined; done: true }>((r) => setTimeout(() => r({ value: undefined, done: true }), 20))]);
      if (done) break;
      buf += dec.decode(value);
    }
    reader.releaseLock();
    for (const block of buf.split('\n\n').filter(Boolean)) {
      const [ev, data] = block.split('\n');
      events.push({ event: ev!.slice(7), data: JSON.parse(data!.slice(6)) });
    }
  };
  return { s, events, drain, tick: (ms: number) => (now += ms) };
}

test('the rate cap sends at most its budget and counts the rest as dropped', async () => {
  const { s, events, drain, tick } = await started({ rateLimit: 5 });
  s.onMessages(Array.from({ length: 20 }, () => item()));
  assert.deepEqual({ sent: s.counts.sent, dropped: s.counts.dropped, matched: s.counts.matched }, { sent: 5, dropped: 15, matched: 20 });
  tick(400); // two more tokens
  s.onMessages(Array.from({ length: 5 }, () => item()));
  assert.equal(s.counts.sent, 7);
  await drain();
  assert.equal(events.filter((e) => e.event === 'message').length, 7);
});

test('what the page does not take is dropped, not queued without bound', async () => {
  const { s } = await started({ rateLimit: 1000 });
  const big = 'x'.repeat(3000);
  s.onMessages(Array.from({ length: 200 }, () => item({ body: big })));
  // each event is a little over 3,000 bytes: about the buffer's worth is written, the rest dropped
  assert.ok(s.counts.sent >= TAIL_BUFFER_BYTES / 3300 && s.counts.sent <= TAIL_BUFFER_BYTES / 3000 + 1, `sent ${s.counts.sent}`);
  assert.equal(s.counts.sent + s.counts.dropped, 200);
});

test('chosen queues, the filter and pause decide what is sent', async () => {
  const { s, events, drain } = await started({ filter: filter('tag=paid'), queues: new Set(['b1:1']) });
  s.onMessages([item({ queueId: 0, tags: 'paid' }), item({ queueId: 1, tags: 'paid' }), item({ queueId: 1, tags: 'created' }), item({ brokerName: 'b2', queueId: 1, tags: 'paid' })]);
  assert.deepEqual({ scanned: s.counts.scanned, matched: s.counts.matched, sent: s.counts.sent }, { scanned: 2, matched: 1, sent: 1 });
  s.paused = true;
  s.onMessages([item({ queueId: 1, tags: 'paid' })]);
  assert.equal(s.counts.missedWhilePaused, 1);
  assert.equal(s.counts.sent, 1);
  await drain();
  assert.equal(events.filter((e) => e.event === 'message').length, 1);
});

test('a masked reader gets masked values and its filters see only them', async () => {
  const mask = { properties: ['phone'], bodyFields: ['email'] };
  const { s, events, drain } = await started({ mask });
  const probe = await started({ mask, filter: filter('prop=phone%3D555&body=a%40x') });
  const it = item({ props: { phone: '555' }, body: '{"email":"a@x","n":1}' });
  s.onMessages([it]);
  probe.s.onMessages([it]);
  assert.equal(probe.s.counts.matched, 0);
  await drain();
  const m = events.find((e) => e.event === 'message')!.data;
  assert.equal(m.properties.phone, '******');
  assert.equal(JSON.parse(m.body).email, '******');
  assert.deepEqual(m.masked, ['property:phone', 'body:email']);
});

test('a long body is cut for the page, saying how long it was', async () => {
  const { s, events, drain } = await started();
  s.onMessages([item({ body: 'y'.repeat(10_000) })]);
  await drain();
  const m = events.find((e) => e.event === 'message')!.data;
  assert.equal(m.body.length, 4096);
  assert.equal(m.bodySize, 10_000);
  assert.equal(m.bodyTruncated, true);
});
