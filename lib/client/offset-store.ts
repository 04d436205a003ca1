// Consume offsets of a consumer: on the broker for clustering (RemoteBrokerOffsetStore), in a local file for
// broadcasting (LocalFileOffsetStore). Offsets are committed from memory every persistConsumerOffsetInterval.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { MixAll } from '../protocol/codes.ts';
import { Fields, decodeWith, encodeWith, mqKey, readNumber, writeMqEntries, type MessageQueue } from '../protocol/bodies/read.ts';
import type { Logger } from '../common/log.ts';
import type { ClientInstance } from './client-instance.ts';
import { MQClientError, OffsetNotFoundError } from './errors.ts';

/** READ_FROM_MEMORY, READ_FROM_STORE, MEMORY_FIRST_THEN_STORE. */
export type ReadOffsetType = 'MEMORY' | 'STORE' | 'MEMORY_FIRST_THEN_STORE';

/** readOffset results besides real offsets: none stored (-1), the store could not be read (-2). */
export const OFFSET_NOT_FOUND = -1;
export const OFFSET_READ_FAILED = -2;

interface Entry {
  mq: MessageQueue;
  offset: number;
  /** Set by updateAndFreezeOffset (offset moved by the broker): later updates are ignored until removeOffset. */
  frozen: boolean;
}

export interface OffsetStore {
  load(): Promise<void>;
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  updateAndFreezeOffset(mq: MessageQueue, offset: number): void;
  readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number>;
  /** Commits the offsets of `mqs`; entries of other queues are dropped. `sync` waits for the broker's answer. */
  persistAll(mqs: readonly MessageQueue[], sync?: boolean): Promise<void>;
  persist(mq: MessageQueue, sync?: boolean): Promise<void>;
  removeOffset(mq: MessageQueue): void;
  /** Offsets in memory of one topic (or all). */
  offsets(topic?: string): Array<[MessageQueue, number]>;
}

abstract class MemoryOffsets {
  protected readonly table = new Map<string, Entry>();

  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const k = mqKey(mq);
    const e = this.table.get(k);
    if (!e) {
      this.table.set(k, { mq, offset, frozen: false });
      return;
    }
    if (e.frozen) return;
    if (increaseOnly) {
      if (offset > e.offset) e.offset = offset;
    } else {
      e.offset = offset;
    }
  }

  updateAndFreezeOffset(mq: MessageQueue, offset: number): void {
    const k = mqKey(mq);
    const e = this.table.get(k);
    if (e) {
      e.offset = offset;
      e.frozen = true;
    } else {
      this.table.set(k, { mq, offset, frozen: true });
    }
  }

  removeOffset(mq: MessageQueue): void {
    this.table.delete(mqKey(mq));
  }

  offsets(topic?: string): Array<[MessageQueue, number]> {
    return [...this.table.values()].filter((e) => topic === undefined || e.mq.topic === topic).map((e) => [e.mq, e.offset]);
  }

  protected memory(mq: MessageQueue): number | undefined {
    return this.table.get(mqKey(mq))?.offset;
  }
}

/** Clustering: each queue's offset lives on the master of its broker group (QUERY/UPDATE_CONSUMER_OFFSET). */
export class RemoteBrokerOffsetStore extends MemoryOffsets implements OffsetStore {
  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  async load(): Promise<void> {}

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== 'STORE') {
      const v = this.memory(mq);
      if (v !== undefined) return v;
      if (type === 'MEMORY') return OFFSET_NOT_FOUND;
    }
    try {
      const offset = await this.fetchConsumeOffsetFromBroker(mq);
      this.updateOffset(mq, offset, false);
      return offset;
    } catch (err) {
      if (err instanceof OffsetNotFoundError) return OFFSET_NOT_FOUND;
      this.logger.warn('fetch_consume_offset_failed', { group: this.group, topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, error: err });
      return OFFSET_READ_FAILED;
    }
  }

  /**
   * Commits every wanted queue's offset. `sync` waits for each broker's answer, and per broker group one commit at a
   * time: an Apache RocketMQ 4.9 broker handles offset commits on a thread pool, and concurrent first commits of a
   * group on a topic each create the group's offset table, the last one replacing the others (offsets lost). Oneway
   * commits go out one after the other as Java's do; one lost that way is sent again by the next persist.
   */
  async persistAll(mqs: readonly MessageQueue[], sync = false): Promise<void> {
    const wanted = new Set(mqs.map(mqKey));
    const byBroker = new Map<string, Entry[]>();
    for (const [k, e] of this.table) {
      if (!wanted.has(k)) {
        this.table.delete(k);
        continue;
      }
      const list = byBroker.get(e.mq.brokerName);
      if (list) list.push(e);
      else byBroker.set(e.mq.brokerName, [e]);
    }
    await Promise.all([...byBroker.values()].map(async (entries) => {
      for (const e of entries) await this.updateConsumeOffsetToBroker(e.mq, e.offset, !sync).catch((err: unknown) => this.persistFailed(e.mq, err));
    }));
  }

  async persist(mq: MessageQueue, sync = false): Promise<void> {
    const v = this.memory(mq);
    if (v === undefined) return;
    await this.updateConsumeOffsetToBroker(mq, v, !sync).catch((err: unknown) => this.persistFailed(mq, err));
  }

  private persistFailed(mq: MessageQueue, err: unknown): void {
    this.logger.warn('update_consume_offset_failed', { group: this.group, topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, error: err });
  }

  /**
   * Where offsets are read and committed: the master; when the refreshed route has no master (it is down), any node
   * of the group, as Java's RemoteBrokerOffsetStore does. A slave answers offset queries from the offsets it copied
   * from the master, so a consumer that starts while the master is down can still consume from the slave.
   */
  private async offsetBrokerAddr(mq: MessageQueue): Promise<string> {
    let found = this.instance.routes.findBrokerAddressInSubscribe(mq.brokerName, MixAll.MASTER_ID, true);
    if (!found) {
      await this.instance.updateTopicRouteInfoFromNameServer(mq.topic).catch(() => false);
      found = this.instance.routes.findBrokerAddressInSubscribe(mq.brokerName, MixAll.MASTER_ID, false);
    }
    if (!found) throw new MQClientError(`The broker[${mq.brokerName}] not exist`);
    return found.brokerAddr;
  }

  async updateConsumeOffsetToBroker(mq: MessageQueue, offset: number, oneway: boolean): Promise<void> {
    const addr = await this.offsetBrokerAddr(mq);
    await this.instance.api.updateConsumerOffset(
      addr,
      { consumerGroup: this.group, topic: mq.topic, queueId: mq.queueId, commitOffset: offset, bname: mq.brokerName },
      oneway,
      this.instance.config.mqClientApiTimeout,
    );
  }

  private async fetchConsumeOffsetFromBroker(mq: MessageQueue): Promise<number> {
    const addr = await this.offsetBrokerAddr(mq);
    return this.instance.api.queryConsumerOffset(
      addr,
      { consumerGroup: this.group, topic: mq.topic, queueId: mq.queueId, bname: mq.brokerName },
      this.instance.config.mqClientApiTimeout,
    );
  }
}

/** Java's default directory: rocketmq.client.localOffsetStoreDir, else ~/.rocketmq_offsets. */
export function defaultLocalOffsetStoreDir(): string {
  return process.env.ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR ?? join(homedir(), '.rocketmq_offsets');
}

/**
 * Broadcasting: offsets in <dir>/<clientId>/<group>/offsets.json, the OffsetSerializeWrapper JSON
 * {"offsetTable":{{"brokerName":..,"queueId":..,"topic":..}:offset,...}}; the previous file is kept as .bak.
 */
export class LocalFileOffsetStore extends MemoryOffsets implements OffsetStore {
  readonly storePath: string;

  constructor(
    dir: string,
    clientId: string,
    group: string,
    private readonly logger: Logger,
  ) {
    super();
    this.storePath = join(dir, clientId, group, 'offsets.json');
  }

  async load(): Promise<void> {
    for (const [mq, offset] of this.readFile()) this.table.set(mqKey(mq), { mq, offset, frozen: false });
  }

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== 'STORE') {
      const v = this.memory(mq);
      if (v !== undefined) return v;
      if (type === 'MEMORY') return OFFSET_NOT_FOUND;
    }
    try {
      const found = this.readFile().find(([q]) => mqKey(q) === mqKey(mq));
      if (!found) return OFFSET_NOT_FOUND;
      this.updateOffset(mq, found[1], false);
      return found[1];
    } catch (err) {
      this.logger.warn('read_local_offsets_failed', { path: this.storePath, error: err });
      return OFFSET_READ_FAILED;
    }
  }

  async persistAll(mqs: readonly MessageQueue[]): Promise<void> {
    if (mqs.length === 0) return;
    const wanted = new Set(mqs.map(mqKey));
    const entries: Array<[MessageQueue, number]> = [...this.table.entries()].filter(([k]) => wanted.has(k)).map(([, e]) => [e.mq, e.offset]);
    this.writeFile(entries);
  }

  async persist(mq: MessageQueue): Promise<void> {
    // Java's LocalFileOffsetStore.persist writes nothing; persistAll does. Writing the whole table keeps it simple.
    void mq;
  }

  private readFile(): Array<[MessageQueue, number]> {
    for (const path of [this.storePath, this.storePath + '.bak']) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if (text.trim() === '') continue;
      return decodeWith(text, 'OffsetSerializeWrapper', (v, p) => Fields.of(v, p).mqMap('offsetTable', readNumber));
    }
    return [];
  }

  private writeFile(entries: Array<[MessageQueue, number]>): void {
    mkdirSync(dirname(this.storePath), { recursive: true });
    const body = encodeWith({ offsetTable: writeMqEntries(entries, (n) => n) });
    const tmp = this.storePath + '.tmp';
    writeFileSync(tmp, body);
    try {
      renameSync(this.storePath, this.storePath + '.bak');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    renameSync(tmp, this.storePath);
  }
}
