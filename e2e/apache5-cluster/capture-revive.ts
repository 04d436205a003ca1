// Captures what a real Apache RocketMQ 5.x broker stores for POP in flight (the timer wheel's pending revive-log
// entries and the revive log past CID_RMQ_SYS_REVIVE_GROUP's offsets) as a fixture for lib/admin/pop-inflight.test.ts.
// Usage: npx tsx e2e/apache5-cluster/capture-revive.ts <pop group> <expected in flight> [out file]   (NAMESRV_ADDR set)

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setLogSink } from '../../lib/common/log.ts';
import { AdminCore } from '../../lib/admin/core.ts';
import { readTargets } from '../../lib/admin/route.ts';
import { pullMessages } from '../../lib/admin/message-stream.ts';
import { maxOffset, minOffset } from '../../lib/admin/offsets.ts';
import { REVIVE_GROUP, TIMER_TOPIC, reviveTopicOf } from '../../lib/admin/pop-inflight.ts';
import { RequestCode } from '../../lib/protocol/codes.ts';
import { GetConsumeStatsRequestHeader } from '../../lib/protocol/headers.ts';
import { decodeConsumeStats } from '../../lib/protocol/bodies/index.ts';
import type { MessageExt } from '../../lib/protocol/message.ts';

const [group, expected, out = fileURLToPath(new URL('../../lib/admin/fixtures/apache-5.3.3/pop-revive-entries.json', import.meta.url))] = process.argv.slice(2);
if (!group || expected === undefined) {
  console.error('usage: capture-revive.ts <pop group> <expected in flight> [out file]');
  process.exit(2);
}
setLogSink(() => {});
const core = new AdminCore({});
const { targets } = await readTargets(core);
const t = targets[0]!;
const reviveTopic = reviveTopicOf(t.clusterName);
const capturedAt = Date.now();
const keep = (m: MessageExt) => ({ queueId: m.queueId, queueOffset: m.queueOffset, properties: m.properties, body: m.body.toString('utf8') });
const stats = decodeConsumeStats((await core.call(t.brokerAddr, RequestCode.GET_CONSUME_STATS, { consumerGroup: REVIVE_GROUP, topic: reviveTopic }, { spec: GetConsumeStatsRequestHeader })).body);
const revive: ReturnType<typeof keep>[] = [];
const reviveOffsets: Array<{ queueId: number; consumerOffset: number; brokerOffset: number }> = [];
for (const [mq, w] of stats.offsetTable) {
  reviveOffsets.push({ queueId: mq.queueId, consumerOffset: w.consumerOffset, brokerOffset: w.brokerOffset });
  for await (const m of pullMessages(core, t, reviveTopic, mq.queueId, w.consumerOffset, w.brokerOffset)) revive.push(keep(m));
}
const [max, min] = await Promise.all([maxOffset(core, t, TIMER_TOPIC, 0), minOffset(core, t, TIMER_TOPIC, 0)]);
const timer: ReturnType<typeof keep>[] = [];
// every entry of the wheel's queue (what a capped read would see too), the rolled-out ones included
for await (const m of pullMessages(core, t, TIMER_TOPIC, 0, min, max)) if (m.properties.REAL_TOPIC === reviveTopic) timer.push(keep(m));
const doc: Record<string, unknown> = {
  source: 'Apache RocketMQ 5.3.3 (e2e/apache5-cluster, workload.mjs: 32 popped with 10 min invisibility, 16 acked; a ticker pops 4 every 2 s and acks them)',
  capturedAt, group, brokerName: t.brokerName, reviveTopic, expectedInflight: Number(expected), reviveOffsets, revive, timer,
};
// one stored message a line
const fields = Object.entries(doc).map(([k, v]) => (Array.isArray(v)
  ? ` ${JSON.stringify(k)}: [\n${v.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n ]`
  : ` ${JSON.stringify(k)}: ${JSON.stringify(v)}`));
writeFileSync(out, `{\n${fields.join(',\n')}\n}\n`);
console.log(`revive-log ${revive.length} timer ${timer.length} -> ${out}`);
await core.close?.();
process.exit(0);
