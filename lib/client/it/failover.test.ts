// A producer keeps sending while one of two broker groups is SIGKILLed: every send succeeds, on the survivor.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { Producer } from '../producer.ts';
import type { SendResult } from '../client-api.ts';
import { startCluster, type TestCluster } from './harness.ts';

setLogSink(() => {});

describe('producer with one of two broker groups killed', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster(2);
    await c.createTopic('FailoverTopic', 4);
  });
  after(async () => {
    await c?.stop();
  });

  test('keeps sending: no send fails and everything after the kill goes to the surviving broker', async (t) => {
    const p = new Producer({ group: 'it_failover_p', namesrvAddr: c.namesrvAddr, pollNameServerInterval: 1000 });
    await p.start();
    const results: Array<{ r: SendResult; at: number }> = [];
    let killedAt = 0;
    try {
      let next = 0;
      const TOTAL = 3000;
      const worker = async () => {
        while (next < TOTAL) {
          const i = next++;
          if (i === 1000) {
            killedAt = Date.now();
            await c.brokers[1]!.stop('SIGKILL');
          }
          results.push({ r: await p.send({ topic: 'FailoverTopic', body: `m${i}` }), at: Date.now() });
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    } finally {
      await p.shutdown();
    }
    assert.equal(results.length, 3000);
    const before = results.filter((x) => x.at < killedAt);
    const after = results.filter((x) => x.at > killedAt + 50);
    assert.ok(new Set(before.map((x) => x.r.messageQueue.brokerName)).size === 2, 'both brokers took messages before the kill');
    assert.ok(after.every((x) => x.r.messageQueue.brokerName === 'broker-a'), 'only the survivor took messages after the kill');
    t.diagnostic(`${before.length} sends before the kill, ${after.length} after, all SEND_OK`);
    assert.ok(results.every((x) => x.r.sendStatus === 'SEND_OK'));
  });
});
