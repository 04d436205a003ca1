import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterViewOf, groupsOfCluster, mergeViews, missingMasterWarnings, selectBrokerTarget, type ClusterView } from './route.ts';
import { decodeClusterInfo } from '../protocol/bodies/index.ts';
import { readBodyText } from '../protocol/fixtures/vectors.ts';
import { AdminError } from './errors.ts';

const view: ClusterView = {
  clusters: { c1: ['a', 'b'] },
  brokers: [
    { clusterName: 'c1', brokerName: 'a', brokerAddrs: { 0: 'h:1', 1: 'h:2' } },
    { clusterName: 'c1', brokerName: 'b', brokerAddrs: { 2: 'h:4', 1: 'h:3' } },
  ],
};

describe('cluster view', () => {
  test('reads the captured GET_BROKER_CLUSTER_INFO answer (bare integer keys) into plain JSON', () => {
    const v = clusterViewOf(decodeClusterInfo(readBodyText('106-GET_BROKER_CLUSTER_INFO', 'response')));
    assert.deepEqual(v, {
      clusters: { DefaultCluster: ['broker-a'] },
      brokers: [{ clusterName: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: '127.0.0.1:20911', 1: '127.0.0.1:20921' } }],
    });
    assert.doesNotThrow(() => JSON.stringify(v));
  });

  test('a group is read from its master, else from its lowest-id slave', () => {
    assert.deepEqual(selectBrokerTarget(view.brokers[0]!), { clusterName: 'c1', brokerName: 'a', brokerId: 0, brokerAddr: 'h:1' });
    assert.deepEqual(selectBrokerTarget(view.brokers[1]!), { clusterName: 'c1', brokerName: 'b', brokerId: 1, brokerAddr: 'h:3' });
  });

  test('a group without a master is named in a warning that says where its figures come from', () => {
    assert.deepEqual(missingMasterWarnings(view), [
      { brokerName: 'b', brokerAddr: 'h:3', error: 'no master (brokerId 0) registered; figures read from slave h:3 (brokerId 1)' },
    ]);
  });

  test('an unknown cluster is an AdminError naming the known ones', () => {
    assert.throws(() => groupsOfCluster(view, 'nope'), (e) => e instanceof AdminError && /cluster 'nope' is not known.*known: c1/.test(e.message));
    assert.equal(groupsOfCluster(view, 'c1').length, 2);
  });
});

describe('merged cluster view', () => {
  test('brokers known to any nameserver are kept, each group with every address any of them lists', () => {
    const merged = mergeViews([
      { clusters: { C: ['a'] }, brokers: [{ clusterName: 'C', brokerName: 'a', brokerAddrs: { 0: 'h:1' } }] },
      { clusters: { C: ['a', 'b'] }, brokers: [
        { clusterName: 'C', brokerName: 'b', brokerAddrs: { 0: 'h:3' } },
        { clusterName: 'C', brokerName: 'a', brokerAddrs: { 1: 'h:2' } },
      ] },
    ]);
    assert.deepEqual(merged, {
      clusters: { C: ['a', 'b'] },
      brokers: [
        { clusterName: 'C', brokerName: 'a', brokerAddrs: { 0: 'h:1', 1: 'h:2' } },
        { clusterName: 'C', brokerName: 'b', brokerAddrs: { 0: 'h:3' } },
      ],
    });
  });
});
