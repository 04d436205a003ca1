// Client integration harness: a real nameserver and broker processes, topics created through the broker, and
// consumer child processes (it/consumer-proc.ts) that report what they receive as JSON lines.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnBroker, spawnNamesrv, TestClient, waitFor, type BrokerProcess, type NamesrvProcess } from '../../broker/it/harness.ts';
import { ClientInstance } from '../client-instance.ts';
import { resolveClientConfig } from '../client-config.ts';
import { silentLogger } from './fake-cluster.ts';

export { waitFor };

export interface TestCluster {
  ns: NamesrvProcess;
  brokers: BrokerProcess[];
  /** One admin-style client per broker. */
  admins: TestClient[];
  namesrvAddr: string;
  /** Creates `topic` with `queues` queues on every (or the given) broker and waits until the nameserver routes it. */
  createTopic(topic: string, queues: number, brokerIndexes?: number[]): Promise<void>;
  stop(): Promise<void>;
}

/** A nameserver and `brokerCount` broker groups (masters named broker-a, broker-b, ...). */
export async function startCluster(brokerCount: number, props: Record<string, string | number | boolean> = {}): Promise<TestCluster> {
  const ns = await spawnNamesrv();
  const brokers: BrokerProcess[] = [];
  try {
    for (let i = 0; i < brokerCount; i++) {
      // haListenPort 0: several brokers on one host must not share RocketMQ's default HA port.
      brokers.push(await spawnBroker({ namesrv: ns.address, props: { brokerClusterName: 'ClientIt', brokerName: `broker-${String.fromCharCode(97 + i)}`, haListenPort: 0, ...props } }));
    }
  } catch (err) {
    await Promise.all(brokers.map((b) => b.destroy()));
    await ns.stop();
    throw err;
  }
  const admins = brokers.map((b) => new TestClient(b.address));
  const probe = ClientInstance.acquire(resolveClientConfig({ namesrvAddr: ns.address, logger: silentLogger }));
  return {
    ns,
    brokers,
    admins,
    namesrvAddr: ns.address,
    async createTopic(topic, queues, brokerIndexes = brokers.map((_, i) => i)) {
      for (const i of brokerIndexes) await admins[i]!.createTopic(topic, queues);
      await waitFor(`route of ${topic} on ${brokerIndexes.length} broker(s)`, async () => {
        const r = await probe.api.getTopicRouteInfoFromNameServer(topic, 3000).catch(() => undefined);
        return r !== undefined && r.queueDatas.length === brokerIndexes.length;
      }, 20_000);
    },
    async stop() {
      await probe.release();
      await Promise.all(admins.map((a) => a.close()));
      await Promise.all(brokers.map((b) => b.destroy()));
      await ns.stop();
    },
  };
}

const CONSUMER_PROC = fileURLToPath(new URL('./consumer-proc.ts', import.meta.url));

/** One line a consumer process prints. */
export type ProcEvent =
  | { event: 'ready'; clientId: string }
  | { event: 'assigned'; queues: string[]; at: number }
  | { event: 'msg'; msgId: string; queue: string; offset: number; body: string; reconsumeTimes: number; at: number }
  | { event: 'error'; message: string };

export interface ConsumerProcess {
  child: ChildProcess;
  clientId: string;
  /** Events in arrival order. */
  events: ProcEvent[];
  /** Latest assignment this consumer reported (queues as "broker:queueId"). */
  assigned(): string[];
  messages(): Array<Extract<ProcEvent, { event: 'msg' }>>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Runs a PushConsumer in a child process; `options` are PushConsumerOptions plus `topic` and `subExpression`. */
export async function spawnConsumer(options: Record<string, unknown>): Promise<ConsumerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CONSUMER_PROC, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: ProcEvent[] = [];
  let buf = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr = (stderr + c).slice(-4000);
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l.trim()) events.push(JSON.parse(l) as ProcEvent);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => (alive = false));
  await waitFor('consumer process ready', () => {
    if (!alive) throw new Error(`consumer process exited: ${stderr}`);
    return events.some((e) => e.event === 'ready');
  }, 30_000);
  const ready = events.find((e) => e.event === 'ready') as Extract<ProcEvent, { event: 'ready' }>;
  return {
    child,
    clientId: ready.clientId,
    events,
    assigned() {
      for (let i = events.length - 1; i >= 0; i--) {
        const e = events[i]!;
        if (e.event === 'assigned') return e.queues;
      }
      return [];
    },
    messages() {
      return events.filter((e): e is Extract<ProcEvent, { event: 'msg' }> => e.event === 'msg');
    },
    async kill(signal) {
      if (alive) child.kill(signal);
      await exited;
    },
  };
}
