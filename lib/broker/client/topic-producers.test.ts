// TopicProducerTable: what accepted sends leave behind, and how the table stays bounded.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fakeConnection } from '../test-util.ts';
import { TopicProducerTable } from './topic-producers.ts';

const send = (producerGroup: string, topic: string) => ({ producerGroup, topic, language: 'JAVA', version: 453 });

describe('TopicProducerTable', () => {
  test('notes group, topic, client id, address, language, version and last send time per connection', () => {
    let now = 1000;
    const t = new TopicProducerTable(() => now);
    const a = fakeConnection('10.0.0.1:5000');
    const b = fakeConnection('10.0.0.2:5000');
    t.record(a, send('pg', 'T1'), 'client-a');
    now = 2000;
    t.record(a, { ...send('pg', 'T1'), language: 'GO', version: 500 });
    t.record(b, send('pg', 'T1'), 'client-b');
    t.record(a, send('pg2', 'T2'), 'client-a');
    assert.deepEqual(t.list('T1'), [
      { producerGroup: 'pg', topic: 'T1', clientId: 'client-a', clientAddr: '10.0.0.1:5000', language: 'GO', version: 500, lastSendTimestamp: 2000, sendCount: 2, sendTps: 2 },
      { producerGroup: 'pg', topic: 'T1', clientId: 'client-b', clientAddr: '10.0.0.2:5000', language: 'JAVA', version: 453, lastSendTimestamp: 2000, sendCount: 1, sendTps: 1 },
    ]);
    assert.deepEqual(t.list().map((e) => `${e.topic} ${e.producerGroup}`), ['T1 pg', 'T1 pg', 'T2 pg2']);
  });

  test('send TPS is the count of the last minute per second; older sends fall out of the window', () => {
    let now = 1_000_000;
    const t = new TopicProducerTable(() => now);
    const fast = fakeConnection('10.0.0.1:5000');
    const slow = fakeConnection('10.0.0.2:5000');
    // two minutes: fast sends 10 a second, slow one every two seconds
    for (let ms = 0; ms < 120_000; ms += 100) {
      now = 1_000_000 + ms;
      t.record(fast, send('pg', 'T'));
      if (ms % 2000 === 0) t.record(slow, send('pg', 'T'));
    }
    now = 1_120_000;
    const [f, s] = t.list('T');
    assert.equal(f!.sendCount, 1200);
    assert.equal(s!.sendCount, 60);
    assert.ok(Math.abs(f!.sendTps - 10) < 0.5, `fast ${f!.sendTps}`);
    assert.ok(Math.abs(s!.sendTps - 0.5) < 0.05, `slow ${s!.sendTps}`);
    now += 30_000;
    const half = t.list('T')[0]!.sendTps;
    assert.ok(half > 3 && half < 7, `half a minute idle halves it: ${half}`);
    now += 61_000;
    assert.equal(t.list('T')[0]!.sendTps, 0);
    assert.equal(t.list('T')[0]!.sendCount, 1200);
  });

  test('a client id a later heartbeat told is filled in when listed', () => {
    const t = new TopicProducerTable();
    const a = fakeConnection('10.0.0.1:5000');
    t.record(a, send('pg', 'T'));
    assert.equal(t.list('T')[0]!.clientId, '');
    assert.equal(t.list('T', (group, conn) => (group === 'pg' && conn === a ? 'late-id' : undefined))[0]!.clientId, 'late-id');
  });

  test('leaves out internal producer groups and retry / dead-letter topics', () => {
    const t = new TopicProducerTable();
    const a = fakeConnection('10.0.0.1:5000');
    t.record(a, send('CLIENT_INNER_PRODUCER', 'T'));
    t.record(a, send('SELF_TEST_P_GROUP', 'T'));
    t.record(a, send('pg', '%RETRY%cg'));
    t.record(a, send('pg', '%DLQ%cg'));
    t.record(a, send('', 'T'));
    assert.equal(t.size, 0);
  });

  test('a closed connection takes its rows with it', () => {
    const t = new TopicProducerTable();
    const a = fakeConnection('10.0.0.1:5000');
    const b = fakeConnection('10.0.0.2:5000');
    t.record(a, send('pg', 'T1'));
    t.record(a, send('pg', 'T2'));
    t.record(b, send('pg', 'T1'));
    t.doChannelCloseEvent(a);
    assert.deepEqual(t.list().map((e) => e.clientAddr), ['10.0.0.2:5000']);
    a.close('gone');
    t.record(a, send('pg', 'T3'));
    assert.equal(t.size, 1, 'nothing is noted for a connection already closed');
  });

  test('pairs idle past idleMs expire; busy ones stay', () => {
    let now = 0;
    const t = new TopicProducerTable(() => now, 100, 60_000);
    const a = fakeConnection('10.0.0.1:5000');
    t.record(a, send('pg', 'Quiet'));
    now = 30_000;
    t.record(a, send('pg', 'Busy'));
    now = 61_000;
    assert.equal(t.expire(), 1);
    assert.deepEqual(t.list().map((e) => e.topic), ['Busy']);
    now = 91_000;
    assert.equal(t.expire(), 1);
    assert.equal(t.size, 0);
  });

  test('expire also drops rows of connections that closed unseen', () => {
    const t = new TopicProducerTable();
    const a = fakeConnection('10.0.0.1:5000');
    t.record(a, send('pg', 'T'));
    a.close('gone');
    assert.equal(t.expire(), 1);
  });

  test('never holds more than maxEntries rows; the least recently sending go first', () => {
    const t = new TopicProducerTable(Date.now, 3);
    const a = fakeConnection('10.0.0.1:5000');
    t.record(a, send('pg', 'T1'));
    t.record(a, send('pg', 'T2'));
    t.record(a, send('pg', 'T3'));
    t.record(a, send('pg', 'T1'));
    t.record(a, send('pg', 'T4'));
    assert.equal(t.size, 3);
    assert.deepEqual(t.list().map((e) => e.topic), ['T1', 'T3', 'T4']);
    for (let i = 0; i < 50; i++) t.record(fakeConnection(`10.0.1.${i}:1`), send(`g${i}`, `X${i}`));
    assert.equal(t.size, 3);
    t.doChannelCloseEvent(a);
    assert.equal(t.size, 3, 'evicted rows left no stale connection index behind');
  });
});
