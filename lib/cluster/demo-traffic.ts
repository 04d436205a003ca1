// Demo traffic for `rocketdeck up`: creates the demo topics and groups, then keeps producers and consumers busy,
// with one deliberately slow group so lag is visible in the console.

import { AdminClient } from '../admin/index.ts';
import { Producer, PushConsumer } from '../client/index.ts';
import { createLogger, type Logger } from '../common/log.ts';
import { DEMO_GRPC_GROUP, startDemoGrpcTraffic, type DemoGrpcTraffic } from './demo-grpc.ts';

export const DEMO_CLUSTER = 'DefaultCluster';

export interface DemoTopic {
  topic: string;
  queues: number;
  tags: string[];
}

export const DEMO_TOPICS: DemoTopic[] = [
  { topic: 'DemoOrders', queues: 8, tags: ['created', 'paid', 'shipped'] },
  { topic: 'DemoPayments', queues: 4, tags: ['card', 'wallet'] },
  { topic: 'DemoEvents', queues: 4, tags: ['click', 'view'] },
];

export interface DemoGroup {
  group: string;
  topic: string;
  members: number;
  broadcast?: boolean;
  /** Messages per second the group manages at most (the slow group lags behind the producers). */
  maxRatePerMember?: number;
}

export const DEMO_GROUPS: DemoGroup[] = [
  { group: 'demo-orders-cg', topic: 'DemoOrders', members: 2 },
  { group: 'demo-payments-cg', topic: 'DemoPayments', members: 1 },
  { group: 'demo-events-broadcast', topic: 'DemoEvents', members: 2, broadcast: true },
  { group: 'demo-slow-cg', topic: 'DemoOrders', members: 1, maxRatePerMember: 2 },
];

export interface DemoTrafficOptions {
  namesrvAddr: string;
  /** Messages per second per topic. */
  rate: number;
  offsetStoreDir?: string;
  logger?: Logger;
  /** host:port of a gRPC endpoint: the official Node.js client's producer and POP consumers run there too. */
  grpcEndpoint?: string;
}

export interface DemoTraffic {
  stats(): { sent: number; sendErrors: number; consumed: Record<string, number> };
  stop(): Promise<void>;
}

async function ensureTopicsAndGroups(admin: AdminClient, log: Logger): Promise<void> {
  for (const t of DEMO_TOPICS) {
    const res = await admin.createOrUpdateTopic({ clusterName: DEMO_CLUSTER }, { topic: t.topic, readQueueNums: t.queues, writeQueueNums: t.queues });
    if (res.errors.length) log.warn('demo_topic_partial', { topic: t.topic, errors: res.errors });
  }
  for (const g of DEMO_GROUPS) {
    const res = await admin.createOrUpdateSubGroup({ clusterName: DEMO_CLUSTER }, { groupName: g.group, consumeBroadcastEnable: g.broadcast === true });
    if (res.errors.length) log.warn('demo_group_partial', { group: g.group, errors: res.errors });
  }
}

/** Sleeps `ms` unless the signal aborts first. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export async function startDemoTraffic(opts: DemoTrafficOptions): Promise<DemoTraffic> {
  const log = opts.logger ?? createLogger('demo-traffic');
  const admin = new AdminClient({ namesrvAddr: opts.namesrvAddr });
  let grpc: DemoGrpcTraffic | undefined;
  try {
    await ensureTopicsAndGroups(admin, log);
    if (opts.grpcEndpoint) {
      grpc = await startDemoGrpcTraffic({ endpoint: opts.grpcEndpoint, admin, clusterName: DEMO_CLUSTER, rate: opts.rate, log })
        .catch((err: unknown) => {
          log.warn('demo_grpc_failed', { endpoint: opts.grpcEndpoint, error: err });
          return undefined;
        });
    }
  } finally {
    await admin.close();
  }

  const consumed: Record<string, number> = {};
  const consumers: PushConsumer[] = [];
  for (const g of DEMO_GROUPS) {
    consumed[g.group] = 0;
    for (let m = 0; m < g.members; m++) {
      const c = new PushConsumer({
        group: g.group,
        namesrvAddr: opts.namesrvAddr,
        instanceName: `${g.group}-${m}`,
        messageModel: g.broadcast ? 'BROADCASTING' : 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        offsetStoreDir: opts.offsetStoreDir,
        logger: log,
        ...(g.maxRatePerMember ? { consumeThreadMin: 1, consumeThreadMax: 1, pullBatchSize: 4 } : {}),
      });
      c.subscribe(g.topic, '*');
      const delayMs = g.maxRatePerMember ? 1000 / g.maxRatePerMember : 0;
      c.onMessage(async () => {
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        consumed[g.group]!++;
        return 'CONSUME_SUCCESS' as const;
      });
      await c.start();
      consumers.push(c);
    }
  }

  const producers = DEMO_TOPICS.map(
    (t) => [t, new Producer({ group: `demo-producer-${t.topic.toLowerCase()}`, namesrvAddr: opts.namesrvAddr, instanceName: `demo-producer-${t.topic}`, logger: log })] as const,
  );
  for (const [, p] of producers) await p.start();

  const stopper = new AbortController();
  let sent = 0;
  let sendErrors = 0;
  let lastErrorLog = 0;
  const loops = producers.map(async ([t, p]) => {
    const intervalMs = 1000 / Math.max(opts.rate, 0.1);
    let seq = 0;
    while (!stopper.signal.aborted) {
      const started = Date.now();
      const tag = t.tags[seq % t.tags.length]!;
      const id = `${t.topic.toLowerCase()}-${Date.now()}-${seq++}`;
      try {
        await p.send({ topic: t.topic, tags: tag, keys: id, body: JSON.stringify({ id, tag, at: new Date().toISOString(), amount: (seq * 37) % 1000 }) });
        sent++;
      } catch (err) {
        sendErrors++;
        if (Date.now() - lastErrorLog > 10_000) {
          lastErrorLog = Date.now();
          log.warn('demo_send_failed', { topic: t.topic, error: err });
        }
      }
      await pause(Math.max(0, intervalMs - (Date.now() - started)), stopper.signal);
    }
  });
  log.info('demo_traffic_started', { topics: DEMO_TOPICS.map((t) => t.topic), groups: DEMO_GROUPS.map((g) => g.group), rate: opts.rate });

  return {
    stats: () => ({
      sent: sent + (grpc?.sent() ?? 0), sendErrors, consumed: { ...consumed, ...(grpc ? { [DEMO_GRPC_GROUP]: grpc.consumed() } : {}) },
    }),
    async stop() {
      stopper.abort();
      await grpc?.stop();
      await Promise.all(loops);
      await Promise.all(producers.map(([, p]) => p.shutdown()));
      await Promise.all(consumers.map((c) => c.shutdown()));
    },
  };
}
