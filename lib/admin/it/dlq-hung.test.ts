// Dead letters with one of two broker groups hung (its process SIGSTOPped: TCP accepts, nothing answers): the list
// and a page answer within the per-broker deadline with what the other broker holds, naming the hung one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { Producer } from '../../client/producer.ts';
import { startCluster, type TestCluster } from '../../client/it/harness.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { createMessage } from '../../protocol/message.ts';
import { AdminClient } from '../client.ts';

setLogSink(() => {});

const GROUP = 'dlq_hung_g';
const DLQ = `%DLQ%${GROUP}`;
const DEADLINE_MS = 800;

describe('dead letters with a hung broker', { timeout: 180_000 }, () => {
  let c: TestCluster;
  let admin: AdminClient;
  let stopped: number | undefined;

  before(async () => {
    c = await startCluster(2);
    await c.createTopic(DLQ, 1);
    const p = new Producer({ group: 'dlq_hung_filler', namesrvAddr: c.namesrvAddr });
    await p.start();
    try {
      for (const brokerName of ['broker-a', 'broker-b']) {
        for (let i = 0; i < 3; i++) {
          const m = createMessage(DLQ, Buffer.from(`${brokerName}-${i}`), {});
          m.properties[MessageConst.PROPERTY_RETRY_TOPIC] = 'Orders';
          await p.send(m, { messageQueue: { topic: DLQ, brokerName, queueId: 0 } });
        }
      }
    } finally {
      await p.shutdown();
    }
    admin = new AdminClient({ namesrvAddr: c.namesrvAddr, timeoutMs: 3000, deadlineMs: DEADLINE_MS });
    assert.equal((await admin.dlqList()).groups.find((g) => g.group === GROUP)?.messages, 6);
    stopped = c.brokers[1]!.child.pid!;
    process.kill(stopped, 'SIGSTOP');
  });

  after(async () => {
    if (stopped) process.kill(stopped, 'SIGCONT');
    await admin?.close();
    await c?.stop();
  });

  test('the list counts the answering broker and names the hung one within the deadline', async () => {
    const t0 = Date.now();
    const l = await admin.dlqList();
    const took = Date.now() - t0;
    const g = l.groups.find((x) => x.group === GROUP);
    assert.equal(g?.messages, 3);
    assert.match(JSON.stringify(g?.errors), new RegExp(c.brokers[1]!.address.replace(/\./g, '\\.')));
    assert.ok(took < DEADLINE_MS + 1500, `took ${took} ms`);
  });

  test('a page shows the answering broker\'s dead letters and names the hung one, within the deadline', async () => {
    const t0 = Date.now();
    const p = await admin.dlqBrowse({ group: GROUP, begin: 0, end: Date.now() });
    const took = Date.now() - t0;
    assert.deepEqual(p.messages.map((m) => m.body).sort(), ['broker-a-0', 'broker-a-1', 'broker-a-2']);
    assert.equal(p.errors.length, 1);
    assert.equal(p.errors[0]!.brokerAddr, c.brokers[1]!.address);
    assert.ok(took < DEADLINE_MS + 1500, `took ${took} ms`);
  });

  test('an export of the range fails naming the hung broker instead of leaving one broker out', async () => {
    const t0 = Date.now();
    await assert.rejects(async () => {
      for await (const m of admin.dlqStream({ group: GROUP, begin: 0, end: Date.now() })) void m;
    }, new RegExp(`cannot read all of ${DLQ.replace(/%/g, '%')}.*${c.brokers[1]!.address.replace(/\./g, '\\.')}`));
    assert.ok(Date.now() - t0 < DEADLINE_MS + 1500);
  });
});
