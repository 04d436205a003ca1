// Child process for the gRPC tests: a SimpleConsumer (official Node client) that receives messages without acking
// them and prints each body as a JSON line, until it is killed. argv: endpoint group topic invisibleMs
import { SimpleConsumer } from 'rocketmq-client-nodejs';

const [endpoint, group, topic, invisible] = process.argv.slice(2);
const quiet = { info() {}, warn() {}, error() {}, debug() {}, close() {} };
const c = new SimpleConsumer({ endpoints: endpoint!, namespace: '', consumerGroup: group!, subscriptions: new Map([[topic!, '*']]), awaitDuration: 2_000, logger: quiet as never });
await c.startup();
process.stdout.write(JSON.stringify({ event: 'started' }) + '\n');
for (;;) {
  for (const m of await c.receive(16, Number(invisible))) process.stdout.write(JSON.stringify({ event: 'received', body: m.body.toString() }) + '\n');
}
