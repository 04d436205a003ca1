// Tests of namesrv.conf parsing, the properties reader/writer and the KV config store's file.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogSink } from '../common/log.ts';
import { parsePropertyLines, stringifyProperties } from '../protocol/bodies/properties.ts';
import {
  applyProperties,
  configBlackList,
  defaultNamesrvConfig,
  formatNamesrvConfig,
  loadNamesrvConfigFile,
  NamesrvConfigError,
} from './config.ts';
import { KVConfigFileError, KVConfigManager } from './kv-config.ts';

setLogSink(() => {});
let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rd-namesrv-config-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('properties', () => {
  test('reads comments, separators, continuations and escapes as java.util.Properties does', () => {
    const text = '# comment\n! also\n  listenPort = 9877\nkvConfigPath:/tmp/a\\\n   b.json\nkey\\ with\\=sep value\\tx\nempty\n\\u0041k=\\u0042';
    assert.deepEqual(
      parsePropertyLines(text).map((p) => [p.key, p.value, p.line]),
      [['listenPort', '9877', 3], ['kvConfigPath', '/tmp/ab.json', 4], ['key with=sep', 'value\tx', 6], ['empty', '', 7], ['Ak', 'B', 8]],
    );
  });

  test('writes key=value lines', () => {
    assert.equal(stringifyProperties([['a', 1], ['b', true], ['c', 'x y']]), 'a=1\nb=true\nc=x y\n');
  });
});

describe('namesrv config', () => {
  test('defaults follow RocketMQ: port 9876, 120 s expiry, data files under the data dir', () => {
    const c = defaultNamesrvConfig('/data');
    assert.equal(c.listenPort, 9876);
    assert.equal(c.brokerChannelExpiredTime, 120_000);
    assert.equal(c.scanNotActiveBrokerInterval, 5_000);
    assert.equal(c.kvConfigPath, '/data/kvConfig.json');
    assert.equal(c.configStorePath, '/data/namesrv.properties');
    assert.equal(c.orderMessageEnable, false);
  });

  test('a namesrv.conf overrides defaults with typed values', () => {
    const path = join(dir, 'namesrv.conf');
    writeFileSync(path, 'listenPort=19876\nbrokerChannelExpiredTime=3000\norderMessageEnable=true\nserverWorkerThreads=16\n');
    const c = loadNamesrvConfigFile(path, defaultNamesrvConfig('/data'));
    assert.equal(c.listenPort, 19876);
    assert.equal(c.brokerChannelExpiredTime, 3000);
    assert.equal(c.orderMessageEnable, true);
    assert.equal(c.serverWorkerThreads, 16);
  });

  test('an unknown key is an error naming it with file and line', () => {
    const path = join(dir, 'bad.conf');
    writeFileSync(path, 'listenPort=1\nlistenPrt=2\n');
    assert.throws(() => loadNamesrvConfigFile(path, defaultNamesrvConfig()), (err: unknown) => {
      assert.ok(err instanceof NamesrvConfigError);
      assert.equal(err.key, 'listenPrt');
      assert.match(err.message, /bad\.conf:2: unknown namesrv config key 'listenPrt'/);
      return true;
    });
  });

  test('a malformed value is an error naming the key', () => {
    const base = defaultNamesrvConfig();
    assert.throws(() => applyProperties(base, parsePropertyLines('listenPort=abc')), /listenPort must be an integer, got 'abc'/);
    assert.throws(() => applyProperties(base, parsePropertyLines('clusterTest=yes')), /clusterTest must be true or false/);
    assert.throws(() => applyProperties(base, parsePropertyLines('brokerChannelExpiredTime=0')), /brokerChannelExpiredTime must be positive/);
    assert.throws(() => loadNamesrvConfigFile(join(dir, 'missing.conf'), base), /cannot read namesrv config file/);
  });

  test('GET_NAMESRV_CONFIG text lists every key and reads back to the same config', () => {
    const c = { ...defaultNamesrvConfig('/d'), listenPort: 1234 };
    const text = formatNamesrvConfig(c);
    assert.match(text, /^listenPort=1234$/m);
    assert.match(text, /^kvConfigPath=\/d\/kvConfig\.json$/m);
    assert.deepEqual(applyProperties(defaultNamesrvConfig(), parsePropertyLines(text)), c);
  });

  test('the black list always holds the path keys and rocketmqHome', () => {
    const bl = configBlackList({ ...defaultNamesrvConfig(), configBlackList: 'listenPort;' });
    assert.deepEqual([...bl].sort(), ['configBlackList', 'configStorePath', 'kvConfigPath', 'listenPort', 'rocketmqHome']);
  });
});

describe('KVConfigManager', () => {
  test('puts, gets and deletes, persisting the RocketMQ file layout after each change', () => {
    const path = join(dir, 'kv1', 'kvConfig.json');
    const kv = new KVConfigManager(path);
    kv.load();
    kv.putKVConfig('ORDER_TOPIC_CONFIG', 'VecTopicOrder', 'broker-a:2');
    kv.putKVConfig('NS', 'k', 'v');
    assert.equal(kv.getKVConfig('ORDER_TOPIC_CONFIG', 'VecTopicOrder'), 'broker-a:2');
    assert.equal(readFileSync(path, 'utf8'), kv.toJson());
    assert.match(readFileSync(path, 'utf8'), /^\{"configTable":\{.*"ORDER_TOPIC_CONFIG":\{"VecTopicOrder":"broker-a:2"\}/);
    kv.deleteKVConfig('NS', 'k');
    assert.equal(kv.getKVConfig('NS', 'k'), undefined);
    assert.deepEqual(kv.getKVListByNamespace('NS'), new Map());
    assert.equal(kv.getKVListByNamespace('nope'), undefined);

    const again = new KVConfigManager(path);
    again.load();
    assert.equal(again.getKVConfig('ORDER_TOPIC_CONFIG', 'VecTopicOrder'), 'broker-a:2');
    assert.equal(again.toJson(), kv.toJson());
  });

  test('by-value lookup joins the matching keys; by-value delete removes them', () => {
    const kv = new KVConfigManager(join(dir, 'kv2', 'kvConfig.json'));
    kv.putKVConfig('PROJECT', '10.0.0.1', 'groupA');
    kv.putKVConfig('PROJECT', '10.0.0.2', 'groupA');
    kv.putKVConfig('PROJECT', '10.0.0.3', 'groupB');
    assert.deepEqual(kv.getKVConfigByValue('PROJECT', 'groupA')!.split(';').sort(), ['10.0.0.1', '10.0.0.2']);
    assert.equal(kv.getKVConfigByValue('PROJECT', 'none'), '');
    assert.equal(kv.getKVConfigByValue('OTHER', 'groupA'), undefined);
    assert.equal(kv.deleteKVConfigByValue('PROJECT', 'groupA'), 2);
    assert.deepEqual([...kv.getKVListByNamespace('PROJECT')!], [['10.0.0.3', 'groupB']]);
  });

  test('a corrupt file is reported with its path', () => {
    const path = join(dir, 'corrupt.json');
    writeFileSync(path, '{"configTable":');
    assert.throws(() => new KVConfigManager(path).load(), (err: unknown) => err instanceof KVConfigFileError && err.message.includes(path));
  });
});
