// `rocketdeck consume`: a push consumer that prints every message it gets, optionally stopping after N.

import { setLogLevel } from '../../common/log.ts';
import { credentialOpts } from './admin/common.ts';
import { CREDENTIAL_OPTIONS } from './credentials.ts';
import { getKeys, getTags, MessageSelector, PushConsumer, type ConsumedMessage, type ConsumeFromWhere } from '../../client/index.ts';
import { formatConsumeTimestamp } from '../../client/push-consumer-options.ts';
import { EXIT_OK, intOpt, stringOpt, UsageError, waitForAbort, type CommandSpec } from '../framework.ts';

/** --from: first | last | a time (epoch ms, yyyyMMddHHmmss or an ISO date). */
export function parseFrom(from: string): { consumeFromWhere: ConsumeFromWhere; consumeTimestamp?: string } {
  if (from === 'first') return { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' };
  if (from === 'last') return { consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' };
  if (/^\d{14}$/.test(from)) return { consumeFromWhere: 'CONSUME_FROM_TIMESTAMP', consumeTimestamp: from };
  const ms = /^\d{1,13}$/.test(from) ? Number(from) : Date.parse(from);
  if (!Number.isFinite(ms)) throw new UsageError(`--from must be first, last, epoch ms, yyyyMMddHHmmss or an ISO date, got '${from}'`);
  return { consumeFromWhere: 'CONSUME_FROM_TIMESTAMP', consumeTimestamp: formatConsumeTimestamp(ms) };
}

function view(m: ConsumedMessage): Record<string, unknown> {
  return {
    topic: m.topic, brokerName: m.brokerName, queueId: m.queueId, queueOffset: m.queueOffset, msgId: m.msgId, offsetMsgId: m.offsetMsgId,
    keys: getKeys(m) ?? null, tags: getTags(m) ?? null, reconsumeTimes: m.reconsumeTimes, storeTimestamp: m.storeTimestamp, body: m.body.toString('utf8'),
  };
}

/** topic=T queue=broker-a:3 offset=12 msgId=... keys=... tags=... body=... */
export function formatLine(m: ConsumedMessage): string {
  return `topic=${m.topic} queue=${m.brokerName}:${m.queueId} offset=${m.queueOffset} msgId=${m.msgId} keys=${getKeys(m) ?? ''} tags=${getTags(m) ?? ''} body=${m.body.toString('utf8')}`;
}

export const consumeCommand: CommandSpec = {
  name: 'consume',
  summary: 'Print the messages of a topic as a consumer group member (RocketMQ push consumer)',
  usage: 'consume -n 127.0.0.1:9876 -t TOPIC -g GROUP [--broadcast] [--count N] [--from first|last|TIME] [--sub EXPR | --sql EXPR]',
  options: {
    namesrvAddr: { type: 'string', short: 'n', valueName: 'ADDR', description: "nameserver addresses 'host:port;host:port' (default: $NAMESRV_ADDR)" },
    ...CREDENTIAL_OPTIONS,
    topic: { type: 'string', short: 't', valueName: 'TOPIC', description: 'topic to consume' },
    group: { type: 'string', short: 'g', valueName: 'GROUP', description: 'consumer group' },
    broadcast: { type: 'boolean', description: 'BROADCASTING model: every member gets every message (offsets kept locally)' },
    count: { type: 'string', short: 'c', valueName: 'N', description: 'exit after N messages (default: run until Ctrl-C)' },
    from: { type: 'string', valueName: 'WHERE', description: "where a group without committed offsets starts: 'first', 'last' or a time (epoch ms, yyyyMMddHHmmss, ISO)", default: 'last' },
    sub: { type: 'string', short: 's', valueName: 'EXPR', description: "tag expression, e.g. 'TagA || TagB'", default: '*' },
    sql: {
      type: 'string', valueName: 'EXPR',
      description: "SQL92 selector over message properties, e.g. \"region = 'eu' AND amount > 100\" (broker: enablePropertyFilter=true)",
    },
  },
  details: [
    'Prints one line per message: topic, queue (brokerName:queueId), offset, msgId, keys, tags and body.',
    'With --json every line is one JSON object (JSON Lines). Offsets are committed when it exits.',
  ].join('\n'),
  async run(ctx) {
    if (!process.env.ROCKETDECK_LOG_LEVEL) setLogLevel('error');
    const topic = stringOpt(ctx.values, 'topic', true)!;
    const group = stringOpt(ctx.values, 'group', true)!;
    const count = intOpt(ctx.values, 'count', 1, Number.MAX_SAFE_INTEGER);
    const from = parseFrom(stringOpt(ctx.values, 'from')!);
    let consumer: PushConsumer;
    try {
      consumer = new PushConsumer({
        group,
        namesrvAddr: stringOpt(ctx.values, 'namesrvAddr'),
        ...credentialOpts(ctx.values),
        messageModel: ctx.values.broadcast === true ? 'BROADCASTING' : 'CLUSTERING',
        ...from,
        // One listener call at a time keeps the output in queue order and lets --count stop exactly.
        consumeThreadMin: 1,
      });
      const sql = stringOpt(ctx.values, 'sql');
      if (sql !== undefined && stringOpt(ctx.values, 'sub') !== '*') throw new Error('give either --sub or --sql, not both');
      consumer.subscribe(topic, sql !== undefined ? MessageSelector.bySql(sql) : stringOpt(ctx.values, 'sub'));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    let printed = 0;
    const stop = new AbortController();
    ctx.signal.addEventListener('abort', () => stop.abort(), { once: true });
    consumer.onMessage((m) => {
      if (count !== undefined && printed >= count) {
        // Past the count: never finish, so the offset of this message is not committed and the next run sees it.
        return new Promise<void>(() => {});
      }
      printed++;
      ctx.out(ctx.json ? JSON.stringify(view(m)) : formatLine(m));
      if (count !== undefined && printed >= count) stop.abort();
    });
    await consumer.start();
    try {
      await waitForAbort(stop.signal);
    } finally {
      await consumer.shutdown();
    }
    return EXIT_OK;
  },
};
