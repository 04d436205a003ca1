// The gRPC part of the demo traffic: Apache RocketMQ's official Node.js 5.x client (rocketmq-client-nodejs, a
// devDependency, loaded when present) sends through the gRPC endpoint and a group of SimpleConsumers receives and
// acks by POP, so the console shows a POP group with gRPC members from the first minute.

import type { AdminClient } from '../admin/index.ts';
import type { Logger } from '../common/log.ts';

export const DEMO_GRPC_TOPIC = 'DemoGrpcEvents';
export const DEMO_GRPC_GROUP = 'demo-grpc-cg';
export const DEMO_GRPC_MEMBERS = 2;
const PACKAGE = 'rocketmq-client-nodejs';

export interface DemoGrpcTraffic {
  sent(): number;
  consumed(): number;
  stop(): Promise<void>;
}

/** The client's own log: its errors and warnings as one of our lines every 10 s at most, the rest dropped. */
function clientLogger(log: Logger): Record<'info' | 'warn' | 'error' | 'debug', (...a: unknown[]) => void> {
  let last = 0;
  const forward = (...a: unknown[]): void => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    log.warn('demo_grpc_client_warning', { message: a.map((x) => (x instanceof Error ? x.message : typeof x === 'string' ? x : JSON.stringify(x))).join(' ') });
  };
  return { info() {}, debug() {}, warn: forward, error: forward };
}

/**
 * Starts the gRPC producer and consumers against `endpoint`; undefined (with a log line saying why) when the client
 * package is not installed, e.g. after `npm ci --omit=dev`.
 */
export async function startDemoGrpcTraffic(opts: {
  endpoint: string; admin: AdminClient; clusterName: string; rate: number; log: Logger;
  /** The client package's name (tests name a missing one). */
  clientPackage?: string;
}): Promise<DemoGrpcTraffic | undefined> {
  const { log } = opts;
  const pkg = opts.clientPackage ?? PACKAGE;
  let sdk: typeof import('rocketmq-client-nodejs');
  try {
    sdk = await import(pkg);
  } catch (err) {
    log.warn('demo_grpc_skipped', { reason: `${pkg} is not installed (a devDependency: npm ci installs it, npm ci --omit=dev does not)`, error: err });
    return undefined;
  }
  const t = await opts.admin.createOrUpdateTopic({ clusterName: opts.clusterName }, { topic: DEMO_GRPC_TOPIC, readQueueNums: 4, writeQueueNums: 4 });
  if (t.errors.length) log.warn('demo_topic_partial', { topic: DEMO_GRPC_TOPIC, errors: t.errors });
  const g = await opts.admin.createOrUpdateSubGroup({ clusterName: opts.clusterName }, { groupName: DEMO_GRPC_GROUP });
  if (g.errors.length) log.warn('demo_group_partial', { group: DEMO_GRPC_GROUP, errors: g.errors });

  const clientLog = clientLogger(log);
  const logger = clientLog as never;
  const stopper = new AbortController();
  let sent = 0;
  let consumed = 0;
  const consumers = Array.from({ length: DEMO_GRPC_MEMBERS }, () => new sdk.SimpleConsumer({
    endpoints: opts.endpoint, namespace: '', consumerGroup: DEMO_GRPC_GROUP, subscriptions: new Map([[DEMO_GRPC_TOPIC, '*']]), awaitDuration: 10_000, logger,
  }));
  // No topics at start-up: the 1.0.8 client can miss its settings answer when it also fetches routes then.
  const producer = new sdk.Producer({ endpoints: opts.endpoint, namespace: '', logger });
  await Promise.all(consumers.map((c) => c.startup()));
  await producer.startup();

  const loops = consumers.map(async (c) => {
    while (!stopper.signal.aborted) {
      try {
        for (const m of await c.receive(16, 30_000)) {
          await c.ack(m);
          consumed++;
        }
      } catch (err) {
        if (stopper.signal.aborted) break;
        clientLog.warn('receive failed', err);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  });
  const intervalMs = 1000 / Math.max(opts.rate, 0.1);
  loops.push((async () => {
    let seq = 0;
    while (!stopper.signal.aborted) {
      const started = Date.now();
      const id = `grpc-${Date.now()}-${seq++}`;
      try {
        await producer.send({ topic: DEMO_GRPC_TOPIC, tag: seq % 2 ? 'login' : 'logout', keys: [id], body: Buffer.from(JSON.stringify({ id, at: new Date().toISOString() })) });
        sent++;
      } catch (err) {
        clientLog.warn('send failed', err);
      }
      const wait = Math.max(0, intervalMs - (Date.now() - started));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        stopper.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
  })());
  log.info('demo_grpc_traffic_started', { endpoint: opts.endpoint, topic: DEMO_GRPC_TOPIC, group: DEMO_GRPC_GROUP, members: DEMO_GRPC_MEMBERS });
  return {
    sent: () => sent,
    consumed: () => consumed,
    async stop() {
      stopper.abort();
      // A receive long-polls up to its await duration; shutting the consumers down ends it.
      await producer.shutdown().catch(() => undefined);
      await Promise.all(consumers.map((c) => c.shutdown().catch(() => undefined)));
      await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 15_000).unref())]);
    },
  };
}
