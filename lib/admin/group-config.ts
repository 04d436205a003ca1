// Subscription group writes: create/update (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP) and delete (DELETE_SUBSCRIPTIONGROUP).

import { RequestCode } from '../protocol/codes.ts';
import { getDLQTopic, getRetryTopic, validateGroup } from '../protocol/constants.ts';
import { DeleteSubscriptionGroupRequestHeader } from '../protocol/headers.ts';
import { encodeSubscriptionGroupConfig, SUBSCRIPTION_GROUP_DEFAULTS, type SubscriptionGroupConfig } from '../protocol/bodies/index.ts';
import { AdminError, describeError } from './errors.ts';
import type { AdminCore } from './core.ts';
import { writeToBrokers, type BrokerSelector, type WriteResult } from './broker.ts';
import { deleteTopic } from './topic-config.ts';

export interface SubGroupInput {
  groupName: string;
  consumeEnable?: boolean;
  /** mqadmin's updateSubGroup turns these two off unless told otherwise. */
  consumeFromMinEnable?: boolean;
  consumeBroadcastEnable?: boolean;
  consumeMessageOrderly?: boolean;
  retryQueueNums?: number;
  retryMaxTimes?: number;
  brokerId?: number;
  whichBrokerWhenConsumeSlowly?: number;
  notifyConsumerIdsChangedEnable?: boolean;
}

/** The SubscriptionGroupConfig mqadmin's updateSubGroup builds from its flags. */
export function subGroupConfigOf(input: SubGroupInput): SubscriptionGroupConfig {
  const d = SUBSCRIPTION_GROUP_DEFAULTS;
  const c: SubscriptionGroupConfig = {
    groupName: input.groupName,
    consumeEnable: input.consumeEnable ?? d.consumeEnable,
    consumeFromMinEnable: input.consumeFromMinEnable ?? false,
    consumeBroadcastEnable: input.consumeBroadcastEnable ?? false,
    retryQueueNums: input.retryQueueNums ?? d.retryQueueNums,
    retryMaxTimes: input.retryMaxTimes ?? d.retryMaxTimes,
    brokerId: input.brokerId ?? d.brokerId,
    whichBrokerWhenConsumeSlowly: input.whichBrokerWhenConsumeSlowly ?? d.whichBrokerWhenConsumeSlowly,
    notifyConsumerIdsChangedEnable: input.notifyConsumerIdsChangedEnable ?? d.notifyConsumerIdsChangedEnable,
  };
  if (input.consumeMessageOrderly !== undefined) c.consumeMessageOrderly = input.consumeMessageOrderly;
  return c;
}

function checkGroup(group: string): void {
  const bad = validateGroup(group);
  if (bad) throw new AdminError(bad);
}

/** updateSubGroup: on the chosen brokers (a cluster means its masters). */
export async function createOrUpdateSubGroup(core: AdminCore, sel: BrokerSelector, input: SubGroupInput): Promise<WriteResult & { config: SubscriptionGroupConfig }> {
  checkGroup(input.groupName);
  const config = subGroupConfigOf(input);
  const body = encodeSubscriptionGroupConfig(config);
  const written = await writeToBrokers(core, { ...sel, withSlaves: false }, (t) => core.call(t.brokerAddr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, undefined, { body }));
  return { config, ...written };
}

export interface DeleteSubGroupResult extends WriteResult {
  groupName: string;
  /** With a cluster: the group's %RETRY% and %DLQ% topics are deleted too, as mqadmin does. */
  deletedTopics?: string[];
  topicErrors?: string[];
}

/** deleteSubGroup: on the chosen brokers (a cluster means its masters, then its retry and DLQ topics go). */
export async function deleteSubGroup(core: AdminCore, sel: BrokerSelector, groupName: string, opts: { cleanOffset?: boolean } = {}): Promise<DeleteSubGroupResult> {
  checkGroup(groupName);
  const clean = opts.cleanOffset ?? false;
  // 4.9.x reads removeOffset, 5.x cleanOffset; each ignores the other
  const header = { groupName, removeOffset: clean, cleanOffset: clean };
  const written = await writeToBrokers(core, { ...sel, withSlaves: false }, (t) =>
    core.call(t.brokerAddr, RequestCode.DELETE_SUBSCRIPTIONGROUP, header, { spec: DeleteSubscriptionGroupRequestHeader }));
  const out: DeleteSubGroupResult = { groupName, ...written };
  if (sel.clusterName && !sel.brokerAddrs?.length) {
    out.deletedTopics = [];
    out.topicErrors = [];
    for (const topic of [getRetryTopic(groupName), getDLQTopic(groupName)]) {
      try {
        const r = await deleteTopic(core, topic, sel.clusterName);
        out.deletedTopics.push(topic);
        for (const e of [...r.errors, ...r.namesrvs.errors.map((n) => ({ brokerName: '', brokerAddr: n.namesrvAddr, error: n.error }))]) {
          out.topicErrors.push(`${topic} on ${e.brokerName || e.brokerAddr}: ${e.error}`);
        }
      } catch (err) {
        out.topicErrors.push(`${topic}: ${describeError(err)}`);
      }
    }
  }
  return out;
}
