// admin topicList, topicRoute, topicStatus, updateTopic, deleteTopic.

import type { CommandSpec } from '../../framework.ts';
import { intOpt } from '../../framework.ts';
import { formatTime } from '../../../admin/index.ts';
import { PermName } from '../../../protocol/constants.ts';
import { NAMESRV_OPTION, boolArg, brokerOrCluster, finish, opt, printTable, requireOpt, withAdmin } from './common.ts';

export const topicListCommand: CommandSpec = {
  name: 'topicList',
  summary: 'List topics (system, retry and DLQ topics marked); -c adds clusters and consumer groups',
  usage: 'admin topicList [-n ADDR] [-c] [--json]',
  options: { ...NAMESRV_OPTION, clusterModel: { type: 'boolean', short: 'c', description: 'show the cluster and consumer groups of each topic' } },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      if (ctx.values.clusterModel !== true) {
        const r = await admin.topicList();
        return finish(ctx, r, () => {
          printTable(ctx, ['#Topic', '#Kind', '#System'], r.topics.map((t) => [t.topic, t.kind, t.systemKind ?? '']));
        }, 'read');
      }
      const [map, groups] = await Promise.all([admin.topicBrokerMap(), admin.groupList()]);
      const consumers = new Map<string, string[]>();
      for (const g of groups.groups) for (const t of g.topics) consumers.set(t, [...(consumers.get(t) ?? []), g.group]);
      const topics = map.topics.map((t) => ({
        ...t, clusters: [...new Set(t.brokers.map((b) => b.clusterName))], groups: consumers.get(t.topic) ?? [],
      }));
      const r = { topics, errors: [...map.errors, ...groups.errors], warnings: groups.warnings };
      return finish(ctx, r, () => {
        printTable(ctx, ['#Cluster Name', '#Topic', '#Kind', '#Consumer Group'],
          topics.filter((t) => t.kind !== 'RETRY' && t.kind !== 'DLQ').flatMap((t) =>
            (t.groups.length ? t.groups : ['']).map((g) => [t.clusters.join(','), t.topic, t.kind, g])));
      }, 'read', topics.length === 0);
    }),
};

export const topicRouteCommand: CommandSpec = {
  name: 'topicRoute',
  summary: "Print a topic's route: broker groups, addresses, queue counts and perm",
  usage: 'admin topicRoute [-n ADDR] -t TOPIC [-l] [--json]',
  options: { ...NAMESRV_OPTION, topic: opt('t', 'topic name', 'TOPIC'), list: { type: 'boolean', short: 'l', description: 'print as a table' } },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.topicRoute(requireOpt(ctx.values, 'topic'));
      return finish(ctx, r, () => {
        if (ctx.values.list !== true) {
          ctx.out(JSON.stringify({ brokerDatas: r.brokerDatas, queueDatas: r.queueDatas, orderTopicConf: r.orderTopicConf }, null, 2));
          return;
        }
        printTable(ctx, ['#ClusterName', '#BrokerName', '#BrokerAddrs', '#ReadQueue', '#WriteQueue', '#Perm'],
          r.brokerDatas.map((b) => {
            const q = r.queueDatas.find((x) => x.brokerName === b.brokerName);
            return [b.clusterName, b.brokerName, Object.entries(b.brokerAddrs).map(([id, a]) => `${id}=${a}`).join(' '),
              q?.readQueueNums, q?.writeQueueNums, q ? `${q.perm} (${PermName.perm2String(q.perm)})` : ''];
          }));
      }, 'read');
    }),
};

export const topicStatusCommand: CommandSpec = {
  name: 'topicStatus',
  summary: "Print a topic's queues: min and max offset, last update time",
  usage: 'admin topicStatus [-n ADDR] -t TOPIC [--json]',
  options: { ...NAMESRV_OPTION, topic: opt('t', 'topic name', 'TOPIC') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.topicStatus(requireOpt(ctx.values, 'topic'));
      return finish(ctx, r, () => {
        printTable(ctx, ['#Broker Name', '#QID', '#Min Offset', '#Max Offset', '#Last Updated'],
          r.queues.map((q) => [q.brokerName, q.queueId, q.minOffset, q.maxOffset, formatTime(q.lastUpdateTimestamp)]));
        ctx.out('');
        ctx.out(`Messages: ${r.totalMessages}${r.topicPutTps !== undefined ? `  Topic Put TPS: ${r.topicPutTps}` : ''}`);
      }, 'read', r.queues.length === 0);
    }),
};

export const updateTopicCommand: CommandSpec = {
  name: 'updateTopic',
  summary: "Create or update a topic on a cluster's masters or on one broker",
  usage: 'admin updateTopic [-n ADDR] (-b HOST:PORT | -c CLUSTER) -t TOPIC [-r 8] [-w 8] [-p 6] [-o false]',
  options: {
    ...NAMESRV_OPTION,
    brokerAddr: opt('b', 'create the topic on this broker', 'HOST:PORT'),
    clusterName: opt('c', "create the topic on this cluster's masters", 'CLUSTER'),
    topic: opt('t', 'topic name', 'TOPIC'),
    readQueueNums: opt('r', 'read queue count (default 8)', 'N'),
    writeQueueNums: opt('w', 'write queue count (default 8)', 'N'),
    perm: opt('p', "topic's permission: 2 W, 4 R, 6 RW (default 6)", 'PERM'),
    order: opt('o', 'ordered topic (true|false)', 'BOOL'),
    attributes: opt('a', '5.x attributes, e.g. +message.type=FIFO', 'ATTRS'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.createOrUpdateTopic(brokerOrCluster(ctx.values), {
        topic: requireOpt(ctx.values, 'topic'),
        readQueueNums: intOpt(ctx.values, 'readQueueNums', 1, 65535),
        writeQueueNums: intOpt(ctx.values, 'writeQueueNums', 1, 65535),
        perm: intOpt(ctx.values, 'perm', 0, 7),
        order: boolArg(ctx.values, 'order'),
        attributes: ctx.values.attributes as string | undefined,
      });
      return finish(ctx, { ...r, namesrvErrors: r.namesrvs?.errors }, () => {
        for (const t of r.done) ctx.out(`create topic to ${t.brokerAddr}${t.brokerName ? ` (${t.brokerName})` : ''} success.`);
        if (r.orderConf) ctx.out(`set orderConf of ${r.topic}: ${r.orderConf}`);
      }, 'write');
    }),
};

export const deleteTopicCommand: CommandSpec = {
  name: 'deleteTopic',
  summary: "Delete a topic from a cluster's brokers and from every nameserver",
  usage: 'admin deleteTopic [-n ADDR] -c CLUSTER -t TOPIC',
  options: { ...NAMESRV_OPTION, topic: opt('t', 'topic name', 'TOPIC'), clusterName: opt('c', 'delete the topic from this cluster', 'CLUSTER') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const topic = requireOpt(ctx.values, 'topic');
      const cluster = requireOpt(ctx.values, 'clusterName');
      const r = await admin.deleteTopic(topic, cluster);
      return finish(ctx, { ...r, namesrvErrors: r.namesrvs.errors }, () => {
        ctx.out(`delete topic [${topic}] from cluster [${cluster}]: ${r.done.length} broker(s) done.`);
        ctx.out(`delete topic [${topic}] from NameServer: ${r.namesrvs.done.length} nameserver(s) done.`);
      }, 'write');
    }),
};
