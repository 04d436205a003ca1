// Push consumers against a real nameserver and broker: broadcasting, ordered messages with a selector, the retry
// and dead-letter path, and the broker-initiated requests (running info, direct consumption, offset reset).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { decodeConsumerRunningInfo } from '../../protocol/bodies/running-info.ts';
import { parseFastJson, toPlain } from '../../protocol/fastjson.ts';
import { LitePullConsumer } from '../lite-pull-consumer.ts';
import { Producer } from '../producer.ts';
import { selectMessageQueueByHash } from '../producer-message.ts';
import { PushConsumer } from '../push-consumer.ts';
import type { ConsumedMessage } from '../pull-api.ts';
import { startCluster, waitFor, type TestCluster } from './harness.ts';

setLogSink(() => {});

const FAST = { rebalanceInterval: 1000, pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500 };

describe('push consumers against a broker process', () => {
  let c: TestCluster;
  let producer: Producer;
  const dirs: string[] = [];

  before(async () => {
    // Short delay levels so retries come back within a second (retries use level 3 + reconsumeTimes).
    c = await startCluster(1, { messageDelayLevel: '1s 1s 1s 1s 1s 1s 1s 1s' });
    await Promise.all([c.createTopic('BroadcastTopic', 4), c.createTopic('OrderTopic', 8), c.createTopic('RetryTopic', 2), c.createTopic('ControlTopic', 2)]);
    producer = new Producer({ group: 'it_consumers_p', namesrvAddr: c.namesrvAddr });
    await producer.start();
  });

  after(async () => {
    await producer?.shutdown();
    await c?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('3 broadcasting consumers each get every message and keep their offsets in a local file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-bcast-'));
    dirs.push(dir);
    const got = [new Set<string>(), new Set<string>(), new Set<string>()];
    const consumers = got.map((set, i) => {
      const pc = new PushConsumer({ group: 'it_bcast', namesrvAddr: c.namesrvAddr, messageModel: 'BROADCASTING', instanceName: `bcast-${i}`, offsetStoreDir: dir, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
      pc.subscribe('BroadcastTopic').onMessage((m) => {
        set.add(m.body.toString());
      });
      return pc;
    });
    await Promise.all(consumers.map((pc) => pc.start()));
    try {
      await waitFor('every broadcaster on all 4 queues', () => consumers.every((pc) => pc.assignedQueues().length === 4), 20_000);
      for (let i = 0; i < 1000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => producer.send({ topic: 'BroadcastTopic', body: String(i + j) })));
      await waitFor('1,000 messages at every consumer', () => got.every((s) => s.size === 1000), 30_000);
    } finally {
      await Promise.all(consumers.map((pc) => pc.shutdown()));
    }
    for (let i = 0; i < 3; i++) {
      assert.match(consumers[i]!.clientId!, new RegExp(`@bcast-${i}$`));
      assert.ok(existsSync(join(dir, consumers[i]!.clientId!, 'it_bcast', 'offsets.json')), `offsets of bcast-${i}`);
    }
  });

  test('ordered messages sent with a sharding-key selector arrive in order per key, even across a failed call', async () => {
    const KEYS = 40;
    const PER_KEY = 25;
    const seen = new Map<string, number[]>();
    let failedOnce = false;
    const make = (i: number) => {
      const pc = new PushConsumer({ group: 'it_order', namesrvAddr: c.namesrvAddr, orderly: true, instanceName: `order-${i}`, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', suspendCurrentQueueTimeMillis: 100, ...FAST });
      pc.subscribe('OrderTopic').onMessage(async (m) => {
        const [key, seq] = m.body.toString().split(':') as [string, string];
        if (key === 'k3' && seq === '5' && !failedOnce) {
          failedOnce = true;
          throw new Error('fail k3:5 once');
        }
        await new Promise((r) => setTimeout(r, Math.random() * 2));
        seen.set(key, [...(seen.get(key) ?? []), Number(seq)]);
      });
      return pc;
    };
    const consumers = [make(0), make(1)];
    await Promise.all(consumers.map((pc) => pc.start()));
    try {
      await waitFor('8 queues split over 2 orderly members', () => consumers.every((pc) => pc.assignedQueues().filter((q) => q.topic === 'OrderTopic').length === 4), 20_000);
      for (let seq = 0; seq < PER_KEY; seq++) {
        await Promise.all(Array.from({ length: KEYS }, (_, k) => producer.send({ topic: 'OrderTopic', body: `k${k}:${seq}` }, { selector: selectMessageQueueByHash, arg: `k${k}` })));
      }
      await waitFor('every ordered message', () => [...seen.values()].reduce((n, l) => n + l.length, 0) >= KEYS * PER_KEY, 30_000);
    } finally {
      await Promise.all(consumers.map((pc) => pc.shutdown()));
    }
    assert.ok(failedOnce);
    for (let k = 0; k < KEYS; k++) assert.deepEqual(seen.get(`k${k}`), Array.from({ length: PER_KEY }, (_, i) => i), `order of k${k}`);
  });

  test('a failing message comes back through the retry topic, and after maxReconsumeTimes lands in the DLQ', async () => {
    const attempts = new Map<string, number[]>();
    const pc = new PushConsumer({ group: 'it_retry', namesrvAddr: c.namesrvAddr, maxReconsumeTimes: 2, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
    pc.subscribe('RetryTopic').onMessage((m) => {
      const body = m.body.toString();
      attempts.set(body, [...(attempts.get(body) ?? []), m.reconsumeTimes]);
      assert.equal(m.topic, 'RetryTopic', 'retried messages show their original topic');
      if (body === 'fail-always') throw new Error('always fails');
      if (body === 'fail-once' && m.reconsumeTimes === 0) return 'RECONSUME_LATER';
    });
    await pc.start();
    try {
      await waitFor('RetryTopic queues assigned', () => pc.assignedQueues().some((q) => q.topic === 'RetryTopic'), 20_000);
      const sent = await producer.send({ topic: 'RetryTopic', body: 'fail-always' });
      await producer.send({ topic: 'RetryTopic', body: 'fail-once' });
      await producer.send({ topic: 'RetryTopic', body: 'ok' });
      await waitFor('three attempts of fail-always and two of fail-once', () => attempts.get('fail-always')?.length === 3 && attempts.get('fail-once')?.length === 2, 30_000);
      assert.deepEqual(attempts.get('fail-always'), [0, 1, 2]);
      assert.deepEqual(attempts.get('fail-once'), [0, 1]);
      assert.deepEqual(attempts.get('ok'), [0]);

      const dlq = new LitePullConsumer({ group: 'it_retry_dlq_reader', namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', autoCommit: false });
      await dlq.start();
      try {
        let dead: ConsumedMessage[] = [];
        await waitFor('the DLQ message', async () => {
          if (dlq.assignment().length === 0) {
            const mqs = await dlq.fetchMessageQueues('%DLQ%it_retry').catch(() => []);
            if (mqs.length > 0) dlq.assign(mqs);
            return false;
          }
          dead = [...dead, ...(await dlq.poll(500))];
          return dead.length > 0;
        }, 20_000);
        assert.equal(dead[0]!.body.toString(), 'fail-always');
        assert.equal(dead[0]!.msgId, sent.msgId);
      } finally {
        await dlq.shutdown();
      }
      await new Promise((r) => setTimeout(r, 1500)); // a further attempt would arrive within one delay level
      assert.equal(attempts.get('fail-always')!.length, 3, 'no attempt after the DLQ');
    } finally {
      await pc.shutdown();
    }
  });

  describe('broker-initiated requests', () => {
    const got: Array<{ body: string; at: number }> = [];
    let pc: PushConsumer;
    let sent: Array<{ msgId: string; offsetMsgId: string }> = [];
    let startTs = 0;

    before(async () => {
      pc = new PushConsumer({ group: 'it_control', namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
      pc.subscribe('ControlTopic').onMessage((m) => {
        got.push({ body: m.body.toString(), at: Date.now() });
      });
      await pc.start();
      await waitFor('ControlTopic queues assigned', () => pc.assignedQueues().filter((q) => q.topic === 'ControlTopic').length === 2, 20_000);
      startTs = Date.now() - 1000;
      for (let i = 0; i < 10; i++) sent.push(await producer.send({ topic: 'ControlTopic', body: `c${i}` }));
      await waitFor('10 messages', () => got.length >= 10, 20_000);
    });

    after(async () => {
      await pc?.shutdown();
    });

    test('GET_CONSUMER_RUNNING_INFO forwarded by the broker is answered with the consumer\'s state', async () => {
      const info = await c.admins[0]!.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'it_control', clientId: pc.clientId!, jstackEnable: false });
      assert.equal(info.code, ResponseCode.SUCCESS, info.remark);
      const ri = decodeConsumerRunningInfo(info.body!);
      assert.equal(ri.properties.get('PROP_CONSUME_TYPE'), 'CONSUME_PASSIVELY');
      assert.equal(ri.properties.get('PROP_CLIENT_VERSION'), 'V4_9_8');
      assert.equal(ri.properties.get('consumerGroup'), 'it_control');
      assert.deepEqual(ri.subscriptionSet.map((s) => s.topic).sort(), ['%RETRY%it_control', 'ControlTopic']);
      assert.equal(ri.mqTable.filter(([mq]) => mq.topic === 'ControlTopic').length, 2);
      assert.ok(ri.statusTable.has('ControlTopic'));
    });

    // RocketMQ's broker looks the message up by msgId and forwards it as the request body; ours forwards no body yet.
    test('CONSUME_MESSAGE_DIRECTLY forwarded by the broker hands the stored message to the listener', async () => {
      const direct = await c.admins[0]!.call(RequestCode.CONSUME_MESSAGE_DIRECTLY, { consumerGroup: 'it_control', clientId: pc.clientId!, msgId: sent[3]!.offsetMsgId, brokerName: 'broker-a' });
      assert.equal(direct.code, ResponseCode.SUCCESS, direct.remark);
      const result = toPlain(parseFastJson(direct.body!.toString())) as Record<string, unknown>;
      assert.equal(result.consumeResult, 'CR_SUCCESS');
      assert.equal(got.filter((g) => g.body === 'c3').length, 2, 'the message was handed to the listener again');
    });

    test('INVOKE_BROKER_TO_RESET_OFFSET reaches the consumer as RESET_CONSUMER_CLIENT_OFFSET and it consumes again from there', async () => {
      const resetAt = Date.now();
      const reset = await c.admins[0]!.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'ControlTopic', group: 'it_control', timestamp: startTs, isForce: true });
      assert.equal(reset.code, ResponseCode.SUCCESS, reset.remark);
      await waitFor('all 10 messages again after the reset', () => new Set(got.filter((g) => g.at >= resetAt).map((g) => g.body)).size === 10, 20_000);
    });
  });
});
