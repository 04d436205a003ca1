// Dead letters and message traces against a real nameserver and broker process: a traced push consumer fails
// messages into its DLQ; the admin client lists, pages, resends, hands them to the consumer directly and exports
// them; the trace of a message shows its send, its store and every delivery attempt, and the DLQ it ended in.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN } from '../../cluster/supervisor.ts';
import { setLogSink } from '../../common/log.ts';
import { Producer } from '../../client/producer.ts';
import { TransactionProducer } from '../../client/transaction-producer.ts';
import { PushConsumer } from '../../client/push-consumer.ts';
import { LitePullConsumer } from '../../client/lite-pull-consumer.ts';
import type { ConsumedMessage } from '../../client/pull-api.ts';
import { startCluster, waitFor, type TestCluster } from '../../client/it/harness.ts';
import { AdminClient } from '../client.ts';
import { CSV_COLUMNS, exportLines } from '../dlq-export.ts';
import type { DlqMessage } from '../dlq.ts';

setLogSink(() => {});

const TOPIC = 'DlqOrders';
const GROUP = 'dlq_it_group';
const FAST = { rebalanceInterval: 1000, pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500 };

describe('dead-letter queues and traces against a broker process', { timeout: 180_000 }, () => {
  let c: TestCluster;
  let producer: Producer;
  let consumer: PushConsumer;
  let admin: AdminClient;
  let mode: 'fail' | 'ok' | 'throw' = 'fail';
  const received: ConsumedMessage[] = [];
  const badIds: string[] = [];
  let goodId = '';

  before(async () => {
    c = await startCluster(1, { messageDelayLevel: '1s 1s 1s 1s 1s 1s 1s 1s', traceTopicEnable: true });
    await c.createTopic(TOPIC, 2);
    admin = new AdminClient({ namesrvAddr: c.namesrvAddr, timeoutMs: 3000 });
    producer = new Producer({ group: 'dlq_it_producer', namesrvAddr: c.namesrvAddr, enableMsgTrace: true, pollNameServerInterval: 1000 });
    await producer.start();
    consumer = new PushConsumer({ group: GROUP, namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', maxReconsumeTimes: 1, enableMsgTrace: true, ...FAST });
    consumer.subscribe(TOPIC, '*');
    consumer.onMessage((m) => {
      if (m.body.toString().startsWith('bad') && mode === 'fail') throw new Error(`cannot handle ${m.body.toString()}`);
      if (mode === 'throw') throw new Error('direct delivery refused');
      received.push(m);
    });
    await consumer.start();
    for (let i = 0; i < 6; i++) badIds.push((await producer.send({ topic: TOPIC, body: `bad-${i}`, tags: 'order', keys: [`bad-key-${i}`], properties: { region: 'eu' } })).msgId);
    goodId = (await producer.send({ topic: TOPIC, body: 'good', keys: ['good-key'] })).msgId;
    await waitFor('6 dead letters listed', async () => {
      const l = await admin.dlqList();
      return l.groups.find((g) => g.group === GROUP)?.messages === 6;
    }, 60_000);
  });

  after(async () => {
    await consumer?.shutdown();
    await producer?.shutdown();
    await admin?.close();
    await c?.stop();
  });

  test('the list names the group with its count and the newest dead letter', async () => {
    const g = (await admin.dlqList()).groups.find((x) => x.group === GROUP)!;
    assert.equal(g.topic, `%DLQ%${GROUP}`);
    assert.equal(g.messages, 6);
    assert.ok(g.newest !== null && g.newest > Date.now() - 120_000 && g.newest <= Date.now());
  });

  test('browsing pages the dead letters newest first with their original topic and reconsume times', async () => {
    const end = Date.now();
    const p0 = await admin.dlqBrowse({ group: GROUP, begin: 0, end, page: 0, pageSize: 4 });
    const p1 = await admin.dlqBrowse({ group: GROUP, begin: 0, end, page: 1, pageSize: 4 });
    assert.equal(p0.total, 6);
    assert.equal(p0.messages.length, 4);
    assert.equal(p1.messages.length, 2);
    const all = [...p0.messages, ...p1.messages];
    assert.deepEqual(new Set(all.map((m) => m.msgId)), new Set(badIds), 'the UNIQ_KEY survives the trip to the DLQ');
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.storeTimestamp >= all[i]!.storeTimestamp, 'newest first');
    for (const m of all) {
      assert.equal(m.originalTopic, TOPIC);
      assert.equal(m.reconsumeTimes, 2, 'failed at reconsume 0 and 1; the DLQ copy counts one more, as Apache 4.9.8 stores it');
      assert.ok(m.originMessageId, 'ORIGIN_MESSAGE_ID set');
      assert.equal(m.properties.region, 'eu');
    }
    const none = await admin.dlqBrowse({ group: GROUP, begin: 0, end: all[all.length - 1]!.storeTimestamp - 1 });
    assert.equal(none.messages.length, 0, 'a range before the first dead letter is empty');
  });

  test('resend puts two dead letters back on the original topic, where the group consumes them', async () => {
    mode = 'ok';
    const page = await admin.dlqBrowse({ group: GROUP, begin: 0, end: Date.now(), pageSize: 2 });
    const chosen = page.messages.map((m) => m.offsetMsgId);
    const results = await admin.dlqResend(GROUP, [...chosen, 'C0A8000100002A9F00000000DEADBEEF']);
    assert.equal(results.length, 3);
    assert.deepEqual(results.slice(0, 2).map((r) => [r.ok, r.topic]), [[true, TOPIC], [true, TOPIC]]);
    assert.equal(results[2]!.ok, false, 'an id that names no message fails on its own');
    assert.ok(results[2]!.error);
    const bodies = page.messages.map((m) => m.body).sort();
    await waitFor('both resent messages consumed', () => bodies.every((b) => received.some((r) => r.body.toString() === b && r.properties.ORIGIN_MESSAGE_ID)), 30_000);
    const again = received.filter((r) => bodies.includes(r.body.toString()));
    assert.deepEqual(new Set(again.map((r) => r.msgId)).size, 2);
    assert.ok(again.every((r) => !badIds.includes(r.msgId)), 'a resent message is a new message');
  });

  test('direct delivery hands a dead letter to the online client and shows its answer per message', async () => {
    const page = await admin.dlqBrowse({ group: GROUP, begin: 0, end: Date.now(), pageSize: 6 });
    const clientId = consumer.clientId!;
    mode = 'ok';
    const [okResult] = await admin.dlqConsumeDirectly(GROUP, clientId, [page.messages[0]!.offsetMsgId]);
    assert.equal(okResult!.ok, true, JSON.stringify(okResult));
    assert.equal(okResult!.result!.consumeResult, 'CR_SUCCESS');
    mode = 'throw';
    const [bad] = await admin.dlqConsumeDirectly(GROUP, clientId, [page.messages[1]!.offsetMsgId]);
    mode = 'ok';
    assert.equal(bad!.ok, false);
    assert.equal(bad!.result!.consumeResult, 'CR_THROW_EXCEPTION');
    assert.match(bad!.result!.remark, /direct delivery refused/);
    const [gone] = await admin.dlqConsumeDirectly(GROUP, 'no-such-client@1', [page.messages[0]!.offsetMsgId]);
    assert.equal(gone!.ok, false);
  });

  test('exports stream a time range or a selection as JSON lines and CSV', async () => {
    const lines: string[] = [];
    for await (const l of exportLines(admin.dlqStream({ group: GROUP, begin: 0, end: Date.now() }), 'jsonl')) lines.push(l);
    assert.equal(lines.length, 6);
    const parsed = lines.map((l) => JSON.parse(l) as DlqMessage);
    assert.deepEqual(new Set(parsed.map((m) => m.msgId)), new Set(badIds));
    assert.ok(parsed.every((m) => m.originalTopic === TOPIC && m.body.startsWith('bad-')));

    const pick = parsed.slice(0, 2).map((m) => m.offsetMsgId);
    const csv: string[] = [];
    const masked = (m: DlqMessage): DlqMessage => ({ ...m, body: '***' });
    for await (const l of exportLines(admin.dlqStream({ group: GROUP, offsetMsgIds: pick }), 'csv', masked)) csv.push(l);
    assert.equal(csv.length, 3);
    assert.equal(csv[0], CSV_COLUMNS.join(',') + '\r\n');
    assert.ok(csv[1]!.startsWith(`${parsed[0]!.msgId},${pick[0]},%DLQ%${GROUP},${TOPIC},`));
    assert.ok(csv.slice(1).every((l) => l.includes(',***,')), 'the transform applies to every row');
    assert.ok(csv[1]!.includes('"{""'), 'properties are one quoted JSON field');
  });

  test('the trace of a consumed message shows produce, store and a successful delivery', async () => {
    const t = await waitFor('trace of the good message', async () => {
      const r = await admin.queryTrace(goodId);
      return r.produced.length === 1 && r.consumers[0]?.attempts.some((a) => a.status === 'SUCCESS') ? r : undefined;
    }, 30_000);
    const p = t.produced[0]!;
    assert.equal(p.group, 'dlq_it_producer');
    assert.equal(p.topic, TOPIC);
    assert.equal(p.success, true);
    assert.equal(p.keys, 'good-key');
    assert.equal(p.storeHost, c.brokers[0]!.address);
    assert.ok(p.clientHost.length > 0);
    assert.ok(t.stored && t.stored.topic === TOPIC && t.stored.storeTimestamp >= p.timestamp);
    assert.equal(t.consumers.length, 1);
    assert.equal(t.consumers[0]!.group, GROUP);
    assert.equal(t.consumers[0]!.dlq, null);
    const a = t.consumers[0]!.attempts[0]!;
    assert.equal(a.retryTimes, 0);
    assert.ok(a.costTime !== null && a.costTime >= 0);
  });

  test('the trace of a dead letter shows each failed attempt with its retry count and the DLQ', async () => {
    const id = badIds[5]!;
    const t = await waitFor('trace of a dead letter', async () => {
      const r = await admin.queryTrace(id);
      return r.consumers[0] && r.consumers[0].attempts.filter((a) => a.status === 'EXCEPTION').length >= 2 ? r : undefined;
    }, 30_000);
    const g = t.consumers[0]!;
    const failed = g.attempts.filter((a) => a.status === 'EXCEPTION');
    assert.deepEqual(failed.slice(0, 2).map((a) => [a.retryTimes, a.success]), [[0, false], [1, false]]);
    assert.ok(g.dlq, 'the DLQ is on the timeline');
    assert.equal(g.dlq!.topic, `%DLQ%${GROUP}`);
    const byKey = await admin.queryTraceByKey('bad-key-5');
    assert.deepEqual(byKey.messages.map((m) => m.msgId), [id]);
    // the same through `rocketdeck admin queryMsgTraceById` (mqadmin's command)
    const text = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_BIN, 'admin', 'queryMsgTraceById', '-n', c.namesrvAddr, '-i', id], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
    });
    assert.match(text, /^Pub\s+dlq_it_producer\s/m);
    assert.match(text, /^Stored\s+DlqOrders\s/m);
    assert.match(text, new RegExp(`^Sub\\s+${GROUP}\\s.*EXCEPTION \\(retry 1\\)`, 'm'));
    assert.match(text, new RegExp(`^DLQ\\s+${GROUP}\\s.*%DLQ%${GROUP}`, 'm'));
  });

  test('rocketdeck admin dlq list, show, export and resend', async () => {
    const cli = (...args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_BIN, 'admin', 'dlq', ...args, '-n', c.namesrvAddr], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.once('error', reject);
      child.once('exit', (status) => resolve({ status, stdout, stderr }));
    });
    const list = await cli('list', '--json');
    assert.equal(list.status, 0, list.stderr);
    assert.equal((JSON.parse(list.stdout) as { groups: Array<{ group: string; messages: number }> }).groups.find((g) => g.group === GROUP)?.messages, 6);
    const show = await cli('show', '-g', GROUP, '-b', '0', '--pageSize', '3', '--json');
    assert.equal(show.status, 0, show.stderr);
    const page = JSON.parse(show.stdout) as { total: number; messages: DlqMessage[] };
    assert.equal(page.total, 6);
    assert.equal(page.messages.length, 3);
    const dir = mkdtempSync(join(tmpdir(), 'dlq-cli-'));
    try {
      const file = join(dir, 'out.csv');
      const exp = await cli('export', '-g', GROUP, '-f', 'csv', '-o', file);
      assert.equal(exp.status, 0, exp.stderr);
      assert.match(exp.stderr, /exported 6 dead letter/);
      assert.equal(readFileSync(file, 'utf8').trimEnd().split('\r\n').length, 7, 'a header and 6 rows');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = await cli('export', '-g', GROUP, '-f', 'xml');
    assert.equal(bad.status, 2, 'a bad format is a usage error');
    mode = 'ok';
    const resend = await cli('resend', '-g', GROUP, '-i', page.messages[2]!.offsetMsgId, '--json');
    assert.equal(resend.status, 0, resend.stderr);
    assert.equal((JSON.parse(resend.stdout) as { results: Array<{ ok: boolean; topic: string }> }).results[0]!.topic, TOPIC);
  });

  test('a traced lite pull consumer adds its group to the timeline', async () => {
    const lite = new LitePullConsumer({ group: 'dlq_it_lite', namesrvAddr: c.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', enableMsgTrace: true, rebalanceInterval: 1000, pollTimeoutMillis: 500 });
    lite.subscribe(TOPIC, '*');
    await lite.start();
    try {
      await waitFor('the good message polled', async () => (await lite.poll()).some((m) => m.msgId === goodId), 30_000);
    } finally {
      await lite.shutdown(); // flushes the trace records
    }
    const t = await waitFor('the lite pull group in the trace', async () => {
      const r = await admin.queryTrace(goodId);
      return r.consumers.find((g) => g.group === 'dlq_it_lite') ? r : undefined;
    }, 30_000);
    const a = t.consumers.find((g) => g.group === 'dlq_it_lite')!.attempts[0]!;
    assert.equal(a.status, 'SUCCESS');
    assert.equal(a.retryTimes, 0);
  });

  test('a traced transactional send shows its half message and its commit on the timeline', async () => {
    const tp = new TransactionProducer({ group: 'dlq_it_tx', namesrvAddr: c.namesrvAddr, enableMsgTrace: true }, {
      executeLocalTransaction: () => 'COMMIT_MESSAGE',
      checkLocalTransaction: () => 'COMMIT_MESSAGE',
    });
    await tp.start();
    let id = '';
    try {
      id = (await tp.sendMessageInTransaction({ topic: TOPIC, body: 'good-tx', keys: ['tx-key'] })).msgId;
    } finally {
      await tp.shutdown(); // flushes the trace records
    }
    const t = await waitFor('trace of the transactional message', async () => {
      const r = await admin.queryTrace(id);
      return r.produced.length === 1 && r.transactions.length === 1 ? r : undefined;
    }, 30_000);
    assert.equal(t.produced[0]!.msgType, 'Trans_Msg_Half');
    assert.equal(t.transactions[0]!.transactionState, 'COMMIT_MESSAGE');
    assert.equal(t.transactions[0]!.fromTransactionCheck, false);
    assert.equal(t.transactions[0]!.group, 'dlq_it_tx');
  });

  test('a traced send still succeeds when its trace topic does not exist', async () => {
    const p = new Producer({ group: 'dlq_it_lost_trace', namesrvAddr: c.namesrvAddr, enableMsgTrace: true, customizedTraceTopic: 'NoSuchTraceTopic' });
    await p.start();
    try {
      const r = await p.send({ topic: TOPIC, body: 'good-untraced' });
      assert.equal(r.sendStatus, 'SEND_OK');
    } finally {
      await p.shutdown();
    }
  });

  test('a trace of an unknown message and a missing trace topic answer empty, saying why', async () => {
    const t = await admin.queryTrace('0A0000000000000000000000DEADBEEF');
    assert.equal(t.produced.length, 0);
    assert.equal(t.consumers.length, 0);
    const other = await admin.queryTrace(goodId, { traceTopic: 'NeverATraceTopic' });
    assert.equal(other.traceMessages, 0);
    assert.match(other.errors.join(' '), /NeverATraceTopic does not exist/);
  });
});
