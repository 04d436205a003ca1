// The console's dead-letter and trace API against a real nameserver, broker and console process: the list with its
// growth over the last hour (from the collector's history), a page, resends (operators only, each in the audit
// log), a direct delivery with no client online, streamed exports, and trace look-ups that say what is missing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../common/log.ts';
import { Producer } from '../../client/producer.ts';
import { MessageConst } from '../../protocol/message-const.ts';
import { createMessage } from '../../protocol/message.ts';
import { waitFor } from '../../broker/it/harness.ts';
import { consoleHttp, startConsoleRig, type ConsoleRig } from './console-build.ts';

setLogSink(() => {});

const TOPIC = 'ConsoleDlqOrders';
const GROUP = 'console_dlq_g';
const DLQ = `%DLQ%${GROUP}`;

describe('dead letters and traces through the console API', { timeout: 300_000 }, () => {
  let rig: ConsoleRig | undefined;
  let url = '';
  let op = '';
  let viewer = '';
  let producer: Producer | undefined;
  const { call } = consoleHttp(() => url);

  /** Dead letters as the broker's send-back leaves them: in %DLQ%group with RETRY_TOPIC naming the original topic. */
  async function deadLetters(from: number, n: number): Promise<void> {
    for (let i = from; i < from + n; i++) {
      const m = createMessage(DLQ, Buffer.from(`failed order ${i}, "quoted", two\nlines`), { tags: 'order', keys: [`order-${i}`] });
      m.properties[MessageConst.PROPERTY_RETRY_TOPIC] = TOPIC;
      m.properties[MessageConst.PROPERTY_ORIGIN_MESSAGE_ID] = `ORIGIN${i}`;
      m.properties.phone = `555-01${i}`;
      await producer!.send(m);
    }
  }

  before(async () => {
    rig = await startConsoleRig('console-dlq-it', async (r) => {
      await r.client.createTopic(TOPIC, 1);
      await r.client.createTopic(DLQ, 1);
      await waitFor('both topics on the nameserver', async () => (await r.admin.topicRoute(DLQ).catch(() => undefined))?.queueDatas.length === 1
        && (await r.admin.topicRoute(TOPIC).catch(() => undefined))?.queueDatas.length === 1, 30_000);
      producer = new Producer({ group: 'console_dlq_filler', namesrvAddr: r.ns.address });
      await producer.start();
      await deadLetters(0, 3);
    }, () => ({ ROCKETDECK_MASK_PROPERTIES: 'phone' }));
    ({ url, op, viewer } = rig);
  });

  after(async () => {
    await producer?.shutdown();
    await rig?.stop();
  });

  test('the list names the group; growth over the last hour counts what the collector saw arrive', async () => {
    const first = await waitFor('the group listed with collected history', async () => {
      const r = await call('GET', '/api/dlq');
      const g = r.body.groups?.find((x: { group: string }) => x.group === GROUP);
      return g && g.grewLastHour !== null ? g : undefined;
    }, 30_000);
    assert.equal(first.messages, 3);
    assert.equal(first.topic, DLQ);
    assert.ok(first.newest > Date.now() - 120_000);
    await deadLetters(3, 2);
    const grown = await waitFor('growth of 2 seen', async () => {
      const g = (await call('GET', '/api/dlq')).body.groups.find((x: { group: string }) => x.group === GROUP);
      return g.messages === 5 && g.grewLastHour === first.grewLastHour + 2 ? g : undefined;
    }, 30_000);
    assert.equal(grown.messages, 5);
  });

  test('a page of the DLQ, newest first, with the original topic; bad paging is a 400 naming the field', async () => {
    const r = await call('GET', `/api/dlq/${encodeURIComponent(GROUP)}?begin=0&pageSize=2`);
    assert.equal(r.status, 200);
    assert.equal(r.body.total, 5);
    assert.equal(r.body.messages.length, 2);
    assert.equal(r.body.messages[0].originalTopic, TOPIC);
    assert.ok(r.body.messages[0].storeTimestamp >= r.body.messages[1].storeTimestamp);
    const bad = await call('GET', `/api/dlq/${GROUP}?pageSize=0`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'pageSize');
    const backwards = await call('GET', `/api/dlq/${GROUP}?begin=2000&end=1000`);
    assert.equal(backwards.body.field, 'begin');
  });

  test('resend: viewers and anonymous callers are refused; an operator resends and every message is audited', async () => {
    const page = (await call('GET', `/api/dlq/${GROUP}?begin=0&pageSize=2`)).body;
    const ids = page.messages.map((m: { offsetMsgId: string }) => m.offsetMsgId);
    const path = `/api/dlq/${GROUP}/resend`;
    assert.equal((await call('POST', path, { body: { offsetMsgIds: ids } })).status, 401);
    assert.equal((await call('POST', path, { body: { offsetMsgIds: ids }, cookie: viewer })).status, 403);
    const bad = await call('POST', path, { body: { offsetMsgIds: ['nope'] }, cookie: op });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'offsetMsgIds');
    const r = await call('POST', path, { body: { offsetMsgIds: ids }, cookie: op });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.results.map((x: { ok: boolean; topic: string }) => [x.ok, x.topic]), [[true, TOPIC], [true, TOPIC]]);
    const status = await rig!.admin.topicStatus(TOPIC);
    assert.equal(status.totalMessages, 2, 'two new messages on the original topic');
    const audit = (await call('GET', '/api/audit', { cookie: op })).body.entries.filter((e: { action: string }) => e.action === 'dlqResend');
    assert.equal(audit.length, 2);
    assert.deepEqual(new Set(audit.map((e: { params: { offsetMsgId: string } }) => e.params.offsetMsgId)), new Set(ids));
    assert.ok(audit.every((e: { username: string; ok: boolean; target: string }) => e.username === 'op' && e.ok && e.target === GROUP));
  });

  test('direct delivery to a client that is not online fails per message, and is audited', async () => {
    const page = (await call('GET', `/api/dlq/${GROUP}?begin=0&pageSize=1`)).body;
    const r = await call('POST', `/api/dlq/${GROUP}/consume-directly`, { body: { clientId: '127.0.0.1@gone', offsetMsgIds: [page.messages[0].offsetMsgId] }, cookie: op });
    assert.equal(r.status, 200);
    assert.equal(r.body.results[0].ok, false);
    assert.ok(r.body.results[0].error);
    const missing = await call('POST', `/api/dlq/${GROUP}/consume-directly`, { body: { offsetMsgIds: [page.messages[0].offsetMsgId] }, cookie: op });
    assert.equal(missing.body.field, 'clientId');
    const audit = (await call('GET', '/api/audit', { cookie: op })).body.entries.filter((e: { action: string }) => e.action === 'dlqConsumeDirectly');
    assert.equal(audit.length, 1);
    assert.equal(audit[0].ok, false);
  });

  test('exports stream as attachments: the range as JSON lines, a selection as CSV', async () => {
    const res = await fetch(`${url}/api/dlq/${GROUP}/export?format=jsonl&begin=0`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="dlq-console_dlq_g-.*\.jsonl"$/);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { body: string; originalTopic: string; originMessageId: string });
    assert.equal(lines.length, 5);
    assert.ok(lines.every((l) => l.originalTopic === TOPIC && l.originMessageId.startsWith('ORIGIN')));
    assert.ok(lines.some((l) => l.body.includes('\n')), 'bodies keep their newlines inside the JSON');
    const one = lines[0] as unknown as { offsetMsgId: string };
    const csv = await fetch(`${url}/api/dlq/${GROUP}/export?format=csv&ids=${one.offsetMsgId}`);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const text = await csv.text();
    assert.ok(text.startsWith('msgId,offsetMsgId,topic,originalTopic,'));
    assert.ok(text.includes('"failed order'), 'a body with quotes, commas and newlines is one quoted field');
    const many = await call('GET', `/api/dlq/${GROUP}/export?format=csv&ids=${Array(301).fill(one.offsetMsgId).join(',')}`);
    assert.equal(many.status, 400);
    assert.equal(many.body.field, 'ids');
    const bad = await call('GET', `/api/dlq/${GROUP}/export?format=xml`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'format');
  });

  test('masked properties (ROCKETDECK_MASK_PROPERTIES) are masked in pages and exports for all but operators', async () => {
    type Row = { properties: Record<string, string>; masked?: string[] };
    const phones = (rows: Row[]) => rows.map((r) => r.properties.phone);
    const anon = (await call('GET', `/api/dlq/${GROUP}?begin=0&pageSize=5`)).body.messages as Row[];
    const asViewer = (await call('GET', `/api/dlq/${GROUP}?begin=0&pageSize=5`, { cookie: viewer })).body.messages as Row[];
    const asOp = (await call('GET', `/api/dlq/${GROUP}?begin=0&pageSize=5`, { cookie: op })).body.messages as Row[];
    assert.ok(asOp.length > 0 && phones(asOp).every((p) => /^555-01\d+$/.test(p!)), `operators read the values: ${JSON.stringify(asOp.map((r) => [r.properties, r.masked]))}`);
    for (const rows of [anon, asViewer]) {
      assert.equal(rows.length, asOp.length);
      assert.ok(phones(rows).every((p) => p !== undefined && !p.includes('555')), `masked: ${phones(rows).join(', ')}`);
      assert.ok(rows.every((r) => r.masked?.includes('property:phone')));
    }
    const exported = async (cookie?: string) => (await (await fetch(`${url}/api/dlq/${GROUP}/export?format=jsonl&begin=0`, {
      headers: cookie ? { cookie: `rd_session=${cookie}` } : {},
    })).text()).trim().split('\n').map((l) => JSON.parse(l) as Row);
    assert.ok(phones(await exported(viewer)).every((p) => !p!.includes('555')), 'a viewer\'s export is masked');
    assert.ok(phones(await exported(op)).every((p) => /^555-01\d+$/.test(p!)), 'an operator\'s export is not');
  });

  test('trace look-ups: a missing id is a 400; a message nobody traced answers empty, naming the missing trace topic', async () => {
    const none = await call('GET', '/api/trace');
    assert.equal(none.status, 400);
    assert.equal(none.body.field, 'msgId');
    const t = await call('GET', '/api/trace?msgId=0A0000000000000000000000DEADBEEF');
    assert.equal(t.status, 200);
    assert.deepEqual([t.body.produced.length, t.body.consumers.length], [0, 0]);
    assert.match(t.body.errors.join(' '), /RMQ_SYS_TRACE_TOPIC does not exist/);
  });
});
