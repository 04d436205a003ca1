// Consumer group settings (RocketMQ's SubscriptionGroupManager): retry queue count, max retries, consume
// permission; auto-created on first use when allowed; persisted as config/subscriptionGroup.json.

import type { Logger } from '../../common/log.ts';
import {
  SUBSCRIPTION_GROUP_DEFAULTS,
  decodeSubscriptionGroupWrapper,
  encodeSubscriptionGroupWrapper,
  type SubscriptionGroupConfig,
  type SubscriptionGroupWrapper,
} from '../../protocol/bodies/subscription-group.ts';
import type { DataVersion } from '../../protocol/bodies/topic.ts';
import { MixAll, isSysConsumerGroup } from '../../protocol/constants.ts';
import type { BrokerConfig } from '../config/broker-config.ts';
import { ConfigWriter, loadConfigFile } from '../config/config-file.ts';
import { nextDataVersion } from '../topic/topic-config-manager.ts';

export function newSubscriptionGroupConfig(groupName: string, init: Partial<SubscriptionGroupConfig> = {}): SubscriptionGroupConfig {
  return { groupName, ...SUBSCRIPTION_GROUP_DEFAULTS, ...init };
}

export class SubscriptionGroupManager {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  private version: DataVersion = { timestamp: Date.now(), counter: 0 };
  private readonly writer: ConfigWriter;

  constructor(
    private readonly config: () => BrokerConfig,
    private readonly file: string,
    private readonly log: Logger,
  ) {
    this.writer = new ConfigWriter(file, () => this.encode(), log);
    for (const g of [MixAll.TOOLS_CONSUMER_GROUP, MixAll.FILTERSRV_CONSUMER_GROUP, MixAll.SELF_TEST_CONSUMER_GROUP]) {
      this.table.set(g, newSubscriptionGroupConfig(g));
    }
    for (const g of [MixAll.ONS_HTTP_PROXY_GROUP, MixAll.CID_ONSAPI_PULL_GROUP, MixAll.CID_ONSAPI_PERMISSION_GROUP, MixAll.CID_ONSAPI_OWNER_GROUP]) {
      this.table.set(g, newSubscriptionGroupConfig(g, { consumeBroadcastEnable: true }));
    }
  }

  load(): void {
    loadConfigFile(this.file, (text) => {
      const w = decodeSubscriptionGroupWrapper(text);
      for (const [name, c] of w.subscriptionGroupTable) this.table.set(name, { ...c, groupName: c.groupName || name });
      this.version = { timestamp: w.dataVersion.timestamp, counter: w.dataVersion.counter };
    }, this.log);
  }

  get dataVersion(): DataVersion {
    return this.version;
  }

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }

  groups(): IterableIterator<SubscriptionGroupConfig> {
    return this.table.values();
  }

  /** The group's config; created with defaults when auto-creation is on or the group is a system one. */
  findSubscriptionGroupConfig(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.table.get(group);
    if (existing) return existing;
    if (!this.config().autoCreateSubscriptionGroup && !isSysConsumerGroup(group)) return undefined;
    const created = newSubscriptionGroupConfig(group);
    this.table.set(group, created);
    this.changed();
    this.log.info('subscription_group_auto_created', { group });
    return created;
  }

  updateSubscriptionGroupConfig(c: SubscriptionGroupConfig): void {
    const old = this.table.get(c.groupName);
    this.table.set(c.groupName, c);
    this.changed();
    this.log.info(old ? 'subscription_group_updated' : 'subscription_group_created', { group: c.groupName });
  }

  deleteSubscriptionGroupConfig(group: string): boolean {
    if (!this.table.delete(group)) return false;
    this.changed();
    this.log.info('subscription_group_deleted', { group });
    return true;
  }

  private changed(): void {
    this.version = nextDataVersion(this.version);
    void this.writer.persist();
  }

  wrapper(): SubscriptionGroupWrapper {
    return { subscriptionGroupTable: new Map(this.table), dataVersion: { ...this.version } };
  }

  encode(): string {
    return encodeSubscriptionGroupWrapper(this.wrapper()).toString('utf8');
  }

  persistSync(): void {
    this.writer.persistSync();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
