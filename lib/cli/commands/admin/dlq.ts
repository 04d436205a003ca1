// admin dlq list|show|resend|export: dead-letter queues (%DLQ%<group>) of a RocketDeck or Apache RocketMQ cluster.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CommandSpec } from '../../framework.ts';
import { UsageError, intOpt } from '../../framework.ts';
import { exportLines, formatTime, parseRocketDate, EXPORT_FORMATS, type DlqMessage, type ExportFormat } from '../../../admin/index.ts';
import { NAMESRV_OPTION, finish, opt, printTable, requireOpt, withAdmin } from './common.ts';

function timeArg(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (typeof v !== 'string') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const ms = parseRocketDate(v);
  if (ms === undefined) throw new UsageError(`--${name} must be epoch ms or yyyy-MM-dd#HH:mm:ss:SSS, got '${v}'`);
  return ms;
}

const idList = (values: Record<string, unknown>, name: string): string[] | undefined => {
  const v = values[name];
  if (typeof v !== 'string') return undefined;
  const ids = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError(`--${name} names no message id`);
  return ids;
};

const GROUP = { group: opt('g', 'consumer group (its DLQ is %DLQ%<group>)', 'GROUP') };
const RANGE = {
  beginTimestamp: opt('b', 'begin: epoch ms or yyyy-MM-dd#HH:mm:ss:SSS (default: 3 days ago; export: the first)', 'TIME'),
  endTimestamp: opt('e', 'end: epoch ms or yyyy-MM-dd#HH:mm:ss:SSS (default: now)', 'TIME'),
};

const listCommand: CommandSpec = {
  name: 'list',
  summary: 'Groups with dead letters: how many and the newest',
  usage: 'admin dlq list [-n ADDR] [--json]',
  options: { ...NAMESRV_OPTION },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const r = await admin.dlqList();
      return finish(ctx, r, () => {
        printTable(ctx, ['#Group', '#Dead Letters', '#Newest'], r.groups.map((g) => [g.group, g.messages, g.newest ? formatTime(g.newest) : '-']));
      }, 'read', r.groups.length === 0 && r.errors.length > 0);
    }),
};

const showCommand: CommandSpec = {
  name: 'show',
  summary: "A page of a group's dead letters (newest first), or the ones named by -i",
  usage: 'admin dlq show [-n ADDR] -g GROUP [-b BEGIN] [-e END] [--page 0] [--pageSize 20] [-i OFFSET_ID,...] [-d] [--json]',
  options: {
    ...NAMESRV_OPTION, ...GROUP, ...RANGE,
    page: opt(undefined, 'page, from 0 (default 0)', 'N'),
    pageSize: opt(undefined, 'messages per page (default 20, at most 1000)', 'N'),
    msgId: opt('i', 'offset message id(s) of dead letters, comma separated', 'OFFSET_ID'),
    printBody: { type: 'boolean', short: 'd', description: 'print the bodies' },
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = requireOpt(ctx.values, 'group');
      const ids = idList(ctx.values, 'msgId');
      if (ids) {
        const messages: DlqMessage[] = [];
        for await (const m of admin.dlqStream({ group, offsetMsgIds: ids })) messages.push(m);
        return finish(ctx, { messages }, () => {
          for (const m of messages) {
            ctx.out(`${m.offsetMsgId}  msgId ${m.msgId}  from ${m.originalTopic ?? '?'}  reconsumed ${m.reconsumeTimes}x  stored ${formatTime(m.storeTimestamp)}`);
            ctx.out(`  tags [${m.tags ?? ''}] keys [${m.keys.join(' ')}] properties ${JSON.stringify(m.properties)}`);
            if (ctx.values.printBody) ctx.out(`  body ${m.body}`);
          }
        }, 'read');
      }
      const end = timeArg(ctx.values, 'endTimestamp') ?? Date.now();
      const begin = timeArg(ctx.values, 'beginTimestamp') ?? end - 3 * 86_400_000;
      const r = await admin.dlqBrowse({ group, begin, end, page: intOpt(ctx.values, 'page', 0, 100_000) ?? 0, pageSize: intOpt(ctx.values, 'pageSize', 1, 1000) ?? 20 });
      return finish(ctx, r, () => {
        ctx.out(`${r.topic}: ${r.total} dead letter(s) stored ${formatTime(begin)} .. ${formatTime(end)}; page ${r.page} (${r.messages.length})`);
        printTable(ctx, ['#Offset ID', '#Message ID', '#Original Topic', '#Reconsumed', '#Store Time', '#Tags', '#Keys', ...(ctx.values.printBody ? ['#Body'] : [])],
          r.messages.map((m) => [m.offsetMsgId, m.msgId, m.originalTopic ?? '-', m.reconsumeTimes, formatTime(m.storeTimestamp), m.tags, m.keys.join(' '), ...(ctx.values.printBody ? [m.body] : [])]));
      }, 'read', r.messages.length === 0 && r.errors.length > 0);
    }),
};

const resendCommand: CommandSpec = {
  name: 'resend',
  summary: 'Send dead letters again to their original topic, or (-c) to one online client of the group directly',
  usage: 'admin dlq resend [-n ADDR] -g GROUP -i OFFSET_ID[,OFFSET_ID...] [-c CLIENT_ID] [--json]',
  options: {
    ...NAMESRV_OPTION, ...GROUP,
    msgId: opt('i', 'offset message id(s) of dead letters, comma separated', 'OFFSET_ID'),
    clientId: opt('c', 'deliver to this online client (CONSUME_MESSAGE_DIRECTLY) instead of resending', 'CLIENT_ID'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = requireOpt(ctx.values, 'group');
      const ids = idList(ctx.values, 'msgId');
      if (!ids) throw new UsageError('-i/--msgId is required');
      const clientId = ctx.values.clientId as string | undefined;
      const results = clientId ? await admin.dlqConsumeDirectly(group, clientId, ids) : await admin.dlqResend(group, ids);
      const failed = results.filter((r) => !r.ok);
      if (ctx.json) ctx.out(JSON.stringify({ results }));
      else {
        printTable(ctx, ['#Offset ID', '#Result', '#Detail'], results.map((r) => [r.offsetMsgId, r.ok ? 'OK' : 'FAILED',
          'newMsgId' in r && r.newMsgId ? `${r.topic} ${r.newMsgId}` : 'result' in r && r.result ? `${r.result.consumeResult} ${r.result.remark}`.trim() : r.error ?? '']));
      }
      for (const f of failed) ctx.err(`error: ${f.offsetMsgId}: ${f.error ?? ('result' in f && f.result ? f.result.consumeResult : 'failed')}`);
      return failed.length ? 1 : 0;
    }),
};

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'Write dead letters (a time range or the ones named by -i) as JSON lines or CSV, streamed',
  usage: 'admin dlq export [-n ADDR] -g GROUP [-b BEGIN] [-e END] [-i OFFSET_ID,...] [-f jsonl|csv] [-o FILE]',
  options: {
    ...NAMESRV_OPTION, ...GROUP, ...RANGE,
    msgId: opt('i', 'offset message id(s) of dead letters, comma separated', 'OFFSET_ID'),
    format: opt('f', 'jsonl (default) or csv', 'FORMAT'),
    output: opt('o', 'file to write (default: stdout)', 'FILE'),
  },
  run: (ctx) =>
    withAdmin(ctx, async (admin) => {
      const group = requireOpt(ctx.values, 'group');
      const format = ((ctx.values.format as string | undefined) ?? 'jsonl') as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
      const ids = idList(ctx.values, 'msgId');
      const file = ctx.values.output as string | undefined;
      const out: Writable = file ? createWriteStream(file) : process.stdout;
      let n = 0;
      try {
        const stream = ids ? admin.dlqStream({ group, offsetMsgIds: ids })
          : admin.dlqStream({ group, begin: timeArg(ctx.values, 'beginTimestamp') ?? 0, end: timeArg(ctx.values, 'endTimestamp') ?? Date.now() });
        for await (const line of exportLines(stream, format)) {
          if (ctx.signal.aborted) break;
          await write(out, line);
          n++;
        }
      } finally {
        if (file) {
          out.end();
          await once(out, 'close');
        }
      }
      ctx.err(`exported ${format === 'csv' ? n - 1 : n} dead letter(s) of ${group}${file ? ` to ${file}` : ''}`);
      return 0;
    }),
};

export const dlqCommand: CommandSpec = {
  name: 'dlq',
  summary: 'Dead-letter queues: list groups with dead letters, show, resend and export them',
  usage: 'admin dlq <list|show|resend|export> [options]',
  subcommands: [listCommand, showCommand, resendCommand, exportCommand],
};
