import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupProgressResult, ProxyClientsResult, ReviveInflightResult } from '../admin/index.ts';
import type { GroupListItem } from './api-types.ts';
import type { RequestContext } from './context.ts';
import { withConsumption, withDerivedInflight } from './groups-view.ts';

const item = (group: string, o: Partial<GroupListItem> = {}): GroupListItem => ({
  group, system: false, brokerNames: ['broker-a'], topics: [], diffTotal: 0, consumeTps: 0, lastConsumeTimestamp: 0,
  lagMessages: 0, lagSeconds: 0, tps: 0, trend: 'flat', sparkline: [], flags: [], members: null, ...o,
} as GroupListItem);

function ctxWith(proxyClients: (addr: string, groups?: string[]) => Promise<ProxyClientsResult>): RequestContext {
  return { admin: { proxyClients } } as unknown as RequestContext;
}

test('the list tells push, pull and POP groups apart and shows the 5.x request mode, PULL where nothing is set', async () => {
  const items = [item('push', { consumeType: 'CONSUME_PASSIVELY', members: 2 }), item('switched'), item('pulled', { consumeType: 'CONSUME_ACTIVELY', members: 1 })];
  await withConsumption(ctxWith(async () => { throw new Error('no proxy is configured'); }), items, {
    state: 'ok', value: [
      { brokerName: 'broker-a', topic: 'T', group: 'switched', mode: 'POP', popShareQueueNum: 0 },
      { brokerName: 'broker-b', topic: 'T', group: 'switched', mode: 'POP', popShareQueueNum: 0 },
    ],
  });
  assert.deepEqual(items.map((g) => [g.group, g.consumptionMode, g.requestMode]), [
    ['push', 'PUSH', 'PULL (default)'], ['switched', 'POP', 'POP'], ['pulled', 'PULL', 'PULL (default)'],
  ]);
});

test('on 4.x brokers (request modes not available) the request mode is null and the mode comes from the members', async () => {
  const items = [item('push', { consumeType: 'CONSUME_PASSIVELY', members: 1 }), item('offline', { members: 0 })];
  await withConsumption(ctxWith(async () => { throw new Error('unused'); }), items, { state: 'unsupported', reason: 'not available on this version (V4_9_8)' });
  assert.deepEqual(items.map((g) => [g.consumptionMode, g.requestMode]), [['PUSH', null], ['UNKNOWN', null]]);
});

test('page groups with no member on the brokers are POP when a known proxy carries them; a hung proxy costs at most its deadline', async () => {
  const saved = process.env.ROCKETDECK_PROXY_ADDRS;
  process.env.ROCKETDECK_PROXY_ADDRS = '127.0.0.1:1;127.0.0.1:2';
  try {
    const asked: string[][] = [];
    const items = [item('grpc', { members: 0 }), item('push', { consumeType: 'CONSUME_PASSIVELY', members: 1 }), item('CID_X', { system: true })];
    const t0 = Date.now();
    await withConsumption(ctxWith((addr, groups) => {
      asked.push(groups ?? []);
      // the second proxy never answers
      if (addr.endsWith(':2')) return new Promise<ProxyClientsResult>(() => {});
      return Promise.resolve({ proxyAddr: addr, clients: [{ group: 'grpc', clientId: 'c', clientAddr: 'a', language: 'HTTP', version: 'V5_3_3' }], groupsAsked: 1, errors: [] });
    }), items, { state: 'ok', value: [] });
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.deepEqual(asked, [['grpc'], ['grpc']]);
    assert.equal(items[0]!.consumptionMode, 'POP');
    assert.match(items[0]!.consumptionReason!, /proxy/);
    assert.equal(items[1]!.consumptionMode, 'PUSH');
  } finally {
    if (saved === undefined) delete process.env.ROCKETDECK_PROXY_ADDRS;
    else process.env.ROCKETDECK_PROXY_ADDRS = saved;
  }
});

test('in-flight figures derived from the revive log land on the group\'s queues, 0 where none is in flight', () => {
  const progress = {
    group: 'g', diffTotal: 0, consumeTps: 0, lastConsumeTimestamp: 0, errors: [], warnings: [],
    queues: [0, 1].map((queueId) => ({ topic: 'T', brokerName: 'broker-a', queueId, brokerOffset: 5, consumerOffset: 5, diff: 0, lastTimestamp: 0 })),
  } as GroupProgressResult;
  const r: ReviveInflightResult = {
    group: 'g', source: 'revive-log', total: 3, partial: false, brokers: [], errors: [],
    queues: [{ topic: 'T', brokerName: 'broker-a', queueId: 1, inflight: 3 }],
  };
  withDerivedInflight(progress, r);
  assert.deepEqual(progress.queues.map((q) => q.popInflight), [0, 3]);
});
