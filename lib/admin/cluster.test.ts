import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstNumber, mergeClusterViews } from './cluster.ts';

describe('clusterList merging', () => {
  test('each broker process lists the nameservers that know it', () => {
    const g = (brokerName: string, addrs: Record<string, string>) => ({ clusterName: 'C', brokerName, brokerAddrs: addrs });
    const merged = mergeClusterViews([
      { namesrvAddr: 'ns1', view: { clusters: { C: ['a', 'b'] }, brokers: [g('a', { 0: 'h:1', 1: 'h:2' }), g('b', { 0: 'h:3' })] } },
      { namesrvAddr: 'ns2', view: { clusters: { C: ['a'] }, brokers: [g('a', { 0: 'h:1' })] } },
    ]);
    assert.deepEqual([...merged.clusters.get('C')!].sort(), ['a', 'b']);
    const byAddr = Object.fromEntries([...merged.brokers.values()].map((b) => [b.brokerAddr, b.namesrvs]));
    assert.deepEqual(byAddr, { 'h:1': ['ns1', 'ns2'], 'h:2': ['ns1'], 'h:3': ['ns1'] });
  });

  test('runtime figures like "12.5 3.1 0.0" read as their first number', () => {
    assert.equal(firstNumber('0.0  '), 0);
    assert.equal(firstNumber('12.5 3.1 0.0'), 12.5);
    assert.equal(firstNumber(undefined), undefined);
    assert.equal(firstNumber('n/a'), undefined);
  });
});
