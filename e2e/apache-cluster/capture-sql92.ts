// Captures which of the fixture messages an Apache RocketMQ 4.9.8 broker delivers for each fixture SQL92 expression
// (one lite pull consumer per expression, the expression sent with every pull) into
// lib/filter/fixtures/apache-4.9.8-sql92.json, which lib/filter/apache-fixture.test.ts checks lib/filter against.
// Usage: NAMESRV_ADDR=host:port npx tsx e2e/apache-cluster/capture-sql92.ts   (a cluster from start-apache.sh)

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setLogSink } from '../../lib/common/log.ts';
import { waitFor } from '../../lib/common/wait-for.ts';
import { AdminClient } from '../../lib/admin/index.ts';
import { LitePullConsumer, MessageSelector, Producer } from '../../lib/client/index.ts';
import { SQL92_FIXTURE_EXPRESSIONS, SQL92_FIXTURE_MESSAGES, sql92FixtureProps } from '../../lib/filter/fixtures/sql92-messages.ts';

const NAMESRV = process.env.NAMESRV_ADDR;
if (!NAMESRV) {
  console.error('NAMESRV_ADDR is not set');
  process.exit(2);
}
setLogSink(() => {});
const RUN = Date.now().toString(36);
const FAST = { pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500, rebalanceInterval: 1000 };
const OUT = fileURLToPath(new URL('../../lib/filter/fixtures/apache-4.9.8-sql92.json', import.meta.url));

const admin = new AdminClient({ namesrvAddr: NAMESRV, timeoutMs: 5000 });
const topic = `SqlCapture_${RUN}`;
const created = await admin.createOrUpdateTopic({ clusterName: 'DefaultCluster' }, { topic, readQueueNums: 2, writeQueueNums: 2 });
if (created.errors.length > 0) throw new Error(JSON.stringify(created.errors));
await waitFor(`route of ${topic}`, async () => ((await admin.topicRoute(topic).catch(() => undefined))?.queueDatas.length ?? 0) > 0, 15_000);
const producer = new Producer({ group: `capture_p_${RUN}`, namesrvAddr: NAMESRV });
await producer.start();
for (let i = 0; i < SQL92_FIXTURE_MESSAGES; i += 100) {
  await producer.sendBatch(Array.from({ length: Math.min(100, SQL92_FIXTURE_MESSAGES - i) }, (_, k) => ({
    topic, body: String(i + k), properties: sql92FixtureProps(i + k),
  })));
}
await producer.shutdown();

const results: Record<string, number[]> = {};
for (const [k, sql] of SQL92_FIXTURE_EXPRESSIONS.entries()) {
  const lp = new LitePullConsumer({ group: `capture_${k}_${RUN}`, namesrvAddr: NAMESRV, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
  lp.subscribe(topic, MessageSelector.bySql(sql));
  await lp.start();
  const got = new Set<number>();
  // every queue pulled to its end: its pull offsets (through filtered-out messages) reach the max offsets
  let quiet = 0;
  while (quiet < 6) {
    const msgs = await lp.poll(500);
    for (const m of msgs) got.add(Number(m.body.toString()));
    quiet = msgs.length === 0 ? quiet + 1 : 0;
  }
  await lp.shutdown();
  results[sql] = [...got].sort((a, b) => a - b);
  console.log(`${results[sql]!.length}\t${sql}`);
}
await admin.close();
// one expression a line
const lines = Object.entries(results).map(([sql, ns]) => `  ${JSON.stringify(sql)}: ${JSON.stringify(ns)}`);
writeFileSync(OUT, [
  '{',
  ` "source": ${JSON.stringify('Apache RocketMQ 4.9.8 broker (e2e/apache-cluster/start-apache.sh, enablePropertyFilter=true), lite pull consumers')},`,
  ` "messages": ${SQL92_FIXTURE_MESSAGES},`,
  ' "delivered": {',
  lines.join(',\n'),
  ' }',
  '}',
].join('\n') + '\n');
console.log(`wrote ${OUT}`);
