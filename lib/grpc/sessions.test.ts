import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, setLogSink } from '../common/log.ts';
import type { RemotingBackend } from './backend.ts';
import { ClientRegistry } from './sessions.ts';

setLogSink(() => {});

test('clients silent past the expiry and without a telemetry stream are forgotten; the last of a group unregisters it', async () => {
  const registered: string[] = [];
  const unregistered: string[] = [];
  const backend = {
    instance: {
      registerConsumer: (c: { group: string }) => { registered.push(c.group); return true; },
      unregisterConsumer: async (g: string) => { unregistered.push(g); },
      sendHeartbeatToAllBrokers: async () => undefined,
      routes: { topicRouteTable: new Map() },
    },
    route: async () => { throw new Error('no route in this test'); },
  } as unknown as RemotingBackend;
  const reg = new ClientRegistry(backend, createLogger('test'), 1_000);
  try {
    const a = reg.touch('a', { language: 'NODE', version: '1', remoteAddr: 'x' });
    const b = reg.touch('b', { language: 'NODE', version: '1', remoteAddr: 'y' });
    reg.applySettings(a, { clientType: 'SIMPLE_CONSUMER', subscription: { group: { name: 'g' }, subscriptions: [{ topic: { name: 't' } }] } });
    reg.applySettings(b, { clientType: 'SIMPLE_CONSUMER', subscription: { group: { name: 'g' }, subscriptions: [{ topic: { name: 't' } }] } });
    b.telemetry = {} as never; // b keeps its stream open
    assert.deepEqual(registered, ['g']);
    await reg.sweep(a.lastSeen + 500);
    assert.ok(reg.get('a'), 'not yet expired');
    await reg.sweep(a.lastSeen + 1_500);
    assert.equal(reg.get('a'), undefined);
    assert.ok(reg.get('b'), 'a client with a telemetry stream stays');
    assert.deepEqual(unregistered, [], 'b still consumes for g');
    b.telemetry = undefined;
    await reg.sweep(b.lastSeen + 1_500);
    assert.equal(reg.get('b'), undefined);
    assert.deepEqual(unregistered, ['g']);
  } finally {
    reg.close();
  }
});
