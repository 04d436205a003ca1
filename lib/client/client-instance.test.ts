import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHeartbeatData } from '../protocol/bodies/consumer.ts';
import { readBodyText } from '../protocol/fixtures/vectors.ts';
import { ClientInstance, type ConsumerInner } from './client-instance.ts';
import { resolveClientConfig } from './client-config.ts';
import { buildSubscriptionData, javaHashSetOrder } from './subscription.ts';
import { silentLogger } from './it/fake-cluster.ts';

describe('ClientInstance heartbeat', () => {
  test('a push consumer\'s HEART_BEAT body is byte-identical to the Java 4.9.8 consumer\'s', async () => {
    const inst = ClientInstance.acquire(resolveClientConfig({ namesrvAddr: '127.0.0.1:1', clientIP: '192.0.2.2', instanceName: 'demo-consumer-1732855559170', logger: silentLogger }));
    try {
      const subs = [buildSubscriptionData('VecTopic', '*', 1795556249655), buildSubscriptionData('%RETRY%vec_cg', '*', 1795556249661)];
      const consumer = {
        group: 'vec_cg', messageModel: 'CLUSTERING', consumeType: 'CONSUME_PASSIVELY', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        subscriptions: () => subs,
      } as unknown as ConsumerInner;
      assert.equal(inst.registerConsumer(consumer), true);
      assert.equal(inst.registerConsumer(consumer), false, 'one consumer per group and client');
      assert.equal(encodeHeartbeatData(inst.prepareHeartbeatData()).toString(), readBodyText('34-HEART_BEAT', 'request')!.trimEnd());
    } finally {
      await inst.release();
    }
  });

  test('clients with the same id share one instance until the last one releases it', async () => {
    const cfg = resolveClientConfig({ namesrvAddr: '127.0.0.1:1', instanceName: 'shared-x', logger: silentLogger });
    const a = ClientInstance.acquire(cfg);
    const b = ClientInstance.acquire(cfg);
    assert.equal(a, b);
    await a.release();
    assert.equal(ClientInstance.acquire(cfg), a, 'still alive after one release');
    await a.release();
    await a.release();
    const c = ClientInstance.acquire(cfg);
    assert.notEqual(c, a, 'a new instance after the last release');
    await c.release();
  });
});

describe('javaHashSetOrder', () => {
  test('orders subscriptions by Java HashSet bucket whatever the insertion order', () => {
    const a = buildSubscriptionData('VecTopic', '*');
    const b = buildSubscriptionData('%RETRY%vec_cg', '*');
    assert.deepEqual(javaHashSetOrder([a, b]).map((s) => s.topic), ['%RETRY%vec_cg', 'VecTopic']);
    assert.deepEqual(javaHashSetOrder([b, a]).map((s) => s.topic), ['%RETRY%vec_cg', 'VecTopic']);
  });
});
