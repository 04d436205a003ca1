// admin queryMsgById, queryMsgByKey, printMsg (topic and time range), sendMessage.

import type { CommandSpec } from '../../framework.ts';
import { UsageError, intOpt } from '../../framework.ts';
import { describeError, formatTime, parseRocketDate, type BrokerFailure, type MessageView } from '../../../admin/index.ts';
import { NAMESRV_OPTION, finish, opt, printTable, requireOpt, withAdmin } from './common.ts';

function printMessage(out: (l: string) => void, m: MessageView): void {
  const row = (k: string, v: string | number) => out(`${k.padEnd(20)} ${v}`);
  row('OffsetID:', m.offsetMsgId);
  row('MsgId:', m.msgId);
  row('Topic:', m.topic);
  row('Tags:', `[${m.tags ?? ''}]`);
  row('Keys:', `[${m.keys.join(' ')}]`);
  row('Queue ID:', m.queueId);
  row('Queue Offset:', m.queueOffset);
  row('CommitLog Offset:', m.commitLogOffset);
  row('Reconsume Times:', m.reconsumeTimes);
  row('Born Timestamp:', formatTime(m.bornTimestamp));
  row('Store Timestamp:', formatTime(m.storeTimestamp));
  row('Born Host:', m.bornHost);
  row('Store Host:', m.storeHost);
  row('System Flag:', m.sysFlag);
  row('Properties:', JSON.stringify(m.properties));
  row('Message Body:', m.body);
}

export const queryMsgByIdCommand: CommandSpec = {
  name: 'queryMsgById',
  summary: 'Show messages by offset id, or by unique key (client msgId) when the topic is given',
  usage: 'admin queryMsgById [-n ADDR] -i MSG_ID[,MSG_ID...] [-t TOPIC] [--json]',
  options: { ...NAMESRV_OPTION, msgId: opt('i', 'message id(s), comma separated', 'MSG_ID'), topic: opt('t', 'topic (needed for unique keys)', 'TOPIC') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const ids = requireOpt(ctx.values, 'msgId').split(',').map((s) => s.trim()).filter(Boolean);
      const topic = (ctx.values.topic as string | undefined)?.trim();
      const messages: MessageView[] = [];
      const errors: BrokerFailure[] = [];
      for (const id of ids) {
        try {
          messages.push(...(await admin.viewMessage(id, { topic })));
        } catch (err) {
          errors.push({ brokerName: '', brokerAddr: id, error: describeError(err) });
        }
      }
      return finish(ctx, { messages, errors }, () => {
        messages.forEach((m, i) => {
          if (i > 0) ctx.out('');
          printMessage(ctx.out, m);
        });
      }, 'read', messages.length === 0);
    }),
};

export const queryMsgByKeyCommand: CommandSpec = {
  name: 'queryMsgByKey',
  summary: 'Find messages of a topic by key (the broker index)',
  usage: 'admin queryMsgByKey [-n ADDR] -t TOPIC -k KEY [-b BEGIN_MS] [-e END_MS] [-m 64] [--json]',
  options: {
    ...NAMESRV_OPTION,
    topic: opt('t', 'topic', 'TOPIC'),
    msgKey: opt('k', 'message key', 'KEY'),
    beginTimestamp: opt('b', 'begin timestamp (ms, default 0)', 'MS'),
    endTimestamp: opt('e', 'end timestamp (ms, default no end)', 'MS'),
    maxNum: opt('m', 'most messages per broker (default 64)', 'N'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.queryMessageByKey({
        topic: requireOpt(ctx.values, 'topic'), key: requireOpt(ctx.values, 'msgKey'),
        begin: intOpt(ctx.values, 'beginTimestamp', 0), end: intOpt(ctx.values, 'endTimestamp', 0), maxNum: intOpt(ctx.values, 'maxNum', 1, 65536),
      });
      return finish(ctx, r, () => {
        printTable(ctx, ['#Message ID', '#QID', '#Offset', '#Store Time'], r.messages.map((m) => [m.msgId, m.queueId, m.queueOffset, formatTime(m.storeTimestamp)]));
      }, 'read', r.messages.length === 0 && r.errors.length > 0);
    }),
};

function timeArg(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (typeof v !== 'string') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const ms = parseRocketDate(v);
  if (ms === undefined) throw new UsageError(`--${name} must be epoch ms or yyyy-MM-dd#HH:mm:ss:SSS, got '${v}'`);
  return ms;
}

export const printMsgCommand: CommandSpec = {
  name: 'printMsg',
  summary: 'Print messages of a topic stored in a time range (oldest first)',
  usage: 'admin printMsg [-n ADDR] -t TOPIC [-b BEGIN] [-e END] [-m 32] [-d] [--json]',
  options: {
    ...NAMESRV_OPTION,
    topic: opt('t', 'topic', 'TOPIC'),
    beginTimestamp: opt('b', 'begin: epoch ms or yyyy-MM-dd#HH:mm:ss:SSS (default: an hour ago)', 'TIME'),
    endTimestamp: opt('e', 'end: epoch ms or yyyy-MM-dd#HH:mm:ss:SSS (default: now)', 'TIME'),
    maxNum: opt('m', 'most messages (default 32)', 'N'),
    printBody: { type: 'boolean', short: 'd', description: 'print the bodies' },
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const end = timeArg(ctx.values, 'endTimestamp') ?? Date.now();
      const begin = timeArg(ctx.values, 'beginTimestamp') ?? end - 3_600_000;
      const r = await admin.queryMessageByTime({ topic: requireOpt(ctx.values, 'topic'), begin, end, maxNum: intOpt(ctx.values, 'maxNum', 1, 100_000) });
      return finish(ctx, r, () => {
        printTable(ctx, ['#Message ID', '#Broker', '#QID', '#Offset', '#Store Time', '#Tags', '#Keys', ...(ctx.values.printBody ? ['#Body'] : [])],
          r.messages.map((m) => [m.msgId, m.storeHost, m.queueId, m.queueOffset, formatTime(m.storeTimestamp), m.tags, m.keys.join(' '), ...(ctx.values.printBody ? [m.body] : [])]));
      }, 'read', r.messages.length === 0 && r.errors.length > 0);
    }),
};

export const sendMessageCommand: CommandSpec = {
  name: 'sendMessage',
  summary: 'Send one test message to a topic',
  usage: 'admin sendMessage [-n ADDR] -t TOPIC -p BODY [-k KEYS] [-c TAGS] [--json]',
  options: {
    ...NAMESRV_OPTION,
    topic: opt('t', 'topic', 'TOPIC'),
    body: opt('p', 'message body (UTF-8 text)', 'BODY'),
    key: opt('k', 'message key(s), space separated', 'KEYS'),
    tags: opt('c', 'message tag', 'TAGS'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const body = ctx.values.body;
      if (typeof body !== 'string') throw new UsageError('missing required option --body (-p)');
      const keys = (ctx.values.key as string | undefined)?.split(' ').filter(Boolean);
      const r = await admin.sendTestMessage({ topic: requireOpt(ctx.values, 'topic'), body, keys, tags: ctx.values.tags as string | undefined });
      return finish(ctx, r, () => {
        printTable(ctx, ['#Broker Name', '#QID', '#Send Result', '#MsgId'], [[r.brokerName, r.queueId, r.sendStatus, r.msgId]]);
      }, 'write');
    }),
};

export const queryMsgTraceByIdCommand: CommandSpec = {
  name: 'queryMsgTraceById',
  summary: "A message's trace: its send, its store, each group's delivery attempts and its DLQ (trace topic keyed by msgId)",
  usage: 'admin queryMsgTraceById [-n ADDR] -i MSG_ID [-t TRACE_TOPIC] [--json]',
  options: { ...NAMESRV_OPTION, msgId: opt('i', "the producer's message id", 'MSG_ID'), traceTopic: opt('t', 'trace topic (default RMQ_SYS_TRACE_TOPIC)', 'TOPIC') },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const t = await admin.queryTrace(requireOpt(ctx.values, 'msgId').trim(), { traceTopic: (ctx.values.traceTopic as string | undefined)?.trim() });
      const rows: Array<Array<string | number | undefined>> = [];
      for (const p of t.produced) rows.push(['Pub', p.group ?? '', p.clientHost, formatTime(p.timestamp), `${p.costTime}ms`, p.success ? 'success' : 'failed']);
      if (t.stored) rows.push(['Stored', t.stored.topic, t.stored.storeHost, formatTime(t.stored.storeTimestamp), '', `queue ${t.stored.queueId} offset ${t.stored.queueOffset}`]);
      for (const x of t.transactions) rows.push(['EndTx', x.group ?? '', x.clientHost, formatTime(x.timestamp), '', x.transactionState ?? '']);
      for (const g of t.consumers) {
        for (const a of g.attempts) rows.push(['Sub', g.group, a.clientHost, formatTime(a.timestamp), a.costTime === null ? '' : `${a.costTime}ms`, `${a.status} (retry ${a.retryTimes})`]);
        if (g.dlq) rows.push(['DLQ', g.group, '', formatTime(g.dlq.storeTimestamp), '', g.dlq.topic]);
      }
      return finish(ctx, t, () => {
        printTable(ctx, ['#Type', '#Group', '#ClientHost', '#Time', '#CostTimes', '#Status'], rows);
        for (const e of t.errors) ctx.err(`warning: ${e}`);
      }, 'read');
    }),
};
