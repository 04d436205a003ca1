// The official Node.js 5.x client (rocketmq-client-nodejs, this checkout's devDependency) through a gRPC endpoint:
// NORMAL, FIFO (two message groups) and DELAY sends, then a SimpleConsumer per topic receives and acks everything.
// Prints one line per check and "GRPC APACHE5 CHECK PASSED", or the failures and exit code 1.
//   node check.mjs HOST:PORT     (topics GrpcA5Normal/Fifo/Delay, groups grpc_a5_normal/fifo/delay must exist)
// GRPC_A5_ON_READY: a shell command run while the consumers are still online (its output is printed).
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import { Producer, SimpleConsumer } from 'rocketmq-client-nodejs';

const endpoints = process.argv[2];
if (!endpoints) {
  console.error('usage: node check.mjs HOST:PORT');
  process.exit(2);
}
// GRPC_A5_CLIENT_LOG=FILE: the client's own log lines go there (else nowhere).
const logFile = process.env.GRPC_A5_CLIENT_LOG ? fs.createWriteStream(process.env.GRPC_A5_CLIENT_LOG, { flags: 'a' }) : undefined;
const line = (level) => (...a) => logFile?.write(`${new Date().toISOString()} ${level} ${a.map((x) => (typeof x === 'string' ? x : x instanceof Error ? x.stack : JSON.stringify(x))).join(' ')}\n`);
const quiet = { info: line('INFO'), warn: line('WARN'), error: line('ERROR'), debug: line('DEBUG') };
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const consumer = (group, topic) => new SimpleConsumer({
  endpoints, namespace: '', consumerGroup: group, subscriptions: new Map([[topic, '*']]), awaitDuration: 3_000, logger: quiet,
});

/** Receives and acks until `n` messages arrived or the deadline passed; each with its arrival time. */
async function drain(c, n, timeoutMs = 60_000) {
  const got = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < n && Date.now() < deadline) {
    for (const m of await c.receive(16, 20_000)) {
      got.push({ m, at: Date.now() });
      await c.ack(m);
    }
  }
  return got;
}

const normal = consumer('grpc_a5_normal', 'GrpcA5Normal');
const fifo = consumer('grpc_a5_fifo', 'GrpcA5Fifo');
const delay = consumer('grpc_a5_delay', 'GrpcA5Delay');
// Consumers first: a new POP group starts at the queue's end (5.x ConsumeInitMode.MAX).
for (const c of [normal, fifo, delay]) await c.startup();
// No topics at start-up: rocketmq-client-nodejs 1.0.8 with several waits forever when its settings answer beats its
// route queries (the answer arrives before it starts waiting; seen with this endpoint, README).
const producer = new Producer({ endpoints, namespace: '', logger: quiet });
await producer.startup();

const N = 50;
const sentNormal = new Set();
for (let i = 0; i < N; i++) {
  const r = await producer.send({ topic: 'GrpcA5Normal', tag: 'a5', keys: [`k${i}`], body: Buffer.from(`normal-${i}`) });
  sentNormal.add(r.messageId);
}
check(sentNormal.size === N, `sent ${sentNormal.size}/${N} NORMAL`);

const F = 20;
for (let i = 0; i < F; i++) {
  await producer.send({ topic: 'GrpcA5Fifo', tag: 'a5', messageGroup: `mg${i % 2}`, body: Buffer.from(`mg${i % 2}:${Math.floor(i / 2)}`) });
}
check(true, `sent ${F} FIFO in 2 message groups`);

const D = 5;
const delayMs = 5_000;
const due = Date.now() + delayMs;
for (let i = 0; i < D; i++) {
  await producer.send({ topic: 'GrpcA5Delay', tag: 'a5', delay: delayMs, body: Buffer.from(`delay-${i}`) });
}
check(true, `sent ${D} DELAY (+${delayMs} ms)`);

const gotNormal = await drain(normal, N);
const ids = new Set(gotNormal.map((x) => x.m.messageId));
check(ids.size === N && [...ids].every((id) => sentNormal.has(id)), `NORMAL received and acked ${ids.size}/${N}`);
check(gotNormal.every((x) => x.m.tag === 'a5' && x.m.keys.length === 1), 'NORMAL tag and keys kept');

const gotFifo = await drain(fifo, F);
const perGroup = new Map();
for (const { m } of gotFifo) {
  const [g, seq] = m.body.toString().split(':');
  perGroup.set(g, [...(perGroup.get(g) ?? []), Number(seq)]);
}
const inOrder = [...perGroup.values()].every((seqs) => seqs.every((s, i) => s === i));
check(gotFifo.length === F && inOrder, `FIFO received ${gotFifo.length}/${F}, in order per message group: ${inOrder}`);

const gotDelay = await drain(delay, D, 60_000);
const early = gotDelay.filter((x) => x.at < due - 200).length;
check(gotDelay.length === D && early === 0, `DELAY received ${gotDelay.length}/${D}, early ${early}, latest ${Math.max(0, ...gotDelay.map((x) => x.at - due))} ms after due`);

if (process.env.GRPC_A5_ON_READY) {
  try {
    console.log(execSync(process.env.GRPC_A5_ON_READY, { encoding: 'utf8', timeout: 60_000 }).trim());
  } catch (err) {
    console.log(`(${process.env.GRPC_A5_ON_READY} failed: ${err.message})`);
  }
}

await producer.shutdown();
for (const c of [normal, fifo, delay]) await c.shutdown();
if (failures.length) {
  console.log(`GRPC APACHE5 CHECK FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('GRPC APACHE5 CHECK PASSED');
process.exit(0);
