// `rocketdeck produce`: sends messages with the client SDK and prints one line per message (or a JSON summary).

import { randomBytes } from 'node:crypto';
import { setLogLevel } from '../../common/log.ts';
import { credentialOpts } from './admin/common.ts';
import { CREDENTIAL_OPTIONS } from './credentials.ts';
import { MQClientError, Producer, type SendResult } from '../../client/index.ts';
import { ProtocolError } from '../../protocol/errors.ts';
import { RemotingError } from '../../remoting/errors.ts';
import { CliError, EXIT_FAILURE, EXIT_OK, intOpt, stringOpt, UsageError, type CommandSpec } from '../framework.ts';

export const produceCommand: CommandSpec = {
  name: 'produce',
  summary: 'Send messages to a topic (RocketMQ producer)',
  usage: 'produce -n 127.0.0.1:9876 -t TOPIC [--count N] [--size BYTES] [--tag T] [--keys K] [--body TEXT]',
  options: {
    namesrvAddr: { type: 'string', short: 'n', valueName: 'ADDR', description: "nameserver addresses 'host:port;host:port' (default: $NAMESRV_ADDR)" },
    ...CREDENTIAL_OPTIONS,
    topic: { type: 'string', short: 't', valueName: 'TOPIC', description: 'topic to send to' },
    count: { type: 'string', short: 'c', valueName: 'N', description: 'messages to send', default: '1' },
    size: { type: 'string', short: 's', valueName: 'BYTES', description: 'body size when no --body is given (random text)', default: '128' },
    tag: { type: 'string', valueName: 'TAG', description: 'TAGS property of every message' },
    keys: { type: 'string', short: 'k', valueName: 'KEYS', description: 'KEYS property (several keys space-separated)' },
    body: { type: 'string', short: 'b', valueName: 'TEXT', description: 'message body (the same for every message)' },
    group: { type: 'string', short: 'g', valueName: 'GROUP', description: 'producer group', default: 'rocketdeck_cli_producer' },
    delay: { type: 'string', valueName: 'LEVEL', description: 'delay level (1 = 1s, 2 = 5s, 3 = 10s, ...)' },
  },
  details: [
    'Prints one line per message: status, msgId, queue (brokerName:queueId), queue offset.',
    'With --json prints one summary document instead: counts, throughput and the result of every send.',
  ].join('\n'),
  async run(ctx) {
    if (!process.env.ROCKETDECK_LOG_LEVEL) setLogLevel('error');
    const topic = stringOpt(ctx.values, 'topic', true)!;
    const count = intOpt(ctx.values, 'count', 1, 10_000_000)!;
    const size = intOpt(ctx.values, 'size', 1, 4 * 1024 * 1024)!;
    const delay = intOpt(ctx.values, 'delay', 0, 100);
    const text = stringOpt(ctx.values, 'body');
    const tag = stringOpt(ctx.values, 'tag');
    const keys = stringOpt(ctx.values, 'keys');
    let producer: Producer;
    try {
      producer = new Producer({ group: stringOpt(ctx.values, 'group')!, namesrvAddr: stringOpt(ctx.values, 'namesrvAddr'), ...credentialOpts(ctx.values) });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const results: Array<{ index: number; result?: SendResult; error?: string }> = [];
    const started = Date.now();
    await producer.start();
    try {
      for (let i = 0; i < count && !ctx.signal.aborted; i++) {
        const body = text !== undefined ? Buffer.from(text) : randomBytes(Math.ceil(size / 2)).toString('hex').slice(0, size);
        try {
          const r = await producer.send({ topic, body, tags: tag, keys: keys?.split(' ').filter(Boolean), delayTimeLevel: delay });
          results.push({ index: i, result: r });
          if (!ctx.json) ctx.out(`${r.sendStatus} msgId=${r.msgId} queue=${r.messageQueue.brokerName}:${r.messageQueue.queueId} offset=${r.queueOffset}`);
        } catch (err) {
          if (!(err instanceof MQClientError || err instanceof RemotingError || err instanceof ProtocolError)) throw err;
          results.push({ index: i, error: err.message });
          if (!ctx.json) ctx.err(`FAILED message ${i}: ${err.message}`);
          if (count === 1) throw new CliError(err.message);
        }
      }
    } finally {
      await producer.shutdown();
    }
    const elapsedMs = Date.now() - started;
    const failed = results.filter((r) => r.error !== undefined).length;
    if (ctx.json) {
      ctx.out(JSON.stringify({
        ok: failed === 0,
        topic,
        sent: results.length - failed,
        failed,
        elapsedMs,
        tps: elapsedMs > 0 ? Math.round(((results.length - failed) * 1000) / elapsedMs) : 0,
        results: results.map((r) => r.result
          ? { index: r.index, sendStatus: r.result.sendStatus, msgId: r.result.msgId, offsetMsgId: r.result.offsetMsgId, brokerName: r.result.messageQueue.brokerName, queueId: r.result.messageQueue.queueId, queueOffset: r.result.queueOffset }
          : { index: r.index, error: r.error }),
      }));
    }
    return failed === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};
