// Dead letters and message traces against a real Apache RocketMQ 4.9.8 cluster: a traced RocketDeck push consumer
// fails messages into its DLQ (Apache's broker moves them and sets RETRY_TOPIC / ORIGIN_MESSAGE_ID), then RocketDeck's
// admin client lists, pages, resends, delivers directly and exports them, and reads the traces back. One
// `RESULT <case> OK|FAIL` line per case, exit 1 if any failed.
// Usage: NAMESRV_ADDR=host:port npx tsx e2e/apache-cluster/dlq-trace-checks.ts

import { setLogSink } from '../../lib/common/log.ts';
import { waitFor } from '../../lib/common/wait-for.ts';
import { AdminClient, exportLines, type DlqMessage } from '../../lib/admin/index.ts';
import { Producer, PushConsumer } from '../../lib/client/index.ts';

const NAMESRV = process.env.NAMESRV_ADDR;
if (!NAMESRV) {
  console.error('NAMESRV_ADDR is not set');
  process.exit(2);
}
if (!process.env.ROCKETDECK_SDK_LOGS) setLogSink(() => {});

const RUN = Date.now().toString(36);
const FAST = { pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500, rebalanceInterval: 1000 };
const admin = new AdminClient({ namesrvAddr: NAMESRV, timeoutMs: 5000 });
const topic = `DlqTrace_${RUN}`;
const group = `dlq_trace_${RUN}`;

function check(ok: unknown, detail: string): asserts ok {
  if (!ok) throw new Error(detail);
}

let mode: 'fail' | 'ok' = 'fail';
const received: string[] = [];
const producer = new Producer({ group: `dlq_trace_p_${RUN}`, namesrvAddr: NAMESRV, enableMsgTrace: true, pollNameServerInterval: 1000 });
const consumer = new PushConsumer({ group, namesrvAddr: NAMESRV, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', maxReconsumeTimes: 1, enableMsgTrace: true, ...FAST });
consumer.subscribe(topic).onMessage((m, ctx) => {
  const body = m.body.toString();
  if (mode === 'fail' && body.startsWith('bad')) {
    ctx.delayLevelWhenNextConsume = 1; // 1 s
    return 'RECONSUME_LATER';
  }
  received.push(body);
  return undefined;
});
const ids: Record<string, string> = {};

const cases: Array<[string, () => Promise<string>]> = [];
const add = (name: string, fn: () => Promise<string>) => cases.push([name, fn]);

add('dlq.fill', async () => {
  const r = await admin.createOrUpdateTopic({ clusterName: 'DefaultCluster' }, { topic, readQueueNums: 2, writeQueueNums: 2 });
  check(r.errors.length === 0, `updateTopic: ${JSON.stringify(r.errors)}`);
  await waitFor(`route of ${topic}`, async () => (await admin.topicRoute(topic).catch(() => undefined))?.queueDatas.length === 1, 15_000);
  await consumer.start();
  await producer.start();
  await waitFor('queues', () => consumer.assignedQueues().filter((q) => q.topic === topic).length === 2, 30_000);
  for (let i = 0; i < 3; i++) ids[`bad${i}`] = (await producer.send({ topic, body: `bad-${i}`, keys: [`apache-bad-${i}`], tags: 'order', properties: { region: 'eu' } })).msgId;
  ids.good = (await producer.send({ topic, body: 'good', keys: ['apache-good'] })).msgId;
  await waitFor('3 dead letters', async () => (await admin.dlqList()).groups.find((g) => g.group === group)?.messages === 3, 60_000);
  return `3 messages failed twice into %DLQ%${group}`;
});

add('dlq.list', async () => {
  const g = (await admin.dlqList()).groups.find((x) => x.group === group);
  check(g && g.messages === 3 && g.newest !== null && g.newest > Date.now() - 300_000, JSON.stringify(g));
  return `${g.topic}: ${g.messages} dead letters, newest ${new Date(g.newest!).toISOString()}`;
});

add('dlq.browse', async () => {
  const p0 = await admin.dlqBrowse({ group, begin: 0, end: Date.now(), page: 0, pageSize: 2 });
  const p1 = await admin.dlqBrowse({ group, begin: 0, end: Date.now(), page: 1, pageSize: 2 });
  check(p0.total === 3 && p0.messages.length === 2 && p1.messages.length === 1, `total ${p0.total}, pages ${p0.messages.length}+${p1.messages.length}`);
  const all = [...p0.messages, ...p1.messages];
  check(all.every((m) => m.originalTopic === topic), `RETRY_TOPIC ${all.map((m) => m.originalTopic)}`);
  check(all.every((m) => m.originMessageId && m.reconsumeTimes >= 1), `ORIGIN_MESSAGE_ID/reconsumeTimes ${JSON.stringify(all.map((m) => [m.originMessageId, m.reconsumeTimes]))}`);
  check(new Set(all.map((m) => m.msgId)).size === 3 && all.every((m) => Object.values(ids).includes(m.msgId)), 'UNIQ_KEY kept');
  check(all.every((m) => m.properties.region === 'eu'), 'user property kept');
  return `newest first, originalTopic=${topic} (RETRY_TOPIC), reconsumeTimes=${all.map((m) => m.reconsumeTimes).join(',')}`;
});

add('dlq.resend', async () => {
  mode = 'ok';
  const [m] = (await admin.dlqBrowse({ group, begin: 0, end: Date.now(), pageSize: 1 })).messages;
  const [r] = await admin.dlqResend(group, [m!.offsetMsgId]);
  check(r!.ok && r!.topic === topic, JSON.stringify(r));
  await waitFor('the resent message consumed', () => received.includes(m!.body), 30_000);
  return `${m!.body} resent as ${r!.newMsgId} and consumed`;
});

add('dlq.consumeDirectly', async () => {
  const [m] = (await admin.dlqBrowse({ group, begin: 0, end: Date.now(), pageSize: 1 })).messages;
  const [r] = await admin.dlqConsumeDirectly(group, consumer.clientId!, [m!.offsetMsgId]);
  check(r!.ok && r!.result?.consumeResult === 'CR_SUCCESS', JSON.stringify(r));
  return `${r!.result!.consumeResult} from ${r!.result!.brokerAddr} in ${r!.result!.spentTimeMills} ms`;
});

add('dlq.export', async () => {
  const lines: string[] = [];
  for await (const l of exportLines(admin.dlqStream({ group, begin: 0, end: Date.now() }), 'jsonl')) lines.push(l);
  const ms = lines.map((l) => JSON.parse(l) as DlqMessage);
  check(ms.length === 3 && ms.every((m) => m.body.startsWith('bad-')), `exported ${ms.length}`);
  const csv: string[] = [];
  for await (const l of exportLines(admin.dlqStream({ group, offsetMsgIds: [ms[0]!.offsetMsgId] }), 'csv')) csv.push(l);
  check(csv.length === 2 && csv[1]!.includes(topic), `csv ${csv.length} lines`);
  return `jsonl ${lines.length} lines, csv selection ${csv.length - 1} row`;
});

add('trace.consumed', async () => {
  const t = await waitFor('trace of the good message', async () => {
    const r = await admin.queryTrace(ids.good!);
    return r.produced.length === 1 && r.consumers.find((g) => g.group === group)?.attempts.some((a) => a.status === 'SUCCESS') ? r : undefined;
  }, 30_000);
  check(t.stored && t.stored.topic === topic, `stored ${JSON.stringify(t.stored)}`);
  check(t.produced[0]!.success && t.produced[0]!.keys === 'apache-good', JSON.stringify(t.produced[0]));
  return `produced in ${t.produced[0]!.costTime} ms, stored by ${t.stored.storeHost}, consumed (trace topic ${t.traceTopic}, ${t.traceMessages} trace messages)`;
});

add('trace.dlq', async () => {
  const t = await waitFor('trace of a dead letter', async () => {
    const r = await admin.queryTrace(ids.bad2!);
    const g = r.consumers.find((x) => x.group === group);
    return g && g.attempts.filter((a) => a.status === 'FAILED').length >= 2 && g.dlq ? r : undefined;
  }, 30_000);
  const g = t.consumers.find((x) => x.group === group)!;
  return `attempts ${g.attempts.map((a) => `${a.status}@${a.retryTimes}`).join(',')}, then ${g.dlq!.topic}`;
});

let failed = 0;
for (const [name, fn] of cases) {
  const t0 = Date.now();
  try {
    console.log(`RESULT ${name} OK ${await fn()} (${Date.now() - t0} ms)`);
  } catch (err) {
    failed++;
    const e = err as Error;
    console.log(`RESULT ${name} FAIL ${e.name}: ${e.message} (${Date.now() - t0} ms)`);
    if (process.env.VERBOSE) console.error(e.stack);
  }
}
await consumer.shutdown();
await producer.shutdown();
await admin.close();
console.log(failed === 0 ? 'ALL OK' : `${failed} FAILED`);
process.exit(failed === 0 ? 0 : 1);
