import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, setLogSink } from '../common/log.ts';
import { waitFor } from '../common/wait-for.ts';
import type { SendResult } from './client-api.ts';
import { decodeTraceData, type TraceContext } from './trace-data.ts';
import { TraceDispatcher, type TraceSender, type TraceSenderFactory } from './trace-dispatcher.ts';

setLogSink(() => {});

const ok = { sendStatus: 'SEND_OK', msgId: 'x', offsetMsgId: 'y', messageQueue: { topic: 't', brokerName: 'b', queueId: 0 }, queueOffset: 0, regionId: 'r', traceOn: true } as SendResult;

function sender(behaviour: (m: { body: string; keys: string[] }) => Promise<SendResult>) {
  const sent: Array<{ topic: string; body: string; keys: string[] }> = [];
  const opts: Array<Parameters<TraceSenderFactory>[0]> = [];
  const factory: TraceSenderFactory = (o): TraceSender => {
    opts.push(o);
    return {
      start: async () => {},
      shutdown: async () => {},
      send: async (m) => {
        sent.push(m);
        return behaviour(m);
      },
    };
  };
  return { sent, opts, factory };
}

const sub = (i: number): TraceContext => ({ traceType: 'SubBefore', timeStamp: i, groupName: 'g', requestId: `r${i}`, regionId: 'R', traceBeans: [{ msgId: `M${i}`, keys: `k${i}` }] });

test('contexts appended together go out as one trace message keyed by every msgId and key', async () => {
  const s = sender(async () => ok);
  const d = new TraceDispatcher({ group: 'g', type: 'CONSUME', clientOptions: { namesrvAddr: '127.0.0.1:9876' }, createSender: s.factory, logger: createLogger('t') });
  d.start();
  for (let i = 0; i < 5; i++) assert.equal(d.append(sub(i)), true);
  await waitFor('one trace message', () => s.sent.length === 1, 5000);
  assert.equal(s.sent[0]!.topic, 'RMQ_SYS_TRACE_TOPIC');
  assert.deepEqual(decodeTraceData(s.sent[0]!.body).map((c) => c.requestId), ['r0', 'r1', 'r2', 'r3', 'r4']);
  assert.deepEqual(new Set(s.sent[0]!.keys), new Set(['M0', 'k0', 'M1', 'k1', 'M2', 'k2', 'M3', 'k3', 'M4', 'k4']));
  assert.match(String(s.opts[0]!.group), /^_INNER_TRACE_PRODUCER-g-CONSUME-\d+$/);
  await d.shutdown();
});

test('a full queue drops contexts instead of blocking, and says how many', () => {
  const s = sender(async () => ok);
  const d = new TraceDispatcher({ group: 'g', type: 'PRODUCE', traceTopic: 'MyTrace', clientOptions: { namesrvAddr: '127.0.0.1:9876' }, createSender: s.factory, logger: createLogger('t') });
  // not started: nothing drains the queue
  let accepted = 0;
  for (let i = 0; i < 1100; i++) if (d.append(sub(i))) accepted++;
  assert.equal(accepted, 1024);
  assert.equal(d.discarded, 76);
});

test('a failing trace send is counted and never reaches the caller; shutdown flushes what is queued', async () => {
  const s = sender(async () => { throw new Error('broker gone'); });
  const d = new TraceDispatcher({ group: 'g', type: 'PRODUCE', traceTopic: 'MyTrace', clientOptions: { namesrvAddr: '127.0.0.1:9876' }, createSender: s.factory, logger: createLogger('t') });
  d.start();
  d.append(sub(1));
  await d.shutdown();
  assert.equal(s.sent.length, 1, 'shutdown sent the queued record without waiting 500 ms');
  assert.equal(s.sent[0]!.topic, 'MyTrace');
  assert.equal(d.sendFailures, 1);
  assert.equal(d.append(sub(2)), false, 'a stopped dispatcher takes nothing');
});

test('records past 118 000 characters are split into several trace messages', async () => {
  const s = sender(async () => ok);
  const d = new TraceDispatcher({ group: 'g', type: 'CONSUME', clientOptions: { namesrvAddr: '127.0.0.1:9876' }, createSender: s.factory, logger: createLogger('t') });
  d.start();
  const big = (i: number): TraceContext => ({ ...sub(i), traceBeans: [{ msgId: `M${i}`, keys: 'k'.repeat(20_000) }] });
  for (let i = 0; i < 12; i++) d.append(big(i));
  await d.shutdown();
  assert.ok(s.sent.length >= 2, `${s.sent.length} messages`);
  assert.ok(s.sent.every((m) => m.body.length < 128_000));
  assert.equal(s.sent.reduce((n, m) => n + decodeTraceData(m.body).length, 0), 12, 'nothing lost');
});
