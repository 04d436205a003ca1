// Replication health from runtime-info keys, and the overview's "masters without a live slave" / "slaves behind".
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mastersWithoutLiveSlave, parseHa, slavesBehind, SLAVE_BEHIND_BYTES } from './ha.ts';

const MASTER_KV = {
  brokerRole: 'SYNC_MASTER',
  commitLogMaxOffset: '5000000',
  haConnectionCount: '1',
  haInSyncSlaveNums: '1',
  haLagBytes: '120',
  haLagMs: '35',
  haConnectionInfo: JSON.stringify([{ addr: '10.0.0.2:51234', slaveAckOffset: 4999880, diff: 120, lagMs: 35, inSync: true, transferredByteInSecond: 9 }]),
};
const SLAVE_KV = { brokerRole: 'SLAVE', commitLogMaxOffset: '4999880', haMasterAddress: '10.0.0.1:10912', haConnected: 'true', haLagBytes: '120', haLagMs: '35' };

const brokers = [
  { brokerName: 'a', brokerAddr: 'm:1', brokerId: 0 },
  { brokerName: 'a', brokerAddr: 's:1', brokerId: 1 },
];

describe('replication health', () => {
  test('a master reports its slave connections; a slave its link and lag', () => {
    assert.deepEqual(parseHa(MASTER_KV), {
      brokerRole: 'SYNC_MASTER',
      commitLogMaxOffset: 5000000,
      master: { connectionCount: 1, inSyncSlaveNums: 1, lagBytes: 120, lagMs: 35, connections: [{ addr: '10.0.0.2:51234', slaveAckOffset: 4999880, diff: 120, lagMs: 35, inSync: true }] },
    });
    assert.deepEqual(parseHa(SLAVE_KV), { brokerRole: 'SLAVE', commitLogMaxOffset: 4999880, slave: { connected: true, lagBytes: 120, lagMs: 35, masterAddress: '10.0.0.1:10912' } });
    assert.equal(parseHa({ ...SLAVE_KV, haLagBytes: '-1', haLagMs: '-1' }).slave!.lagBytes, null, '-1: the master could not be asked');
  });

  test('an Apache RocketMQ broker without ha* keys has neither part', () => {
    assert.deepEqual(parseHa({ brokerRole: 'ASYNC_MASTER', commitLogMaxOffset: '7' }), { brokerRole: 'ASYNC_MASTER', commitLogMaxOffset: 7 });
  });

  test('a slave is behind when disconnected or more than 1 MiB behind by its own keys', () => {
    const ok = new Map([['m:1', parseHa(MASTER_KV)], ['s:1', parseHa(SLAVE_KV)]]);
    assert.deepEqual(slavesBehind(brokers, ok), []);
    const far = new Map([['s:1', parseHa({ ...SLAVE_KV, haLagBytes: String(SLAVE_BEHIND_BYTES + 1), haLagMs: '4000' })]]);
    assert.deepEqual(slavesBehind(brokers, far), [{ brokerName: 'a', brokerAddr: 's:1', behindBytes: SLAVE_BEHIND_BYTES + 1, lagMs: 4000, connected: true }]);
    const cut = new Map([['s:1', parseHa({ ...SLAVE_KV, haConnected: 'false', haLagBytes: '-1', haLagMs: '-1' })]]);
    assert.deepEqual(slavesBehind(brokers, cut), [{ brokerName: 'a', brokerAddr: 's:1', behindBytes: 0, lagMs: null, connected: false }]);
  });

  test('without ha* keys the commit log max offsets are compared', () => {
    const ha = new Map([['m:1', parseHa({ commitLogMaxOffset: String(3 * SLAVE_BEHIND_BYTES) })], ['s:1', parseHa({ commitLogMaxOffset: '0' })]]);
    assert.deepEqual(slavesBehind(brokers, ha), [{ brokerName: 'a', brokerAddr: 's:1', behindBytes: 3 * SLAVE_BEHIND_BYTES, lagMs: null, connected: null }]);
  });

  test('a master lacks a live slave when none answers or it reports no slave connected', () => {
    const both = new Set(['m:1', 's:1']);
    assert.deepEqual(mastersWithoutLiveSlave(brokers, both, new Map([['m:1', parseHa(MASTER_KV)]])), []);
    assert.deepEqual(mastersWithoutLiveSlave(brokers, new Set(['m:1']), new Map()), ['a']);
    assert.deepEqual(mastersWithoutLiveSlave(brokers, both, new Map([['m:1', parseHa({ ...MASTER_KV, haConnectionCount: '0' })]])), ['a']);
    assert.deepEqual(mastersWithoutLiveSlave([brokers[0]!], new Set(['m:1']), new Map()), ['a'], 'a group without slaves');
  });
});
