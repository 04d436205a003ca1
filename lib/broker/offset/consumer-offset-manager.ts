// Committed consumer offsets (RocketMQ's ConsumerOffsetManager): "topic@group" -> queueId -> next offset to
// consume, flushed to config/consumerOffset.json every flushConsumerOffsetInterval and on shutdown.

import type { Logger } from '../../common/log.ts';
import { decodeConsumerOffsetSerializeWrapper, encodeConsumerOffsetSerializeWrapper } from '../../protocol/bodies/offsets.ts';
import { ConfigWriter, loadConfigFile } from '../config/config-file.ts';

export const TOPIC_GROUP_SEPARATOR = '@';

export const offsetKey = (topic: string, group: string): string => `${topic}${TOPIC_GROUP_SEPARATOR}${group}`;

/** Splits "topic@group"; the topic cannot contain '@', the group could (it never does in practice). */
export function splitOffsetKey(key: string): { topic: string; group: string } | undefined {
  const i = key.indexOf(TOPIC_GROUP_SEPARATOR);
  if (i <= 0 || i === key.length - 1) return undefined;
  return { topic: key.slice(0, i), group: key.slice(i + 1) };
}

export class ConsumerOffsetManager {
  private readonly table = new Map<string, Map<number, number>>();
  private readonly writer: ConfigWriter;
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {
    this.writer = new ConfigWriter(file, () => this.encode(), log);
  }

  load(): void {
    loadConfigFile(this.file, (text) => {
      const w = decodeConsumerOffsetSerializeWrapper(text);
      for (const [key, m] of w.offsetTable) this.table.set(key, new Map(m));
    }, this.log);
  }

  commitOffset(clientHost: string, group: string, topic: string, queueId: number, offset: number): void {
    const key = offsetKey(topic, group);
    let m = this.table.get(key);
    if (!m) {
      m = new Map();
      this.table.set(key, m);
    }
    const prev = m.get(queueId);
    m.set(queueId, offset);
    this.dirty = true;
    // RocketMQ warns when a commit moves an offset backwards; that is normal after a reset, so only debug here.
    if (prev !== undefined && offset < prev) this.log.debug('offset_moved_back', { clientHost, group, topic, queueId, prev, offset });
  }

  /** -1 when the group never committed an offset for this queue. */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.table.get(offsetKey(topic, group))?.get(queueId) ?? -1;
  }

  /** queueId -> offset of one topic@group (undefined when the group has none). */
  queryOffsets(group: string, topic: string): ReadonlyMap<number, number> | undefined {
    return this.table.get(offsetKey(topic, group));
  }

  /** Copies srcGroup's offsets of a topic to destGroup, replacing destGroup's (ConsumerOffsetManager.cloneOffset). */
  cloneOffset(srcGroup: string, destGroup: string, topic: string): boolean {
    const src = this.table.get(offsetKey(topic, srcGroup));
    if (!src) return false;
    this.table.set(offsetKey(topic, destGroup), new Map(src));
    this.dirty = true;
    return true;
  }

  /** Topics a group has committed offsets for. */
  whichTopicByConsumer(group: string): Set<string> {
    const out = new Set<string>();
    for (const key of this.table.keys()) {
      const k = splitOffsetKey(key);
      if (k && k.group === group) out.add(k.topic);
    }
    return out;
  }

  /**
   * group -> topics it committed offsets for, in one pass over the table (whichTopicByConsumer per group would scan
   * the whole table once per group: GET_BROKER_CONSUME_STATS asks for every group at once).
   */
  topicsByGroup(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const key of this.table.keys()) {
      const k = splitOffsetKey(key);
      if (!k) continue;
      let set = out.get(k.group);
      if (!set) {
        set = new Set();
        out.set(k.group, set);
      }
      set.add(k.topic);
    }
    return out;
  }

  /** Groups that have committed offsets for a topic. */
  whichGroupByTopic(topic: string): Set<string> {
    const out = new Set<string>();
    for (const key of this.table.keys()) {
      const k = splitOffsetKey(key);
      if (k && k.topic === topic) out.add(k.group);
    }
    return out;
  }

  removeGroup(group: string): void {
    for (const key of [...this.table.keys()]) if (splitOffsetKey(key)?.group === group) this.table.delete(key);
    this.dirty = true;
  }

  removeTopic(topic: string): void {
    for (const key of [...this.table.keys()]) if (splitOffsetKey(key)?.topic === topic) this.table.delete(key);
    this.dirty = true;
  }

  entries(): IterableIterator<[string, Map<number, number>]> {
    return this.table.entries();
  }

  encode(): string {
    return encodeConsumerOffsetSerializeWrapper({ offsetTable: this.table }).toString('utf8');
  }

  /** Writes when something changed since the last write (the periodic flush). */
  persistIfDirty(): Promise<void> {
    if (!this.dirty) return Promise.resolve();
    this.dirty = false;
    return this.writer.persist();
  }

  persistSync(): void {
    this.dirty = false;
    this.writer.persistSync();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
