// System topics and groups as Apache RocketMQ 5.3 classifies them (TopicValidator, MixAll's predefined groups, the
// store's timer wheel, POP's revive log, the proxy's heartbeat syncer, tracing), each with the kind an operator reads.

/** What a system topic or group is for. */
export type SystemKind =
  | 'auto-create template' | 'schedule' | 'timer wheel' | 'revive log' | 'transaction' | 'trace' | 'heartbeat sync'
  | 'broker member sync' | 'self test' | 'benchmark' | 'offset moved' | 'offset checkpoint' | 'tiered index'
  | 'cluster name' | 'broker name' | 'reply' | 'tools' | 'predefined' | 'system';

/** TopicValidator's fixed system topics (5.3.3), with their kinds. */
const FIXED_TOPICS: ReadonlyMap<string, SystemKind> = new Map<string, SystemKind>([
  ['TBW102', 'auto-create template'],
  ['SCHEDULE_TOPIC_XXXX', 'schedule'],
  ['BenchmarkTest', 'benchmark'],
  ['RMQ_SYS_TRANS_HALF_TOPIC', 'transaction'],
  ['RMQ_SYS_TRACE_TOPIC', 'trace'],
  ['RMQ_SYS_TRANS_OP_HALF_TOPIC', 'transaction'],
  ['TRANS_CHECK_MAX_TIME_TOPIC', 'transaction'],
  ['SELF_TEST_TOPIC', 'self test'],
  ['OFFSET_MOVED_EVENT', 'offset moved'],
  ['CHECKPOINT_TOPIC', 'offset checkpoint'],
]);

/** ProxyConfig.heartbeatSyncerTopicName's default: every cluster-mode proxy broadcasts its clients' heartbeats here. */
export const HEARTBEAT_SYNCER_TOPIC = 'DefaultHeartBeatSyncerTopic';
/** The broadcast consumer group each cluster-mode proxy runs on the heartbeat syncer topic (AbstractSystemMessageSyncer). */
export const HEARTBEAT_SYNCER_GROUP = `CID_${HEARTBEAT_SYNCER_TOPIC}`;

/** `rmq_sys_` topics by prefix, longest first (TimerMessageStore.TIMER_TOPIC, PopAckConstants.REVIVE_TOPIC, ...). */
const SYS_PREFIXES: ReadonlyArray<[string, SystemKind]> = [
  ['rmq_sys_SYNC_BROKER_MEMBER_', 'broker member sync'],
  ['rmq_sys_REVIVE_LOG_', 'revive log'],
  ['rmq_sys_TRACE_DATA_', 'trace'],
  ['rmq_sys_wheel_timer', 'timer wheel'],
  ['rmq_sys_INDEX', 'tiered index'],
];

/** MixAll's predefined groups (5.3.3 PREDEFINE_GROUP_SET) and the producer groups tools and brokers use. */
const PREDEFINED_GROUPS: ReadonlyMap<string, SystemKind> = new Map<string, SystemKind>([
  ['DEFAULT_CONSUMER', 'predefined'], ['DEFAULT_PRODUCER', 'predefined'], ['TOOLS_CONSUMER', 'tools'],
  ['SCHEDULE_CONSUMER', 'schedule'], ['FILTERSRV_CONSUMER', 'predefined'], ['__MONITOR_CONSUMER', 'tools'],
  ['CLIENT_INNER_PRODUCER', 'predefined'], ['SELF_TEST_P_GROUP', 'self test'], ['SELF_TEST_C_GROUP', 'self test'],
  ['CID_ONS-HTTP-PROXY', 'predefined'], ['CID_ONSAPI_PERMISSION', 'predefined'], ['CID_ONSAPI_OWNER', 'predefined'],
  ['CID_ONSAPI_PULL', 'predefined'], ['CID_RMQ_SYS_TRANS', 'transaction'],
  ['CID_RMQ_SYS_REVIVE_GROUP', 'revive log'],
  [HEARTBEAT_SYNCER_GROUP, 'heartbeat sync'], [`PID_${HEARTBEAT_SYNCER_TOPIC}`, 'heartbeat sync'],
]);

/** Names brokers register as topics: cluster names, `<cluster>_REPLY_TOPIC`, broker names. */
export interface ClusterNames {
  clusters: Iterable<string>;
  brokers: Iterable<string>;
}

/** The system kind of a topic, or undefined for a user topic. Retry and dead-letter topics of system groups count too. */
export function systemTopicKind(topic: string, names?: ClusterNames): SystemKind | undefined {
  const fixed = FIXED_TOPICS.get(topic);
  if (fixed) return fixed;
  if (topic === HEARTBEAT_SYNCER_TOPIC) return 'heartbeat sync';
  if (topic.startsWith('rmq_sys_')) return SYS_PREFIXES.find(([p]) => topic.startsWith(p))?.[1] ?? 'system';
  for (const prefix of ['%RETRY%', '%DLQ%']) {
    if (topic.startsWith(prefix)) return systemGroupKind(topic.slice(prefix.length));
  }
  if (names) {
    for (const c of names.clusters) {
      if (topic === c) return 'cluster name';
      if (topic === `${c}_REPLY_TOPIC`) return 'reply';
    }
    for (const b of names.brokers) if (topic === b) return 'broker name';
  }
  return undefined;
}

/** The system kind of a consumer or producer group, or undefined for a user group. */
export function systemGroupKind(group: string): SystemKind | undefined {
  const known = PREDEFINED_GROUPS.get(group);
  if (known) return known;
  if (group.startsWith('CID_RMQ_SYS_')) return 'system';
  return undefined;
}
