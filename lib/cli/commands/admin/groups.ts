// admin consumerProgress, consumerConnection, producerConnection, consumerStatus, updateSubGroup, deleteSubGroup.

import type { CommandSpec } from '../../framework.ts';
import { intOpt } from '../../framework.ts';
import { consumptionModeOf, describeError, formatTime, type BrokerFailure, type ClientConnection, type ConsumerRunningInfoResult } from '../../../admin/index.ts';
import { NAMESRV_OPTION, boolArg, brokerOrCluster, finish, opt, printTable, requireOpt, withAdmin } from './common.ts';

export const consumerProgressCommand: CommandSpec = {
  name: 'consumerProgress',
  summary: "Consumer groups with lag and TPS; with -g one group's per-queue offsets, lag and last consume time",
  usage: 'admin consumerProgress [-n ADDR] [--system] [-g GROUP [-t TOPIC] [-s true]] [--json]',
  options: {
    ...NAMESRV_OPTION,
    groupName: opt('g', 'consumer group name', 'GROUP'),
    topicName: opt('t', 'only this topic', 'TOPIC'),
    showClientIP: opt('s', 'show the client holding each queue (true|false)', 'BOOL'),
    system: { type: 'boolean', description: "list the brokers' own groups too (TOOLS_CONSUMER, CID_RMQ_SYS_*, ...)" },
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = ctx.values.groupName as string | undefined;
      if (!group) {
        // 5.x request modes of every group: one GET_ALL_MESSAGE_REQUEST_MODE per master (4.x: not available)
        const [r, modes] = await Promise.all([
          admin.groupList({ withConnections: true, includeSystem: ctx.values.system === true }),
          admin.groupRequestModes().catch((err: unknown) => ({ state: 'error' as const, error: describeError(err) })),
        ]);
        const setFor = new Map<string, Set<string>>();
        if (modes.state === 'ok') for (const m of modes.value) setFor.set(m.group, (setFor.get(m.group) ?? new Set()).add(m.mode));
        const rows = r.groups.map((g) => {
          const set = [...(setFor.get(g.group) ?? [])];
          const { mode } = consumptionModeOf({ consumeType: g.consumeType, requestModes: set.map((m) => ({ mode: m })) });
          return { ...g, consumptionMode: mode, requestMode: modes.state !== 'ok' ? null : set.length ? set.join('/') : 'PULL' };
        });
        return finish(ctx, { ...r, groups: rows }, () => {
          // #Mode: push / pull / POP as the console decides it; #Request Mode: the 5.x setting (N/A on 4.x brokers)
          printTable(ctx, ['#Group', '#Count', '#Version', '#Type', '#Model', '#TPS', '#Diff Total', '#Last Consume', '#Mode', '#Request Mode'],
            rows.map((g) => [g.group, g.count ?? '', g.count ? g.version : g.count === 0 ? 'OFFLINE' : '',
              g.count ? (g.consumeType === 'CONSUME_ACTIVELY' ? 'PULL' : g.consumeType === 'CONSUME_POP' ? 'POP' : 'PUSH') : '',
              g.count ? g.messageModel : '', g.consumeTps.toFixed(2), g.diffTotal, formatTime(g.lastConsumeTimestamp),
              g.consumptionMode === 'UNKNOWN' ? '-' : g.consumptionMode, g.requestMode ?? 'N/A']));
        }, 'read', r.groups.length === 0 && r.errors.length > 0);
      }
      const withClients = boolArg(ctx.values, 'showClientIP') ?? false;
      const r = await admin.consumerProgress(group.trim(), { topic: (ctx.values.topicName as string | undefined)?.trim(), withClients });
      // POP groups: receive/ack TPS (5.x stats items) and the retry/DLQ counts; a group that never popped prints none
      const topics = r.topic ? [r.topic] : [...new Set(r.queues.map((q) => q.topic))];
      const ps = topics.length ? await admin.popGroupStats(group.trim(), topics).catch((err: unknown) => {
        ctx.err(`warning: POP figures: ${describeError(err)}`);
        return undefined;
      }) : undefined;
      // GROUP_GET_NUMS counts pulled messages too (4.x and 5.x): only acks or messages in flight mark a POP group
      const popSeen = r.queues.some((q) => q.popInflight !== undefined) || !!ps?.topics.some((t) => t.acked > 0);
      if (ps && popSeen) Object.assign(r, { pop: ps });
      // Apache 5.x brokers report no in flight: derived from their revive log and timer wheel (bounded reads)
      const derived = popSeen && !r.queues.some((q) => q.popInflight !== undefined)
        ? await admin.reviveInflight(group.trim()).catch((err: unknown) => {
          ctx.err(`warning: POP in flight from the revive log: ${describeError(err)}`);
          return undefined;
        })
        : undefined;
      if (derived) {
        const by = new Map(derived.queues.map((q) => [`${q.topic} ${q.brokerName} ${q.queueId}`, q.inflight]));
        for (const q of r.queues) q.popInflight = by.get(`${q.topic} ${q.brokerName} ${q.queueId}`) ?? 0;
        Object.assign(r, { popInflight: derived });
      }
      return finish(ctx, r, () => {
        // POP groups: messages popped and not acked yet, as 5.x mqadmin's #Inflight column (RocketDeck brokers report
        // them; on Apache brokers they are derived from the revive log)
        const pop = r.queues.some((q) => q.popInflight !== undefined);
        const headers = ['#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', ...(withClients ? ['#Client'] : []), '#Diff',
          ...(pop ? ['#Inflight'] : []), '#LastTime'];
        printTable(ctx, headers, r.queues.map((q) => [q.topic, q.brokerName, q.queueId, q.brokerOffset, q.consumerOffset,
          ...(withClients ? [q.clientId ?? 'N/A'] : []), q.diff, ...(pop ? [q.popInflight ?? 0] : []), q.lastTimestamp ? formatTime(q.lastTimestamp) : 'N/A']));
        ctx.out('');
        ctx.out(`Consume TPS: ${r.consumeTps.toFixed(2)}`);
        ctx.out(`Consume Diff Total: ${r.diffTotal}`);
        if (derived) {
          ctx.out(`Consume Inflight Total: ${derived.partial ? '>= ' : ''}${derived.total} (derived from the revive log${derived.partial ? ', read capped' : ''})`);
          for (const e of derived.errors) ctx.err(`warning: revive log of ${e.brokerName} ${e.brokerAddr}: ${e.error}`);
        } else if (pop) ctx.out(`Consume Inflight Total: ${r.queues.reduce((n, q) => n + (q.popInflight ?? 0), 0)}`);
        if (ps && popSeen) {
          ctx.out(`Pop Receive TPS: ${ps.receiveTps.toFixed(2)}`);
          ctx.out(`Pop Ack TPS: ${ps.ackTps.toFixed(2)}`);
          ctx.out(`Retry Messages: ${ps.retryMessages}${ps.retryTopics.length ? ` (${ps.retryTopics.join(', ')})` : ''}`);
          ctx.out(`DLQ Messages: ${ps.dlqMessages}`);
          for (const e of ps.errors) ctx.err(`warning: POP figures from ${e.brokerName} ${e.brokerAddr}: ${e.error}`);
        }
        for (const c of r.clientErrors ?? []) ctx.err(`warning: client ${c.clientId}: ${c.error}`);
      }, 'read', r.queues.length === 0 && r.errors.length > 0);
    }),
};

/** "remoting", or "grpc_v2 (1.0.8)" for a 5.x SDK client behind a gRPC endpoint (its own version string). */
const protocolCell = (c: ClientConnection): string =>
  c.protocol === 'grpc' ? `${c.protocolType ?? 'grpc'}${c.clientVersion ? ` (${c.clientVersion})` : ''}` : 'remoting';

export const consumerConnectionCommand: CommandSpec = {
  name: 'consumerConnection',
  summary: "A consumer group's clients (id, address, language, version), subscriptions and consume mode",
  usage: 'admin consumerConnection [-n ADDR] -g GROUP [-b HOST:PORT] [--json]',
  options: { ...NAMESRV_OPTION, consumerGroup: opt('g', 'consumer group name', 'GROUP'), brokerAddr: opt('b', 'ask this broker', 'HOST:PORT') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.consumerConnection(requireOpt(ctx.values, 'consumerGroup'), { brokerAddr: (ctx.values.brokerAddr as string | undefined)?.trim() });
      return finish(ctx, r, () => {
        printTable(ctx, ['#ClientId', '#ClientAddr', '#Language', '#Version', '#Protocol'], r.connections.map((c) => [c.clientId, c.clientAddr, c.language, c.versionDesc, protocolCell(c)]));
        ctx.out('');
        ctx.out('Below is subscription:');
        printTable(ctx, ['#Topic', '#SubExpression'], r.subscriptions.map((s) => [s.topic, s.subString]));
        ctx.out('');
        ctx.out(`ConsumeType: ${r.consumeType ?? ''}`);
        ctx.out(`MessageModel: ${r.messageModel ?? ''}`);
        ctx.out(`ConsumeFromWhere: ${r.consumeFromWhere ?? ''}`);
      }, 'read');
    }),
};

export const producerConnectionCommand: CommandSpec = {
  name: 'producerConnection',
  summary: "A producer group's clients on a topic's brokers",
  usage: 'admin producerConnection [-n ADDR] -g GROUP -t TOPIC [--json]',
  options: { ...NAMESRV_OPTION, producerGroup: opt('g', 'producer group name', 'GROUP'), topic: opt('t', 'topic name', 'TOPIC') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.producerConnection(requireOpt(ctx.values, 'producerGroup'), requireOpt(ctx.values, 'topic'));
      return finish(ctx, r, () => {
        printTable(ctx, ['#', '#ClientId', '#ClientAddr', '#Language', '#Version', '#Protocol'],
          r.connections.map((c, i) => [String(i + 1).padStart(4, '0'), c.clientId, c.clientAddr, c.language, c.versionDesc, protocolCell(c)]));
      }, 'read');
    }),
};

export const consumerStatusCommand: CommandSpec = {
  name: 'consumerStatus',
  summary: "A consumer client's running info: the queues it holds and its rates (every client without -i)",
  usage: 'admin consumerStatus [-n ADDR] -g GROUP [-i CLIENT_ID] [--jstack] [--json]',
  options: {
    ...NAMESRV_OPTION, consumerGroup: opt('g', 'consumer group name', 'GROUP'), clientId: opt('i', 'the client id', 'CLIENT_ID'),
    jstack: { type: 'boolean', description: "ask Java clients for their thread stack too (mqadmin's -s jstackEnable)" },
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = requireOpt(ctx.values, 'consumerGroup');
      const clientId = (ctx.values.clientId as string | undefined)?.trim();
      const ids = clientId ? [clientId] : (await admin.consumerConnection(group)).connections.map((c) => c.clientId);
      const clients: ConsumerRunningInfoResult[] = [];
      const errors: BrokerFailure[] = [];
      for (const id of ids) {
        try {
          clients.push(await admin.consumerRunningInfo(group, id, { jstack: ctx.values.jstack === true }));
        } catch (err) {
          errors.push({ brokerName: '', brokerAddr: id, error: describeError(err) });
        }
      }
      return finish(ctx, { group, clients, errors }, () => {
        for (const c of clients) {
          ctx.out(`#Client ${c.clientId}`);
          printTable(ctx, ['#Topic', '#Broker Name', '#QID', '#Commit Offset', '#Cached', '#Last Pull', '#Last Consume'],
            c.queues.map((q) => [q.topic, q.brokerName, q.queueId, q.commitOffset, q.cachedMsgCount, formatTime(q.lastPullTimestamp), formatTime(q.lastConsumeTimestamp)]));
          for (const s of c.status) ctx.out(`${s.topic}: pull TPS ${s.pullTPS.toFixed(2)}, consume OK TPS ${s.consumeOKTPS.toFixed(2)}, failed TPS ${s.consumeFailedTPS.toFixed(2)}`);
          if (ctx.values.jstack === true) ctx.out(c.jstack ? `#Thread stack\n${c.jstack}` : '#Thread stack: none (only Java clients send one)');
          ctx.out('');
        }
      }, 'read', clients.length === 0);
    }),
};

const subGroupOptions = {
  ...NAMESRV_OPTION,
  brokerAddr: opt('b', 'on this broker', 'HOST:PORT'),
  clusterName: opt('c', "on this cluster's masters", 'CLUSTER'),
  groupName: opt('g', 'consumer group name', 'GROUP'),
};

export const updateSubGroupCommand: CommandSpec = {
  name: 'updateSubGroup',
  summary: "Create or update a subscription group on a cluster's masters or on one broker",
  usage: 'admin updateSubGroup [-n ADDR] (-b HOST:PORT | -c CLUSTER) -g GROUP [-s BOOL] [-m BOOL] [-d BOOL] [-o BOOL] [-q N] [-r N] [-i ID] [-w ID] [-a BOOL]',
  options: {
    ...subGroupOptions,
    consumeEnable: opt('s', 'consume enabled (true|false)', 'BOOL'),
    consumeFromMinEnable: opt('m', 'consume from the min offset (true|false)', 'BOOL'),
    consumeBroadcastEnable: opt('d', 'broadcast (true|false)', 'BOOL'),
    consumeMessageOrderly: opt('o', 'orderly (true|false, 5.x)', 'BOOL'),
    retryQueueNums: opt('q', 'retry queue count', 'N'),
    retryMaxTimes: opt('r', 'retry max times', 'N'),
    brokerId: opt('i', 'consume from this broker id', 'ID'),
    whichBrokerWhenConsumeSlowly: opt('w', 'broker id when consuming slowly', 'ID'),
    notifyConsumerIdsChanged: opt('a', 'notify consumer ids changed (true|false)', 'BOOL'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const v = ctx.values;
      const r = await admin.createOrUpdateSubGroup(brokerOrCluster(v), {
        groupName: requireOpt(v, 'groupName'),
        consumeEnable: boolArg(v, 'consumeEnable'),
        consumeFromMinEnable: boolArg(v, 'consumeFromMinEnable'),
        consumeBroadcastEnable: boolArg(v, 'consumeBroadcastEnable'),
        consumeMessageOrderly: boolArg(v, 'consumeMessageOrderly'),
        retryQueueNums: intOpt(v, 'retryQueueNums', 0, 1024),
        retryMaxTimes: intOpt(v, 'retryMaxTimes', -1, 10_000),
        brokerId: intOpt(v, 'brokerId', 0),
        whichBrokerWhenConsumeSlowly: intOpt(v, 'whichBrokerWhenConsumeSlowly', 0),
        notifyConsumerIdsChangedEnable: boolArg(v, 'notifyConsumerIdsChanged'),
      });
      return finish(ctx, r, () => {
        for (const t of r.done) ctx.out(`create subscription group to ${t.brokerAddr}${t.brokerName ? ` (${t.brokerName})` : ''} success.`);
        ctx.out(JSON.stringify(r.config));
      }, 'write');
    }),
};

export const deleteSubGroupCommand: CommandSpec = {
  name: 'deleteSubGroup',
  summary: "Delete a subscription group from a cluster's masters (and its retry/DLQ topics) or from one broker",
  usage: 'admin deleteSubGroup [-n ADDR] (-b HOST:PORT | -c CLUSTER) -g GROUP [-r BOOL]',
  options: { ...subGroupOptions, removeOffset: opt('r', 'remove the consumer offsets too (true|false)', 'BOOL') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = requireOpt(ctx.values, 'groupName');
      const r = await admin.deleteSubGroup(brokerOrCluster(ctx.values), group, { cleanOffset: boolArg(ctx.values, 'removeOffset') ?? false });
      return finish(ctx, r, () => {
        for (const t of r.done) ctx.out(`delete subscription group [${group}] from broker [${t.brokerAddr}] success.`);
        for (const t of r.deletedTopics ?? []) ctx.out(`delete topic [${t}] done.`);
        for (const e of r.topicErrors ?? []) ctx.err(`warning: ${e}`);
      }, 'write');
    }),
};

export const setConsumeModeCommand: CommandSpec = {
  name: 'setConsumeMode',
  summary: "Switch a group's consumption of a topic to POP or PULL (5.x brokers), on a cluster's masters or one broker",
  usage: 'admin setConsumeMode [-n ADDR] (-b HOST:PORT | -c CLUSTER) -g GROUP -t TOPIC -m POP|PULL [-q NUM]',
  options: {
    ...subGroupOptions,
    topicName: opt('t', 'topic name', 'TOPIC'),
    mode: opt('m', 'POP or PULL', 'MODE'),
    popShareQueueNum: opt('q', 'queues of the next N consumers a POP consumer may pop too (default 0)', 'NUM'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = requireOpt(ctx.values, 'groupName');
      const topic = requireOpt(ctx.values, 'topicName');
      const mode = requireOpt(ctx.values, 'mode');
      const share = intOpt(ctx.values, 'popShareQueueNum', 0) ?? 0;
      const r = await admin.setConsumeMode(brokerOrCluster(ctx.values), { topic, group, mode, popShareQueueNum: share });
      return finish(ctx, r, () => {
        for (const t of r.done) ctx.out(`set consume mode of group [${group}] on topic [${topic}] to ${mode.toUpperCase()} on broker [${t.brokerAddr}] success.`);
      }, 'write');
    }),
};
