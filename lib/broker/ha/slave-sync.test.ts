// Slave metadata sync against a fake master answering with the captured 4.9.8 GET_ALL_* bodies: tables replaced
// when the data version moves, offsets merged, delay offsets written and reloaded, failures reported once.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, setLogSink } from '../../common/log.ts';
import { defaultBrokerConfig, type BrokerConfig } from '../config/broker-config.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { loadVector } from '../../protocol/fixtures/vectors.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { RemotingServer } from '../../remoting/server.ts';
import { configPaths } from '../config/config-file.ts';
import { ConsumerOffsetManager } from '../offset/consumer-offset-manager.ts';
import { ScheduleMessageService } from '../schedule/schedule-message-service.ts';
import type { BrokerStore } from '../store-port.ts';
import { SubscriptionGroupManager } from '../subscription/subscription-group-manager.ts';
import { TopicConfigManager } from '../topic/topic-config-manager.ts';
import { sameConfig, SlaveSynchronize } from './slave-sync.ts';

const lines: string[] = [];
setLogSink((l) => lines.push(l));

const captured = (dir: string): Buffer => loadVector(dir).response!.body!;

describe('SlaveSynchronize', () => {
  let server: RemotingServer;
  let client: RemotingClient;
  let dir: string;
  const answers = new Map<number, () => RemotingCommand | Buffer>();

  before(async () => {
    server = new RemotingServer({ host: '127.0.0.1', port: 0 });
    for (const code of [RequestCode.GET_ALL_TOPIC_CONFIG, RequestCode.GET_ALL_CONSUMER_OFFSET, RequestCode.GET_ALL_DELAY_OFFSET, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG]) {
      server.registerProcessor(code, (req) => {
        const a = answers.get(code)!();
        return Buffer.isBuffer(a) ? createResponse(req, ResponseCode.SUCCESS, undefined, undefined, a) : { ...a, opaque: req.opaque };
      });
    }
    await server.listen();
    client = new RemotingClient({ defaultTimeoutMs: 3000 });
    dir = mkdtempSync(join(tmpdir(), 'rd-slave-sync-'));
  });

  after(async () => {
    await client.close();
    await server.close(0);
    rmSync(dir, { recursive: true, force: true });
  });

  function slave() {
    const cfg: BrokerConfig = { ...defaultBrokerConfig({}), brokerName: 'broker-a', brokerClusterName: 'DefaultCluster' };
    const paths = configPaths(dir);
    const log = createLogger('test');
    const topics = new TopicConfigManager(() => cfg, paths.topics, log);
    const groups = new SubscriptionGroupManager(() => cfg, paths.subscriptionGroup, log);
    const offsets = new ConsumerOffsetManager(paths.consumerOffset, log);
    const schedule = new ScheduleMessageService({ store: {} as BrokerStore, put: () => Promise.reject(new Error('no puts')), delayLevels: () => cfg.messageDelayLevel, file: paths.delayOffset, log });
    const sync = new SlaveSynchronize({ client, topics, groups, offsets, schedule, delayOffsetFile: paths.delayOffset, brokerAddr: () => '127.0.0.1:1', timeoutMs: 3000, log });
    return { topics, groups, offsets, schedule, sync, paths };
  }

  test('copies the tables a 4.9.8 master answers with', async () => {
    answers.set(RequestCode.GET_ALL_TOPIC_CONFIG, () => captured('21-GET_ALL_TOPIC_CONFIG'));
    answers.set(RequestCode.GET_ALL_CONSUMER_OFFSET, () => captured('43-GET_ALL_CONSUMER_OFFSET'));
    answers.set(RequestCode.GET_ALL_DELAY_OFFSET, () => Buffer.from('{"offsetTable":{1:5,3:9}}'));
    answers.set(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, () => captured('201-GET_ALL_SUBSCRIPTIONGROUP_CONFIG'));
    const { topics, groups, offsets, schedule, sync, paths } = slave();
    topics.updateTopicConfig({ topicName: 'OnlyOnSlave', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false });
    sync.setMasterAddr(server.address);
    await sync.syncAll();
    assert.equal(sync.status().lastError, undefined);
    assert.ok(sync.status().lastSyncTimestamp > 0);
    assert.equal(topics.selectTopicConfig('VecTopic')?.readQueueNums, 4);
    assert.equal(topics.selectTopicConfig('OnlyOnSlave'), undefined, 'topics the master does not have are dropped');
    assert.deepEqual([...offsets.queryOffsets('vec_cg', 'VecTopic')!], [[0, 224], [1, 224], [2, 224], [3, 224]]);
    assert.ok(groups.get('vec_cg'), 'subscription groups copied');
    assert.deepEqual([...schedule.offsetTable()], [[1, 5], [3, 9]]);
    assert.equal(readFileSync(paths.delayOffset, 'utf8'), '{"offsetTable":{1:5,3:9}}');
  });

  test('an unchanged data version leaves the tables alone; a failing master is reported once', async () => {
    const { topics, sync } = slave();
    sync.setMasterAddr(server.address);
    await sync.syncAll();
    const v = topics.dataVersion;
    await sync.syncAll();
    assert.deepEqual(topics.dataVersion, v);
    answers.set(RequestCode.GET_ALL_TOPIC_CONFIG, () => createResponse({ code: 0, opaque: 0 } as RemotingCommand, ResponseCode.SYSTEM_ERROR, 'boom'));
    lines.length = 0;
    await sync.syncAll();
    await sync.syncAll();
    assert.match(sync.status().lastError!, /topic config: .*boom/);
    assert.equal(lines.filter((l) => l.includes('slave_sync_failed')).length, 1);
    answers.set(RequestCode.GET_ALL_TOPIC_CONFIG, () => captured('21-GET_ALL_TOPIC_CONFIG'));
    await sync.syncAll();
    assert.equal(sync.status().lastError, undefined);
  });

  test('a slave without a master, or pointed at itself, does nothing', async () => {
    const { sync } = slave();
    await sync.syncAll();
    sync.setMasterAddr('127.0.0.1:1');
    await sync.syncAll();
    assert.equal(sync.status().lastSyncTimestamp, 0);
  });

  test('config equality compares every field, attributes included', () => {
    const a = { topicName: 't', perm: 6, attributes: new Map([['x', '1']]) };
    assert.equal(sameConfig(a, { ...a, attributes: new Map([['x', '1']]) }), true);
    assert.equal(sameConfig(a, { ...a, attributes: new Map([['x', '2']]) }), false);
    assert.equal(sameConfig(a, { ...a, perm: 2 }), false);
    assert.equal(sameConfig({ topicName: 't' }, { topicName: 't', order: false }), false);
  });
});
