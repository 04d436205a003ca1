// A broker process frees what a drain read once the drain has stopped: the commit log read windows and the consume
// queues' read-aheads, then (node runs with --expose-gc, SERVER_NODE_FLAGS) one full collection for the drain's dead
// answer bodies, when the pulls answered enough bytes since the last one to leave that much garbage. The RSS this saves is measured by `npm run bench -- broker-rss` (docs/benchmarks.md).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SERVER_NODE_FLAGS } from '../../cluster/node-flags.ts';
import { spawnBroker, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';

const TOPIC = 'ReadBuffersTopic';
const QUEUES = 8;

describe('broker process: read buffers after a drain', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let c: TestClient;

  before(async () => {
    ns = await spawnNamesrv();
    broker = await spawnBroker({ namesrv: ns.address, props: { cleanResourceInterval: 500, collectAfterDrainBytes: 200_000 } });
    c = new TestClient(broker.address);
  });

  after(async () => {
    await c?.close();
    await broker?.destroy();
    await ns?.stop();
  });

  test('the windows a drain read are released once no pull has used them for a retention interval, then a GC runs if the drain was large', async () => {
    const cmdline = readFileSync(`/proc/${broker.child.pid}/cmdline`, 'utf8').split('\0');
    for (const f of SERVER_NODE_FLAGS) assert.ok(cmdline.includes(f), `${f} in ${cmdline.join(' ')}`);
    await c.createTopic(TOPIC, QUEUES);
    for (let i = 0; i < 400; i++) {
      const res = await c.send(TOPIC, `body-${i}-${'x'.repeat(900)}`, { queueId: i % QUEUES });
      assert.equal(res.code, 0);
    }
    assert.ok(!broker.logs.some((l) => l.includes('"event":"read_buffers_released"')), 'nothing read yet, nothing released');
    for (let q = 0; q < QUEUES; q++) {
      const msgs = await c.pullAll('read_buffers_reader', TOPIC, q, 0, 50);
      assert.deepEqual(msgs.slice(0, 50).map((m) => m.body.toString().split('-')[1]), Array.from({ length: 50 }, (_, k) => String(k * QUEUES + q)));
    }
    const released = () => broker.logs.filter((l) => l.includes('"event":"read_buffers_released"')).map((l) => JSON.parse(l) as { bytes: number; answeredBytes: number; gcMs: number | null });
    await waitFor('read_buffers_released', () => released().length > 0, 10_000);
    const [first] = released();
    assert.ok(first!.bytes >= 1024 * 1024, `at least one 1 MiB window released (${first!.bytes} bytes)`);
    assert.ok(first!.answeredBytes >= 400 * 900, `the drain's answers counted (${first!.answeredBytes} bytes)`);
    assert.equal(typeof first!.gcMs, 'number', 'the broker ran a collection (node started with --expose-gc)');
    // released once: nothing is held until pulls read again
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(released().length, 1);
    // a consumer that reads a little now and then: its buffers are released again, without a collection
    const again = await c.pullAll('read_buffers_reader', TOPIC, 3, 0, 50);
    assert.deepEqual(again.slice(0, 50).map((m) => m.body.toString().split('-')[1]), Array.from({ length: 50 }, (_, k) => String(k * QUEUES + 3)), 'pulls after the release read the same messages');
    await waitFor('released again after the new pulls', () => released().length === 2, 10_000);
    const second = released()[1]!;
    assert.ok(second.answeredBytes > 0 && second.answeredBytes < 200_000, `a small read since the collection (${second.answeredBytes} bytes)`);
    assert.equal(second.gcMs, null, 'below collectAfterDrainBytes: no collection');
  });
});
