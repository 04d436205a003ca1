// admin resetOffsetByTime: a group's offsets on a topic to a time, the queue ends, or one queue to a given offset.

import type { CommandSpec } from '../../framework.ts';
import { UsageError, intOpt } from '../../framework.ts';
import { parseResetPoint } from '../../../admin/index.ts';
import { NAMESRV_OPTION, boolArg, finish, opt, printTable, requireOpt, withAdmin } from './common.ts';

export const resetOffsetByTimeCommand: CommandSpec = {
  name: 'resetOffsetByTime',
  summary: "Reset a consumer group's offsets on a topic to a timestamp (online through the broker, else offline)",
  usage: 'admin resetOffsetByTime [-n ADDR] -g GROUP -t TOPIC -s (now|earliest|latest|MILLIS|yyyy-MM-dd#HH:mm:ss:SSS) [-f BOOL] [-b BROKER -q QID [-o OFFSET]]',
  options: {
    ...NAMESRV_OPTION,
    group: opt('g', 'consumer group', 'GROUP'),
    topic: opt('t', 'topic', 'TOPIC'),
    timestamp: opt('s', 'now (= latest), earliest, latest, epoch ms or yyyy-MM-dd#HH:mm:ss:SSS', 'TIME'),
    force: opt('f', 'also move offsets forward (true|false, default true)', 'BOOL'),
    broker: opt('b', 'with -q: the broker (address or name) of the queue', 'BROKER'),
    queue: opt('q', 'with -b: only this queue id', 'QID'),
    offset: opt('o', 'with -b and -q: this offset instead of the one for -s', 'OFFSET'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = requireOpt(ctx.values, 'group');
      const topic = requireOpt(ctx.values, 'topic');
      const broker = (ctx.values.broker as string | undefined)?.trim();
      const queueId = intOpt(ctx.values, 'queue', 0, 65535);
      const offset = intOpt(ctx.values, 'offset', 0);
      const sText = ctx.values.timestamp as string | undefined;
      if ((broker === undefined) !== (queueId === undefined)) throw new UsageError('-b and -q go together');
      if (offset !== undefined && queueId === undefined) throw new UsageError('-o needs -b and -q');
      if (sText === undefined && offset === undefined) throw new UsageError('missing required option --timestamp (-s)');
      let point;
      try {
        point = sText === undefined ? undefined : parseResetPoint(sText);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (broker !== undefined && queueId !== undefined) {
        const route = await admin.topicRoute(topic);
        const g = route.brokerDatas.find((b) => b.brokerName === broker || Object.values(b.brokerAddrs).includes(broker));
        if (!g) throw new UsageError(`broker '${broker}' is not on the route of topic '${topic}' (brokers: ${route.brokerDatas.map((b) => b.brokerName).join(', ')})`);
        const r = await admin.resetQueueOffsets({ group, topic, point, queues: [{ brokerName: g.brokerName, queueId, offset }] });
        return finish(ctx, r, () => {
          printTable(ctx, ['#brokerName', '#queueId', '#offset'], r.queues.map((q) => [q.brokerName, q.queueId, q.resetOffset]));
        }, 'write');
      }
      const r = await admin.resetOffsetByTime({ group, topic, point: point!, force: boolArg(ctx.values, 'force') ?? true });
      return finish(ctx, r, () => {
        ctx.out(`reset consumer offset by specified group[${group}], topic[${topic}], timestamp(string)[${sText}], timestamp(long)[${r.timestamp}]`);
        for (const b of r.brokers) ctx.out(`${b.brokerName} (${b.brokerAddr}): ${b.mode === 'online' ? 'reset by the broker, online consumers told' : 'group offline, stored offsets moved'}`);
        printTable(ctx, ['#brokerName', '#queueId', '#brokerOffset', '#consumerOffset', '#timestampOffset', '#resetOffset'],
          r.queues.map((q) => [q.brokerName, q.queueId, q.brokerOffset, q.consumerOffset, q.timestampOffset, q.resetOffset]));
      }, 'write');
    }),
};

export const cloneGroupOffsetCommand: CommandSpec = {
  name: 'cloneGroupOffset',
  summary: "Copy a consumer group's offsets on a topic to another group (CLONE_GROUP_OFFSET on each master)",
  usage: 'admin cloneGroupOffset [-n ADDR] -s SRC_GROUP -d DEST_GROUP -t TOPIC [-o BOOL]',
  options: {
    ...NAMESRV_OPTION,
    srcGroup: opt('s', 'the group whose offsets are copied', 'GROUP'),
    destGroup: opt('d', 'the group that gets them', 'GROUP'),
    topic: opt('t', 'topic', 'TOPIC'),
    offline: opt('o', 'also when the source group no longer subscribes to the topic (true|false, default false)', 'BOOL'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const srcGroup = requireOpt(ctx.values, 'srcGroup');
      const destGroup = requireOpt(ctx.values, 'destGroup');
      const topic = requireOpt(ctx.values, 'topic');
      const r = await admin.cloneGroupOffset({ srcGroup, destGroup, topic, offline: boolArg(ctx.values, 'offline') ?? false });
      return finish(ctx, r, () => {
        ctx.out(`clone group offset success. srcGroup[${srcGroup}], destGroup=[${destGroup}], topic[${topic}]`);
        printTable(ctx, ['#brokerName', '#brokerAddr'], r.done.map((d) => [d.brokerName, d.brokerAddr]));
      }, 'write');
    }),
};

export const skipAccumulatedMessageCommand: CommandSpec = {
  name: 'skipAccumulatedMessage',
  summary: "Skip a consumer group's backlog: every queue with messages left moves to its max offset",
  usage: 'admin skipAccumulatedMessage [-n ADDR] -g GROUP [-t TOPIC]',
  options: {
    ...NAMESRV_OPTION,
    group: opt('g', 'consumer group', 'GROUP'),
    topic: opt('t', 'only this topic (default: every topic with a backlog)', 'TOPIC'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = requireOpt(ctx.values, 'group');
      const topic = (ctx.values.topic as string | undefined)?.trim();
      const r = await admin.skipBacklog({ group, ...(topic ? { topic } : {}) });
      return finish(ctx, r, () => {
        if (r.topics.length === 0) ctx.out(`group ${group} has no backlog${topic ? ` on topic ${topic}` : ''}`);
        printTable(ctx, ['#topic', '#brokerName', '#queueId', '#resetOffset'], r.topics.flatMap((t) => t.queues.map((q) => [q.topic, q.brokerName, q.queueId, q.resetOffset])));
      }, 'write');
    }),
};
