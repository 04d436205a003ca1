// A nameserver, a SYNC_MASTER and its slave as processes: the slave learns its master from the nameserver, every
// acknowledged send is already on the slave (byte-identical commit logs), the slave serves pulls and offsets,
// refuses writes, copies the master's metadata, and a send says FLUSH_SLAVE_TIMEOUT / SLAVE_NOT_AVAILABLE when the
// slave hangs or is gone. The master suggests the slave to a consumer that fell far behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { decodeSubscriptionGroupWrapper } from '../../protocol/bodies/subscription-group.ts';
import { decodeTopicConfigSerializeWrapper } from '../../protocol/bodies/topic.ts';
import { decodeMessages } from '../../protocol/message-codec.ts';
import { decodeHAStatus } from '../ha/runtime-info.ts';
import { spawnNamesrv, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';
import { commitLogBytes, offsetOfMsgId, runtimeInfo, runtimeNumber, spawnMaster, spawnSlave, TestClient, type PairOptions } from './ha-harness.ts';

setLogSink(() => {});

const TOPIC = 'HaSyncTopic';
const QUEUES = 8;
const TOTAL = 10_000;
const FILE = 1024 * 1024;
const GROUP = 'ha_sync_group';

describe('SYNC_MASTER with a slave', () => {
  let ns: NamesrvProcess;
  let master: BrokerProcess;
  let slave: BrokerProcess;
  let m: TestClient;
  let s: TestClient;
  let opts: PairOptions;

  before(async () => {
    ns = await spawnNamesrv();
    opts = {
      namesrv: ns.address,
      masterRole: 'SYNC_MASTER',
      props: { mappedFileSizeCommitLog: FILE, haSendHeartbeatInterval: 1000, registerNameServerPeriod: 10_000 },
      // The master suggests the slave to a consumer more than 0 % of memory behind (any lag, for the test).
      masterProps: { slaveReadEnable: true, accessMessageInMemoryMaxRatio: 0, syncFlushTimeout: 1500 },
    };
    master = await spawnMaster(opts);
    m = new TestClient(master.address);
    // Created before the slave starts, so its first metadata sync (as soon as it learns its master) has them.
    await m.createTopic(TOPIC, QUEUES);
    await m.ok(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, Buffer.from(JSON.stringify({ groupName: GROUP, retryMaxTimes: 7, consumeEnable: true })));
    await m.updateOffset(GROUP, TOPIC, 3, 42);
    slave = await spawnSlave(opts);
    s = new TestClient(slave.address);
    await waitFor('the slave connected to the master', async () => (await runtimeNumber(m, 'haConnectionCount')) === 1, 20_000);
  });

  after(async () => {
    await m?.close();
    await s?.close();
    await slave?.destroy();
    await master?.destroy();
    await ns?.stop();
  });

  test('the slave learns its master from the nameserver; both report replication health', async () => {
    const mi = await runtimeInfo(m);
    assert.equal(mi.get('brokerRole'), 'SYNC_MASTER');
    const conns = JSON.parse(mi.get('haConnectionInfo')!) as Array<{ addr: string; slaveAckOffset: number }>;
    assert.equal(conns.length, 1);
    const si = await runtimeInfo(s);
    assert.equal(si.get('brokerRole'), 'SLAVE');
    assert.equal(si.get('haConnected'), 'true');
    assert.equal(si.get('haMasterAddress'), mi.get('haServerAddr'));
    assert.equal(si.get('haMasterBrokerAddr'), master.address);
    const status = decodeHAStatus((await m.ok(RequestCode.GET_BROKER_HA_STATUS)).body!);
    assert.equal(status.master, true);
    assert.equal(status.haConnectionInfo[0]!.addr, conns[0]!.addr);
    const slaveStatus = decodeHAStatus((await s.ok(RequestCode.GET_BROKER_HA_STATUS)).body!);
    assert.equal(slaveStatus.master, false);
    assert.equal(slaveStatus.haClientRuntimeInfo.activated, true);
  });

  test(`${TOTAL.toLocaleString('en-US')} sends: each one acknowledged is already on the slave, byte for byte`, async () => {
    let next = 0;
    let acked = 0;
    let maxAckedOffset = -1;
    const codes = new Map<number, number>();
    const sendOne = async (i: number) => {
      const res = await m.send(TOPIC, `sync-${i}`.padEnd(200 + (i % 50), '~'), { queueId: i % QUEUES, keys: `k${i}` });
      codes.set(res.code, (codes.get(res.code) ?? 0) + 1);
      if (res.code === ResponseCode.SUCCESS) {
        acked++;
        maxAckedOffset = Math.max(maxAckedOffset, offsetOfMsgId(res.extFields!.msgId!));
      }
    };
    for (let round = 0; next < TOTAL; round++) {
      const stop = Math.min(TOTAL, next + 2500);
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next < stop) await sendOne(next++);
      }));
      // Asked only after the answers came: the slave must already hold every acknowledged record.
      const slaveMax = await runtimeNumber(s, 'commitLogMaxOffset');
      assert.ok(slaveMax > maxAckedOffset, `round ${round}: slave ends at ${slaveMax}, an acknowledged record starts at ${maxAckedOffset}`);
    }
    assert.deepEqual([...codes], [[ResponseCode.SUCCESS, TOTAL]]);
    assert.equal(acked, TOTAL);
    const masterMax = await runtimeNumber(m, 'commitLogMaxOffset');
    assert.equal(await runtimeNumber(s, 'commitLogMaxOffset'), masterMax);
    assert.ok(masterMax > 2 * FILE, 'several commit log files');
    assert.ok(commitLogBytes(slave.storeDir, FILE, 0, masterMax).equals(commitLogBytes(master.storeDir, FILE, 0, masterMax)), 'commit logs are byte-identical');
  });

  test('the slave serves pulls and offset queries with the same queues', async () => {
    for (const q of [0, 5]) {
      const max = await m.maxOffset(TOPIC, q);
      assert.equal(await s.maxOffset(TOPIC, q), max);
      const fromSlave = await s.pullAll('reader', TOPIC, q, 0, max);
      const fromMaster = await m.pullAll('reader', TOPIC, q, 0, max);
      assert.equal(fromSlave.length, max);
      assert.deepEqual(fromSlave.map((x) => [x.queueOffset, x.body.toString()]), fromMaster.map((x) => [x.queueOffset, x.body.toString()]));
    }
    const res = await s.pull('reader', TOPIC, 1, 0, { max: 4 });
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.equal(res.extFields!.suggestWhichBrokerId, '0', 'a slave without slaveReadEnable suggests the master');
  });

  test('the master suggests the slave to a consumer that is far behind (suggestWhichBrokerId)', async () => {
    const res = await m.pull('slow_reader', TOPIC, 2, 0, { max: 4 });
    assert.equal(res.code, ResponseCode.SUCCESS);
    assert.equal(decodeMessages(res.body!).length > 0, true);
    assert.equal(res.extFields!.suggestWhichBrokerId, '1');
  });

  test('sends and topic creation on the slave are refused', async () => {
    const res = await s.send(TOPIC, 'to the slave');
    assert.equal(res.code, ResponseCode.SERVICE_NOT_AVAILABLE);
    assert.match(res.remark!, /SLAVE; send to its master/);
    const created = await s.call(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic: 'SlaveTopic', defaultTopic: 'TBW102', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
    });
    assert.equal(created.code, ResponseCode.SYSTEM_ERROR);
    assert.match(created.remark!, /slave broker, please execute it from master/);
    const auto = await s.send('NoSuchTopicOnSlave', 'x');
    assert.equal(auto.code, ResponseCode.SERVICE_NOT_AVAILABLE);
    const topics = decodeTopicConfigSerializeWrapper((await s.ok(RequestCode.GET_ALL_TOPIC_CONFIG)).body!);
    assert.equal(topics.topicConfigTable.has('NoSuchTopicOnSlave'), false, 'no topic auto-created on the slave');
  });

  test('the slave copies topics, subscription groups and consumer offsets from its master', async () => {
    const topics = decodeTopicConfigSerializeWrapper((await s.ok(RequestCode.GET_ALL_TOPIC_CONFIG)).body!);
    assert.equal(topics.topicConfigTable.get(TOPIC)?.readQueueNums, QUEUES);
    const groups = decodeSubscriptionGroupWrapper((await s.ok(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)).body!);
    assert.equal(groups.subscriptionGroupTable.get(GROUP)?.retryMaxTimes, 7);
    // Offsets move on the master later: the slave picks them up on its 10 s round.
    await m.updateOffset(GROUP, TOPIC, 3, 4242);
    await waitFor('offset copied to the slave', async () => {
      const res = await s.queryOffset(GROUP, TOPIC, 3);
      return res.code === ResponseCode.SUCCESS && res.extFields!.offset === '4242';
    }, 25_000, 200);
  });

  test('a hung slave makes sends answer FLUSH_SLAVE_TIMEOUT, a gone one SLAVE_NOT_AVAILABLE; both are stored', async () => {
    slave.child.kill('SIGSTOP');
    try {
      const res = await m.send(TOPIC, 'while the slave hangs', { queueId: 0 });
      assert.equal(res.code, ResponseCode.FLUSH_SLAVE_TIMEOUT);
      assert.ok(res.extFields!.msgId, 'stored: the answer carries its message id');
    } finally {
      slave.child.kill('SIGCONT');
    }
    await slave.stop();
    await waitFor('the master noticed the slave left', async () => (await runtimeNumber(m, 'haConnectionCount')) === 0, 10_000);
    const res = await m.send(TOPIC, 'with no slave', { queueId: 0 });
    assert.equal(res.code, ResponseCode.SLAVE_NOT_AVAILABLE);
    const behind = await runtimeNumber(m, 'slaveFallBehindMuch');
    assert.ok(behind > 0, `slaveFallBehindMuch ${behind}`);
    // The slave comes back, catches up, and SYNC sends succeed again.
    slave = await spawnSlave(opts, slave.dir);
    await s.close();
    s = new TestClient(slave.address);
    await waitFor('slave back and caught up', async () => (await runtimeNumber(m, 'slaveFallBehindMuch')) === 0, 20_000);
    assert.equal((await m.send(TOPIC, 'slave is back', { queueId: 0 })).code, ResponseCode.SUCCESS);
    const masterMax = await runtimeNumber(m, 'commitLogMaxOffset');
    assert.ok(commitLogBytes(slave.storeDir, FILE, 0, masterMax).equals(commitLogBytes(master.storeDir, FILE, 0, masterMax)));
  });
});
