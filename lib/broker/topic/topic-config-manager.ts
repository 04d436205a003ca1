// The broker's topic table (RocketMQ's TopicConfigManager): system topics, auto-creation from TBW102, retry/DLQ
// topic creation, admin updates and deletes, a DataVersion bumped on each change, persisted as config/topics.json.

import type { Logger } from '../../common/log.ts';
import {
  decodeTopicConfigSerializeWrapper,
  encodeTopicConfigSerializeWrapper,
  type DataVersion,
  type TopicConfig,
  type TopicConfigSerializeWrapper,
} from '../../protocol/bodies/topic.ts';
import { MixAll, PermName, TopicValidator, isSystemTopic } from '../../protocol/constants.ts';
import type { BrokerConfig } from '../config/broker-config.ts';
import { ConfigWriter, loadConfigFile } from '../config/config-file.ts';

/** SCHEDULE_TOPIC_XXXX has one queue per delay level (RocketMQ's fixed 18). */
export const SCHEDULE_TOPIC_QUEUE_NUM = 18;

export function newTopicConfig(topicName: string, init: Partial<TopicConfig> = {}): TopicConfig {
  return {
    topicName,
    readQueueNums: 16,
    writeQueueNums: 16,
    perm: PermName.PERM_READ | PermName.PERM_WRITE,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    ...init,
  };
}

/** DataVersion.nextVersion: a new timestamp and counter + 1. */
export function nextDataVersion(v: DataVersion, now = Date.now()): DataVersion {
  return { timestamp: now, counter: v.counter + 1 };
}

export class TopicConfigManager {
  private readonly table = new Map<string, TopicConfig>();
  /** Topics a client may not treat as ordinary (the broker's own cluster/broker-name topics and the fixed ones). */
  readonly systemTopics = new Set<string>();
  private version: DataVersion = { timestamp: Date.now(), counter: 0 };
  private readonly writer: ConfigWriter;

  constructor(
    private readonly config: () => BrokerConfig,
    private readonly file: string,
    private readonly log: Logger,
  ) {
    // Spaced writes: every topic change asks for one, and the table can hold tens of thousands of topics.
    this.writer = new ConfigWriter(file, () => this.encode(), log, 10);
    this.addSystemTopics();
  }

  private addSystem(topicName: string, init: Partial<TopicConfig>): void {
    this.systemTopics.add(topicName);
    this.table.set(topicName, newTopicConfig(topicName, init));
  }

  private addSystemTopics(): void {
    const c = this.config();
    this.addSystem(TopicValidator.RMQ_SYS_SELF_TEST_TOPIC, { readQueueNums: 1, writeQueueNums: 1 });
    if (c.autoCreateTopicEnable) {
      this.addSystem(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, {
        readQueueNums: c.defaultTopicQueueNums,
        writeQueueNums: c.defaultTopicQueueNums,
        perm: PermName.PERM_INHERIT | PermName.PERM_READ | PermName.PERM_WRITE,
      });
    }
    this.addSystem(TopicValidator.RMQ_SYS_BENCHMARK_TOPIC, { readQueueNums: 1024, writeQueueNums: 1024 });
    this.addSystem(c.brokerClusterName, {
      perm: PermName.PERM_INHERIT | (c.clusterTopicEnable ? PermName.PERM_READ | PermName.PERM_WRITE : 0),
    });
    this.addSystem(c.brokerName, {
      readQueueNums: 1,
      writeQueueNums: 1,
      perm: PermName.PERM_INHERIT | (c.brokerTopicEnable ? PermName.PERM_READ | PermName.PERM_WRITE : 0),
    });
    this.addSystem(TopicValidator.RMQ_SYS_OFFSET_MOVED_EVENT, { readQueueNums: 1, writeQueueNums: 1 });
    this.addSystem(TopicValidator.RMQ_SYS_SCHEDULE_TOPIC, { readQueueNums: SCHEDULE_TOPIC_QUEUE_NUM, writeQueueNums: SCHEDULE_TOPIC_QUEUE_NUM });
    if (c.traceTopicEnable) this.addSystem(c.msgTraceTopicName, { readQueueNums: 1, writeQueueNums: 1 });
    this.addSystem(`${c.brokerClusterName}_${MixAll.REPLY_TOPIC_POSTFIX}`, { readQueueNums: 1, writeQueueNums: 1 });
  }

  /** Reads topics.json over the system topics (the file wins, as in RocketMQ). */
  load(): void {
    loadConfigFile(this.file, (text) => {
      const w = decodeTopicConfigSerializeWrapper(text);
      for (const [name, tc] of w.topicConfigTable) this.table.set(name, { ...tc, topicName: tc.topicName || name });
      this.version = { timestamp: w.dataVersion.timestamp, counter: w.dataVersion.counter };
    }, this.log);
  }

  get dataVersion(): DataVersion {
    return this.version;
  }

  get size(): number {
    return this.table.size;
  }

  selectTopicConfig(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  topics(): IterableIterator<TopicConfig> {
    return this.table.values();
  }

  /** RocketMQ's fixed system topics, `rmq_sys_*`, and this broker's own cluster/broker-name/reply topics. */
  isSystemTopic(topic: string): boolean {
    return isSystemTopic(topic, this.systemTopics);
  }

  isOrderTopic(topic: string): boolean {
    return this.table.get(topic)?.order === true;
  }

  /**
   * Auto-creation on send (createTopicInSendMessageMethod): the default topic (TBW102) must exist and carry the
   * inherit permission; the new topic gets min(client queue count, default topic's write queues) queues and the
   * default topic's permission without inherit. Returns the topic and whether it was created.
   */
  createTopicInSendMessageMethod(
    topic: string,
    defaultTopic: string,
    remoteAddr: string,
    clientDefaultTopicQueueNums: number,
    topicSysFlag: number,
  ): { topicConfig?: TopicConfig; created: boolean } {
    const existing = this.table.get(topic);
    if (existing) return { topicConfig: existing, created: false };
    const def = this.table.get(defaultTopic);
    if (!def) {
      this.log.warn('auto_create_topic_refused', { topic, defaultTopic, remoteAddr, reason: 'default topic does not exist' });
      return { created: false };
    }
    let defPerm = def.perm;
    if (defaultTopic === TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC && !this.config().autoCreateTopicEnable) {
      defPerm = PermName.PERM_READ | PermName.PERM_WRITE;
      def.perm = defPerm;
    }
    if (!PermName.isInherited(defPerm)) {
      this.log.warn('auto_create_topic_refused', { topic, defaultTopic, remoteAddr, reason: `default topic has no inherit permission (perm ${defPerm})` });
      return { created: false };
    }
    const queueNums = Math.max(0, Math.min(clientDefaultTopicQueueNums, def.writeQueueNums));
    const tc = newTopicConfig(topic, {
      readQueueNums: queueNums,
      writeQueueNums: queueNums,
      perm: defPerm & ~PermName.PERM_INHERIT,
      topicSysFlag,
      topicFilterType: def.topicFilterType,
    });
    this.put(tc);
    this.log.info('topic_auto_created', { topic, defaultTopic, remoteAddr, queueNums });
    return { topicConfig: tc, created: true };
  }

  /** Retry and DLQ topics are created on first use (createTopicInSendMessageBackMethod). */
  createTopicInSendMessageBackMethod(topic: string, queueNums: number, perm: number, topicSysFlag: number): { topicConfig: TopicConfig; created: boolean } {
    const existing = this.table.get(topic);
    if (existing) return { topicConfig: existing, created: false };
    const tc = newTopicConfig(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicSysFlag });
    this.put(tc);
    this.log.info('topic_created', { topic, queueNums, perm });
    return { topicConfig: tc, created: true };
  }

  /** UPDATE_AND_CREATE_TOPIC: replaces or adds the config. */
  updateTopicConfig(tc: TopicConfig): void {
    const old = this.table.get(tc.topicName);
    this.put(tc);
    this.log.info(old ? 'topic_updated' : 'topic_created', { topic: tc.topicName, readQueueNums: tc.readQueueNums, writeQueueNums: tc.writeQueueNums, perm: tc.perm });
  }

  /** A change outside the table that the nameservers must take (the broker's own permission). */
  bumpDataVersion(): void {
    this.version = nextDataVersion(this.version);
    void this.writer.persist();
  }

  deleteTopicConfig(topic: string): boolean {
    if (!this.table.delete(topic)) return false;
    this.version = nextDataVersion(this.version);
    void this.writer.persist();
    this.log.info('topic_deleted', { topic });
    return true;
  }

  private put(tc: TopicConfig): void {
    this.table.set(tc.topicName, tc);
    this.version = nextDataVersion(this.version);
    void this.writer.persist();
  }

  /**
   * The table as REGISTER_BROKER and GET_ALL_TOPIC_CONFIG carry it. When the broker itself is not writeable or not
   * readable, every topic is advertised with the broker's permission (RocketMQ does the same on registration).
   * `only` limits it to the named topics that exist (an incremental registration).
   */
  buildSerializeWrapper(forRegistration = false, only?: Iterable<string>): TopicConfigSerializeWrapper {
    const brokerPerm = this.config().brokerPermission;
    const restrict = forRegistration && (!PermName.isWriteable(brokerPerm) || !PermName.isReadable(brokerPerm));
    const table = new Map<string, TopicConfig>();
    const entries = only ? [...only].flatMap((n): Array<[string, TopicConfig]> => (this.table.has(n) ? [[n, this.table.get(n)!]] : [])) : this.table;
    for (const [name, tc] of entries) table.set(name, restrict ? { ...tc, perm: brokerPerm } : tc);
    return { topicConfigTable: table, dataVersion: { ...this.version } };
  }

  encode(): string {
    return encodeTopicConfigSerializeWrapper(this.buildSerializeWrapper()).toString('utf8');
  }

  persistSync(): void {
    this.writer.persistSync();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
