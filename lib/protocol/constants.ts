// Wire-relevant RocketMQ constants: permissions, topic flags, well-known names, MQVersion ordinals.

/** Topic/queue permission bits (TopicConfig.perm, QueueData.perm). */
export const PermName = {
  PERM_PRIORITY: 8,
  PERM_READ: 4,
  PERM_WRITE: 2,
  PERM_INHERIT: 1,
  isReadable: (perm: number): boolean => (perm & 4) === 4,
  isWriteable: (perm: number): boolean => (perm & 2) === 2,
  isInherited: (perm: number): boolean => (perm & 1) === 1,
  isPriority: (perm: number): boolean => (perm & 8) === 8,
  isAccessible: (perm: number): boolean => (perm & 6) !== 0,
  /** A perm an admin may set: 0..7 (PRIORITY is not settable). */
  isValid: (perm: number): boolean => Number.isInteger(perm) && perm >= 0 && perm < 8,
  /** "RW-" style text as mqadmin prints it: R readable, W writeable, X inherited. */
  perm2String(perm: number): string {
    return (perm & 4 ? 'R' : '-') + (perm & 2 ? 'W' : '-') + (perm & 1 ? 'X' : '-');
  },
} as const;

/** TopicConfig.topicSysFlag bits (unit topics). */
export const TopicSysFlag = {
  FLAG_UNIT: 1,
  FLAG_UNIT_SUB: 2,
  buildSysFlag: (unit: boolean, hasUnitSub: boolean): number => (unit ? 1 : 0) | (hasUnitSub ? 2 : 0),
  hasUnitFlag: (sysFlag: number): boolean => (sysFlag & 1) === 1,
  hasUnitSubFlag: (sysFlag: number): boolean => (sysFlag & 2) === 2,
  setUnitFlag: (sysFlag: number): number => sysFlag | 1,
  clearUnitFlag: (sysFlag: number): number => sysFlag & ~1,
  setUnitSubFlag: (sysFlag: number): number => sysFlag | 2,
  clearUnitSubFlag: (sysFlag: number): number => sysFlag & ~2,
} as const;

/** Well-known names and ids shared by all roles (RocketMQ's MixAll). */
export const MixAll = {
  MASTER_ID: 0,
  FIRST_SLAVE_ID: 1,
  DEFAULT_TOPIC: 'TBW102',
  RETRY_GROUP_TOPIC_PREFIX: '%RETRY%',
  DLQ_GROUP_TOPIC_PREFIX: '%DLQ%',
  LMQ_PREFIX: '%LMQ%',
  REPLY_TOPIC_POSTFIX: 'REPLY_TOPIC',
  UNIQUE_MSG_QUERY_FLAG: '_UNIQUE_KEY_QUERY',
  DEFAULT_PRODUCER_GROUP: 'DEFAULT_PRODUCER',
  DEFAULT_CONSUMER_GROUP: 'DEFAULT_CONSUMER',
  TOOLS_CONSUMER_GROUP: 'TOOLS_CONSUMER',
  SCHEDULE_CONSUMER_GROUP: 'SCHEDULE_CONSUMER',
  FILTERSRV_CONSUMER_GROUP: 'FILTERSRV_CONSUMER',
  MONITOR_CONSUMER_GROUP: '__MONITOR_CONSUMER',
  CLIENT_INNER_PRODUCER_GROUP: 'CLIENT_INNER_PRODUCER',
  SELF_TEST_PRODUCER_GROUP: 'SELF_TEST_P_GROUP',
  SELF_TEST_CONSUMER_GROUP: 'SELF_TEST_C_GROUP',
  ONS_HTTP_PROXY_GROUP: 'CID_ONS-HTTP-PROXY',
  CID_ONSAPI_PERMISSION_GROUP: 'CID_ONSAPI_PERMISSION',
  CID_ONSAPI_OWNER_GROUP: 'CID_ONSAPI_OWNER',
  CID_ONSAPI_PULL_GROUP: 'CID_ONSAPI_PULL',
  CID_RMQ_SYS_PREFIX: 'CID_RMQ_SYS_',
  CID_SYS_RMQ_TRANS: 'CID_RMQ_SYS_TRANS',
  DEFAULT_TRACE_REGION_ID: 'DefaultRegion',
  /** Default nameserver port (namesrv listenPort). */
  DEFAULT_NAMESRV_PORT: 9876,
} as const;

export const getRetryTopic = (consumerGroup: string): string => MixAll.RETRY_GROUP_TOPIC_PREFIX + consumerGroup;
export const getDLQTopic = (consumerGroup: string): string => MixAll.DLQ_GROUP_TOPIC_PREFIX + consumerGroup;
export const isRetryTopic = (topic: string): boolean => topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX);
export const isDLQTopic = (topic: string): boolean => topic.startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX);
export const isLmqTopic = (topic: string): boolean => topic.startsWith(MixAll.LMQ_PREFIX);
export const isSysConsumerGroup = (group: string): boolean => group.startsWith(MixAll.CID_RMQ_SYS_PREFIX);

/** System topic names (RocketMQ's TopicValidator). */
export const TopicValidator = {
  AUTO_CREATE_TOPIC_KEY_TOPIC: 'TBW102',
  RMQ_SYS_SCHEDULE_TOPIC: 'SCHEDULE_TOPIC_XXXX',
  RMQ_SYS_BENCHMARK_TOPIC: 'BenchmarkTest',
  RMQ_SYS_TRANS_HALF_TOPIC: 'RMQ_SYS_TRANS_HALF_TOPIC',
  RMQ_SYS_TRACE_TOPIC: 'RMQ_SYS_TRACE_TOPIC',
  RMQ_SYS_TRANS_OP_HALF_TOPIC: 'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC: 'TRANS_CHECK_MAX_TIME_TOPIC',
  RMQ_SYS_SELF_TEST_TOPIC: 'SELF_TEST_TOPIC',
  RMQ_SYS_OFFSET_MOVED_EVENT: 'OFFSET_MOVED_EVENT',
  RMQ_SYS_ROCKSDB_OFFSET_TOPIC: 'CHECKPOINT_TOPIC',
  SYSTEM_TOPIC_PREFIX: 'rmq_sys_',
  TOPIC_MAX_LENGTH: 127,
  GROUP_MAX_LENGTH: 120,
  RETRY_OR_DLQ_TOPIC_MAX_LENGTH: 255,
} as const;

const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC,
  TopicValidator.RMQ_SYS_SCHEDULE_TOPIC,
  TopicValidator.RMQ_SYS_BENCHMARK_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRACE_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  TopicValidator.RMQ_SYS_SELF_TEST_TOPIC,
  TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT,
  TopicValidator.RMQ_SYS_ROCKSDB_OFFSET_TOPIC,
]);

// Topics a client may not send to (the broker rejects SEND_MESSAGE with NO_PERMISSION).
const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  TopicValidator.RMQ_SYS_SCHEDULE_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  TopicValidator.RMQ_SYS_SELF_TEST_TOPIC,
  TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT,
]);

/**
 * True for RocketMQ's fixed system topics and `rmq_sys_*`. A broker also treats its own cluster
 * name and broker name as system topics; pass them in `extra`.
 */
export function isSystemTopic(topic: string, extra: Iterable<string> = []): boolean {
  if (SYSTEM_TOPICS.has(topic) || topic.startsWith(TopicValidator.SYSTEM_TOPIC_PREFIX)) return true;
  for (const t of extra) if (t === topic) return true;
  return false;
}

export const isNotAllowedSendTopic = (topic: string): boolean => NOT_ALLOWED_SEND_TOPICS.has(topic);

const VALID_NAME = /^[%|a-zA-Z0-9_-]+$/;

/** Topic name check as the broker and the client do it; returns the remark text or null when valid. */
export function validateTopic(topic: string): string | null {
  if (topic.trim() === '') return 'The specified topic is blank.';
  if (!VALID_NAME.test(topic)) {
    return `The specified topic: ${topic}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  }
  const max = isRetryTopic(topic) || isDLQTopic(topic)
    ? TopicValidator.RETRY_OR_DLQ_TOPIC_MAX_LENGTH
    : TopicValidator.TOPIC_MAX_LENGTH;
  if (topic.length > max) return `The specified topic: ${topic}, is longer than topic max length: ${max}`;
  return null;
}

/** Group name check; returns the remark text or null when valid. */
export function validateGroup(group: string): string | null {
  if (group.trim() === '') return 'The specified group is blank.';
  if (!VALID_NAME.test(group)) {
    return `The specified group: ${group}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  }
  if (group.length > TopicValidator.GROUP_MAX_LENGTH) {
    return `The specified group: ${group}, is longer than group max length: ${TopicValidator.GROUP_MAX_LENGTH}`;
  }
  return null;
}

/**
 * MQVersion: the header `version` is the ordinal of RocketMQ's Version enum. From V4_0_0_SNAPSHOT
 * (212) on, each x.y has ten patch levels of (SNAPSHOT, release) and 5.x continues as if it were 4.10+,
 * so ordinal = 212 + 20 * ((major - 4) * 10 + minor) + 2 * patch + (snapshot ? 0 : 1).
 */
export function mqVersionOrdinal(major: number, minor: number, patch: number, snapshot = false): number {
  if (major < 4) throw new RangeError('mqVersionOrdinal: 3.x versions have no regular ordinal');
  return 212 + 20 * ((major - 4) * 10 + minor) + 2 * patch + (snapshot ? 0 : 1);
}

export const MQVersion = {
  V4_0_0: 213,
  V4_5_0: 313,
  V4_7_0: 353,
  V4_9_0: 393,
  V4_9_3: 399,
  V4_9_4: 401,
  V4_9_8: 409,
  V5_0_0: 413,
  V5_3_3: 479,
  /** The version RocketDeck sends: the captured Java client's (4.9.8). */
  CURRENT_VERSION: 409,
} as const;

/** "V4_9_8" for 409; ordinals outside the regular range give "V3_or_older"/"HIGHER_VERSION". */
export function mqVersionName(ordinal: number): string {
  if (ordinal < 212) return 'V3_or_older';
  if (ordinal > 611) return 'HIGHER_VERSION';
  const n = ordinal - 212;
  const minorIndex = Math.floor(n / 20);
  const rest = n % 20;
  const major = 4 + Math.floor(minorIndex / 10);
  const minor = minorIndex % 10;
  const patch = Math.floor(rest / 2);
  return `V${major}_${minor}_${patch}${rest % 2 === 0 ? '_SNAPSHOT' : ''}`;
}
