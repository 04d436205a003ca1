import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePropertyLines } from '../../protocol/bodies/properties.ts';
import {
  BrokerConfigError,
  applyBrokerProperties,
  brokerConfigEntries,
  defaultBrokerConfig,
  loadBrokerConfig,
  parseDelayLevels,
} from './broker-config.ts';

const fixture = new URL('../../protocol/fixtures/vectors/26-GET_BROKER_CONFIG/response.body.txt', import.meta.url);

function withFile(text: string, fn: (file: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'broker-config-'));
  try {
    const file = path.join(dir, 'broker.conf');
    writeFileSync(file, text);
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('broker.conf parsing', () => {
  test('defaults equal RocketMQ 4.9 defaults', () => {
    const cfg = defaultBrokerConfig({});
    assert.equal(cfg.brokerClusterName, 'DefaultCluster');
    assert.equal(cfg.listenPort, 10911);
    assert.equal(cfg.haListenPort, 10912);
    assert.equal(cfg.defaultTopicQueueNums, 8);
    assert.equal(cfg.brokerPermission, 6);
    assert.equal(cfg.autoCreateTopicEnable, true);
    assert.equal(cfg.store.flushDiskType, 'ASYNC_FLUSH');
    assert.equal(cfg.store.brokerRole, 'ASYNC_MASTER');
    assert.equal(cfg.store.fileReservedTime, 72);
    assert.equal(cfg.store.deleteWhen, '04');
    assert.deepEqual(cfg.namesrvAddr, []);
  });

  test('reads the usual keys of a broker.conf', () => {
    const text = [
      '# a typical broker.conf',
      'brokerClusterName = ClusterX',
      'brokerName=broker-a',
      'brokerId=0',
      'namesrvAddr=127.0.0.1:9876;127.0.0.2:9876',
      'brokerIP1=10.0.0.5',
      'listenPort=20911',
      'storePathRootDir=/tmp/rd-store',
      'brokerRole=SYNC_MASTER',
      'flushDiskType=SYNC_FLUSH',
      'haListenPort=20912',
      'autoCreateTopicEnable=false',
      'defaultTopicQueueNums=4',
      'fileReservedTime=48',
      'deleteWhen=04',
      'maxMessageSize=65536',
      'brokerPermission=4',
      'sendMessageThreadPoolNums=16',
      'mappedFileSizeCommitLog=67108864',
    ].join('\n');
    withFile(text, (file) => {
      const cfg = loadBrokerConfig({ file, env: {} });
      assert.equal(cfg.brokerClusterName, 'ClusterX');
      assert.equal(cfg.brokerName, 'broker-a');
      assert.deepEqual(cfg.namesrvAddr, ['127.0.0.1:9876', '127.0.0.2:9876']);
      assert.equal(cfg.brokerIP1, '10.0.0.5');
      assert.equal(cfg.listenPort, 20911);
      assert.equal(cfg.store.storePathRootDir, '/tmp/rd-store');
      assert.equal(cfg.store.storePathCommitLog, path.join('/tmp/rd-store', 'commitlog'));
      assert.equal(cfg.store.brokerRole, 'SYNC_MASTER');
      assert.equal(cfg.store.flushDiskType, 'SYNC_FLUSH');
      assert.equal(cfg.autoCreateTopicEnable, false);
      assert.equal(cfg.defaultTopicQueueNums, 4);
      assert.equal(cfg.store.fileReservedTime, 48);
      assert.equal(cfg.store.maxMessageSize, 65536);
      assert.equal(cfg.brokerPermission, 4);
      assert.equal(cfg.store.mappedFileSizeCommitLog, 67108864);
      assert.equal(cfg.passive.get('sendMessageThreadPoolNums'), '16');
    });
  });

  test('NAMESRV_ADDR supplies the nameservers when the file has none', () => {
    const cfg = loadBrokerConfig({ env: { NAMESRV_ADDR: '127.0.0.1:9876;127.0.0.1:9877' } });
    assert.deepEqual(cfg.namesrvAddr, ['127.0.0.1:9876', '127.0.0.1:9877']);
  });

  test('an unknown key fails naming the key, the line and a likely fix', () => {
    withFile('brokerName=a\nlistenport=1234\n', (file) => {
      assert.throws(
        () => loadBrokerConfig({ file, env: {} }),
        (err: unknown) =>
          err instanceof BrokerConfigError &&
          err.key === 'listenport' &&
          err.message.includes(`${file}:2`) &&
          err.message.includes("did you mean 'listenPort'"),
      );
    });
  });

  test('a malformed value fails naming the key and the expected type', () => {
    const cases: Array<[string, string]> = [
      ['listenPort=abc', 'integer'],
      ['autoCreateTopicEnable=yes', 'true or false'],
      ['brokerId=1.5', 'integer'],
      ['maxMessageSize=big', 'integer'],
      ['sendMessageThreadPoolNums=x', 'integer'],
    ];
    for (const [line, want] of cases) {
      const key = line.split('=')[0]!;
      assert.throws(
        () => applyBrokerProperties(defaultBrokerConfig({}), parsePropertyLines(line), 'broker.conf'),
        (err: unknown) => err instanceof BrokerConfigError && err.message.includes(key) && err.message.includes(want),
        line,
      );
    }
  });

  test('store rules reject bad enum values with the key named', () => {
    assert.throws(
      () => applyBrokerProperties(defaultBrokerConfig({}), parsePropertyLines('flushDiskType=SOMETIMES'), 'broker.conf'),
      (err: unknown) => err instanceof BrokerConfigError && err.message.includes('flushDiskType'),
    );
  });

  test('combinations are checked: slave ids, master ids, nameserver addresses, delay levels', () => {
    const bad = ['brokerRole=SLAVE\nbrokerId=0', 'brokerId=2', 'namesrvAddr=localhost', 'messageDelayLevel=1s 5x', 'brokerPermission=9'];
    for (const text of bad) {
      withFile(text, (file) => assert.throws(() => loadBrokerConfig({ file, env: {} }), BrokerConfigError, text));
    }
    withFile('brokerRole=SLAVE\nbrokerId=1', (file) => assert.equal(loadBrokerConfig({ file, env: {} }).brokerId, 1));
  });

  test('--set overrides the file', () => {
    withFile('listenPort=20911\n', (file) => {
      const cfg = loadBrokerConfig({ file, sets: ['listenPort=30911', 'messageDelayLevel=1s 2s'], env: {} });
      assert.equal(cfg.listenPort, 30911);
      assert.deepEqual(parseDelayLevels(cfg.messageDelayLevel), [1000, 2000]);
    });
  });

  test('haListenPort defaults to listenPort + 1 unless set', () => {
    withFile('listenPort=20911\n', (file) => assert.equal(loadBrokerConfig({ file, env: {} }).haListenPort, 20912));
    withFile('listenPort=20911\nhaListenPort=30000\n', (file) => assert.equal(loadBrokerConfig({ file, env: {} }).haListenPort, 30000));
    withFile('listenPort=0\n', (file) => assert.equal(loadBrokerConfig({ file, env: {} }).haListenPort, 0));
    assert.equal(loadBrokerConfig({ env: {} }).haListenPort, 10912);
  });

  test('delay levels parse seconds, minutes, hours and days', () => {
    assert.deepEqual(parseDelayLevels('1s 5s 10s 30s 1m 2h 1d'), [1000, 5000, 10000, 30000, 60000, 7200000, 86400000]);
    assert.equal(parseDelayLevels(defaultBrokerConfig({}).messageDelayLevel).length, 18);
  });

  test('every key a RocketMQ 4.9.8 broker reports is accepted, and reported back', () => {
    const captured = parsePropertyLines(readFileSync(fixture, 'utf8'));
    const cfg = applyBrokerProperties(defaultBrokerConfig({}), captured, 'captured');
    const reported = new Map(brokerConfigEntries(cfg));
    for (const { key, value } of captured) {
      assert.ok(reported.has(key), `GET_BROKER_CONFIG lacks ${key}`);
      if (key !== 'isolateLogEnable') assert.equal(reported.get(key), value.trim(), key);
    }
  });

  test('RocketMQ 5.x keys are accepted without effect', () => {
    const cfg = applyBrokerProperties(defaultBrokerConfig({}), parsePropertyLines('enableControllerMode=false\ntimerWheelEnable=true\nbrokerNotActiveTimeoutMillis=10000'));
    assert.equal(cfg.passive.get('timerWheelEnable'), 'true');
  });
});
