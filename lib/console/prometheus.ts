// Prometheus text exposition (format 0.0.4) of the collector's figures, named as apache/rocketmq-exporter names
// them (rocketmq_producer_tps, rocketmq_consumer_tps, rocketmq_group_diff, rocketmq_brokeruntime_*, ...).

import type { Snapshot } from './collect.ts';
import { firstNumber } from './collect.ts';

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Families in the order given; a family without samples still gets its HELP and TYPE lines. */
export function formatMetrics(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      lines.push(`${f.name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Broker runtime keys (GET_BROKER_RUNTIME_INFO) exposed as the exporter's rocketmq_brokeruntime_* gauges; for
 * "a b c" figures (10 s, 60 s, 600 s windows) `index` picks one.
 */
const RUNTIME_GAUGES: ReadonlyArray<{ name: string; key: string; index?: number }> = [
  { name: 'msg_put_total_today_now', key: 'msgPutTotalTodayNow' },
  { name: 'msg_gettotal_today_now', key: 'msgGetTotalTodayNow' },
  { name: 'msg_gettotal_yesterdaymorning', key: 'msgGetTotalYesterdayMorning' },
  { name: 'msg_puttotal_yesterdaymorning', key: 'msgPutTotalYesterdayMorning' },
  { name: 'msg_gettotal_todaymorning', key: 'msgGetTotalTodayMorning' },
  { name: 'msg_puttotal_todaymorning', key: 'msgPutTotalTodayMorning' },
  { name: 'dispatch_behind_bytes', key: 'dispatchBehindBytes' },
  { name: 'put_message_size_total', key: 'putMessageSizeTotal' },
  { name: 'put_message_average_size', key: 'putMessageAverageSize' },
  { name: 'query_threadpool_queue_capacity', key: 'queryThreadPoolQueueCapacity' },
  { name: 'remain_transientstore_buffer_numbs', key: 'remainTransientStoreBufferNumbs' },
  { name: 'earliest_message_timestamp', key: 'earliestMessageTimeStamp' },
  { name: 'putmessage_entire_time_max', key: 'putMessageEntireTimeMax' },
  { name: 'start_accept_sendrequest_time', key: 'startAcceptSendRequestTimeStamp' },
  { name: 'putmessage_times_total', key: 'putMessageTimesTotal' },
  { name: 'getmessage_entire_time_max', key: 'getMessageEntireTimeMax' },
  { name: 'pagecache_lock_time_mills', key: 'pageCacheLockTimeMills' },
  { name: 'commitlog_disk_ratio', key: 'commitLogDiskRatio' },
  { name: 'consumequeue_disk_ratio', key: 'consumeQueueDiskRatio' },
  { name: 'getfound_tps10', key: 'getFoundTps', index: 0 },
  { name: 'getfound_tps60', key: 'getFoundTps', index: 1 },
  { name: 'getfound_tps600', key: 'getFoundTps', index: 2 },
  { name: 'gettotal_tps10', key: 'getTotalTps', index: 0 },
  { name: 'gettotal_tps60', key: 'getTotalTps', index: 1 },
  { name: 'gettotal_tps600', key: 'getTotalTps', index: 2 },
  { name: 'gettransfered_tps10', key: 'getTransferedTps', index: 0 },
  { name: 'gettransfered_tps60', key: 'getTransferedTps', index: 1 },
  { name: 'gettransfered_tps600', key: 'getTransferedTps', index: 2 },
  { name: 'getmiss_tps10', key: 'getMissTps', index: 0 },
  { name: 'getmiss_tps60', key: 'getMissTps', index: 1 },
  { name: 'getmiss_tps600', key: 'getMissTps', index: 2 },
  { name: 'put_tps10', key: 'putTps', index: 0 },
  { name: 'put_tps60', key: 'putTps', index: 1 },
  { name: 'put_tps600', key: 'putTps', index: 2 },
  { name: 'dispatch_maxbuffer', key: 'dispatchMaxBuffer' },
  { name: 'pull_threadpoolqueue_capacity', key: 'pullThreadPoolQueueCapacity' },
  { name: 'send_threadpoolqueue_capacity', key: 'sendThreadPoolQueueCapacity' },
  { name: 'pull_threadpoolqueue_size', key: 'pullThreadPoolQueueSize' },
  { name: 'query_threadpoolqueue_size', key: 'queryThreadPoolQueueSize' },
  { name: 'send_threadpool_queue_size', key: 'sendThreadPoolQueueSize' },
  { name: 'pull_threadpoolqueue_headwait_timemills', key: 'pullThreadPoolQueueHeadWaitTimeMills' },
  { name: 'query_threadpoolqueue_headwait_timemills', key: 'queryThreadPoolQueueHeadWaitTimeMills' },
  { name: 'send_threadpoolqueue_headwait_timemills', key: 'sendThreadPoolQueueHeadWaitTimeMills' },
  { name: 'commitlog_maxoffset', key: 'commitLogMaxOffset' },
  { name: 'commitlog_minoffset', key: 'commitLogMinOffset' },
  { name: 'remain_howmanydata_toflush', key: 'remainHowManyDataToFlush' },
];

function nth(text: string | undefined, index: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim().split(/\s+/)[index]);
  return Number.isFinite(n) ? n : undefined;
}

/** "12.5 3.1" -> 12.5; RocketMQ's "MB/s" style units and percentages are left to the reader. */
const runtimeValue = (kv: Record<string, string>, key: string, index?: number): number | undefined =>
  index === undefined ? firstNumber(kv[key]) : nth(kv[key], index);

const host = (addr: string) => addr.slice(0, addr.lastIndexOf(':'));

/** The exporter's families from one snapshot, plus a few rocketdeck_* ones the exporter has no name for. */
export function snapshotFamilies(s: Snapshot): MetricFamily[] {
  const fam = (name: string, help: string): MetricFamily => ({ name, help, type: 'gauge', samples: [] });
  const producerTps = fam('rocketmq_producer_tps', 'TopicPutNums: messages put per second per topic and broker');
  const producerOffset = fam('rocketmq_producer_offset', 'TopicOffset: sum of the max offsets of the topic\'s queues on a broker');
  const consumerTps = fam('rocketmq_consumer_tps', 'GroupGetNums: messages a group consumed per second per topic and broker');
  const consumerOffset = fam('rocketmq_consumer_offset', 'GroupBrokerTotalOffset: sum of the group\'s committed offsets per topic and broker');
  const groupDiff = fam('rocketmq_group_diff', 'GroupDiff: messages the group has not consumed yet');
  const groupRetryDiff = fam('rocketmq_group_retrydiff', 'GroupRetryDiff: messages waiting in the group\'s retry topic');
  const groupCount = fam('rocketmq_group_count', 'GroupCount: online members of the group');
  const latency = fam('rocketmq_group_get_latency_by_storetime', 'GroupGetLatencyByStoreTime: newest message store time minus the group\'s position, ms');
  const brokerTps = fam('rocketmq_broker_tps', 'BrokerPutNums: messages put per second');
  const brokerQps = fam('rocketmq_broker_qps', 'BrokerGetNums: messages got per second');

  for (const t of s.topics.values()) {
    for (const b of t.brokers) {
      const labels = { cluster: b.clusterName, broker: b.brokerName, topic: t.topic };
      producerOffset.samples.push({ labels, value: b.maxOffsetSum });
      if (b.tps !== null) producerTps.samples.push({ labels, value: b.tps });
    }
  }
  for (const g of s.groups.values()) {
    const online = g.members ? String(g.members.clientIds.length) : '';
    const msgModel = g.members?.messageModel === 'BROADCASTING' ? '0' : '1';
    const byTopic = new Map<string, number>();
    for (const t of g.perTopic) {
      const labels = { cluster: t.clusterName, broker: t.brokerName, topic: t.topic, group: g.group };
      consumerOffset.samples.push({ labels, value: t.consumerOffsetSum });
      if (t.tps !== null) consumerTps.samples.push({ labels, value: t.tps });
      if (t.lagMs !== null) latency.samples.push({ labels, value: t.lagMs });
      byTopic.set(t.topic, (byTopic.get(t.topic) ?? 0) + t.diff);
    }
    for (const [topic, diff] of byTopic) {
      const labels = { group: g.group, topic, countOfOnlineConsumers: online, msgModel };
      (topic.startsWith('%RETRY%') ? groupRetryDiff : groupDiff).samples.push({ labels, value: diff });
    }
    if (g.members) {
      groupCount.samples.push({ labels: { caddr: g.members.clientAddrs.join(','), localaddr: '', group: g.group }, value: g.members.clientIds.length });
    }
  }
  const runtime = RUNTIME_GAUGES.map((r) => ({ ...r, family: fam(`rocketmq_brokeruntime_${r.name}`, `brokerRuntime ${r.key}${r.index !== undefined ? ` [${r.index}]` : ''}`) }));
  for (const b of s.brokers) {
    if (!b.runtime) continue;
    const kv = b.runtime;
    const numsLabels = { cluster: b.clusterName, brokerIP: b.brokerAddr, broker: b.brokerName };
    const put = firstNumber(kv.putTps);
    const get = firstNumber(kv.getTransferedTps ?? kv.getTransferredTps);
    if (put !== undefined) brokerTps.samples.push({ labels: numsLabels, value: put });
    if (get !== undefined) brokerQps.samples.push({ labels: numsLabels, value: get });
    const labels = {
      cluster: b.clusterName, brokerIP: b.brokerAddr, brokerHost: host(b.brokerAddr), des: kv.brokerVersionDesc ?? '',
      boottime: kv.bootTimestamp ?? '', broker_version: kv.brokerVersion ?? '',
    };
    for (const r of runtime) {
      const v = runtimeValue(kv, r.key, r.index);
      if (v !== undefined) r.family.samples.push({ labels, value: v });
    }
  }
  const up = fam('rocketdeck_broker_up', 'RocketDeck console: 1 when the broker answered the last collection, else 0');
  for (const b of s.brokers) up.samples.push({ labels: { cluster: b.clusterName, broker: b.brokerName, brokerIP: b.brokerAddr }, value: b.runtime ? 1 : 0 });
  const lagSeconds = fam('rocketdeck_group_lag_seconds', 'RocketDeck console: how far the group is behind the newest message, seconds');
  for (const g of s.groups.values()) if (g.lagSeconds !== null) lagSeconds.samples.push({ labels: { group: g.group }, value: g.lagSeconds });
  const scrape = fam('rocketdeck_collect_timestamp_seconds', 'RocketDeck console: when these figures were collected');
  scrape.samples.push({ labels: {}, value: Math.floor(s.ts / 1000) });
  return [
    producerTps, producerOffset, consumerTps, consumerOffset, groupDiff, groupRetryDiff, groupCount, latency, brokerTps, brokerQps,
    ...runtime.map((r) => r.family), up, lagSeconds, scrape,
  ];
}

/** Alert states: one sample per firing alert (1, or 2 when silenced) and the count per severity. */
export function alertFamilies(firing: ReadonlyArray<{ cluster: string; ruleId: string; subject: string; severity: string; silenced: boolean; flapping: boolean }>): MetricFamily[] {
  const bySeverity = new Map<string, number>([['info', 0], ['warning', 0], ['critical', 0]]);
  for (const a of firing) if (!a.silenced) bySeverity.set(a.severity, (bySeverity.get(a.severity) ?? 0) + 1);
  return [
    {
      name: 'rocketdeck_alert_firing', help: 'A firing alert (value 1; 2 when silenced)', type: 'gauge',
      samples: firing.map((a) => ({ labels: { cluster: a.cluster, rule: a.ruleId, subject: a.subject, severity: a.severity, flapping: String(a.flapping) }, value: a.silenced ? 2 : 1 })),
    },
    { name: 'rocketdeck_alerts_firing', help: 'Firing alerts not silenced, per severity', type: 'gauge', samples: [...bySeverity].map(([severity, n]) => ({ labels: { severity }, value: n })) },
  ];
}
