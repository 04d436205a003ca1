// The findings of "why is this group behind?", each from the figures that show it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsumerRunningInfoResult, QueueProgress } from '../admin/index.ts';
import { eventLoopDelayOf, findings, type DiagnoseInput } from './diagnose.ts';

const q = (queueId: number, diff: number, topic = 'T'): QueueProgress => ({ topic, brokerName: 'b', queueId, brokerOffset: diff, consumerOffset: 0, diff, lastTimestamp: 0 });
const running = (clientId: string, queues: Array<Partial<ConsumerRunningInfoResult['queues'][number]>>, failed = 0): { clientId: string; info: ConsumerRunningInfoResult } => ({
  clientId,
  info: {
    group: 'g', clientId, properties: {}, subscriptions: [],
    queues: queues.map((x, i) => ({ topic: 'T', brokerName: 'b', queueId: i, commitOffset: 0, cachedMsgCount: 0, cachedMsgMinOffset: 0, cachedMsgMaxOffset: 0, locked: false, droped: false, lastPullTimestamp: 0, lastConsumeTimestamp: 0, ...x })),
    status: [{ topic: 'T', pullTPS: 1, pullRT: 1, consumeOKTPS: 1, consumeFailedTPS: failed, consumeRT: 1, consumeFailedMsgs: failed * 60 }],
  },
});
const base = (o: Partial<DiagnoseInput>): DiagnoseInput => ({ group: 'g', queues: [q(0, 0), q(1, 0)], members: ['c1'], running: [], brokerErrors: [], now: 1_000_000, ...o });
const kinds = (d: DiagnoseInput) => findings(d).map((f) => f.kind);

test('no online member while messages wait is critical; without lag it is no finding', () => {
  const f = findings(base({ members: [], queues: [q(0, 5), q(1, 7)] }));
  assert.equal(f[0]!.kind, 'no_members');
  assert.equal(f[0]!.severity, 'critical');
  assert.equal(f[0]!.figures.lag, 12);
  assert.deepEqual(kinds(base({ members: [] })), []);
});

test('more members than queues leaves some idle; fewer share the queues', () => {
  assert.deepEqual(kinds(base({ members: ['a', 'b', 'c'] })), ['idle_members']);
  assert.deepEqual(kinds(base({ members: ['a'], queues: [q(0, 1), q(1, 1), q(2, 1), q(3, 1)] })), ['few_members']);
});

test('one queue far behind the others is named with its figures', () => {
  const f = findings(base({ members: ['a', 'b', 'c', 'd'], queues: [q(0, 10), q(1, 12), q(2, 9), q(3, 50_000)] }));
  assert.deepEqual(f.map((x) => x.kind), ['skewed_queue']);
  assert.equal(f[0]!.figures.queueId, 3);
  assert.equal(f[0]!.figures.medianLag, 10);
});

test('a full process queue, a consumer stuck on its messages and consume failures are warnings', () => {
  const f = findings(base({
    running: [running('c1', [{ cachedMsgCount: 1000, lastConsumeTimestamp: 999_000 }, { cachedMsgCount: 5, lastConsumeTimestamp: 1_000_000 - 120_000 }], 2)],
  }));
  assert.deepEqual(f.map((x) => x.kind).sort(), ['consume_failures', 'flow_control', 'stuck']);
  assert.equal(f.find((x) => x.kind === 'stuck')!.figures.idleSeconds, 120);
});

test('a broker that did not answer and a client without running info are named', () => {
  const f = findings(base({ brokerErrors: [{ brokerName: 'b2', brokerAddr: '10.0.0.2:10911', error: 'timeout' }], running: [{ clientId: 'c9', error: 'timeout' }] }));
  assert.deepEqual(f.map((x) => x.kind), ['broker_down', 'no_running_info']);
});

test('a Node client\'s event-loop delay is read from its properties; a late loop (p99 >= 100 ms) is a warning', () => {
  const props = { PROP_EVENT_LOOP_DELAY_MEAN_MS: '12.5', PROP_EVENT_LOOP_DELAY_P99_MS: '180', PROP_EVENT_LOOP_DELAY_MAX_MS: '300.25', PROP_EVENT_LOOP_DELAY_WINDOW_MS: '60000' };
  const delay = eventLoopDelayOf(props)!;
  assert.deepEqual(delay, { meanMs: 12.5, p99Ms: 180, maxMs: 300.25, windowMs: 60000 });
  assert.equal(eventLoopDelayOf({}), undefined, 'a Java client has none');
  assert.equal(eventLoopDelayOf({ ...props, PROP_EVENT_LOOP_DELAY_P99_MS: 'x' }), undefined);
  const late = findings(base({ running: [{ ...running('c1', []), eventLoopDelay: delay }] }));
  assert.deepEqual(late.map((x) => x.kind), ['event_loop_delay']);
  assert.equal(late[0]!.figures.p99Ms, 180);
  assert.deepEqual(kinds(base({ running: [{ ...running('c1', []), eventLoopDelay: { ...delay, p99Ms: 20 } }] })), []);
});
