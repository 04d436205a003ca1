import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { SubscriptionData } from '../../protocol/bodies/consumer.ts';
import type { RemotingConnection } from '../../remoting/connection.ts';
import { ConsumerManager, type ClientChannelInfo } from './consumer-manager.ts';
import { fakeConnection, silentLog } from '../test-util.ts';

const sub = (topic: string, subVersion = 1): SubscriptionData => ({ topic, subString: '*', tagsSet: [], codeSet: [], subVersion, expressionType: 'TAG', classFilterMode: false });
const info = (conn: RemotingConnection, clientId: string, now = 0): ClientChannelInfo => ({ conn, clientId, language: 'JAVA', version: 409, lastUpdateTimestamp: now });

function setup() {
  let now = 0;
  const changes: Array<{ group: string; members: string[] }> = [];
  const m = new ConsumerManager({
    log: silentLog,
    now: () => now,
    onChange: (group, conns) => changes.push({ group, members: conns.map((c) => c.remoteAddr) }),
  });
  return { m, changes, tick: (ms: number) => (now += ms) };
}

describe('consumer groups', () => {
  test('a new member is reported to the group; a repeated heartbeat is not', () => {
    const { m, changes } = setup();
    const a = fakeConnection('a:1');
    const b = fakeConnection('b:1');
    m.registerConsumer('g', info(a, 'A'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], true);
    m.registerConsumer('g', info(a, 'A'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], true);
    m.registerConsumer('g', info(b, 'B'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], true);
    assert.deepEqual(changes, [{ group: 'g', members: ['a:1'] }, { group: 'g', members: ['a:1', 'b:1'] }]);
    assert.deepEqual(m.getConsumerGroupInfo('g')!.allClientIds(), ['A', 'B']);
  });

  test('subscriptions: newer subVersion replaces, a dropped topic is removed', () => {
    const { m } = setup();
    const a = fakeConnection('a:1');
    m.registerConsumer('g', info(a, 'A'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T', 1), sub('U', 1)], false);
    m.registerConsumer('g', info(a, 'A'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T', 5)], false);
    assert.equal(m.findSubscriptionData('g', 'T')!.subVersion, 5);
    assert.equal(m.findSubscriptionData('g', 'U'), undefined);
    assert.deepEqual([...m.queryTopicConsumeByWho('T')], ['g']);
  });

  test('a closed connection leaves its groups and the rest are told', () => {
    const { m, changes } = setup();
    const a = fakeConnection('a:1');
    const b = fakeConnection('b:1');
    for (const [c, id] of [[a, 'A'], [b, 'B']] as const) m.registerConsumer('g', info(c, id), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], true);
    m.doChannelCloseEvent(a);
    assert.deepEqual(changes.at(-1), { group: 'g', members: ['b:1'] });
    m.doChannelCloseEvent(b);
    assert.equal(m.getConsumerGroupInfo('g'), undefined);
  });

  test('a member silent for longer than the expiry is dropped and its connection closed', () => {
    const { m, changes, tick } = setup();
    const a = fakeConnection('a:1');
    const b = fakeConnection('b:1');
    m.registerConsumer('g', info(a, 'A'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], true);
    tick(100_000);
    m.registerConsumer('g', info(b, 'B'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], true);
    tick(30_000);
    m.scanNotActiveChannel(120_000);
    assert.equal(a.closed, true);
    assert.equal(b.closed, false);
    assert.deepEqual(m.getConsumerGroupInfo('g')!.allClientIds(), ['B']);
    assert.deepEqual(changes.at(-1), { group: 'g', members: ['b:1'] });
  });

  test('unregistering removes the member and tells the rest when asked to', () => {
    const { m, changes } = setup();
    const a = fakeConnection('a:1');
    m.registerConsumer('g', info(a, 'A'), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], true);
    m.unregisterConsumer('g', a, true);
    assert.equal(m.getConsumerGroupInfo('g'), undefined);
    assert.deepEqual(changes.at(-1), { group: 'g', members: [] });
  });

  test('clients behind one gRPC endpoint are members each; a heartbeat without one drops it, an expired one does not close the endpoint', () => {
    const { m, changes, tick } = setup();
    const proxy = fakeConnection('proxy:1');
    const remote = (clientId: string, addr: string): ClientChannelInfo => ({
      ...info(proxy, clientId), language: 'NODE_JS', remote: { clientAddr: addr, protocolType: 'grpc_v2', clientVersion: '1.0.8' },
    });
    m.registerConsumer('g', remote('X', 'x:1'), 'CONSUME_POP', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], true);
    m.registerConsumer('g', remote('Y', 'y:1'), 'CONSUME_POP', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], true);
    const g = m.getConsumerGroupInfo('g')!;
    assert.deepEqual(g.allClientIds(), ['X', 'Y']);
    assert.deepEqual(g.allConnections(), [proxy], 'one connection reaches both');
    assert.deepEqual(changes.at(-1), { group: 'g', members: ['proxy:1'] });
    m.retainRemote(proxy, new Set(['g\u0000Y']));
    assert.deepEqual(g.allClientIds(), ['Y']);
    tick(200_000);
    m.scanNotActiveChannel(120_000);
    assert.equal(m.getConsumerGroupInfo('g'), undefined);
    assert.equal(proxy.closed, false, 'the endpoint keeps serving its other clients');
  });

  test('the endpoint\'s connection closing takes all its clients out', () => {
    const { m } = setup();
    const proxy = fakeConnection('proxy:1');
    const a = fakeConnection('a:1');
    const remote = (clientId: string): ClientChannelInfo => ({ ...info(proxy, clientId), remote: { clientAddr: `${clientId}:1`, protocolType: 'grpc_v2', clientVersion: '' } });
    m.registerConsumer('g', remote('X'), 'CONSUME_POP', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], false);
    m.registerConsumer('g', remote('Y'), 'CONSUME_POP', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], false);
    m.registerConsumer('g', info(a, 'A'), 'CONSUME_POP', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sub('T')], false);
    m.doChannelCloseEvent(proxy);
    assert.deepEqual(m.getConsumerGroupInfo('g')!.allClientIds(), ['A']);
  });
});
