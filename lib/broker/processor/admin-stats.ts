// Consumption and traffic stats: GET_CONSUME_STATS (208), GET_BROKER_CONSUME_STATS (317, every group at once),
// VIEW_BROKER_STATS_DATA (315, one keyed counter over minute/hour/day).

import { ResponseCode } from '../../protocol/codes.ts';
import type { MessageQueue } from '../../protocol/bodies/read.ts';
import {
  computeTotalDiff,
  encodeBrokerStatsData,
  encodeConsumeStats,
  encodeConsumeStatsList,
  type ConsumeStats,
  type OffsetWrapper,
} from '../../protocol/bodies/stats.ts';
import { GetConsumeStatsInBrokerHeader, GetConsumeStatsRequestHeader, ViewBrokerStatsDataRequestHeader } from '../../protocol/headers/admin.ts';
import { decodeHeader } from '../../protocol/headers/spec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { ok, type BrokerContext } from '../context.ts';

/** Per-queue broker offset, committed offset and store time of the last consumed message of one topic. */
async function topicConsumeStats(ctx: BrokerContext, group: string, topic: string, queues: number): Promise<ConsumeStats> {
  const brokerName = ctx.config().brokerName;
  const offsetTable: Array<[MessageQueue, OffsetWrapper]> = [];
  for (let i = 0; i < queues; i++) {
    const brokerOffset = Math.max(0, ctx.store.getMaxOffsetInQueue(topic, i));
    const consumerOffset = Math.max(0, ctx.offsets.queryOffset(group, topic, i));
    let lastTimestamp = 0;
    if (consumerOffset > 0) {
      const t = await ctx.store.getMessageStoreTimeStamp(topic, i, consumerOffset - 1);
      if (t > 0) lastTimestamp = t;
    }
    const w: OffsetWrapper = { brokerOffset, consumerOffset, lastTimestamp };
    const inflight = ctx.pop?.state.inflightOfQueue(group, topic, i) ?? 0;
    if (inflight > 0) w.popInflight = inflight;
    offsetTable.push([{ topic, brokerName, queueId: i }, w]);
  }
  return { offsetTable, consumeTps: ctx.stats.consumeTps(topic, group) };
}

/** Topics of a group to report: those it committed offsets for, minus ones an online group no longer subscribes to. */
function reportedTopics(ctx: BrokerContext, group: string, topics: Iterable<string>, orderOnly = false) {
  const g = ctx.consumers.getConsumerGroupInfo(group);
  const out: Array<{ topic: string; readQueueNums: number; writeQueueNums: number }> = [];
  for (const topic of topics) {
    const tc = ctx.topics.selectTopicConfig(topic);
    if (!tc || (orderOnly && !tc.order)) continue;
    if (g && g.subscriptionTable.size > 0 && !g.subscriptionTable.has(topic)) continue;
    out.push({ topic, readQueueNums: tc.readQueueNums, writeQueueNums: tc.writeQueueNums });
  }
  return out;
}

export async function handleGetConsumeStats(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(GetConsumeStatsRequestHeader, req.extFields);
  const names = h.topic?.trim() ? [h.topic] : ctx.offsets.whichTopicByConsumer(h.consumerGroup);
  const all: ConsumeStats = { offsetTable: [], consumeTps: 0 };
  for (const t of reportedTopics(ctx, h.consumerGroup, names)) {
    const s = await topicConsumeStats(ctx, h.consumerGroup, t.topic, t.readQueueNums);
    all.offsetTable.push(...s.offsetTable);
    all.consumeTps += s.consumeTps;
  }
  return ok(req, encodeConsumeStats(all));
}

export async function handleGetBrokerConsumeStats(ctx: BrokerContext, req: RemotingCommand): Promise<RemotingCommand> {
  const h = decodeHeader(GetConsumeStatsInBrokerHeader, req.extFields);
  const consumeStatsList: Array<Map<string, ConsumeStats[]>> = [];
  let totalDiff = 0;
  const topicsOf = ctx.offsets.topicsByGroup();
  for (const { groupName } of ctx.groups.groups()) {
    const list: ConsumeStats[] = [];
    for (const t of reportedTopics(ctx, groupName, topicsOf.get(groupName) ?? [], h.isOrder)) {
      const s = await topicConsumeStats(ctx, groupName, t.topic, t.writeQueueNums);
      totalDiff += computeTotalDiff(s);
      list.push(s);
    }
    consumeStatsList.push(new Map([[groupName, list]]));
  }
  return ok(req, encodeConsumeStatsList({ brokerAddr: ctx.brokerAddr(), consumeStatsList, totalDiff }));
}

export function handleViewBrokerStatsData(ctx: BrokerContext, req: RemotingCommand): RemotingCommand {
  const h = decodeHeader(ViewBrokerStatsDataRequestHeader, req.extFields);
  const data = ctx.stats.items.get(h.statsName, h.statsKey);
  if (!data) return createResponse(req, ResponseCode.SYSTEM_ERROR, `The stats <${h.statsName}> <${h.statsKey}> not exist`);
  return ok(req, encodeBrokerStatsData(data));
}
