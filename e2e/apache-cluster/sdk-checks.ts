// RocketDeck's client SDK against a real Apache RocketMQ 4.9.8 nameserver and broker: one `RESULT <case> OK|FAIL`
// line per case, exit 1 if any failed. Usage: NAMESRV_ADDR=host:port npx tsx e2e/apache-cluster/sdk-checks.ts [case-prefix ...]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogSink } from '../../lib/common/log.ts';
import { waitFor } from '../../lib/common/wait-for.ts';
import { AdminClient } from '../../lib/admin/index.ts';
import {
  LitePullConsumer, MessageSelector, Producer, PushConsumer, ResponseCodeError, TransactionProducer, selectMessageQueueByHash,
  type ConsumedMessage, type LocalTransactionState,
} from '../../lib/client/index.ts';
import { compileSql92, propertiesOf } from '../../lib/filter/index.ts';
import { SQL92_FIXTURE_MESSAGES, sql92FixtureProps } from '../../lib/filter/fixtures/sql92-messages.ts';

const NAMESRV = process.env.NAMESRV_ADDR;
if (!NAMESRV) {
  console.error('NAMESRV_ADDR is not set');
  process.exit(2);
}
if (!process.env.ROCKETDECK_SDK_LOGS) setLogSink(() => {});

const RUN = Date.now().toString(36);
const CLIENT_FAST = { pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500 };
const FAST = { ...CLIENT_FAST, rebalanceInterval: 1000 };
const tmp = mkdtempSync(join(tmpdir(), 'rd-apache-sdk-'));
const admin = new AdminClient({ namesrvAddr: NAMESRV, timeoutMs: 5000 });
const producer = new Producer({ group: `sdk_p_${RUN}`, namesrvAddr: NAMESRV, ...CLIENT_FAST });

function check(ok: unknown, detail: string): asserts ok {
  if (!ok) throw new Error(detail);
}

async function createTopic(name: string, queues = 4): Promise<string> {
  const topic = `${name}_${RUN}`;
  const r = await admin.createOrUpdateTopic({ clusterName: 'DefaultCluster' }, { topic, readQueueNums: queues, writeQueueNums: queues });
  check(r.errors.length === 0, `updateTopic ${topic}: ${JSON.stringify(r.errors)}`);
  // the broker registers the topic with the nameserver on creation; wait until the route says so
  await waitFor(`route of ${topic}`, async () => {
    try {
      const route = await admin.topicRoute(topic);
      return route.queueDatas.length > 0;
    } catch {
      return false;
    }
  }, 15_000);
  return topic;
}

/** Queues of `topic` a consumer holds (clustering consumers also hold their group's %RETRY% queue). */
const held = (pc: PushConsumer, topic: string) => pc.assignedQueues().filter((q) => q.topic === topic);

function pushConsumer(opts: ConstructorParameters<typeof PushConsumer>[0]): PushConsumer {
  return new PushConsumer({ consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', offsetStoreDir: tmp, ...FAST, ...opts });
}

const cases: Array<[string, () => Promise<string>]> = [];
const add = (name: string, fn: () => Promise<string>) => cases.push([name, fn]);

add('producer.sync.autoCreatedTopic', async () => {
  const r = await producer.send({ topic: `AutoCreated_${RUN}`, body: 'auto', tags: 'a', keys: ['k-auto'] });
  check(r.sendStatus === 'SEND_OK', `status ${r.sendStatus}`);
  return `${r.msgId} ${r.messageQueue.brokerName}:${r.messageQueue.queueId}@${r.queueOffset}`;
});

let sendTopic = '';
const expectedBodies = new Set<string>();
add('producer.sync', async () => {
  sendTopic = await createTopic('SdkSend');
  const r = await producer.send({ topic: sendTopic, body: 'sync-1', tags: 'created', keys: ['order-1'], properties: { region: 'eu' } });
  check(r.sendStatus === 'SEND_OK', `status ${r.sendStatus}`);
  expectedBodies.add('sync-1');
  return `${r.msgId} q${r.messageQueue.queueId}@${r.queueOffset} offsetMsgId=${r.offsetMsgId}`;
});
add('producer.async', async () => {
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic: sendTopic, body: `async-${i}` })));
  rs.forEach((_, i) => expectedBodies.add(`async-${i}`));
  check(rs.every((r) => r.sendStatus === 'SEND_OK'), 'not all SEND_OK');
  return `20 concurrent sends, queues ${[...new Set(rs.map((r) => r.messageQueue.queueId))].join(',')}`;
});
add('producer.oneway', async () => {
  for (let i = 0; i < 3; i++) await producer.sendOneway({ topic: sendTopic, body: `oneway-${i}` });
  for (let i = 0; i < 3; i++) expectedBodies.add(`oneway-${i}`);
  return '3 oneway sends';
});
add('producer.batch', async () => {
  const r = await producer.sendBatch([1, 2, 3].map((i) => ({ topic: sendTopic, body: `batch-${i}`, keys: `batch-${i}` })));
  check(r.sendStatus === 'SEND_OK', `status ${r.sendStatus}`);
  const ids = r.msgId.split(',');
  check(ids.length === 3, `msgIds ${r.msgId}`);
  [1, 2, 3].forEach((i) => expectedBodies.add(`batch-${i}`));
  return `ids ${ids.length}, q${r.messageQueue.queueId}@${r.queueOffset}`;
});
add('producer.ordered', async () => {
  const qs = new Set<number>();
  for (const step of ['created', 'paid', 'shipped']) {
    const r = await producer.send({ topic: sendTopic, body: `ordered-${step}`, tags: step }, { selector: selectMessageQueueByHash, arg: 'order-7' });
    qs.add(r.messageQueue.queueId);
    expectedBodies.add(`ordered-${step}`);
  }
  check(qs.size === 1, `spread over queues ${[...qs]}`);
  return `3 messages on queue ${[...qs][0]}`;
});
add('producer.allStored (lite pull assign reads them back)', async () => {
  const c = new LitePullConsumer({ group: `sdk_check_${RUN}`, namesrvAddr: NAMESRV, autoCommit: false, ...FAST });
  await c.start();
  try {
    const queues = await c.fetchMessageQueues(sendTopic);
    c.assign(queues);
    for (const q of queues) await c.seekToBegin(q);
    const seen = new Set<string>();
    await waitFor('every sent message', async () => {
      for (const m of await c.poll(1000)) seen.add(m.body.toString());
      return [...expectedBodies].every((b) => seen.has(b));
    }, 20_000);
    return `${seen.size} messages read back`;
  } finally {
    await c.shutdown();
  }
});

add('producer.delayLevel', async () => {
  const topic = await createTopic('SdkDelay', 2);
  let got: { at: number; msg: ConsumedMessage } | undefined;
  const pc = pushConsumer({ group: `sdk_delay_${RUN}` });
  pc.subscribe(topic).onMessage((msg) => {
    got = { at: Date.now(), msg };
  });
  await pc.start();
  try {
    await waitFor('queues assigned', () => held(pc, topic).length === 2, 20_000);
    const sentAt = Date.now();
    await producer.send({ topic, body: 'delayed', delayTimeLevel: 2 }); // level 2 = 5 s
    await waitFor('delayed message', () => got !== undefined, 30_000);
    const waited = got!.at - sentAt;
    check(waited >= 4000, `arrived after ${waited} ms`);
    return `arrived after ${waited} ms (level 2 = 5 s)`;
  } finally {
    await pc.shutdown();
  }
});

add('consumer.push.clustering2', async () => {
  const topic = await createTopic('SdkCluster', 4);
  const group = `sdk_cluster_${RUN}`;
  const got = [new Map<string, number>(), new Map<string, number>()];
  const members = got.map((m, i) => {
    const pc = pushConsumer({ group, instanceName: `m${i}` });
    pc.subscribe(topic).onMessage((msg) => {
      m.set(msg.body.toString(), (m.get(msg.body.toString()) ?? 0) + 1);
    });
    return pc;
  });
  await Promise.all(members.map((pc) => pc.start()));
  try {
    await waitFor('queues split 2+2', () => members.every((pc) => held(pc, topic).length === 2), 30_000);
    await Promise.all(Array.from({ length: 40 }, (_, i) => producer.send({ topic, body: `c-${i}` })));
    await waitFor('40 messages consumed', () => got[0]!.size + got[1]!.size >= 40, 30_000);
    const dup = [...got[0]!.keys()].filter((k) => got[1]!.has(k));
    check(dup.length === 0, `consumed by both: ${dup.join(',')}`);
    check(got.every((m) => m.size > 0), `split ${got[0]!.size}/${got[1]!.size}`);
    const conn = await admin.consumerConnection(group);
    return `split ${got[0]!.size}/${got[1]!.size}; consumerConnection lists ${conn.connections?.length ?? JSON.stringify(conn).slice(0, 80)}`;
  } finally {
    await Promise.all(members.map((pc) => pc.shutdown()));
  }
});

add('consumer.push.memberLeaves', async () => {
  const topic = await createTopic('SdkLeave', 4);
  const group = `sdk_leave_${RUN}`;
  const got = new Set<string>();
  const members = [0, 1].map((i) => {
    const pc = pushConsumer({ group, instanceName: `l${i}` });
    pc.subscribe(topic).onMessage((msg) => {
      got.add(msg.body.toString());
    });
    return pc;
  });
  await Promise.all(members.map((pc) => pc.start()));
  try {
    await waitFor('queues split 2+2', () => members.every((pc) => held(pc, topic).length === 2), 30_000);
    await members[1]!.shutdown();
    // the broker tells the remaining member (NOTIFY_CONSUMER_IDS_CHANGED); it takes every queue
    await waitFor('the remaining member on all 4 queues', () => held(members[0]!, topic).length === 4, 30_000);
    await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic, body: `l-${i}` })));
    await waitFor('20 messages consumed by the remaining member', () => got.size === 20, 30_000);
    return 'after one member left, the other took all 4 queues and consumed everything';
  } finally {
    await Promise.all(members.map((pc) => pc.shutdown()));
  }
});

add('consumer.push.tagFilter+compressedBody+properties', async () => {
  const topic = await createTopic('SdkTags', 2);
  const got: ConsumedMessage[] = [];
  const pc = pushConsumer({ group: `sdk_tags_${RUN}` });
  pc.subscribe(topic, 'tagA || tagB').onMessage((msg) => {
    got.push(msg);
  });
  await pc.start();
  try {
    await waitFor('queues', () => held(pc, topic).length === 2, 30_000);
    const big = 'x'.repeat(10_000); // over compressMsgBodyOverHowmuch (4 KiB): sent zlib-compressed
    await producer.send({ topic, body: 'a', tags: 'tagA', properties: { region: 'eu' } });
    await producer.send({ topic, body: 'c', tags: 'tagC' });
    await producer.send({ topic, body: big, tags: 'tagB', keys: ['big-1', 'big-2'] });
    await waitFor('tagA and tagB messages', () => got.length >= 2, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    const bodies = got.map((m) => (m.body.length > 100 ? `big(${m.body.length})` : m.body.toString()));
    check(got.length === 2 && !bodies.includes('c'), `got ${bodies.join(',')}`);
    const b = got.find((m) => m.body.length > 100)!;
    check(b.body.toString() === big, 'large body differs after decompression');
    const a = got.find((m) => m.body.toString() === 'a')!;
    check(a.properties.region === 'eu', `properties ${JSON.stringify(a.properties)}`);
    return `tagC filtered out, 10 kB body intact, user property kept`;
  } finally {
    await pc.shutdown();
  }
});

add('consumer.push.broadcasting', async () => {
  const topic = await createTopic('SdkBcast', 4);
  const got = [new Set<string>(), new Set<string>()];
  const members = got.map((s, i) => {
    const pc = pushConsumer({ group: `sdk_bcast_${RUN}`, instanceName: `b${i}`, messageModel: 'BROADCASTING' });
    pc.subscribe(topic).onMessage((msg) => {
      s.add(msg.body.toString());
    });
    return pc;
  });
  await Promise.all(members.map((pc) => pc.start()));
  try {
    await waitFor('both on all 4 queues', () => members.every((pc) => held(pc, topic).length === 4), 30_000);
    await Promise.all(Array.from({ length: 20 }, (_, i) => producer.send({ topic, body: `b-${i}` })));
    await waitFor('every member got 20', () => got.every((s) => s.size === 20), 30_000);
    return 'both members got all 20';
  } finally {
    await Promise.all(members.map((pc) => pc.shutdown()));
  }
});

add('consumer.push.orderly', async () => {
  const topic = await createTopic('SdkOrderly', 4);
  const order: string[] = [];
  const pc = pushConsumer({ group: `sdk_orderly_${RUN}`, orderly: true });
  pc.subscribe(topic).onMessage(async (msg) => {
    order.push(msg.body.toString());
    return 'SUCCESS' as const;
  });
  await pc.start();
  try {
    await waitFor('4 queues', () => held(pc, topic).length === 4, 30_000);
    const q = held(pc, topic)[0]!;
    const locked = await pc.lockQueue(q);
    check(locked, 'lockQueue(batch lock on the Apache broker) answered false');
    for (let i = 0; i < 20; i++) await producer.send({ topic, body: `o-${i}` }, { selector: selectMessageQueueByHash, arg: 'one-key' });
    await waitFor('20 ordered messages', () => order.length >= 20, 30_000);
    const expected = Array.from({ length: 20 }, (_, i) => `o-${i}`);
    check(JSON.stringify(order) === JSON.stringify(expected), `order ${order.join(',')}`);
    return '20 messages in send order; queue lock granted';
  } finally {
    await pc.shutdown();
  }
});

add('consumer.push.retry', async () => {
  const topic = await createTopic('SdkRetry', 2);
  const group = `sdk_retry_${RUN}`;
  const seen: Array<{ body: string; reconsumeTimes: number; topic: string }> = [];
  const pc = pushConsumer({ group });
  pc.subscribe(topic).onMessage((msg, ctx) => {
    seen.push({ body: msg.body.toString(), reconsumeTimes: msg.reconsumeTimes, topic: msg.topic });
    if (msg.reconsumeTimes === 0) {
      ctx.delayLevelWhenNextConsume = 1; // 1 s
      return 'RECONSUME_LATER';
    }
    return 'CONSUME_SUCCESS';
  });
  await pc.start();
  try {
    await waitFor('queues', () => held(pc, topic).length > 0, 30_000);
    await producer.send({ topic, body: 'retry-me' });
    await waitFor('redelivery', () => seen.some((s) => s.reconsumeTimes >= 1), 40_000);
    const again = seen.find((s) => s.reconsumeTimes >= 1)!;
    check(again.body === 'retry-me' && again.topic === topic, `redelivered ${JSON.stringify(again)}`);
    return `delivered ${seen.length}x, second with reconsumeTimes=${again.reconsumeTimes}`;
  } finally {
    await pc.shutdown();
  }
});

add('consumer.push.orderly2members', async () => {
  const topic = await createTopic('SdkOrderly2', 4);
  const group = `sdk_orderly2_${RUN}`;
  const byKey = new Map<string, string[]>();
  const owners = new Map<string, Set<number>>();
  const members = [0, 1].map((i) => {
    const pc = pushConsumer({ group, instanceName: `o${i}`, orderly: true });
    pc.subscribe(topic).onMessage(async (msg) => {
      const [key, n] = msg.body.toString().split(':') as [string, string];
      byKey.set(key, [...(byKey.get(key) ?? []), n]);
      owners.set(key, (owners.get(key) ?? new Set()).add(i));
      return 'SUCCESS' as const;
    });
    return pc;
  });
  await Promise.all(members.map((pc) => pc.start()));
  try {
    await waitFor('queues split 2+2', () => members.every((pc) => held(pc, topic).length === 2), 30_000);
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    for (let n = 0; n < 10; n++) {
      await Promise.all(keys.map((k) => producer.send({ topic, body: `${k}:${n}` }, { selector: selectMessageQueueByHash, arg: k })));
    }
    await waitFor('60 messages', () => [...byKey.values()].reduce((a, v) => a + v.length, 0) >= 60, 30_000);
    const expected = Array.from({ length: 10 }, (_, n) => String(n)).join(',');
    for (const k of keys) check(byKey.get(k)?.join(',') === expected, `${k}: ${byKey.get(k)?.join(',')}`);
    check([...owners.values()].every((s) => s.size === 1), 'a key was consumed by both members');
    check(new Set([...owners.values()].map((s) => [...s][0])).size === 2, 'one member got every key');
    return 'every key in order, each key on one member, both members busy';
  } finally {
    await Promise.all(members.map((pc) => pc.shutdown()));
  }
});

add('consumer.push.dlq', async () => {
  const topic = await createTopic('SdkDlq', 2);
  const group = `sdk_dlq_${RUN}`;
  let attempts = 0;
  const pc = pushConsumer({ group, maxReconsumeTimes: 1 });
  pc.subscribe(topic).onMessage((_msg, ctx) => {
    attempts++;
    ctx.delayLevelWhenNextConsume = 1; // 1 s
    return 'RECONSUME_LATER';
  });
  await pc.start();
  try {
    await waitFor('queues', () => held(pc, topic).length === 2, 30_000);
    await producer.send({ topic, body: 'to-the-dlq' });
    const dlq = `%DLQ%${group}`;
    let total = 0;
    await waitFor(`the message in ${dlq}`, async () => {
      try {
        total = (await admin.topicStatus(dlq)).totalMessages;
      } catch {
        return false;
      }
      return total === 1;
    }, 40_000);
    return `consumed ${attempts}x (maxReconsumeTimes 1), then in ${dlq}`;
  } finally {
    await pc.shutdown();
  }
});

add('consumer.push.resetOffsetOnline (broker pushes RESET_CONSUMER_CLIENT_OFFSET)', async () => {
  const topic = await createTopic('SdkReset', 2);
  const group = `sdk_reset_${RUN}`;
  const counts = new Map<string, number>();
  const pc = pushConsumer({ group });
  pc.subscribe(topic).onMessage((msg) => {
    counts.set(msg.body.toString(), (counts.get(msg.body.toString()) ?? 0) + 1);
  });
  await pc.start();
  try {
    await waitFor('queues', () => held(pc, topic).length === 2, 30_000);
    for (let i = 0; i < 6; i++) await producer.send({ topic, body: `r-${i}` });
    await waitFor('6 consumed', () => counts.size === 6, 30_000);
    await pc.persistConsumerOffset(true);
    const r = await admin.resetOffsetByTime({ group, topic, point: { timestamp: 0 } });
    check(r.errors.length === 0, `reset errors ${JSON.stringify(r.errors)}`);
    check(r.brokers.every((b) => b.mode === 'online'), `modes ${JSON.stringify(r.brokers)}`);
    await waitFor('every message consumed again', () => [...counts.values()].every((n) => n >= 2), 30_000);
    return `reset online by the Apache broker; 6 messages consumed twice`;
  } finally {
    await pc.shutdown();
  }
});

add('consumer.litePull.subscribe', async () => {
  const topic = await createTopic('SdkLite', 4);
  await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic, body: `l-${i}` })));
  const c = new LitePullConsumer({ group: `sdk_lite_${RUN}`, namesrvAddr: NAMESRV, autoCommit: false, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
  c.subscribe(topic, '*');
  await c.start();
  try {
    const seen = new Set<string>();
    await waitFor('10 polled', async () => {
      for (const m of await c.poll(1000)) seen.add(m.body.toString());
      return seen.size >= 10;
    }, 30_000);
    await c.commitSync();
    const committed = await Promise.all(c.assignment().map((q) => c.committed(q)));
    const total = committed.reduce((a, b) => a + Math.max(b, 0), 0);
    check(total === 10, `committed offsets ${committed.join(',')}`);
    return `polled 10, committed ${committed.join(',')}`;
  } finally {
    await c.shutdown();
  }
});

add('consumer.litePull.assign', async () => {
  const topic = await createTopic('SdkAssign', 2);
  const before = Date.now();
  for (let i = 0; i < 6; i++) await producer.send({ topic, body: `a-${i}` });
  const c = new LitePullConsumer({ group: `sdk_assign_${RUN}`, namesrvAddr: NAMESRV, autoCommit: false, ...FAST });
  await c.start();
  try {
    const queues = await c.fetchMessageQueues(topic);
    c.assign(queues);
    for (const q of queues) await c.seekToBegin(q);
    const seen: ConsumedMessage[] = [];
    await waitFor('6 polled', async () => {
      seen.push(...(await c.poll(1000)));
      return seen.length >= 6;
    }, 30_000);
    const q0 = queues[0]!;
    const atTime = await c.offsetForTimestamp(q0, before - 1000);
    check(atTime === 0, `offsetForTimestamp ${atTime}`);
    await c.seek(q0, 1);
    const again = await c.poll(3000);
    check(again.length > 0 && again.every((m) => m.queueId !== q0.queueId || m.queueOffset >= 1), `after seek ${again.map((m) => `${m.queueId}@${m.queueOffset}`)}`);
    return `polled ${seen.length}, offsetForTimestamp=0, seek ok`;
  } finally {
    await c.shutdown();
  }
});

add('transaction.commit+rollback+checkBack', async () => {
  const topic = await createTopic('SdkTx', 2);
  const checked: string[] = [];
  const tp = new TransactionProducer({ group: `sdk_tx_${RUN}`, namesrvAddr: NAMESRV, ...CLIENT_FAST }, {
    executeLocalTransaction: (_msg, arg) => arg as LocalTransactionState,
    checkLocalTransaction: (msg) => {
      checked.push(msg.body.toString());
      return 'COMMIT_MESSAGE';
    },
  });
  await tp.start();
  const got = new Set<string>();
  const pc = pushConsumer({ group: `sdk_txc_${RUN}` });
  pc.subscribe(topic).onMessage((msg) => {
    got.add(msg.body.toString());
  });
  await pc.start();
  try {
    await waitFor('queues', () => held(pc, topic).length === 2, 30_000);
    const states: LocalTransactionState[] = ['COMMIT_MESSAGE', 'ROLLBACK_MESSAGE', 'UNKNOW'];
    for (const s of states) {
      const r = await tp.sendMessageInTransaction({ topic, body: `tx-${s}` }, s);
      check(r.localTransactionState === s, `state ${r.localTransactionState}`);
    }
    await waitFor('committed message', () => got.has('tx-COMMIT_MESSAGE'), 20_000);
    await waitFor('check-back of the UNKNOW message and its delivery', () => got.has('tx-UNKNOW'), 60_000);
    check(checked.includes('tx-UNKNOW'), `checked ${checked.join(',')}`);
    // a rolled back message must never show up; give it one more check round
    await new Promise((r) => setTimeout(r, 3000));
    check(!got.has('tx-ROLLBACK_MESSAGE'), 'rolled back message was delivered');
    return `commit delivered, rollback not, UNKNOW checked back ${checked.filter((c) => c === 'tx-UNKNOW').length}x and delivered`;
  } finally {
    await pc.shutdown();
    await tp.shutdown();
  }
});

// SQL92 (broker.conf here has enablePropertyFilter=true): Apache's broker decides which messages match; they must be
// exactly the ones RocketDeck's own evaluator (lib/filter) picks, on property values chosen to hit the coercions.
const SQL_N = SQL92_FIXTURE_MESSAGES;
const sqlProps = sql92FixtureProps;
async function sendSqlMessages(topic: string): Promise<void> {
  for (let i = 0; i < SQL_N; i += 100) {
    const batch = Array.from({ length: Math.min(100, SQL_N - i) }, (_, k) => ({ topic, body: `sql-${i + k}`, properties: sqlProps(i + k) }));
    await producer.sendBatch(batch);
  }
}
function expectedBy(sql: string): Set<string> {
  const c = compileSql92(sql);
  if (!c.ok) throw new Error(c.message);
  const out = new Set<string>();
  for (let i = 0; i < SQL_N; i++) if (c.evaluate(propertiesOf(sqlProps(i)))) out.add(`sql-${i}`);
  return out;
}
function sameSet(got: string[], want: Set<string>): void {
  const extra = got.filter((b) => !want.has(b));
  const missing = [...want].filter((b) => !got.includes(b));
  check(extra.length === 0 && missing.length === 0 && got.length === want.size,
    `got ${got.length} of ${want.size}; extra ${extra.slice(0, 5).join(',')}; missing ${missing.slice(0, 5).join(',')}`);
}

for (const [name, sql] of [
  ['consumer.push.sql92', "region IN ('eu', 'us', 'o''hare') AND amount BETWEEN 5 AND 499 AND vip = TRUE"],
  ['consumer.push.sql92.float', "amount > 500.5 AND region IS NOT NULL AND NOT (region = 'asia')"],
] as const) {
  add(name, async () => {
    const topic = await createTopic(name === 'consumer.push.sql92' ? 'SdkSql' : 'SdkSqlF', 2);
    const want = expectedBy(sql);
    const got: string[] = [];
    const pc = pushConsumer({ group: `sdk_sql_${name.length}_${RUN}` });
    pc.subscribe(topic, MessageSelector.bySql(sql)).onMessage((msg) => {
      got.push(msg.body.toString());
    });
    await pc.start();
    try {
      await waitFor('queues', () => held(pc, topic).length === 2, 30_000);
      await sendSqlMessages(topic);
      await waitFor(`${want.size} matching`, () => got.length >= want.size, 60_000);
      await new Promise((r) => setTimeout(r, 1500)); // a message Apache matched and we did not would show here
      sameSet(got, want);
      return `Apache's broker delivered exactly the ${want.size} of ${SQL_N} lib/filter matches`;
    } finally {
      await pc.shutdown();
    }
  });
}

add('consumer.litePull.sql92', async () => {
  const sql = "amount >= 990 OR (region = 'us' AND vip = FALSE)";
  const topic = await createTopic('SdkSqlPull', 2);
  await sendSqlMessages(topic);
  const want = expectedBy(sql);
  const lp = new LitePullConsumer({ group: `sdk_sqlpull_${RUN}`, namesrvAddr: NAMESRV, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
  lp.subscribe(topic, MessageSelector.bySql(sql));
  await lp.start();
  const got: string[] = [];
  try {
    await waitFor(`${want.size} matching`, async () => {
      for (const m of await lp.poll(500)) got.push(m.body.toString());
      return got.length >= want.size;
    }, 60_000);
    for (let i = 0; i < 3; i++) for (const m of await lp.poll(300)) got.push(m.body.toString());
    sameSet(got, want);
    return `Apache's broker delivered exactly the ${want.size} of ${SQL_N} lib/filter matches`;
  } finally {
    await lp.shutdown();
  }
});

add('consumer.litePull.sql92.differential', async () => {
  // one topic, one lite pull consumer per expression (the expression goes with every pull): Apache's evaluator and
  // lib/filter must pick the same messages for each
  const exprs = [
    'amount = 5', 'amount = 5.0', 'vip = TRUE OR amount < 10', "region = 'o''hare'", "region NOT IN ('eu', 'us')",
    'amount BETWEEN 0 AND 3000000000', 'NOT (amount > 100)', 'vip IS NULL AND region IS NOT NULL',
    'amount < 1000.0 AND amount > 5', 'n >= 2990 OR amount = 7', '-amount < -990', "region <> 'eu'", 'amount <> 7',
    'amount > n', "vip = FALSE AND NOT (region IN ('asia'))",
  ];
  const topic = await createTopic('SdkSqlDiff', 2);
  await sendSqlMessages(topic);
  const counts: number[] = [];
  for (const [k, sql] of exprs.entries()) {
    const want = expectedBy(sql);
    const lp = new LitePullConsumer({ group: `sdk_sqldiff_${k}_${RUN}`, namesrvAddr: NAMESRV, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
    lp.subscribe(topic, MessageSelector.bySql(sql));
    await lp.start();
    const got: string[] = [];
    try {
      await waitFor(`${want.size} matching "${sql}"`, async () => {
        for (const m of await lp.poll(300)) got.push(m.body.toString());
        return got.length >= want.size;
      }, 60_000);
      for (let i = 0; i < 3; i++) for (const m of await lp.poll(300)) got.push(m.body.toString());
      try {
        sameSet(got, want);
      } catch (err) {
        throw new Error(`"${sql}": ${(err as Error).message}`);
      }
      counts.push(want.size);
    } finally {
      await lp.shutdown();
    }
  }
  return `${exprs.length} expressions, Apache and lib/filter agree on every message (matches: ${counts.join(', ')} of ${SQL_N})`;
});

add('consumer.push.sql92.invalid', async () => {
  const topic = await createTopic('SdkSqlBad', 1);
  const pc = pushConsumer({ group: `sdk_sqlbad_${RUN}` });
  pc.subscribe(topic, MessageSelector.bySql('a > AND b = 1')).onMessage(() => {});
  try {
    await pc.start();
  } catch (err) {
    const cause = (err as Error).cause;
    check(cause instanceof ResponseCodeError && cause.code === 23, `expected code 23, got ${String(err)}`);
    return `start() refused by Apache's CHECK_CLIENT_CONFIG: code 23, ${cause.remark?.split('\n')[0]}`;
  }
  await pc.shutdown();
  throw new Error('start() took an expression that does not compile');
});

const only = process.argv.slice(2);
let failed = 0;
await producer.start();
for (const [name, fn] of cases) {
  if (only.length > 0 && !only.some((p) => name.startsWith(p))) continue;
  const t0 = Date.now();
  try {
    const detail = await fn();
    console.log(`RESULT ${name} OK ${detail} (${Date.now() - t0} ms)`);
  } catch (err) {
    failed++;
    const e = err as Error & { code?: number; remark?: string };
    console.log(`RESULT ${name} FAIL ${e.name}: ${e.message}${e.code !== undefined ? ` code=${e.code}` : ''} (${Date.now() - t0} ms)`);
    if (process.env.VERBOSE) console.error(e.stack);
  }
}
await producer.shutdown();
await admin.close();
rmSync(tmp, { recursive: true, force: true });
console.log(failed === 0 ? 'ALL OK' : `${failed} FAILED`);
process.exit(failed === 0 ? 0 : 1);
