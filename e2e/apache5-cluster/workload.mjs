#!/usr/bin/env node
// Traffic through a real Apache RocketMQ 5.x proxy with the official Node.js client (rocketmq-client-nodejs, a
// devDependency): normal, FIFO (message group) and timer (delivery time) messages, and a SimpleConsumer (POP) group
// that acks some and leaves others in flight. Prints READY once sent and received, then holds its clients online
// until SIGTERM (the console checks need them connected).
//   node e2e/apache5-cluster/workload.mjs <proxy-grpc host:port> <normal topic> <fifo topic> <delay topic> <pop group>

import { Producer, SimpleConsumer, FilterExpression } from 'rocketmq-client-nodejs';

const [endpoint, topic, fifoTopic, delayTopic, group] = process.argv.slice(2);
if (!group) {
  console.error('usage: workload.mjs <endpoint> <topic> <fifoTopic> <delayTopic> <popGroup>');
  process.exit(2);
}
const noisy = process.env.A5_VERBOSE === '1';
const quiet = { info() {}, debug() {}, close() {}, warn: (...a) => noisy && console.error('WARN', ...a), error: (...a) => noisy && console.error('ERROR', ...a) };
const producer = new Producer({ endpoints: endpoint, namespace: '', requestTimeout: 10000, logger: quiet });
const consumer = new SimpleConsumer({
  endpoints: endpoint, namespace: '', consumerGroup: group, subscriptions: new Map().set(topic, FilterExpression.SUB_ALL),
  awaitDuration: 3000, requestTimeout: 10000, logger: quiet,
});

const say = (o) => console.log(JSON.stringify(o));
await consumer.startup();
say({ event: 'consumer started' });
await producer.startup();
say({ event: 'producer started' });
let sent = 0;
say({ event: 'sending' });
for (let i = 0; i < 40; i++) {
  await producer.send({ topic, tag: 'a5', keys: [`n-${i}`], body: Buffer.from(`normal ${i}`) });
  sent++;
}
for (let i = 0; i < 10; i++) {
  await producer.send({ topic: fifoTopic, tag: 'a5', messageGroup: `order-${i % 3}`, body: Buffer.from(`fifo ${i}`) });
  sent++;
}
// timer messages due in an hour: they stay pending in the timer wheel while the checks run
for (let i = 0; i < 5; i++) {
  await producer.send({ topic: delayTopic, tag: 'a5', deliveryTimestamp: new Date(Date.now() + 3600_000), body: Buffer.from(`timer ${i}`) });
  sent++;
}
say({ event: 'sent', sent });

// receive: ack every other message, leave the rest invisible for 10 minutes (in flight)
let received = 0;
let acked = 0;
const deadline = Date.now() + 60_000;
while (received < 20 && Date.now() < deadline) {
  const msgs = await consumer.receive(16, 600_000).catch(() => []);
  for (const m of msgs) {
    received++;
    if (received % 2 === 0) {
      await consumer.ack(m);
      acked++;
    }
  }
}
say({ event: 'READY', sent, received, acked, inFlight: received - acked });

const stop = async () => {
  await Promise.race([Promise.allSettled([producer.shutdown(), consumer.shutdown()]), new Promise((r) => setTimeout(r, 5000))]);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// keep sending a little so put TPS and receive figures stay live
setInterval(() => { producer.send({ topic, tag: 'a5', body: Buffer.from('tick') }).catch(() => {}); }, 1000);
setInterval(() => { consumer.receive(4, 30_000).then((ms) => Promise.all(ms.map((m) => consumer.ack(m)))).catch(() => {}); }, 2000);
