import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeConsumerConnection, decodeHaStatusView, decodeTimerCheckpoint } from '../protocol/bodies/index.ts';
import { decodeMessageRequestModeSerializeWrapper } from '../protocol/bodies/pop.ts';
import { ResponseCode } from '../protocol/codes.ts';
import { mqVersionName } from '../protocol/constants.ts';
import { ResponseCodeError } from '../remoting/errors.ts';
import { loadApache5 } from './fixtures/apache5.ts';
import { consumptionModeOf, controllerMetaOf, isShrunkToMaster, majorOf, section } from './v5.ts';

describe('5.x answers captured from a real Apache RocketMQ 5.3.3 cluster', () => {
  test('the broker announces its version in every frame header and in its runtime info', () => {
    const rt = loadApache5('broker-runtime-info').response;
    assert.equal(mqVersionName(rt.version), 'V5_3_3');
    assert.match(rt.body!.toString(), /"brokerVersionDesc":"V5_3_3"/);
    assert.equal(majorOf('V5_3_3'), 5);
    assert.equal(majorOf('V4_9_8'), 4);
    assert.equal(majorOf(undefined), null);
  });

  test('a request the version does not know becomes "not available on this version", not an error', async () => {
    for (const name of ['not-supported-broker', 'not-supported-namesrv']) {
      const res = loadApache5(name).response;
      assert.equal(res.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, name);
      const s = await section(async () => { throw new ResponseCodeError('127.0.0.1:1', res.code, res.remark, 10100); }, 'V5_3_3');
      assert.deepEqual(s, { state: 'unsupported', reason: 'not available on this version (V5_3_3)' });
    }
    // a 4.9.8 broker (captured from one) answers the 5.x reads the same way, with its version in the frame
    for (const name of ['apache-4.9.8-timer-metrics', 'apache-4.9.8-message-request-modes', 'apache-4.9.8-ha-status']) {
      const res = loadApache5(name).response;
      assert.equal(res.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, name);
      assert.equal(mqVersionName(res.version), 'V4_9_8');
      const s = await section(async () => { throw new ResponseCodeError('127.0.0.1:1', res.code, res.remark, 61); }, mqVersionName(res.version));
      assert.deepEqual(s, { state: 'unsupported', reason: 'not available on this version (V4_9_8)' }, name);
    }
    const other = await section(async () => { throw new ResponseCodeError('127.0.0.1:1', ResponseCode.SYSTEM_ERROR, 'boom', 61); });
    assert.equal(other.state, 'error');
    assert.deepEqual(await section(async () => 7), { state: 'ok', value: 7 });
  });

  test('GET_TIMER_CHECK_POINT decodes to TimerCheckpoint (7 big-endian longs)', () => {
    const cp = decodeTimerCheckpoint(loadApache5('timer-check-point').response.body);
    assert.ok(cp.lastReadTimeMs > 1_700_000_000_000, `lastReadTimeMs ${cp.lastReadTimeMs}`);
    assert.ok(cp.lastTimerQueueOffset > 0 && cp.masterTimerQueueOffset >= cp.lastTimerQueueOffset - 1000);
    assert.ok(cp.dataVersion.timestamp > 1_700_000_000_000);
    assert.throws(() => decodeTimerCheckpoint(Buffer.alloc(8)), /expected 32 or 56/);
  });

  test('GET_BROKER_HA_STATUS of a master with one slave: in sync', () => {
    const ha = decodeHaStatusView(loadApache5('ha-status').response.body);
    assert.equal(ha.master, true);
    assert.equal(ha.inSyncSlaveNums, 1);
    assert.equal(ha.haConnectionInfo.length, 1);
    assert.equal(ha.haConnectionInfo[0]!.inSync, true);
  });

  test('GET_ALL_MESSAGE_REQUEST_MODE after setConsumeMode POP: the group reads as POP', () => {
    const table = decodeMessageRequestModeSerializeWrapper(loadApache5('message-request-modes').response.body!);
    const b = table.get('A5Normal')!.get('A5PushLike')!;
    assert.equal(b.mode, 'POP');
    assert.equal(b.popShareQueueNum, 1);
    assert.equal(consumptionModeOf({ requestModes: [{ mode: b.mode }], consumeType: 'CONSUME_PASSIVELY' }).mode, 'POP');
  });

  test('a cluster-mode proxy is a member of the heartbeat syncer group; its gRPC clients show only on the proxy', () => {
    const syncer = decodeConsumerConnection(loadApache5('heartbeat-syncer-connections').response.body);
    assert.equal(syncer.messageModel, 'BROADCASTING');
    assert.equal(syncer.connectionSet.length, 1);
    assert.equal(mqVersionName(syncer.connectionSet[0]!.version), 'V5_3_3');
    assert.equal(loadApache5('pop-group-connections-broker').response.code, ResponseCode.CONSUMER_NOT_ONLINE);
    const viaProxy = decodeConsumerConnection(loadApache5('pop-group-connections-proxy').response.body);
    assert.equal(viaProxy.connectionSet.length, 1);
    assert.equal(viaProxy.consumeType, 'CONSUME_ACTIVELY');
    // the official Node.js client (gRPC) is reported as HTTP by a 5.3.3 proxy
    assert.equal(viaProxy.connectionSet[0]!.language, 'HTTP');
    assert.equal(consumptionModeOf({ consumeType: String(viaProxy.consumeType), viaProxy: true }).mode, 'POP');
  });
});

describe('consumption mode and controller figures', () => {
  test('push and pull come from the members consume type; nothing known is UNKNOWN', () => {
    assert.equal(consumptionModeOf({ consumeType: 'CONSUME_PASSIVELY' }).mode, 'PUSH');
    assert.equal(consumptionModeOf({ consumeType: 'CONSUME_ACTIVELY' }).mode, 'PULL');
    assert.equal(consumptionModeOf({ consumeType: 'CONSUME_PASSIVELY', popInflight: 3 }).mode, 'POP');
    assert.equal(consumptionModeOf({ requestModes: [{ mode: 'PULL' }] }).mode, 'UNKNOWN');
  });

  test('an in-sync set shrunk to the master alone is flagged only when other replicas exist', () => {
    const r = (id: number) => ({ brokerName: 'b', brokerId: id, brokerAddress: `127.0.0.1:${id}`, alive: true });
    assert.equal(isShrunkToMaster({ masterBrokerId: 1, inSync: [r(1)], notInSync: [r(2)] }), true);
    assert.equal(isShrunkToMaster({ masterBrokerId: 1, inSync: [r(1), r(2)], notInSync: [] }), false);
    assert.equal(isShrunkToMaster({ masterBrokerId: 1, inSync: [r(1)], notInSync: [] }), false);
  });

  test('CONTROLLER_GET_METADATA_INFO header fields', () => {
    assert.deepEqual(controllerMetaOf({ group: 'g1', controllerLeaderId: 'n0', controllerLeaderAddress: '127.0.0.1:9878', isLeader: 'true', peers: 'n0-127.0.0.1:9878' }),
      { group: 'g1', controllerLeaderId: 'n0', controllerLeaderAddress: '127.0.0.1:9878', isLeader: true, peers: 'n0-127.0.0.1:9878' });
    assert.equal(controllerMetaOf(undefined).isLeader, false);
  });
});

test('5.3.3 keeps topic attributes without their sign: the FIFO and DELAY topics made with mqadmin -a +message.type=...', async () => {
  const { decodeTopicConfigSerializeWrapper } = await import('../protocol/bodies/index.ts');
  const table = decodeTopicConfigSerializeWrapper(loadApache5('topic-config').response.body).topicConfigTable;
  assert.equal(table.get('A5Fifo')!.attributes!.get('message.type'), 'FIFO');
  assert.equal(table.get('A5Delay')!.attributes!.get('message.type'), 'DELAY');
  assert.equal(table.get('A5Normal')!.attributes!.size, 0);
});

test('a 5.3.3 DLedger controller (inside the nameserver): its metadata header and a broker group of two in sync', async () => {
  const { decodeBrokerReplicasInfo } = await import('../protocol/bodies/index.ts');
  const meta = controllerMetaOf(loadApache5('controller-metadata').response.extFields);
  assert.equal(meta.group, 'group1');
  assert.equal(meta.isLeader, true);
  assert.equal(meta.controllerLeaderId, 'n0');
  assert.match(meta.controllerLeaderAddress, /^127\.0\.0\.1:\d+$/);
  const captured = loadApache5('controller-sync-state');
  const g = decodeBrokerReplicasInfo(captured.response.body).get('broker-c')!;
  assert.equal(g.masterBrokerId, 1);
  assert.equal(g.masterEpoch, 1);
  assert.equal(g.inSyncReplicas.length, 2);
  assert.equal(isShrunkToMaster({ masterBrokerId: g.masterBrokerId, inSync: g.inSyncReplicas, notInSync: g.notInSyncReplicas }), false);
  // in controller mode the master reports its slave in sync too
  const ha = decodeHaStatusView(loadApache5('controller-mode-ha-status').response.body);
  assert.equal(ha.master, true);
});
