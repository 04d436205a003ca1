// A push consumer as a separate process for the integration tests (which SIGKILL it): argv[2] is a JSON object of
// PushConsumerOptions plus `topic` and `subExpression`; every received message and assignment change goes to
// stdout as one JSON line.

import { setLogSink } from '../../common/log.ts';
import { PushConsumer } from '../push-consumer.ts';
import type { PushConsumerOptions } from '../push-consumer-options.ts';

setLogSink((line) => process.stderr.write(line + '\n'));
const { topic, subExpression, ...options } = JSON.parse(process.argv[2] ?? '{}') as PushConsumerOptions & { topic: string; subExpression?: string };
const out = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

const consumer = new PushConsumer(options);
consumer.subscribe(topic, subExpression ?? '*');
consumer.onMessage((msg) => {
  out({ event: 'msg', msgId: msg.msgId, queue: `${msg.brokerName}:${msg.queueId}`, offset: msg.queueOffset, body: msg.body.toString(), reconsumeTimes: msg.reconsumeTimes, at: Date.now() });
});
await consumer.start();
out({ event: 'ready', clientId: consumer.clientId });

// Reports the assignment whenever it changes (checked often; the report itself is what the test waits on).
let last = '';
setInterval(() => {
  const queues = consumer.assignedQueues().filter((q) => q.topic === topic).map((q) => `${q.brokerName}:${q.queueId}`).sort();
  const key = queues.join(',');
  if (key !== last) {
    last = key;
    out({ event: 'assigned', queues, at: Date.now() });
  }
}, 20);

const stop = () => {
  void consumer.shutdown().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
