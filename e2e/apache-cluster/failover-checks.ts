// Master down with an Apache RocketMQ 4.9.8 slave: the SDK keeps consuming from the slave and the admin client
// names the missing master. Stops the master (pid in MASTER_PID_FILE), so it runs last. Prints RESULT lines like
// sdk-checks.ts. Usage: NAMESRV_ADDR=... MASTER_PID_FILE=RUN_DIR/broker.pid npx tsx e2e/apache-cluster/failover-checks.ts

import { readFileSync } from 'node:fs';
import { setLogSink } from '../../lib/common/log.ts';
import { waitFor } from '../../lib/common/wait-for.ts';
import { AdminClient } from '../../lib/admin/index.ts';
import { Producer, PushConsumer } from '../../lib/client/index.ts';

const NAMESRV = process.env.NAMESRV_ADDR;
const PID_FILE = process.env.MASTER_PID_FILE;
if (!NAMESRV || !PID_FILE) {
  console.error('NAMESRV_ADDR and MASTER_PID_FILE must be set');
  process.exit(2);
}
if (!process.env.ROCKETDECK_SDK_LOGS) setLogSink(() => {});

const RUN = Date.now().toString(36);
const FAST = { pollNameServerInterval: 1000, heartbeatBrokerInterval: 1000, persistConsumerOffsetInterval: 500 };
const admin = new AdminClient({ namesrvAddr: NAMESRV, timeoutMs: 3000 });
let failed = 0;

async function run(name: string, fn: () => Promise<string>): Promise<void> {
  const t0 = Date.now();
  try {
    console.log(`RESULT ${name} OK ${await fn()} (${Date.now() - t0} ms)`);
  } catch (err) {
    failed++;
    console.log(`RESULT ${name} FAIL ${(err as Error).name}: ${(err as Error).message} (${Date.now() - t0} ms)`);
  }
}

const { brokers } = await admin.clusterList();
const master = brokers.find((b) => b.brokerId === 0);
const slave = brokers.find((b) => b.brokerId !== 0);
if (!master || !slave) {
  console.log('RESULT failover.setup FAIL needs a master and a slave (start-apache.sh with WITH_SLAVE=1)');
  process.exit(1);
}

const topic = `SdkFailover_${RUN}`;
await run('failover.slaveCaughtUp', async () => {
  const r = await admin.createOrUpdateTopic({ clusterName: 'DefaultCluster' }, { topic, readQueueNums: 2, writeQueueNums: 2 });
  if (r.errors.length > 0) throw new Error(`updateTopic: ${JSON.stringify(r.errors)}`);
  const producer = new Producer({ group: `failover_p_${RUN}`, namesrvAddr: NAMESRV, ...FAST });
  await producer.start();
  await waitFor('route', async () => (await admin.topicRoute(topic).catch(() => undefined))?.queueDatas.length === 1);
  for (let i = 0; i < 20; i++) await producer.send({ topic, body: `f-${i}` });
  await producer.shutdown();
  const maxOffset = async (addr: string) => Number((await admin.brokerRuntimeInfo(addr)).commitLogMaxOffset);
  await waitFor('slave commit log = master commit log', async () => (await maxOffset(slave.brokerAddr)) >= (await maxOffset(master.brokerAddr)), 30_000);
  // A slave serves pulls only for topics it knows: it copies the master's topic configs every 10 s.
  await waitFor('slave knows the topic', async () => (await admin.brokerTopicNames(slave.brokerAddr)).includes(topic), 30_000);
  return `20 messages and the topic config on ${master.brokerAddr}, copied to ${slave.brokerAddr}`;
});

// Stop the master and wait until its port refuses connections.
process.kill(Number(readFileSync(PID_FILE, 'utf8').trim()), 'SIGTERM');
await waitFor('master gone', async () => {
  try {
    await admin.brokerRuntimeInfo(master.brokerAddr);
    return false;
  } catch {
    return true;
  }
}, 30_000);

await run('failover.consumeFromSlave', async () => {
  const got = new Set<string>();
  const pc = new PushConsumer({ group: `failover_c_${RUN}`, namesrvAddr: NAMESRV, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', rebalanceInterval: 1000, ...FAST });
  pc.subscribe(topic).onMessage((m) => {
    got.add(m.body.toString());
  });
  await pc.start();
  try {
    await waitFor('20 messages from the slave', () => got.size === 20, 60_000);
    return 'a new group read all 20 messages from the slave';
  } finally {
    await pc.shutdown();
  }
});

await run('failover.adminNamesMissingMaster', async () => {
  const r = await admin.clusterList();
  const text = JSON.stringify({ errors: r.errors, warnings: r.warnings });
  const listed = r.brokers.some((b) => b.brokerAddr === master.brokerAddr);
  // the nameservers drop the master once its connection closes; while it is listed, it must be named as unreachable
  if (listed && !text.includes(master.brokerAddr)) throw new Error(`master not named: ${text}`);
  const st = await admin.brokerStatus({ clusterName: 'DefaultCluster' });
  return `master ${listed ? 'listed and named in errors' : 'no longer listed'}; brokerStatus answered by ${st.brokers.length} broker(s), ${st.errors.length} error(s)`;
});

await run('failover.adminWritesNameTheMasterlessGroup', async () => {
  const w = await admin.createOrUpdateTopic({ clusterName: 'DefaultCluster' }, { topic: `${topic}_new`, readQueueNums: 2, writeQueueNums: 2 });
  if (w.done.length !== 0 || !w.errors.some((e) => e.brokerName === 'broker-a' && /no master/.test(e.error))) throw new Error(`updateTopic: ${JSON.stringify(w)}`);
  const sent = await admin.sendTestMessage({ topic, body: 'x' }).then(() => 'sent', (e: Error) => e.message);
  if (!/no broker group of its route has a master/.test(sent)) throw new Error(`sendTestMessage: ${sent}`);
  return `updateTopic names broker-a (${w.errors[0]!.error}); a test send says no master`;
});

await admin.close();
console.log(failed === 0 ? 'ALL OK' : `${failed} FAILED`);
process.exit(failed === 0 ? 0 : 1);
