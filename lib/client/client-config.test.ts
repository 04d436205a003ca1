import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildClientId, checkOptionKeys, resolveClientConfig, CLIENT_OPTION_KEYS } from './client-config.ts';
import { ClientConfigError } from './errors.ts';
import { Producer } from './producer.ts';
import { resolvePushOptions, parseConsumeTimestamp, formatConsumeTimestamp } from './push-consumer-options.ts';

describe('client config', () => {
  test('has RocketMQ\'s defaults and takes "a;b" or a list of nameservers', () => {
    const c = resolveClientConfig({ namesrvAddr: '127.0.0.1:9876;127.0.0.1:9877' });
    assert.deepEqual(c.namesrvAddr, ['127.0.0.1:9876', '127.0.0.1:9877']);
    assert.equal(c.pollNameServerInterval, 30_000);
    assert.equal(c.heartbeatBrokerInterval, 30_000);
    assert.equal(c.persistConsumerOffsetInterval, 5_000);
    assert.equal(c.mqClientApiTimeout, 3_000);
    assert.match(c.instanceName, /^\d+#\d+$/);
    assert.deepEqual(resolveClientConfig({ namesrvAddr: ['h:1', 'h:2'] }).namesrvAddr, ['h:1', 'h:2']);
  });

  test('client id is ip@instanceName[@unitName]', () => {
    assert.equal(buildClientId({ clientIP: '10.0.0.1', instanceName: '123#456' }), '10.0.0.1@123#456');
    assert.equal(buildClientId({ clientIP: '10.0.0.1', instanceName: 'x', unitName: 'u' }), '10.0.0.1@x@u');
  });

  test('each client gets its own default instance name', () => {
    assert.notEqual(resolveClientConfig({ namesrvAddr: 'h:1' }).instanceName, resolveClientConfig({ namesrvAddr: 'h:1' }).instanceName);
  });

  test('missing or malformed nameservers and bad values are ClientConfigErrors naming the option', () => {
    const saved = process.env.NAMESRV_ADDR;
    delete process.env.NAMESRV_ADDR;
    try {
      assert.throws(() => resolveClientConfig({}), (e: unknown) => e instanceof ClientConfigError && e.option === 'namesrvAddr');
    } finally {
      if (saved !== undefined) process.env.NAMESRV_ADDR = saved;
    }
    assert.throws(() => resolveClientConfig({ namesrvAddr: 'nohost' }), ClientConfigError);
    assert.throws(() => resolveClientConfig({ namesrvAddr: 'h:1', heartbeatBrokerInterval: -5 }), (e: unknown) => e instanceof ClientConfigError && e.option === 'heartbeatBrokerInterval');
  });

  test('an unknown option is an error that names it', () => {
    assert.throws(() => checkOptionKeys({ namesrvAddr: 'h:1', namesrvAdr: 'x' }, CLIENT_OPTION_KEYS, 'X'), /unknown option "namesrvAdr"/);
    assert.throws(() => new Producer({ group: 'g', namesrvAddr: 'h:1', retryTimes: 3 } as never), /unknown option "retryTimes"/);
    assert.throws(() => resolvePushOptions({ group: 'g', namesrvAddr: 'h:1', pullBatch: 3 } as never), /unknown option "pullBatch"/);
  });

  test('push consumer defaults equal DefaultMQPushConsumer\'s', () => {
    const o = resolvePushOptions({ group: 'g', namesrvAddr: 'h:1' });
    assert.equal(o.messageModel, 'CLUSTERING');
    assert.equal(o.consumeFromWhere, 'CONSUME_FROM_LAST_OFFSET');
    assert.equal(o.strategy.name, 'AVG');
    assert.equal(o.consumeThreadMin, 20);
    assert.equal(o.pullThresholdForQueue, 1000);
    assert.equal(o.pullThresholdSizeForQueue, 100);
    assert.equal(o.consumeConcurrentlyMaxSpan, 2000);
    assert.equal(o.pullBatchSize, 32);
    assert.equal(o.maxReconsumeTimes, -1);
    assert.equal(o.rebalanceInterval, 20_000);
    assert.equal(o.brokerSuspendMaxTimeMillis, 15_000);
    assert.throws(() => resolvePushOptions({ group: 'g', namesrvAddr: 'h:1', brokerSuspendMaxTimeMillis: 5000, consumerTimeoutMillisWhenSuspend: 4000 }), ClientConfigError);
  });

  test('consume timestamps are yyyyMMddHHmmss in local time', () => {
    const t = new Date(2024, 0, 2, 3, 4, 5).getTime();
    assert.equal(formatConsumeTimestamp(t), '20240102030405');
    assert.equal(parseConsumeTimestamp('20240102030405'), t);
    assert.throws(() => parseConsumeTimestamp('2024-01-02'), ClientConfigError);
  });
});
