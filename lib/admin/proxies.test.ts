import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeConsumerConnection } from '../protocol/bodies/index.ts';
import { loadApache5 } from './fixtures/apache5.ts';
import { mergeProxies } from './proxies.ts';

describe('proxies found as 5.x tools find them', () => {
  const members = decodeConsumerConnection(loadApache5('heartbeat-syncer-connections').response.body).connectionSet;

  test("a 5.3.3 cluster-mode proxy: one heartbeat syncer member, named by its host until its remoting address is given", () => {
    const found = mergeProxies([members, members], []);
    assert.equal(found.length, 1, 'the same member seen on two brokers is one proxy');
    assert.deepEqual({ ...found[0], clientId: undefined }, { addr: '127.0.0.1', host: '127.0.0.1', mode: 'cluster', clientId: undefined, version: 'V5_3_3', language: 'JAVA', reachable: false });
    const named = mergeProxies([members], ['127.0.0.1:48080']);
    assert.equal(named.length, 1);
    assert.equal(named[0]!.addr, '127.0.0.1:48080');
    assert.equal(named[0]!.mode, 'cluster');
  });

  test('a given address no member matches is listed with mode unknown; two proxies on one host stay apart', () => {
    const other = mergeProxies([members], ['10.0.0.9:8080']);
    assert.deepEqual(other.map((p) => [p.addr, p.mode]), [['127.0.0.1', 'cluster'], ['10.0.0.9:8080', 'unknown']]);
    const two = [...members, { ...members[0]!, clientId: '192.0.2.3@DEFAULT', clientAddr: '127.0.0.1:40000' }];
    const both = mergeProxies([two], ['127.0.0.1:48080']);
    assert.equal(both.filter((p) => p.mode === 'cluster').length, 2);
    assert.ok(both.some((p) => p.addr === '127.0.0.1:48080' && p.mode === 'unknown'), 'ambiguous host: the given address stands alone');
  });
});
