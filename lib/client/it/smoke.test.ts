// Producer and push consumer against a real nameserver and broker: send, receive, tags, keys and properties.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { getKeys, getTags } from '../../protocol/message.ts';
import { Producer } from '../producer.ts';
import { PushConsumer } from '../push-consumer.ts';
import type { ConsumedMessage } from '../pull-api.ts';
import { startCluster, waitFor, type TestCluster } from './harness.ts';

setLogSink(() => {});

describe('client against a broker process', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster(1);
    await c.createTopic('SmokeTopic', 4);
  });
  after(async () => {
    await c?.stop();
  });

  test('messages sent with tags, keys and properties reach a subscribed consumer', async () => {
    const producer = new Producer({ group: 'smoke_p', namesrvAddr: c.namesrvAddr });
    await producer.start();
    const got: ConsumedMessage[] = [];
    const consumer = new PushConsumer({ group: 'smoke_c', namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceInterval: 1000 });
    consumer.subscribe('SmokeTopic', 'TagA || TagB').onMessage((m) => {
      got.push(m);
    });
    await consumer.start();
    try {
      const sent = [];
      for (let i = 0; i < 30; i++) {
        sent.push(await producer.send({ topic: 'SmokeTopic', body: `m${i}`, tags: ['TagA', 'TagB', 'TagC'][i % 3], keys: [`K${i}`, 'common'], properties: { idx: String(i) } }));
      }
      assert.ok(sent.every((r) => r.sendStatus === 'SEND_OK'));
      await waitFor('20 tagged messages', () => got.length >= 20, 20_000);
      const byBody = new Map(got.map((m) => [m.body.toString(), m]));
      assert.equal(byBody.size, 20);
      const m4 = byBody.get('m4')!;
      assert.equal(getTags(m4), 'TagB');
      assert.equal(getKeys(m4), 'K4 common');
      assert.equal(m4.properties.idx, '4');
      assert.equal(m4.msgId, sent[4]!.msgId);
      assert.equal(m4.offsetMsgId, sent[4]!.offsetMsgId);
      assert.ok(![...byBody.keys()].some((b) => Number(b.slice(1)) % 3 === 2), 'TagC is filtered out');
    } finally {
      await consumer.shutdown();
      await producer.shutdown();
    }
  });
});
