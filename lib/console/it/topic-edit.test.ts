// Editing a topic's queue counts through the console against a real nameserver and broker: the write queues shrink
// first and the read queues in a second apply, a read shrink that would strand a group's unconsumed messages is
// warned about in the preview and refused until accepted or consumed, and each applied step is audited.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { AdminClient } from '../../admin/index.ts';
import { TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { consoleHttp, startConsoleRig, type ConsoleRig } from './console-build.ts';

setLogSink(() => {});

const TOPIC = 'EditQueuesTopic';
const BROKER = 'broker-it';
const GROUP = 'EditQueuesGroup';

describe('editing a topic\'s queue counts from the console', { timeout: 300_000 }, () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let client: TestClient;
  let admin: AdminClient;
  let url = '';
  let op = '';
  let viewer = '';

  const { call } = consoleHttp(() => url);
  const routeCounts = async () => {
    const q = (await admin.topicRoute(TOPIC)).queueDatas.find((x) => x.brokerName === BROKER);
    return q && [q.readQueueNums, q.writeQueueNums, q.perm];
  };

  let rig: ConsoleRig | undefined;
  before(async () => {
    rig = await startConsoleRig('console-topic-edit-it', async (r) => {
      ({ ns, broker, client, admin } = r);
      await client.createTopic(TOPIC, 4);
      await waitFor('the topic on the nameserver', async () => (await routeCounts())?.[0] === 4, 30_000);
      for (let i = 0; i < 8; i++) await client.send(TOPIC, `m${i}`, { queueId: i % 4 }); // 2 per queue
      // the group has read nothing yet: 2 messages of lag on every queue
      await admin.resetQueueOffsets({ group: GROUP, topic: TOPIC, queues: [0, 1, 2, 3].map((queueId) => ({ brokerName: BROKER, queueId, offset: 0 })) });
    });
    ({ url, op, viewer } = rig);
  });

  after(() => rig?.stop());

  test('bad requests name the field; viewers are refused', async () => {
    const path = `/api/topics/${TOPIC}/queues`;
    assert.equal((await call('POST', path, { body: { writeQueueNums: 2 }, cookie: viewer })).status, 403);
    const below = await call('POST', path, { body: { readQueueNums: 1, writeQueueNums: 2, preview: true }, cookie: op });
    assert.equal(below.status, 400);
    assert.equal(below.body.field, 'readQueueNums');
    assert.equal((await call('POST', path, { body: { perm: 5 }, cookie: op })).body.field, 'perm');
    assert.equal((await call('POST', path, { body: { writeQueueNums: 2, brokerNames: ['nope'] }, cookie: op })).body.field, 'brokerNames');
  });

  test('4 → 2 queues: write queues first, then the read shrink is held back while it would strand the group\'s messages', async () => {
    const path = `/api/topics/${TOPIC}/queues`;
    const body = { readQueueNums: 2, writeQueueNums: 2 };
    const p1 = await call('POST', path, { body: { ...body, preview: true }, cookie: op });
    assert.equal(p1.status, 200);
    const b1 = p1.body.brokers[0];
    assert.deepEqual([b1.current, b1.next, b1.later], [
      { readQueueNums: 4, writeQueueNums: 4, perm: 6 }, { readQueueNums: 4, writeQueueNums: 2, perm: 6 }, { readQueueNums: 2, writeQueueNums: 2, perm: 6 },
    ]);
    assert.deepEqual(b1.stranded, [], 'closing write queues strands nothing');
    assert.ok(p1.body.warnings.some((w: string) => w.includes('two steps')));
    assert.deepEqual(await routeCounts(), [4, 4, 6], 'a preview changes nothing');

    const s1 = await call('POST', path, { body, cookie: op });
    assert.equal(s1.status, 200);
    await waitFor('write queues closed on the route', async () => JSON.stringify(await routeCounts()) === '[4,2,6]', 30_000);

    const p2 = await call('POST', path, { body: { ...body, preview: true }, cookie: op });
    const b2 = p2.body.brokers[0];
    assert.deepEqual(b2.next, { readQueueNums: 2, writeQueueNums: 2, perm: 6 });
    assert.equal(b2.later, null);
    assert.deepEqual(b2.stranded, [{ group: GROUP, queueId: 2, lag: 2 }, { group: GROUP, queueId: 3, lag: 2 }]);
    assert.ok(p2.body.warnings.some((w: string) => w.includes('strands 4 unconsumed') && w.includes(GROUP)), p2.body.warnings.join('\n'));

    const refused = await call('POST', path, { body, cookie: op });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.field, 'acceptStranded');
    assert.deepEqual(await routeCounts(), [4, 2, 6], 'nothing changed');

    // the group consumes what is left on queues 2 and 3: the shrink is safe now
    await admin.resetQueueOffsets({ group: GROUP, topic: TOPIC, queues: [2, 3].map((queueId) => ({ brokerName: BROKER, queueId, offset: 2 })) });
    const p3 = await call('POST', path, { body: { ...body, preview: true }, cookie: op });
    assert.deepEqual(p3.body.brokers[0].stranded, []);
    assert.equal((await call('POST', path, { body, cookie: op })).status, 200);
    await waitFor('read queues shrunk on the route', async () => JSON.stringify(await routeCounts()) === '[2,2,6]', 30_000);
    assert.equal((await call('POST', path, { body, cookie: op })).status, 409, 'nothing left to do');

    const audit = (await call('GET', '/api/audit', { cookie: op })).body.entries as Array<{ action: string; target: string; ok: boolean; params: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const steps = audit.filter((e) => e.action === 'editTopicQueues' && e.target === TOPIC);
    assert.equal(steps.length, 2);
    assert.ok(steps.every((e) => e.ok));
    assert.deepEqual(steps.map((e) => e.params.steps[0].to.readQueueNums).sort(), [2, 4]);
  });

  test('a permission change is one step', async () => {
    const r = await call('POST', `/api/topics/${TOPIC}/queues`, { body: { perm: 4 }, cookie: op });
    assert.equal(r.status, 200);
    await waitFor('read-only route', async () => (await routeCounts())?.[2] === 4, 30_000);
    assert.deepEqual(await routeCounts(), [2, 2, 4]);
  });
});
