// A slave copies its master's metadata (RocketMQ's SlaveSynchronize): topic configs (GET_ALL_TOPIC_CONFIG 21),
// consumer offsets (GET_ALL_CONSUMER_OFFSET 43), delay offsets (GET_ALL_DELAY_OFFSET 45) and subscription groups
// (GET_ALL_SUBSCRIPTIONGROUP_CONFIG 201), every 10 s and as soon as it learns its master's address.
// Topic and group tables are replaced when the master's data version differs from the last one applied;
// offsets are merged in (the master's value wins), as RocketMQ does.

import type { Logger } from '../../common/log.ts';
import { isRetriableResponseCode, RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { decodeConsumerOffsetSerializeWrapper, decodeDelayOffsetSerializeWrapper } from '../../protocol/bodies/offsets.ts';
import { decodeSubscriptionGroupWrapper, type SubscriptionGroupConfig } from '../../protocol/bodies/subscription-group.ts';
import { decodeTopicConfigSerializeWrapper, type DataVersion, type TopicConfig } from '../../protocol/bodies/topic.ts';
import { createRequest, type RemotingCommand } from '../../remoting/command.ts';
import type { RemotingClient } from '../../remoting/client.ts';
import { ResponseCodeError } from '../../remoting/errors.ts';
import { writeConfigFileSync } from '../config/config-file.ts';
import { splitOffsetKey, type ConsumerOffsetManager } from '../offset/consumer-offset-manager.ts';
import type { ScheduleMessageService } from '../schedule/schedule-message-service.ts';
import type { SubscriptionGroupManager } from '../subscription/subscription-group-manager.ts';
import type { TopicConfigManager } from '../topic/topic-config-manager.ts';

/** RocketMQ syncs every 10 s (BrokerController.handleSlaveSynchronize). */
export const SLAVE_SYNC_INTERVAL_MS = 10_000;

export interface SlaveSyncDeps {
  client: RemotingClient;
  topics: TopicConfigManager;
  groups: SubscriptionGroupManager;
  offsets: ConsumerOffsetManager;
  schedule: ScheduleMessageService;
  /** config/delayOffset.json of this broker. */
  delayOffsetFile: string;
  /** This broker's own address (a broker never syncs from itself). */
  brokerAddr: () => string;
  timeoutMs: number;
  log: Logger;
  /** Further metadata a slave copies each round (access control: lib/broker/auth). */
  extraSync?: { what: string; sync: (masterAddr: string, timeoutMs: number) => Promise<void> };
}

export interface SlaveSyncStatus {
  masterAddr: string | undefined;
  /** End of the last round in which all four tables were read (0 = never). */
  lastSyncTimestamp: number;
  lastError: string | undefined;
}

const sameValue = (a: unknown, b: unknown): boolean => {
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && b.get(k) === v);
  return a === b;
};

/** Field-by-field equality of two config records (topic or subscription group). */
export function sameConfig(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const k of keys) if (!sameValue(x[k], y[k])) return false;
  return true;
}

const sameVersion = (a: DataVersion | undefined, b: DataVersion): boolean => a !== undefined && a.timestamp === b.timestamp && a.counter === b.counter;

export class SlaveSynchronize {
  private master: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private topicVersion: DataVersion | undefined;
  private groupVersion: DataVersion | undefined;
  private lastSync = 0;
  private lastError: string | undefined;

  constructor(private readonly deps: SlaveSyncDeps) {}

  /** The master's broker address from the nameservers (undefined while no master is registered). */
  setMasterAddr(addr: string | undefined): void {
    const changed = addr !== this.master;
    this.master = addr;
    if (changed) {
      this.deps.log.info('slave_sync_master', { masterAddr: addr });
      if (addr) void this.syncAll();
    }
  }

  get masterAddr(): string | undefined {
    return this.master;
  }

  start(intervalMs = SLAVE_SYNC_INTERVAL_MS): void {
    this.timer = setInterval(() => void this.syncAll(), intervalMs);
    this.timer.unref();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.running ?? Promise.resolve();
  }

  status(): SlaveSyncStatus {
    return { masterAddr: this.master, lastSyncTimestamp: this.lastSync, lastError: this.lastError };
  }

  /** One round of all four tables; rounds never overlap. */
  syncAll(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    const addr = this.master;
    if (!addr || addr === this.deps.brokerAddr()) return;
    const errors: string[] = [];
    for (const [what, step] of [
      ['topic config', () => this.syncTopicConfig(addr)],
      ['consumer offsets', () => this.syncConsumerOffset(addr)],
      ['delay offsets', () => this.syncDelayOffset(addr)],
      ['subscription groups', () => this.syncSubscriptionGroupConfig(addr)],
    ] as const) {
      try {
        await step();
      } catch (err) {
        errors.push(`${what}: ${(err as Error).message}`);
      }
    }
    const extra = this.deps.extraSync;
    if (extra) {
      try {
        await extra.sync(addr, this.deps.timeoutMs);
      } catch (err) {
        errors.push(`${extra.what}: ${(err as Error).message}`);
      }
    }
    if (errors.length === 0) {
      this.lastSync = Date.now();
      if (this.lastError) this.deps.log.info('slave_sync_recovered', { masterAddr: addr });
      this.lastError = undefined;
    } else {
      const text = errors.join('; ');
      // One line per kind of failure, not one every 10 s while the master is away.
      if (text !== this.lastError) this.deps.log.warn('slave_sync_failed', { masterAddr: addr, error: text });
      this.lastError = text;
    }
  }

  private async call(addr: string, code: number): Promise<Buffer> {
    const res: RemotingCommand = await this.deps.client.invoke(addr, createRequest(code), this.deps.timeoutMs);
    if (res.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(addr, res.code, res.remark, code, { retriable: isRetriableResponseCode(res.code) });
    return res.body ?? Buffer.alloc(0);
  }

  private async syncTopicConfig(addr: string): Promise<void> {
    const w = decodeTopicConfigSerializeWrapper(await this.call(addr, RequestCode.GET_ALL_TOPIC_CONFIG));
    if (sameVersion(this.topicVersion, w.dataVersion)) return;
    const { topics } = this.deps;
    let changed = 0;
    for (const [name, tc] of w.topicConfigTable) {
      const mine = topics.selectTopicConfig(name);
      const theirs: TopicConfig = { ...tc, topicName: tc.topicName || name };
      if (!mine || !sameConfig(mine, theirs)) {
        topics.updateTopicConfig(theirs);
        changed++;
      }
    }
    for (const tc of [...topics.topics()]) {
      if (!w.topicConfigTable.has(tc.topicName) && topics.deleteTopicConfig(tc.topicName)) changed++;
    }
    this.topicVersion = w.dataVersion;
    if (changed > 0) this.deps.log.info('slave_sync_topic_config', { masterAddr: addr, changed, dataVersion: w.dataVersion });
  }

  private async syncConsumerOffset(addr: string): Promise<void> {
    const w = decodeConsumerOffsetSerializeWrapper(await this.call(addr, RequestCode.GET_ALL_CONSUMER_OFFSET));
    const { offsets } = this.deps;
    for (const [key, table] of w.offsetTable) {
      const k = splitOffsetKey(key);
      if (!k) continue;
      for (const [queueId, offset] of table) {
        if (offsets.queryOffset(k.group, k.topic, queueId) !== offset) offsets.commitOffset(addr, k.group, k.topic, queueId, offset);
      }
    }
  }

  private async syncDelayOffset(addr: string): Promise<void> {
    const body = await this.call(addr, RequestCode.GET_ALL_DELAY_OFFSET);
    if (body.length === 0) return;
    // Checked before it replaces the file: a body that does not parse must not wipe the slave's copy.
    decodeDelayOffsetSerializeWrapper(body);
    writeConfigFileSync(this.deps.delayOffsetFile, body.toString('utf8'));
    this.deps.schedule.load();
  }

  private async syncSubscriptionGroupConfig(addr: string): Promise<void> {
    const w = decodeSubscriptionGroupWrapper(await this.call(addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG));
    if (sameVersion(this.groupVersion, w.dataVersion)) return;
    const { groups } = this.deps;
    let changed = 0;
    for (const [name, c] of w.subscriptionGroupTable) {
      const mine = groups.get(name);
      const theirs: SubscriptionGroupConfig = { ...c, groupName: c.groupName || name };
      if (!mine || !sameConfig(mine, theirs)) {
        groups.updateSubscriptionGroupConfig(theirs);
        changed++;
      }
    }
    for (const g of [...groups.groups()]) {
      if (!w.subscriptionGroupTable.has(g.groupName) && groups.deleteSubscriptionGroupConfig(g.groupName)) changed++;
    }
    this.groupVersion = w.dataVersion;
    if (changed > 0) this.deps.log.info('slave_sync_subscription_groups', { masterAddr: addr, changed, dataVersion: w.dataVersion });
  }
}
