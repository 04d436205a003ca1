// Broker maintenance and consumer diagnostics through the console against a real nameserver and broker: draining
// (the preview names the topics with their route permission, the change needs an operator who types the broker name,
// the nameserver's routes lose and regain the write permission, both changes audited), and "why is this group
// behind?" for a live consumer of our SDK that fails its messages (and one message handed to it directly), then for
// the group with nobody online.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { AdminClient } from '../../admin/index.ts';
import { PushConsumer } from '../../client/index.ts';
import { TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { consoleHttp, startConsoleRig, type ConsoleRig } from './console-build.ts';

setLogSink(() => {});

const TOPIC = 'DrainTopic';

describe('draining a broker group from the console', { timeout: 300_000 }, () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let client: TestClient;
  let admin: AdminClient;
  let url = '';
  let op = '';
  let viewer = '';

  const { call } = consoleHttp(() => url);
  const routePerm = async () => (await admin.topicRoute(TOPIC)).queueDatas.find((q) => q.brokerName === 'broker-it')?.perm;

  let rig: ConsoleRig | undefined;
  before(async () => {
    rig = await startConsoleRig('console-drain-it', async (r) => {
      ({ ns, broker, client, admin } = r);
      await client.createTopic(TOPIC, 2);
      await waitFor('the topic on the nameserver', async () => (await routePerm()) === 6, 30_000);
    });
    ({ url, op, viewer } = rig);
  });

  after(() => rig?.stop());

  test('the preview names the topics and their route permission; bad requests name the field', async () => {
    const r = await call('GET', '/api/brokers/drain?brokerName=broker-it');
    assert.equal(r.status, 200);
    const t = r.body.topics.find((x: { topic: string }) => x.topic === TOPIC);
    assert.deepEqual(t, { topic: TOPIC, writeQueueNums: 2, readQueueNums: 2, routePerm: 6 });
    assert.equal(r.body.drained, false);
    assert.ok(r.body.writableTopics >= 1);
    assert.equal((await call('GET', '/api/brokers/drain')).body.field, 'brokerName');
    assert.equal((await call('GET', '/api/brokers/drain?brokerName=nope')).status, 404);
  });

  test('an operator drains it after typing its name, and restores it; both are audited', async () => {
    const body = { brokerName: 'broker-it', action: 'drain', confirm: 'broker-it' };
    assert.equal((await call('POST', '/api/brokers/drain', { body })).status, 401);
    assert.equal((await call('POST', '/api/brokers/drain', { body, cookie: viewer })).status, 403);
    const unconfirmed = await call('POST', '/api/brokers/drain', { body: { ...body, confirm: 'broker' }, cookie: op });
    assert.equal(unconfirmed.status, 400);
    assert.equal(unconfirmed.body.field, 'confirm');
    assert.equal((await call('POST', '/api/brokers/drain', { body: { ...body, action: 'pause' }, cookie: op })).body.field, 'action');
    assert.equal(await routePerm(), 6, 'nothing changed yet');

    const drained = await call('POST', '/api/brokers/drain', { body, cookie: op });
    assert.equal(drained.status, 200);
    assert.deepEqual(drained.body.result.done.map((d: { namesrvAddr: string }) => d.namesrvAddr), [ns.address]);
    assert.ok(drained.body.result.done[0].topicCount >= 1);
    assert.equal(drained.body.view.drained, true);
    assert.equal(await routePerm(), 4, 'the route is read-only');

    const restored = await call('POST', '/api/brokers/drain', { body: { ...body, action: 'restore' }, cookie: op });
    assert.equal(restored.status, 200);
    assert.equal(restored.body.view.drained, false);
    assert.equal(await routePerm(), 6);

    const audit = (await call('GET', '/api/audit', { cookie: op })).body.entries as Array<{ action: string; username: string; target: string }>;
    for (const a of ['drainBroker', 'restoreBroker']) {
      const e = audit.find((x) => x.action === a);
      assert.ok(e, `audit has ${a}`);
      assert.equal(e.username, 'op');
      assert.equal(e.target, 'broker-it');
    }
  });

  test('diagnosis: a member failing its messages shows its running info and the failures; with nobody online, the waiting lag', async () => {
    const group = 'DiagGroup';
    const consumer = new PushConsumer({ group, namesrvAddr: ns.address, instanceName: 'diag-it', rebalanceInterval: 1000, heartbeatBrokerInterval: 1000, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
      .subscribe(TOPIC, '*').onMessage(() => 'RECONSUME_LATER');
    await consumer.start();
    try {
      for (let i = 0; i < 20; i++) await client.send(TOPIC, `d${i}`, { queueId: i % 2 });
      const d = await waitFor('running info with consume failures', async () => {
        const r = await call('GET', `/api/consumer-groups/${group}/diagnosis`);
        return r.status === 200 && r.body.findings.some((f: { kind: string }) => f.kind === 'consume_failures') && r.body;
      }, 60_000, 500);
      assert.equal(d.members.length, 1);
      const c = d.clients[0];
      assert.equal(c.clientId, d.members[0]);
      assert.deepEqual(c.info.queues.filter((q: { topic: string }) => q.topic === TOPIC).map((q: { queueId: number }) => q.queueId).sort(), [0, 1]);
      // our SDK reports its event-loop delay as properties, which the diagnosis parses into figures
      for (const k of ['PROP_EVENT_LOOP_DELAY_MEAN_MS', 'PROP_EVENT_LOOP_DELAY_P99_MS', 'PROP_EVENT_LOOP_DELAY_MAX_MS', 'PROP_EVENT_LOOP_DELAY_WINDOW_MS']) {
        assert.ok(Number.isFinite(Number(c.info.properties[k])) && c.info.properties[k] !== '', `${k} = ${c.info.properties[k]}`);
      }
      assert.equal(typeof c.eventLoopDelay.p99Ms, 'number');
      assert.ok(c.eventLoopDelay.maxMs >= c.eventLoopDelay.meanMs && c.eventLoopDelay.meanMs > 0, JSON.stringify(c.eventLoopDelay));
      const f = d.findings.find((x: { kind: string }) => x.kind === 'consume_failures');
      assert.equal(f.figures.clientId, c.clientId);
      assert.equal(f.figures.topic, TOPIC);
      assert.ok(f.figures.consumeFailedMsgs > 0 || f.figures.consumeFailedTPS > 0);

      // one stored message handed to that member: its listener's answer comes back (operators only)
      const sent = await client.send(TOPIC, 'direct', { queueId: 0 });
      const msgId = sent.extFields!.msgId!;
      const body = { clientId: c.clientId, msgId, topic: TOPIC };
      assert.equal((await call('POST', `/api/consumer-groups/${group}/consume-directly`, { body, cookie: viewer })).status, 403);
      assert.equal((await call('POST', `/api/consumer-groups/${group}/consume-directly`, { body: { clientId: c.clientId }, cookie: op })).body.field, 'msgId');
      const direct = await call('POST', `/api/consumer-groups/${group}/consume-directly`, { body, cookie: op });
      assert.equal(direct.status, 200);
      assert.equal(direct.body.consumeResult, 'CR_LATER', 'the listener asked for a retry');
      assert.equal(direct.body.offsetMsgId, msgId);
      assert.equal(direct.body.brokerAddr, broker.address);
    } finally {
      await consumer.shutdown();
    }
    for (let i = 0; i < 6; i++) await client.send(TOPIC, `late${i}`, { queueId: i % 2 });
    const offline = await waitFor('the no-member finding', async () => {
      const r = await call('GET', `/api/consumer-groups/${group}/diagnosis`);
      return r.status === 200 && r.body.members.length === 0 && r.body.findings.find((x: { kind: string }) => x.kind === 'no_members');
    }, 60_000, 500);
    assert.equal(offline.severity, 'critical');
    assert.ok(offline.figures.lag >= 6);
  });
});
