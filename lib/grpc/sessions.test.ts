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

test("the heartbeat's remote clients: each client with settings, its groups, language by user agent, version as 5.x derives it", () => {
  const backend = {
    instance: {
      registerConsumer: () => true,
      registerProducer: () => true,
      unregisterConsumer: async () => undefined,
      sendHeartbeatToAllBrokers: async () => undefined,
      routes: { topicRouteTable: new Map() },
    },
    route: async () => { throw new Error('no route in this test'); },
  } as unknown as RemotingBackend;
  const reg = new ClientRegistry(backend, createLogger('test'), 1_000);
  try {
    const node = reg.touch('n', { language: 'HTTP', version: '1.0.8', remoteAddr: '10.0.0.1:5000' });
    const dotnet = reg.touch('d', { language: 'DOTNET', version: 'V5_0_0', remoteAddr: '10.0.0.2:5000' });
    const bare = reg.touch('b', { language: 'NOPE', version: '', remoteAddr: '10.0.0.3:5000' });
    reg.touch('silent', { language: 'JAVA', version: '5.0.7', remoteAddr: '10.0.0.4:5000' }); // no settings yet: not listed
    reg.applySettings(node, { clientType: 'SIMPLE_CONSUMER', userAgent: { language: 'NODE_JS', version: '1.0.8' }, subscription: { group: { name: 'g' }, subscriptions: [{ topic: { name: 't' } }] } });
    reg.applySettings(dotnet, { clientType: 'PRODUCER', userAgent: { language: 'DOT_NET', version: '5.0.0' }, publishing: { topics: [{ name: 't1' }] } });
    reg.notePublish(dotnet, 't2');
    reg.applySettings(bare, { clientType: 'PRODUCER', publishing: { topics: [] } });
    const byId = new Map(reg.remoteClients().map((c) => [c.clientID, c]));
    assert.deepEqual([...byId.keys()].sort(), ['b', 'd', 'n']);
    assert.deepEqual(byId.get('n'), {
      clientID: 'n', clientAddr: '10.0.0.1:5000', language: 'NODE_JS', version: 479, clientVersion: '1.0.8', protocolType: 'grpc_v2',
      consumerGroups: ['g'], producerGroups: [],
    });
    assert.equal(byId.get('d')!.language, 'DOTNET');
    assert.equal(byId.get('d')!.version, 413, 'a version naming a Version constant (V5_0_0) is taken');
    assert.deepEqual(byId.get('d')!.producerGroups, ['t1', 't2']);
    assert.equal(byId.get('b')!.language, 'OTHER');
  } finally {
    reg.close();
  }
});
