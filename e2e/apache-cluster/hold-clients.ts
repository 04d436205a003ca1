// Keeps a producer (group from argv[3]) and a push consumer (group argv[4]) of topic argv[2] online until SIGTERM,
// so admin-checks.sh can ask an Apache broker about live connections. Prints READY <clientId-ish> when both are up.
import { setLogSink } from '../../lib/common/log.ts';
import { Producer, PushConsumer } from '../../lib/client/index.ts';

setLogSink(() => {});
const [topic, producerGroup, consumerGroup] = process.argv.slice(2);
const namesrvAddr = process.env.NAMESRV_ADDR;
if (!topic || !producerGroup || !consumerGroup || !namesrvAddr) {
  console.error('usage: NAMESRV_ADDR=... hold-clients.ts TOPIC PRODUCER_GROUP CONSUMER_GROUP');
  process.exit(2);
}
const fast = { pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500 };
const producer = new Producer({ group: producerGroup, namesrvAddr, ...fast });
const consumer = new PushConsumer({ group: consumerGroup, namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceInterval: 1000, ...fast });
consumer.subscribe(topic).onMessage(() => {});
await producer.start();
await consumer.start();
await producer.send({ topic, body: 'hold-clients', keys: ['hold-key'] });
const deadline = Date.now() + 30_000;
while (consumer.assignedQueues().filter((q) => q.topic === topic).length === 0) {
  if (Date.now() > deadline) {
    console.error('consumer got no queues');
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.log('READY');
const stop = async () => {
  await consumer.shutdown();
  await producer.shutdown();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
setInterval(() => void producer.send({ topic, body: 'tick' }).catch(() => {}), 1000);
